"""report facts unlogged on PostgreSQL: the derived report tables, rebuilt every few minutes, write no WAL

The report facts are worked out again from the records at every rebuild (every program every five
minutes): written to the WAL, each rebuild of 100,000 households wrote some 150 MB of it, for data
that can be emptied at any time. Unlogged, they are emptied after a crash of the database server,
together with report_facts_built, so every program reads as never built and is rebuilt at its next
report or run of the job. SQLite has no such thing: nothing changes there.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 10:05:00
"""
from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# report_facts_built last: an unlogged table may refer to a logged one, not the other way round,
# and none of these refers to another.
TABLES = (
    'report_appearance_facts',
    'report_appearance_months',
    'report_reminder_months',
    'report_child_facts',
    'report_facts_built',
)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} SET UNLOGGED')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} SET LOGGED')
