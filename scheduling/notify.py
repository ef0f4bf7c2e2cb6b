"""Emails to staff and partners, queued as rows and sent by the reminder sweep."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from casework.db import utcnow
from scheduling.channels import Channel, DeliveryError, Outgoing
from scheduling.models import Notification, ReminderStatus
from scheduling.outbox import BACKOFF_FIRST, BACKOFF_MAX, claim

MAX_ATTEMPTS = 10


def queue_email(session: Session, recipients: list[str], subject: str, body: str) -> list[Notification]:
    """One row per recipient; the caller commits with the change it announces."""
    rows = [
        Notification(recipient=to, subject=subject[:200], body=body, status=ReminderStatus.PLANNED, due_at=utcnow())
        for to in dict.fromkeys(r for r in recipients if r)
    ]
    session.add_all(rows)
    session.flush()
    return rows


def send_due(session: Session, sender: Channel, now: datetime, result: Any, limit: int = 200) -> None:
    while True:
        ids = claim(session, now, limit, Notification)
        if not ids:
            return
        for row in session.query(Notification).filter(Notification.id.in_(ids)).order_by(Notification.id):
            values: dict[str, Any]
            try:
                sender.send(Outgoing(to=row.recipient, subject=row.subject, text=row.body))
            except DeliveryError as error:
                failed = error.permanent or row.attempts >= MAX_ATTEMPTS
                wait = min(BACKOFF_FIRST * (2 ** (row.attempts - 1)), BACKOFF_MAX)
                values = {
                    "status": ReminderStatus.FAILED if failed else ReminderStatus.PLANNED,
                    "due_at": row.due_at if failed else now + wait,
                    "last_error": str(error)[:300],
                }
            else:
                values = {"status": ReminderStatus.SENT, "sent_at": utcnow(), "last_error": None}
                result.notifications += 1
            session.execute(
                update(Notification)
                .where(Notification.id == row.id, Notification.claim_token == row.claim_token)
                .values(claim_token=None, claimed_until=None, **values)
                .execution_options(synchronize_session=False)
            )
            session.commit()
        if len(ids) < limit:
            return
