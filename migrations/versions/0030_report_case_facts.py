"""report case facts: each program case's manager, household language, status, opening and closing, and the overdue tasks counted, for the caseload report

The caseload report read every case of the program through its households at each request, and
every case's open tasks. The rebuild of the report facts now copies them. Like the other report
tables they are derived, UNLOGGED on PostgreSQL (see 0026), and every program's facts are marked
unbuilt so that the next report or run of the job builds these too.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 12:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

TABLES = ('report_overdue_tasks', 'report_case_facts')


def upgrade() -> None:
    op.create_table('report_overdue_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=12), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['organizations.id'], name=op.f('fk_report_overdue_tasks_program_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_overdue_tasks'))
    )
    with op.batch_alter_table('report_overdue_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_report_overdue_tasks_program', ['program_id'], unique=False)

    op.create_table('report_case_facts',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=12), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closed_reason', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_report_case_facts_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['organizations.id'], name=op.f('fk_report_case_facts_program_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_report_case_facts'))
    )
    with op.batch_alter_table('report_case_facts', schema=None) as batch_op:
        batch_op.create_index('ix_report_case_facts_program', ['program_id', 'status'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        for table in TABLES:
            op.execute(f'ALTER TABLE {table} SET UNLOGGED')
    op.execute('DELETE FROM report_facts_built')


def downgrade() -> None:
    with op.batch_alter_table('report_case_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_report_case_facts_program')

    op.drop_table('report_case_facts')
    with op.batch_alter_table('report_overdue_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_report_overdue_tasks_program')

    op.drop_table('report_overdue_tasks')
