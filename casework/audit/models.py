from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.db import Base, UTCDateTime, enum_column, utcnow


class AuditAction(enum.Enum):
    CREATE = "create"
    CHANGE = "change"
    VIEW = "view"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    REFUSED = "refused"


class AuditEvent(Base):
    """One line of the audit log. Rows are only ever inserted (see audit.services)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_family_at", "family_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, "audit_action"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    detail: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User | None] = relationship()
