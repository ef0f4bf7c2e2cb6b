"""returnee list index: an organization's cases of one status in the list's order

The list of returnee cases (open ones first of all) is a page of an organization's cases of one
status, latest return first: read backwards from this index instead of joining and sorting all of
them. It replaces the index of (organization_id, status), its first two columns.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 12:30:00
"""
from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('returnee_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returnee_cases_org_status'))
        batch_op.create_index('ix_returnee_cases_org_status_returned', ['organization_id', 'status', 'returned_on', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('returnee_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_returnee_cases_org_status_returned')
        batch_op.create_index(batch_op.f('ix_returnee_cases_org_status'), ['organization_id', 'status'], unique=False)
