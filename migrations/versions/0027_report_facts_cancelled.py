"""report facts cancelled: which left-out dates were cancelled, and the households with a hearing by index

The representation report counts the households with a hearing in the period, rescheduled ones
included and cancelled ones not; the appearance facts said only "left out" for both. The facts are
derived: they are emptied here, with report_facts_built, so that every program is rebuilt with the
new column at its next report or run of the job.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 11:41:34
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute('DELETE FROM report_facts_built')
    op.execute('DELETE FROM report_appearance_facts')
    with op.batch_alter_table('report_appearance_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_report_appearance_facts_program_category', ['program_id', 'category', 'cancelled', 'local_date', 'family_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_appearance_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_appearance_facts_program_category')
        batch_op.drop_column('cancelled')
