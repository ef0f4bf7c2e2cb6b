"""immigration courts: when and where each row was checked, closed courts

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 01:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('courts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('replaced_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('checked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('source_url', sa.String(length=300), nullable=True))
        # Closed means inactive: a court with a closing date is never offered for new dates.
        batch_op.create_check_constraint('closed_is_inactive', 'closed_on IS NULL OR NOT active')


def downgrade() -> None:
    with op.batch_alter_table('courts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_courts_closed_is_inactive'), type_='check')
        batch_op.drop_column('source_url')
        batch_op.drop_column('checked_on')
        batch_op.drop_column('replaced_by')
        batch_op.drop_column('closed_on')
