"""open follow-ups by due date: the returnee list reads the first few in order from a small index

The returnee list's "due" are the open reintegration follow-ups (tasks keyed
'reintegration.follow_up'), soonest first. Without an index of their own, each request joined
every open task of the organization's cases and sorted them all. Follow-ups planned before tasks
had keys (revision 0017) are given theirs here: the tasks of a dated follow-up (an appointment of
kind "other" pointing at its task) of a returnee case. Their stored text stays what they show.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 12:35:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

OPEN_FOLLOW_UPS = "completed_at IS NULL AND title_key = 'reintegration.follow_up'"


def upgrade() -> None:
    op.execute(
        "UPDATE tasks SET title_key = 'reintegration.follow_up' WHERE title_key IS NULL AND id IN ("
        " SELECT appointments.follow_up_task_id FROM appointments"
        " JOIN returnee_cases ON returnee_cases.case_id = appointments.case_id"
        " WHERE appointments.follow_up_task_id IS NOT NULL AND appointments.kind = 'other')"
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_open_follow_ups_due', ['due_on', 'id'], unique=False,
                              postgresql_where=sa.text(OPEN_FOLLOW_UPS), sqlite_where=sa.text(OPEN_FOLLOW_UPS))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_follow_ups_due',
                            postgresql_where=sa.text(OPEN_FOLLOW_UPS), sqlite_where=sa.text(OPEN_FOLLOW_UPS))
