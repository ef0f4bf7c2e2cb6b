"""The outbox tables' claim: due rows of reminders or notifications taken by one process under a
lease, so that any number of dispatchers may sweep at once and a dead one loses nothing.
Shared by the reminder dispatcher and the notification sender."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from scheduling.models import Notification, Reminder, ReminderStatus

LEASE = timedelta(minutes=5)
BACKOFF_FIRST = timedelta(minutes=2)
BACKOFF_MAX = timedelta(minutes=30)


def due_rows(model: type[Reminder | Notification], now: datetime) -> ColumnElement[bool]:
    """Rows to send now: planned and due, or claimed by a worker whose lease ran out."""
    return or_(
        and_(model.status == ReminderStatus.PLANNED, model.due_at <= now),
        and_(model.status == ReminderStatus.SENDING, model.claimed_until < now),
    )


def claim(session: Session, now: datetime, limit: int, model: type[Reminder | Notification] = Reminder) -> list[int]:
    """Take up to `limit` due rows of an outbox table (reminders, notifications) under a lease."""
    token = secrets.token_hex(16)
    due = select(model.id).where(due_rows(model, now)).order_by(model.due_at, model.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(
        update(model)
        .where(model.id.in_(due.scalar_subquery()))
        .values(
            status=ReminderStatus.SENDING, claim_token=token, claimed_until=now + LEASE, attempts=model.attempts + 1
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()  # the claim is seen by every other dispatcher before anything is sent
    ids = list(session.scalars(select(model.id).where(model.claim_token == token).order_by(model.due_at, model.id)))
    for row in session.identity_map.values():
        if isinstance(row, model) and row.id in ids:
            session.expire(row)
    return ids
