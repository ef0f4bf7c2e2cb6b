"""latest returnee outcome: each returnee's latest recorded situation marked, one at most

The returnee list counts where people stand at their latest recorded situation. Found by
comparing every record of the organization with the others (none later, nor later the same day),
it cost more than the rest of the page. The latest record of each returnee is now marked when it
is recorded, and a unique partial index keeps it one per returnee. Existing records are marked
here by the same rule.

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


def downgrade() -> None:
    with op.batch_alter_table("returnee_outcomes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_returnee_outcomes_latest", postgresql_where=sa.text("is_latest"), sqlite_where=sa.text("is_latest")
        )
        batch_op.drop_column("is_latest")
