"""Courts and offices, appointments and their outcomes, deadlines, reminder policy and the outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.cases.models import Case
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.families.models import Member


class PlaceMixin:
    """Where appointments happen: a name, a US street address and the place's IANA zone."""

    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.postal_code}"


class Court(PlaceMixin, TimestampMixin, Base):
    """A US immigration court (EOIR). Shipped as reference data; admins may correct it.

    Closed means `active` is false, and nothing else: a closed court is offered for no new date,
    and the dates still set there are listed for case managers to move. `closed_on` is the day it
    closed, when known; an open court never has one. A court is never deleted, so appointments
    keep pointing at it; a renamed court keeps its slug. `checked_on` and `source_url` say when
    the row was last checked and against which public page; `replaced_by` names the slugs of the
    courts that took over a closed court's cases, when known."""

    __tablename__ = "courts"
    __table_args__ = (CheckConstraint("closed_on IS NULL OR NOT active", name="closed_is_inactive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    replaced_by: Mapped[str | None] = mapped_column(String(200))
    checked_on: Mapped[date | None] = mapped_column(Date)
    source_url: Mapped[str | None] = mapped_column(String(300))

    @property
    def closed(self) -> bool:
        return not self.active

    @property
    def successor_slugs(self) -> list[str]:
        return (self.replaced_by or "").split()

    def closed_for(self, day: date) -> bool:
        """Whether a date on `day` cannot be at this court: it is closed and the day is not
        before its closing (a hearing held before the court closed was really there)."""
        return not self.active and (self.closed_on is None or day >= self.closed_on)


class OfficeKind(enum.Enum):
    ICE = "ice"
    ATD = "atd"
    USCIS = "uscis"
    OTHER = "other"


class Office(PlaceMixin, TimestampMixin, Base):
    """An ICE, ATD or USCIS office a program's families report to; each program keeps its own list."""

    __tablename__ = "offices"
    __table_args__ = (Index("ix_offices_program_name", "program_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[OfficeKind] = mapped_column(enum_column(OfficeKind, "office_kind"))
    phone: Mapped[str | None] = mapped_column(String(20))


class AppointmentKind(enum.Enum):
    MASTER_HEARING = "master_hearing"
    INDIVIDUAL_HEARING = "individual_hearing"
    STATUS_HEARING = "status_hearing"
    ICE_CHECK_IN = "ice_check_in"
    ATD_CHECK_IN = "atd_check_in"
    USCIS_BIOMETRICS = "uscis_biometrics"
    USCIS_INTERVIEW = "uscis_interview"
    OTHER = "other"


HEARING_KINDS = (AppointmentKind.MASTER_HEARING, AppointmentKind.INDIVIDUAL_HEARING, AppointmentKind.STATUS_HEARING)


class AttendanceMode(enum.Enum):
    IN_PERSON = "in_person"
    VIDEO = "video"


class AppointmentStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Outcome(enum.Enum):
    ATTENDED = "attended"
    MISSED = "missed"
    RESCHEDULED = "rescheduled"
    ADJOURNED = "adjourned"
    DECISION = "decision"


class Decision(enum.Enum):
    GRANTED = "granted"
    DENIED = "denied"
    REMOVAL_ORDER = "removal_order"
    IN_ABSENTIA_ORDER = "in_absentia_order"
    TERMINATED = "terminated"
    CONTINUED = "continued"


class Appointment(TimestampMixin, Base):
    """A dated obligation of a case. The local date and time at the location's zone are the truth;
    `starts_at` is derived from them (with `fold` choosing between the two readings of an
    ambiguous autumn hour) and kept for ordering and planning."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_case_starts", "case_id", "starts_at"),
        Index("ix_appointments_status_starts", "status", "starts_at"),
        Index("ix_appointments_follow_up_task", "follow_up_task_id"),
        Index("ix_appointments_case_local_date", "case_id", "local_date"),
        Index("ix_appointments_court_local_date", "court_id", "local_date"),
        Index("ix_appointments_office_local_date", "office_id", "local_date"),
        # The dates whose outcome is still to be recorded (the reports' "outcome missing" lists).
        Index(
            "ix_appointments_outcome_missing",
            "local_date",
            postgresql_where=text("outcome IS NULL AND status = 'scheduled'"),
            sqlite_where=text("outcome IS NULL AND status = 'scheduled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[AppointmentKind] = mapped_column(enum_column(AppointmentKind, "appointment_kind"))
    court_id: Mapped[int | None] = mapped_column(ForeignKey("courts.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    location_note: Mapped[str | None] = mapped_column(String(300))
    local_date: Mapped[date] = mapped_column(Date)
    local_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    fold: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[AttendanceMode] = mapped_column(enum_column(AttendanceMode, "attendance_mode"))
    video_link: Mapped[str | None] = mapped_column(String(500))
    interpreter_language: Mapped[str | None] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_column(AppointmentStatus, "appointment_status"), default=AppointmentStatus.SCHEDULED
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, "appointment_outcome"))
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision, "hearing_decision"))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rescheduled_to_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    follow_up_task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    # Calendar identity: random (names no one), stable for the appointment, raised on each change.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    court: Mapped[Court | None] = relationship()
    office: Mapped[Office | None] = relationship()
    attendees: Mapped[list[AppointmentMember]] = relationship(
        cascade="all, delete-orphan", order_by="AppointmentMember.member_id"
    )

    @property
    def place(self) -> Court | Office | None:
        return self.court or self.office

    @property
    def is_hearing(self) -> bool:
        return self.kind in HEARING_KINDS


class AppointmentMember(Base):
    __tablename__ = "appointment_members"

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)

    member: Mapped[Member] = relationship()


class DeadlineKind(enum.Enum):
    ASYLUM_ONE_YEAR = "asylum_one_year"
    CUSTOM = "custom"


class Deadline(TimestampMixin, Base):
    """A date something must be filed by. Computed ones carry a `source` key so recomputing
    never duplicates them; the court change-of-address deadline is the core's address task."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("case_id", "source"),
        Index("ix_deadlines_due_met", "due_on", "met_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind, "deadline_kind"))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(60))
    met_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    member: Mapped[Member | None] = relationship()


class ReminderPolicy(TimestampMixin, Base):
    """When reminders go out: a program's default, or one case's override.

    `steps` is text such as "7@10:00 2@10:00 1@18:00 0@07:00": days before the appointment and
    the recipient's local wall-clock time on that day."""

    __tablename__ = "reminder_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    steps: Mapped[str] = mapped_column(String(200))
    quiet_start: Mapped[time] = mapped_column(Time)
    quiet_end: Mapped[time] = mapped_column(Time)


class Channel(enum.Enum):
    SMS = "sms"
    EMAIL = "email"


class MessageKind(enum.Enum):
    REMINDER = "reminder"
    DATE_CHANGED = "date_changed"
    CANCELLED = "cancelled"


class ReminderStatus(enum.Enum):
    PLANNED = "planned"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class Reminder(Base):
    """One message to one household by one channel: a row of the outbox.

    `dedupe_key` makes planning idempotent; `claim_token`/`claimed_until` are the dispatcher's
    lease, so a killed sender's rows are retried and a live sender's are left alone."""

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_status_due", "status", "due_at"),
        Index("ix_reminders_family_due", "family_id", "due_at"),
        Index("ix_reminders_appointment", "appointment_id"),
        Index("ix_reminders_recipient", "recipient"),
        Index("ix_reminders_claim", "claim_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"))
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "message_kind"))
    step: Mapped[str] = mapped_column(String(20))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "message_channel"))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(3))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_column(ReminderStatus, "reminder_status"), default=ReminderStatus.PLANNED
    )
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(30))
    delivery_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    appointment: Mapped[Appointment] = relationship()
    member: Mapped[Member] = relationship()


class InboundMessage(Base):
    """An SMS received on the gateway's number: STOP/START/HELP, a reply to a reminder, or other."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    sender: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(String(1600))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"), index=True)
    handled_as: Mapped[str] = mapped_column(String(20))


class FeedScope(enum.Enum):
    CASELOAD = "caseload"
    FAMILY = "family"


class CalendarFeed(TimestampMixin, Base):
    """An unguessable, revocable address for a calendar subscription or a family's link page
    (see scheduling.links: the token is this nonce and an HMAC of it; no token is stored)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[FeedScope] = mapped_column(enum_column(FeedScope, "feed_scope"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"), index=True)
    nonce: Mapped[str] = mapped_column(String(16), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """An email to staff or a partner (a referral arrived, was answered): an outbox row like a
    reminder, sent by the same sweep, so an SMTP outage delays it and loses nothing."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_due", "status", "due_at"),
        Index("ix_notifications_claim", "claim_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[ReminderStatus] = mapped_column(
        enum_column(ReminderStatus, "notification_status"), default=ReminderStatus.PLANNED
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
