"""scheduler runs: when each scheduled job last started, ended and ended well, for /metrics

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 12:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_runs',
    sa.Column('job_id', sa.String(length=100), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_scheduler_runs'))
    )


def downgrade() -> None:
    op.drop_table('scheduler_runs')
