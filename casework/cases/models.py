from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.families.models import Family


class CaseStatus(enum.Enum):
    INTAKE = "intake"
    ACTIVE = "active"
    CLOSED = "closed"


class ClosedReason(enum.Enum):
    RELIEF_GRANTED = "relief_granted"
    MOVED_AWAY = "moved_away"
    TRANSFERRED = "transferred"
    LOST_CONTACT = "lost_contact"
    REMOVED = "removed"
    SERVICES_COMPLETED = "services_completed"
    DECLINED_SERVICES = "declined_services"


class TaskKind(enum.Enum):
    GENERAL = "general"
    ADDRESS_CHANGE_COURT = "address_change_court"
    ADDRESS_CHANGE_USCIS = "address_change_uscis"


ADDRESS_CHANGE_KINDS = (TaskKind.ADDRESS_CHANGE_COURT, TaskKind.ADDRESS_CHANGE_USCIS)


class Case(TimestampMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_assigned_status", "assigned_to_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "case_status"))
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[ClosedReason | None] = mapped_column(enum_column(ClosedReason, "closed_reason"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    family: Mapped[Family] = relationship()
    assigned_to: Mapped[User | None] = relationship()
    # Who was assigned it from when, newest first: read on the family page.
    assignments: Mapped[list[CaseAssignment]] = relationship(
        viewonly=True, order_by=lambda: (CaseAssignment.assigned_at.desc(), CaseAssignment.id.desc())
    )
    # Closings and reopenings, newest first: read on the family page.
    events: Mapped[list[CaseEvent]] = relationship(
        viewonly=True, order_by=lambda: (CaseEvent.created_at.desc(), CaseEvent.id.desc())
    )


class CaseEventKind(enum.Enum):
    CLOSED = "closed"
    REOPENED = "reopened"


class CaseEvent(Base):
    """What closing or reopening a case did to what was still ahead. The facts are stored (by the
    domain that acted: {"scheduling": {"cancelled": [ids], "reminders_cancelled": 5}}); the
    sentence is written when read, in the reader's language."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[CaseEventKind] = mapped_column(enum_column(CaseEventKind, "case_event_kind"))
    happened_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")


class CaseAssignment(Base):
    """Who was assigned a case from when: reassignment keeps this history."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])


class Note(Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class Task(TimestampMixin, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_open_due", "assignee_id", "completed_at", "due_on"),
        Index("ix_tasks_case_due", "case_id", "due_on"),
        Index("ix_tasks_title_key_created", "title_key", "created_at"),
        Index("ix_tasks_kind_due", "kind", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[TaskKind] = mapped_column(enum_column(TaskKind, "task_kind"), default=TaskKind.GENERAL)
    # As typed, or for a title the system gives: the English sentence (search and exports read it).
    title: Mapped[str] = mapped_column(String(200))
    # A title the system gives: its key (casework.cases.titles) and values; shown in the reader's language.
    title_key: Mapped[str | None] = mapped_column(String(60))
    title_values: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    due_on: Mapped[date] = mapped_column(Date)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
