"""task titles stored as a kind and its values; what closing a case did with its appointments

Tasks the system raises keep their English `title` (search and exports) and gain `title_key` and
`title_values`, from which the title is written in each reader's language. Existing change-of-address
tasks are recognised by their kind and get their key; other generated tasks made before this
revision keep their stored text only (their language is the creator's and is not guessed from it).

`case_events` records each closing and reopening of a case with the facts of what became of its
appointments and reminders.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

ADDRESS_KEYS = {
    'address_change_court': 'cases.address_change_court',
    'address_change_uscis': 'cases.address_change_uscis',
}


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_key', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('title_values', sa.JSON(), nullable=True))

    tasks = sa.table('tasks', sa.column('kind', sa.String), sa.column('title_key', sa.String),
                     sa.column('title_values', sa.JSON))
    for kind, key in ADDRESS_KEYS.items():
        op.execute(tasks.update().where(tasks.c.kind == kind).values(title_key=key, title_values={}))

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('closed', 'reopened', name='case_event_kind', native_enum=False, create_constraint=True,
                              length=8), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_events_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_created', ['case_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case_created')
    op.drop_table('case_events')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('title_values')
        batch_op.drop_column('title_key')
