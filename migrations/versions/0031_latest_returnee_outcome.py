"""latest returnee outcome: each returnee's latest recorded situation marked, and counted

The returnee list counts where people stand at their latest recorded situation. Found by
comparing every record of the organization with the others (none later, nor later the same day),
it cost more than the rest of the page, and grew with the organization. The latest record of
each returnee is now marked when it is recorded (a unique partial index keeps it one per
returnee), and the organization's counts of them kept in a row of their own. Existing records
are marked and counted here by the same rules.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 21:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("returnee_outcomes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_latest", sa.Boolean(), server_default=sa.false(), nullable=False))
    outcomes = sa.table(
        "returnee_outcomes",
        sa.column("id", sa.Integer),
        sa.column("returnee_case_id", sa.Integer),
        sa.column("recorded_on", sa.Date),
        sa.column("is_latest", sa.Boolean),
    )
    newer = outcomes.alias("newer")
    op.execute(
        outcomes.update()
        .where(
            ~sa.exists().where(
                newer.c.returnee_case_id == outcomes.c.returnee_case_id,
                sa.or_(
                    newer.c.recorded_on > outcomes.c.recorded_on,
                    sa.and_(newer.c.recorded_on == outcomes.c.recorded_on, newer.c.id > outcomes.c.id),
                ),
            )
        )
        .values(is_latest=True)
    )
    with op.batch_alter_table("returnee_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            "uq_returnee_outcomes_latest",
            ["returnee_case_id"],
            unique=True,
            postgresql_where=sa.text("is_latest"),
            sqlite_where=sa.text("is_latest"),
        )
    op.create_table(
        "returnee_outcome_figures",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("recorded", sa.Integer(), nullable=False),
        sa.Column("documents_obtained", sa.Integer(), nullable=False),
        sa.Column("children_in_school", sa.Integer(), nullable=False),
        sa.Column("working_or_training", sa.Integer(), nullable=False),
        sa.Column("at_risk", sa.Integer(), nullable=False),
        sa.Column("migrated_again", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_returnee_outcome_figures_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_returnee_outcome_figures")),
    )
    op.execute(
        "INSERT INTO returnee_outcome_figures (organization_id, recorded, documents_obtained, children_in_school,"
        " working_or_training, at_risk, migrated_again)"
        " SELECT returnee_cases.organization_id, count(*),"
        " sum(CASE WHEN returnee_outcomes.documents_obtained = 'yes' THEN 1 ELSE 0 END),"
        " sum(CASE WHEN returnee_outcomes.children_in_school = 'yes' THEN 1 ELSE 0 END),"
        " sum(CASE WHEN returnee_outcomes.work IN ('employed', 'self_employed', 'in_training') THEN 1 ELSE 0 END),"
        " sum(CASE WHEN returnee_outcomes.safety IN ('at_risk', 'displaced') THEN 1 ELSE 0 END),"
        " sum(CASE WHEN returnee_outcomes.migrated_again = 'yes' THEN 1 ELSE 0 END)"
        " FROM returnee_outcomes JOIN returnee_cases ON returnee_cases.id = returnee_outcomes.returnee_case_id"
        " WHERE returnee_outcomes.is_latest GROUP BY returnee_cases.organization_id"
    )


def downgrade() -> None:
    op.drop_table("returnee_outcome_figures")
    with op.batch_alter_table("returnee_outcomes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_returnee_outcomes_latest", postgresql_where=sa.text("is_latest"), sqlite_where=sa.text("is_latest")
        )
        batch_op.drop_column("is_latest")
