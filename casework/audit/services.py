"""Writing and reading the audit log. Details name fields and actions, never personal data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, event, insert, select
from sqlalchemy.orm import Session, UOWTransaction, joinedload

from casework.accounts.models import User
from casework.audit.models import AuditAction, AuditEvent


def record(
    session: Session,
    user: User | None,
    action: AuditAction,
    object_type: str,
    object_id: int | None,
    family_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    entry = AuditEvent(**_columns(user, action, object_type, object_id, family_id, detail))
    session.add(entry)
    return entry


def record_now(
    session: Session,
    user: User | None,
    action: AuditAction,
    object_type: str,
    object_id: int | None,
    family_id: int | None = None,
    detail: str = "",
) -> None:
    """`record`, written at once by one INSERT in the request's transaction (the column defaults
    apply, the time among them) rather than through the session's unit of work: for an event
    nothing else refers to, written at every page view (a household's page viewed)."""
    session.execute(insert(AuditEvent), _columns(user, action, object_type, object_id, family_id, detail))


def _columns(
    user: User | None, action: AuditAction, object_type: str, object_id: int | None, family_id: int | None, detail: str
) -> dict[str, Any]:
    return {
        "user_id": user.id if user is not None and getattr(user, "id", None) else None,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "family_id": family_id,
        "detail": detail[:200],
    }


def events_page(
    session: Session, conditions: Sequence[ColumnElement[bool]], page: int, per_page: int
) -> tuple[list[AuditEvent], bool]:
    """A page of the audit lines that meet `conditions`, newest first, and whether there is another."""
    stmt = (
        select(AuditEvent)
        .where(*conditions)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    events = list(session.scalars(stmt))
    return events[:per_page], len(events) > per_page


def family_log(session: Session, family_id: int, page: int, per_page: int) -> tuple[list[AuditEvent], bool]:
    """A page of the family's audit log, newest first."""
    return events_page(session, [AuditEvent.family_id == family_id], page, per_page)


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("the audit log is append-only")
