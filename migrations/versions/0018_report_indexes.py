"""indexes for the reports: each filter and breakdown path of a program's figures

A program's reports reach their rows through its families and cases, then narrow by period:
appointments by case and local date (and by court or office and date for those filters), the head
of each household for the household language, consents to reminders withdrawn in a period
(opt-outs), tasks raised in a period by their title key (interpreter calls) and change-of-address
tasks by kind and due date (deadlines).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 06:45:00
"""

from alembic import op


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

INDEXES = {
    "appointments": [
        ("ix_appointments_case_local_date", ["case_id", "local_date"]),
        ("ix_appointments_court_local_date", ["court_id", "local_date"]),
        ("ix_appointments_office_local_date", ["office_id", "local_date"]),
    ],
    "members": [
        ("ix_members_family_head", ["family_id", "relationship_to_head", "preferred_language"]),
    ],
    "consents": [
        ("ix_consents_kind_revoked", ["kind", "revoked_on"]),
    ],
    "tasks": [
        ("ix_tasks_title_key_created", ["title_key", "created_at"]),
        ("ix_tasks_kind_due", ["kind", "due_on"]),
    ],
}


def upgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes:
                batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, indexes in reversed(list(INDEXES.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _columns in reversed(indexes):
                batch_op.drop_index(name)
