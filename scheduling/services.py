"""Appointments, outcomes, deadlines, courts and offices: the operations views and commands call."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Exists, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases.models import Case, CaseStatus, Task
from casework.cases.services import add_follow_up_task, held_through_cases, of_family_cases
from casework.db import AnyRow, AnySelect, utcnow
from casework.errors import Conflict, ValidationError
from casework.families.models import Family
from casework.i18n import LANGUAGES
from casework.i18n import lazy_gettext as _l
from casework.releases.models import Release
from casework.timeutil import add_years, today_in
from scheduling import calendars, planning, task_titles
from scheduling.models import (
    HEARING_KINDS,
    Appointment,
    AppointmentKind,
    AppointmentMember,
    AppointmentStatus,
    AttendanceMode,
    Court,
    Deadline,
    DeadlineKind,
    Decision,
    Office,
    OfficeKind,
    Outcome,
    ReminderPolicy,
)
from scheduling.timing import format_steps, is_zone, parse_steps, resolve

COURTS_CSV = Path(__file__).parent / "data" / "immigration_courts.csv"

# Which kind of place each kind of appointment happens at.
OFFICE_FOR_KIND = {
    AppointmentKind.ICE_CHECK_IN: OfficeKind.ICE,
    AppointmentKind.ATD_CHECK_IN: OfficeKind.ATD,
    AppointmentKind.USCIS_BIOMETRICS: OfficeKind.USCIS,
    AppointmentKind.USCIS_INTERVIEW: OfficeKind.USCIS,
}


# Courts and offices -----------------------------------------------------------------------------

COURT_PLACE_FIELDS = ("name", "street", "city", "state", "postal_code", "timezone")
COURT_FILE_COLUMNS = (*COURT_PLACE_FIELDS, "slug", "status", "closed_on", "replaced_by", "checked_on", "source", "note")


@dataclass(frozen=True)
class CourtRow:
    """One line of the shipped courts file, read and checked."""

    slug: str
    name: str
    street: str
    city: str
    state: str
    postal_code: str
    timezone: str
    closed: bool
    closed_on: date | None
    replaced_by: str | None
    checked_on: date | None
    source_url: str | None
    note: str | None

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.postal_code}"


def _file_date(value: str, what: str, line: int) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"line {line}: {what} {value!r} is not an ISO date (YYYY-MM-DD)") from None


def read_courts_file(path: Path = COURTS_CSV) -> list[CourtRow]:
    """Every row of the courts file, checked: a known zone and state, open or closed, ISO dates,
    successors that are rows of the file, and either the date and source of its check or a note
    saying why it could not be checked. A bad file raises ValidationError naming the line."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(COURT_FILE_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValidationError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
        raw = [(number, {k: (v or "").strip() for k, v in row.items() if k}) for number, row in enumerate(reader, 2)]
    rows: list[CourtRow] = []
    seen: set[str] = set()
    for line, row in raw:
        slug = row["slug"]
        if not slug or slug in seen:
            raise ValidationError(f"line {line}: the slug {slug!r} is empty or repeated")
        seen.add(slug)
        if not all(row[key] for key in COURT_PLACE_FIELDS):
            raise ValidationError(f"line {line}: {slug} lacks a name, street, city, state, ZIP code or zone")
        if not is_zone(row["timezone"]):
            raise ValidationError(f"line {line}: unknown time zone {row['timezone']!r} for {slug}")
        if len(row["state"]) != 2 or not row["state"].isupper():
            raise ValidationError(f"line {line}: the state of {slug} is not a two-letter code")
        if row["status"] not in ("open", "closed"):
            raise ValidationError(f"line {line}: the status of {slug} is neither 'open' nor 'closed'")
        closed = row["status"] == "closed"
        closed_on = _file_date(row["closed_on"], "closed_on", line)
        if closed_on is not None and not closed:
            raise ValidationError(f"line {line}: {slug} is open but has a closing date")
        checked_on = _file_date(row["checked_on"], "checked_on", line)
        if checked_on is not None and urlsplit(row["source"]).scheme not in ("https", "http"):
            raise ValidationError(f"line {line}: {slug} was checked, but against no web address")
        if checked_on is None and not row["note"]:
            raise ValidationError(f"line {line}: {slug} has neither a check date nor a note saying why")
        rows.append(
            CourtRow(
                slug=slug,
                name=row["name"],
                street=row["street"],
                city=row["city"],
                state=row["state"],
                postal_code=row["postal_code"],
                timezone=row["timezone"],
                closed=closed,
                closed_on=closed_on,
                replaced_by=" ".join(row["replaced_by"].split()) or None,
                checked_on=checked_on,
                source_url=row["source"] or None,
                note=row["note"] or None,
            )
        )
    for court_row in rows:
        unknown = [s for s in (court_row.replaced_by or "").split() if s not in seen or s == court_row.slug]
        if unknown:
            raise ValidationError(
                f"{court_row.slug}: replaced_by names {', '.join(unknown)}, not another row of the file"
            )
    return rows


@dataclass(frozen=True)
class CourtChange:
    """What `courts load` did to one court, for the command to print."""

    kind: str  # added, renamed, moved, rezoned, closed, reopened
    slug: str
    name: str
    before: str | None = None
    after: str | None = None


@dataclass
class CourtsLoad:
    changes: list[CourtChange] = field(default_factory=list)
    checked: int = 0  # rows whose check date, source or successors were brought up to date
    differing: list[str] = field(default_factory=list)  # without update: rows the file would change
    not_added_closed: list[str] = field(default_factory=list)  # closed in the file, absent here: not added
    not_in_file: list[str] = field(default_factory=list)  # courts here the file does not list: kept
    to_move: list[Appointment] = field(default_factory=list)  # future dates at closed courts

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.checked > 0


def _court_from_row(row: CourtRow) -> Court:
    return Court(
        slug=row.slug,
        **{key: getattr(row, key) for key in COURT_PLACE_FIELDS},
        active=not row.closed,
        closed_on=row.closed_on,
        replaced_by=row.replaced_by,
        checked_on=row.checked_on,
        source_url=row.source_url,
    )


def _apply_row(court: Court, row: CourtRow, report: CourtsLoad) -> None:
    if court.name != row.name:
        report.changes.append(CourtChange("renamed", row.slug, row.name, court.name, row.name))
    if (court.street, court.city, court.state, court.postal_code) != (row.street, row.city, row.state, row.postal_code):
        report.changes.append(CourtChange("moved", row.slug, row.name, court.address, row.address))
    if court.timezone != row.timezone:
        report.changes.append(CourtChange("rezoned", row.slug, row.name, court.timezone, row.timezone))
    if row.closed and court.active:
        report.changes.append(
            CourtChange("closed", row.slug, row.name, None, row.closed_on.isoformat() if row.closed_on else None)
        )
    elif not row.closed and not court.active:
        report.changes.append(CourtChange("reopened", row.slug, row.name))
    elif row.closed and court.closed_on != row.closed_on:
        report.changes.append(
            CourtChange(
                "closed",
                row.slug,
                row.name,
                court.closed_on.isoformat() if court.closed_on else None,
                row.closed_on.isoformat() if row.closed_on else None,
            )
        )
    if (court.replaced_by, court.checked_on, court.source_url) != (row.replaced_by, row.checked_on, row.source_url):
        report.checked += 1
    for key in COURT_PLACE_FIELDS:
        setattr(court, key, getattr(row, key))
    court.active = not row.closed
    court.closed_on = row.closed_on
    court.replaced_by, court.checked_on, court.source_url = row.replaced_by, row.checked_on, row.source_url


def _differs(court: Court, row: CourtRow) -> bool:
    return (
        any(getattr(court, key) != getattr(row, key) for key in COURT_PLACE_FIELDS)
        or court.active == row.closed
        or (row.closed and court.closed_on != row.closed_on)
    )


def load_courts(
    session: Session, path: Path = COURTS_CSV, update: bool = False, now: datetime | None = None
) -> CourtsLoad:
    """Bring the courts table to the shipped file, court by court, and say what changed.

    Missing courts are added (a court the file lists as closed is not: no date can point at it).
    Courts already here are left as they are (admins' corrections are kept) unless `update`: then
    each takes the file's name, address, zone, status and check, and a court closed in the file is
    marked closed. No court is ever deleted. The report ends with the scheduled dates still set at
    closed courts, for case managers to move. Adds and flushes; the caller commits."""
    rows = read_courts_file(path)
    existing = {c.slug: c for c in session.scalars(select(Court))}
    report = CourtsLoad()
    for row in rows:
        court = existing.get(row.slug)
        if court is None:
            if row.closed:
                report.not_added_closed.append(row.slug)
                continue
            session.add(_court_from_row(row))
            report.changes.append(CourtChange("added", row.slug, row.name, None, row.address))
        elif update:
            _apply_row(court, row, report)
        elif _differs(court, row):
            report.differing.append(row.slug)
    listed = {row.slug for row in rows}
    report.not_in_file = sorted(slug for slug in existing if slug not in listed)
    session.flush()
    report.to_move = dates_at_closed_courts(
        session, select(Appointment).join(Case, Appointment.case_id == Case.id), now
    )
    return report


def active_courts(session: Session) -> list[Court]:
    return list(session.scalars(select(Court).where(Court.active.is_(True)).order_by(Court.state, Court.name)))


def all_courts(session: Session) -> list[Court]:
    return list(session.scalars(select(Court).order_by(Court.state, Court.name)))


def courts_by_slug(session: Session, slugs: list[str]) -> list[Court]:
    """The courts named by slug (a closed court's successors), in the order given."""
    if not slugs:
        return []
    found = {c.slug: c for c in session.scalars(select(Court).where(Court.slug.in_(slugs)))}
    return [found[s] for s in slugs if s in found]


# Which dates each list shows: the conditions on a statement of appointments joined to their case
# (and, for a closed court's, to the court), named once for the lists' pages and for the dashboard.


def scheduled_in_open_cases() -> list[ColumnElement[bool]]:
    return [Appointment.status == AppointmentStatus.SCHEDULED, Case.status != CaseStatus.CLOSED]


def of_caseload(user_id: Any) -> ColumnElement[bool]:
    """Dates of the cases assigned to `user_id` (an id or a bound value), written as the date's case
    among that person's cases, found first and on their own: OFFSET 0 keeps PostgreSQL from folding
    them into the statement's join, where it may merge the dates with every case of the database
    read in id order until the last of one case manager's (20 ms at 100,000 households, for 2)."""
    return Appointment.case_id.in_(select(Case.id).where(Case.assigned_to_id == user_id).offset(0))


def needing_follow_up_at(now: Any) -> list[ColumnElement[bool]]:
    """Missed dates with no new one, and past dates with no outcome yet."""
    return [
        *scheduled_in_open_cases(),
        Appointment.starts_at < now,
        or_(
            Appointment.outcome.is_(None),
            and_(Appointment.outcome == Outcome.MISSED, Appointment.rescheduled_to_id.is_(None)),
        ),
    ]


def at_a_closed_court_from(day: Any) -> list[ColumnElement[bool]]:
    """Scheduled dates with no outcome yet, in open cases, from `day` on, at a court that has closed
    (and not before its closing day). `day` is the day before UTC's today: every zone's today is
    within a day of UTC's, and the exact test is the court's zone's (`is_ahead`)."""
    return [
        *scheduled_in_open_cases(),
        Court.active.is_(False),
        or_(Court.closed_on.is_(None), Appointment.local_date >= Court.closed_on),
        Appointment.outcome.is_(None),
        Appointment.local_date >= day,
    ]


def is_ahead(appointment: calendars.NoticeTime, now: datetime) -> bool:
    """Whether the date is today or later at its place."""
    return appointment.local_date >= today_in(appointment.timezone, now)


def dates_at_closed_courts(
    session: Session, scope: Select[Appointment], now: datetime | None = None
) -> list[Appointment]:
    """The dates case managers must move to the court named on the family's new notice (see
    `at_a_closed_court_from`). `scope` selects appointments already joined to their case
    (access.scoped(Appointment, user), or every case for the command)."""
    now = now or utcnow()
    stmt = (
        scope.join(Court, Appointment.court_id == Court.id)
        .where(*at_a_closed_court_from(now.date() - timedelta(days=1)))
        .options(contains_eager(Appointment.court), joinedload(Appointment.case))
        .order_by(Appointment.local_date, Appointment.local_time, Appointment.id)
    )
    return [a for a in session.scalars(stmt).unique() if is_ahead(a, now)]


@dataclass
class PlaceData:
    name: str
    street: str
    city: str
    state: str
    postal_code: str
    timezone: str
    active: bool = True
    phone: str | None = None
    kind: OfficeKind | None = None
    closed_on: date | None = None  # courts only: the day it closed, when known
    source_url: str | None = None  # courts only: the page the address was checked against


def _check_place(data: PlaceData) -> None:
    for name in ("name", "street", "city"):
        if not (getattr(data, name) or "").strip():
            raise ValidationError(str(_l("This field is required.")), name)
    if not is_zone(data.timezone):
        raise ValidationError(str(_l("Choose a time zone from the list.")), "timezone")


def update_court(session: Session, user: User, court: Court, data: PlaceData, today: date) -> None:
    """An admin's correction of a court, or its closing or reopening. Whoever saves vouches for
    the row as of today; the source is the page they checked it against, if any."""
    _check_place(data)
    if data.active and data.closed_on is not None:
        raise ValidationError(
            str(_l("An open court has no closing date; tick “This court has closed” or clear the date.")), "closed_on"
        )
    if data.closed_on is not None and data.closed_on > today:
        raise ValidationError(
            str(_l("Mark the court closed once it has closed; the date cannot be in the future.")), "closed_on"
        )
    source = (data.source_url or "").strip() or None
    if source is not None and urlsplit(source).scheme not in ("https", "http"):
        raise ValidationError(str(_l("Give the address of the page, starting with https://")), "source_url")
    before = court.active
    for key in ("name", "street", "city", "state", "postal_code", "timezone", "active", "closed_on"):
        setattr(court, key, getattr(data, key))
    court.checked_on = today
    court.source_url = source
    if court.active:
        court.replaced_by = None
    detail = "" if before == court.active else ("reopened" if court.active else "closed")
    record(session, user, AuditAction.CHANGE, "court", court.id, detail=detail)
    session.flush()


def program_offices(session: Session, program_id: int, active_only: bool = False) -> list[Office]:
    stmt = select(Office).where(Office.program_id == program_id)
    if active_only:
        stmt = stmt.where(Office.active.is_(True))
    return list(session.scalars(stmt.order_by(Office.kind, Office.name)))


def save_office(session: Session, user: User, office: Office | None, data: PlaceData) -> Office:
    _check_place(data)
    if office is None:
        office = Office(program_id=user.organization_id)
        session.add(office)
    for key in ("kind", "name", "street", "city", "state", "postal_code", "timezone", "phone", "active"):
        setattr(office, key, getattr(data, key))
    session.flush()
    record(session, user, AuditAction.CHANGE, "office", office.id)
    session.flush()
    return office


# Appointments -----------------------------------------------------------------------------------


@dataclass
class AppointmentData:
    kind: AppointmentKind
    member_ids: list[int]
    local_date: date
    local_time: time
    court_id: int | None = None
    office_id: int | None = None
    location_note: str | None = None
    timezone: str | None = None  # only for a place that is neither a court nor an office
    fold: int | None = None  # which of two readings of an ambiguous local time
    mode: AttendanceMode = AttendanceMode.IN_PERSON
    video_link: str | None = None
    interpreter_language: str | None = None
    notes: str | None = None


SCHEDULE_FIELDS = (
    "local_date",
    "local_time",
    "timezone",
    "fold",
    "court_id",
    "office_id",
    "mode",
    "video_link",
    "location_note",
)


def _place_and_zone(session: Session, case: Case, data: AppointmentData) -> tuple[Court | None, Office | None, str]:
    court = office = None
    if data.kind in HEARING_KINDS:
        court = session.get(Court, data.court_id) if data.court_id else None
        if court is None:
            raise ValidationError(str(_l("Choose the immigration court.")), "court_id")
        if court.closed_for(data.local_date):
            raise ValidationError(
                str(
                    _l(
                        "%(court)s has closed; choose the court named on the family's new hearing notice.",
                        court=court.name,
                    )
                ),
                "court_id",
            )
        return court, None, court.timezone
    wanted = OFFICE_FOR_KIND.get(data.kind)
    if data.office_id:
        office = session.get(Office, data.office_id)
        if (
            office is None
            or office.program_id != case.family.program_id
            or not office.active
            or (wanted is not None and office.kind is not wanted)
        ):
            raise ValidationError(str(_l("Choose an office of the right kind from your program's list.")), "office_id")
        return None, office, office.timezone
    if wanted is not None and data.mode is AttendanceMode.IN_PERSON:
        raise ValidationError(str(_l("Choose the office.")), "office_id")
    zone = data.timezone or case.family.program.timezone
    if not is_zone(zone):
        raise ValidationError(str(_l("Choose a time zone from the list.")), "timezone")
    if data.mode is AttendanceMode.IN_PERSON and not (data.location_note or "").strip():
        raise ValidationError(str(_l("Say where the appointment is.")), "location_note")
    return None, None, zone


def _check_video_link(data: AppointmentData) -> str | None:
    if data.mode is not AttendanceMode.VIDEO:
        return None
    link = (data.video_link or "").strip()
    parts = urlsplit(link)
    if parts.scheme != "https" or not parts.netloc:
        raise ValidationError(str(_l("Give the video link, starting with https://")), "video_link")
    return link


def _check_members(case: Case, member_ids: list[int]) -> list[int]:
    household = {m.id for m in case.family.members}
    chosen = [mid for mid in dict.fromkeys(member_ids) if mid in household]
    if not chosen or len(chosen) != len(set(member_ids)):
        raise ValidationError(str(_l("Choose who in the household this date concerns.")), "member_ids")
    return chosen


def _check_language(code: str | None) -> str | None:
    if not code:
        return None
    if code not in LANGUAGES:
        raise ValidationError(str(_l("Choose a language from the list.")), "interpreter_language")
    return code


def _apply(session: Session, case: Case, appointment: Appointment, data: AppointmentData) -> None:
    if case.status is CaseStatus.CLOSED:
        raise Conflict(str(_l("The case is closed; reopen it to add dates.")))
    court, office, zone = _place_and_zone(session, case, data)
    resolved = resolve(data.local_date, data.local_time, zone, data.fold)
    appointment.kind = data.kind
    appointment.court_id = court.id if court else None
    appointment.office_id = office.id if office else None
    appointment.court = court
    appointment.office = office
    appointment.location_note = (data.location_note or "").strip() or None
    appointment.local_date = data.local_date
    appointment.local_time = data.local_time
    appointment.timezone = zone
    appointment.fold = resolved.fold
    appointment.starts_at = resolved.starts_at
    appointment.mode = data.mode
    appointment.video_link = _check_video_link(data)
    appointment.interpreter_language = _check_language(data.interpreter_language)
    appointment.notes = (data.notes or "").strip() or None
    chosen = _check_members(case, data.member_ids)
    current = {a.member_id for a in appointment.attendees}
    for attendee in list(appointment.attendees):
        if attendee.member_id not in chosen:
            appointment.attendees.remove(attendee)
    for member_id in chosen:
        if member_id not in current:
            appointment.attendees.append(AppointmentMember(member_id=member_id))


def new_uid() -> str:
    return secrets.token_hex(16) + "@casework"


def create_appointment(session: Session, user: User, case: Case, data: AppointmentData) -> Appointment:
    return create_appointments(session, user, [(case, data)])[0]


def create_appointments(
    session: Session, user: User, dates: Sequence[tuple[Case, AppointmentData]]
) -> list[Appointment]:
    """New appointments (each checked as it is made), audited, their reminders planned; the rows
    of all of them in a few batched statements."""
    appointments = []
    for case, data in dates:
        appointment = Appointment(
            case_id=case.id,
            case=case,
            uid=new_uid(),
            sequence=0,
            created_by_id=user.id,
            status=AppointmentStatus.SCHEDULED,
        )
        _apply(session, case, appointment, data)
        appointments.append(appointment)
    session.add_all(appointments)
    session.flush()
    for appointment, (case, _data) in zip(appointments, dates, strict=True):
        record(session, user, AuditAction.CREATE, "appointment", appointment.id, case.family_id)
    planning.plan_new(session, appointments)
    return appointments


def _schedule_of(appointment: Appointment) -> tuple[object, ...]:
    return tuple(getattr(appointment, name) for name in SCHEDULE_FIELDS)


def update_appointment(session: Session, user: User, appointment: Appointment, data: AppointmentData) -> bool:
    """Change an appointment; a change of date, time or place re-plans its reminders and tells
    the family if they were already reminded of the old one. Returns whether the schedule moved."""
    if appointment.status is AppointmentStatus.CANCELLED:
        raise Conflict(str(_l("This date was cancelled; add a new one instead.")))
    before = _schedule_of(appointment)
    _apply(session, appointment.case, appointment, data)
    moved = _schedule_of(appointment) != before
    appointment.sequence += 1
    session.flush()
    record(
        session,
        user,
        AuditAction.CHANGE,
        "appointment",
        appointment.id,
        appointment.case.family_id,
        detail="rescheduled" if moved else "details",
    )
    if moved:
        planning.replan(session, appointment)
    else:
        planning.plan(session, appointment)
    session.flush()
    return moved


def cancel_appointment(session: Session, user: User, appointment: Appointment) -> None:
    if appointment.status is AppointmentStatus.CANCELLED:
        raise Conflict(str(_l("This date is already cancelled.")))
    if appointment.outcome is not None:
        raise Conflict(str(_l("An outcome is recorded for this date; it cannot be cancelled.")))
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = utcnow()
    appointment.sequence += 1
    record(
        session, user, AuditAction.CHANGE, "appointment", appointment.id, appointment.case.family_id, detail="cancelled"
    )
    planning.cancel(session, appointment)
    session.flush()


@dataclass
class OutcomeData:
    outcome: Outcome
    decision: Decision | None = None
    note: str | None = None
    new_date: AppointmentData | None = None


def record_outcome(
    session: Session, user: User, appointment: Appointment, data: OutcomeData, now: datetime | None = None
) -> Appointment | None:
    """What happened on the date. A rescheduled or adjourned hearing may carry its new date,
    which becomes a new appointment linked from this one. Returns that new appointment."""
    now = now or utcnow()
    if appointment.status is AppointmentStatus.CANCELLED:
        raise Conflict(str(_l("This date was cancelled.")))
    if appointment.outcome is not None:
        raise Conflict(str(_l("An outcome is already recorded for this date.")))
    after_only = data.outcome in (Outcome.ATTENDED, Outcome.MISSED, Outcome.DECISION)
    if after_only and appointment.starts_at > now:
        raise ValidationError(str(_l("This date has not happened yet.")), "outcome")
    if data.outcome is Outcome.DECISION:
        if data.decision is None:
            raise ValidationError(str(_l("Choose the decision.")), "decision")
        if not appointment.is_hearing:
            raise ValidationError(str(_l("Only a hearing ends in a decision.")), "outcome")
    elif data.decision is not None:
        raise ValidationError(str(_l("A decision goes with the outcome 'decision'.")), "decision")
    if data.outcome is Outcome.RESCHEDULED and data.new_date is None:
        raise ValidationError(str(_l("Give the new date.")), "new_local_date")
    successor = None
    if data.new_date is not None:
        if data.outcome not in (Outcome.RESCHEDULED, Outcome.ADJOURNED):
            raise ValidationError(str(_l("A new date goes with 'rescheduled' or 'adjourned'.")), "outcome")
        successor = create_appointment(session, user, appointment.case, data.new_date)
        appointment.rescheduled_to_id = successor.id
        planning.announce_move(session, appointment, successor)
    appointment.outcome = data.outcome
    appointment.decision = data.decision
    appointment.outcome_note = (data.note or "").strip() or None
    appointment.outcome_recorded_at = now
    appointment.outcome_recorded_by_id = user.id
    appointment.sequence += 1
    planning.retire(session, appointment)
    if appointment.follow_up_task_id:
        task = session.get(Task, appointment.follow_up_task_id)
        if task is not None and task.completed_at is None:
            task.completed_at = now
            task.completed_by_id = user.id
    record(
        session,
        user,
        AuditAction.CHANGE,
        "appointment",
        appointment.id,
        appointment.case.family_id,
        detail=f"outcome {data.outcome.value}",
    )
    session.flush()
    return successor


def follow_up_missing_outcomes(
    session: Session, now: datetime | None = None, grace: timedelta = timedelta(hours=6)
) -> int:
    """A past date with no outcome becomes a task for the case manager, once."""
    now = now or utcnow()
    stmt = (
        select(Appointment)
        .join(Case, Appointment.case_id == Case.id)
        .where(
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.outcome.is_(None),
            Appointment.follow_up_task_id.is_(None),
            Appointment.starts_at < now - grace,
            Case.status != CaseStatus.CLOSED,
        )
        .options(joinedload(Appointment.case).joinedload(Case.family).joinedload(Family.program))
        .order_by(Appointment.starts_at)
        .limit(500)
    )
    count = 0
    for appointment in session.scalars(stmt):
        case = appointment.case
        zone = case.family.program.timezone
        task = add_follow_up_task(
            session,
            case,
            task_titles.RECORD_OUTCOME,
            {"kind": appointment.kind.value, "date": appointment.local_date.isoformat()},
            now.astimezone(_zone(zone)).date(),
        )
        appointment.follow_up_task_id = task.id
        count += 1
    session.flush()
    return count


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# Reading ----------------------------------------------------------------------------------------


def _listed(scope: Select[Appointment]) -> AnySelect:
    """A list's dates as the columns its lines show: when, what, the household (from the case and
    household the access scope already joined: `scope` is access.scoped(Appointment, user)) and
    where, not the dates, cases, households and places whole."""
    return (
        scope.outerjoin(Court, Court.id == Appointment.court_id)
        .outerjoin(Office, Office.id == Appointment.office_id)
        .with_only_columns(
            Appointment.id,
            Appointment.kind,
            Appointment.outcome,
            Appointment.mode,
            Appointment.location_note,
            Appointment.local_date,
            Appointment.local_time,
            Appointment.timezone,
            Appointment.fold,
            Case.family_id,
            Family.display_name,
            func.coalesce(Court.name, Office.name).label("place_name"),
        )
    )


def family_appointments(session: Session, family: Family) -> list[Appointment]:
    """Every date of the household, latest first, with its place and who attends (a date's few
    attendees joined in the same statement: the family page counts its statements)."""
    return list(session.scalars(_family_appointments(), {"family_id": family.id}).unique())


@cache  # built once and run with bound values: not built and keyed again on every page
def _family_appointments() -> Select[Appointment]:
    return (
        select(Appointment)
        .join(Case, Appointment.case_id == Case.id)
        .where(Case.family_id == bindparam("family_id"))
        .options(
            joinedload(Appointment.court),
            joinedload(Appointment.office),
            joinedload(Appointment.attendees).joinedload(AppointmentMember.member),
        )
        .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
    )


def agenda(
    session: Session,
    scope: Select[Appointment],
    start: datetime,
    end: datetime,
    assigned_to: int | None,
    page: int,
    per_page: int,
) -> tuple[list[AnyRow], bool]:
    """Scheduled dates between two instants in the scoped open cases, soonest first, one page
    (the dashboard's short list is `sections.dashboard_dates`)."""
    stmt = (
        _listed(scope)
        .where(*scheduled_in_open_cases(), Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at, Appointment.id)
    )
    if assigned_to is not None:
        stmt = stmt.where(of_caseload(assigned_to))
    rows = list(session.execute(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def needing_follow_up(
    session: Session,
    scope: Select[Appointment],
    now: datetime,
    assigned_to: int | None,
    page: int,
    per_page: int,
) -> tuple[list[AnyRow], bool]:
    """Missed dates, and past dates with no outcome yet: the case manager's follow-up list."""
    stmt = (
        _listed(scope).where(*needing_follow_up_at(now)).order_by(Appointment.starts_at.desc(), Appointment.id.desc())
    )
    if assigned_to is not None:
        stmt = stmt.where(of_caseload(assigned_to))
    rows = list(session.execute(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def month_appointments(
    session: Session, scope: Select[Appointment], first: date, last: date, assigned_to: int | None, limit: int = 1000
) -> list[Appointment]:
    stmt = (
        scope.where(
            Appointment.status == AppointmentStatus.SCHEDULED,
            Case.status != CaseStatus.CLOSED,
            Appointment.local_date >= first,
            Appointment.local_date <= last,
        )
        .options(
            joinedload(Appointment.court),
            joinedload(Appointment.office),
            joinedload(Appointment.case).joinedload(Case.family),
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
    )
    if assigned_to is not None:
        stmt = stmt.where(of_caseload(assigned_to))
    return list(session.scalars(stmt))


# Deadlines --------------------------------------------------------------------------------------


def refresh_computed_deadlines(session: Session, case: Case) -> None:
    """The asylum application is due one year after arrival, for each person on a release with
    an arrival date. Recomputing updates the date and never duplicates."""
    releases = session.scalars(
        select(Release).where(Release.family_id == case.family_id, Release.arrived_on.is_not(None))
    )
    existing = {d.source: d for d in session.scalars(select(Deadline).where(Deadline.case_id == case.id))}
    members = list(case.family.members)
    for release in releases:
        if release.arrived_on is None:  # not selected: releases with an arrival date only
            continue
        people = [m for m in members if release.member_id in (None, m.id)]
        for member in people:
            source = f"asylum:{member.id}"
            due = add_years(release.arrived_on, 1)
            deadline = existing.get(source)
            if deadline is None:
                deadline = Deadline(
                    case_id=case.id,
                    member_id=member.id,
                    kind=DeadlineKind.ASYLUM_ONE_YEAR,
                    title=str(_l("Asylum application (I-589) due one year after arrival")),
                    due_on=due,
                    source=source,
                )
                session.add(deadline)
                existing[source] = deadline
            elif deadline.met_on is None:
                deadline.due_on = due
    session.flush()


def refresh_all_computed_deadlines(session: Session, batch: int = 500) -> int:
    """Daily: computed deadlines for every open case whose family has an arrival date."""
    stmt = (
        select(Case)
        .join(Release, Release.family_id == Case.family_id)
        .where(Case.status != CaseStatus.CLOSED, Release.arrived_on.is_not(None))
        .options(selectinload(Case.family).selectinload(Family.members))
        .distinct()
        .order_by(Case.id)
    )
    count = 0
    for case in session.scalars(stmt.execution_options(yield_per=batch)):
        refresh_computed_deadlines(session, case)
        count += 1
        if count % batch == 0:
            session.flush()
    session.flush()
    return count


def add_deadline(session: Session, user: User, case: Case, title: str, due_on: date, member_id: int | None) -> Deadline:
    title = (title or "").strip()
    if not title:
        raise ValidationError(str(_l("Say what is due.")), "title")
    if member_id and member_id not in {m.id for m in case.family.members}:
        raise ValidationError(str(_l("Choose who in the household this date concerns.")), "member_id")
    deadline = Deadline(
        case_id=case.id,
        member_id=member_id or None,
        kind=DeadlineKind.CUSTOM,
        title=title[:200],
        due_on=due_on,
        created_by_id=user.id,
    )
    session.add(deadline)
    session.flush()
    record(session, user, AuditAction.CREATE, "deadline", deadline.id, case.family_id)
    session.flush()
    return deadline


def mark_deadline_met(session: Session, user: User, deadline: Deadline, on: date) -> None:
    if deadline.met_on is not None:
        raise Conflict(str(_l("This deadline is already marked as met.")))
    deadline.met_on = on
    record(session, user, AuditAction.CHANGE, "deadline", deadline.id, deadline.case.family_id, detail="met")
    session.flush()


def family_has_appointments() -> Exists:
    return held_through_cases(Appointment.case_id)


def family_has_deadlines() -> Exists:
    return held_through_cases(Deadline.case_id)


def family_deadlines(session: Session, family_id: int) -> list[Deadline]:
    """The deadlines of the household's cases, those not met first, by date."""
    return list(session.scalars(_family_deadlines(), {"family_id": family_id}))


@cache  # built once and run with bound values: not built and keyed again on every page
def _family_deadlines() -> Select[Deadline]:
    return (
        select(Deadline)
        .where(of_family_cases(Deadline.case_id))
        .options(joinedload(Deadline.member))
        .order_by(Deadline.met_on.is_not(None), Deadline.due_on, Deadline.id)
    )


DEADLINE_WARNING_DAYS = (0, 1, 7, 30)


def _warning_mark(days_left: int) -> int | None:
    return next((mark for mark in DEADLINE_WARNING_DAYS if days_left <= mark), None)


def remind_deadlines(session: Session, now: datetime | None = None) -> int:
    """Daily: a task for the case manager 30, 7 and 1 days before an unmet deadline and on the
    day (or once, late, if it is already past), each only once."""
    now = now or utcnow()
    stmt = (
        select(Deadline)
        .where(Deadline.met_on.is_(None))
        .join(Case, Deadline.case_id == Case.id)
        .where(Case.status != CaseStatus.CLOSED)
        .options(joinedload(Deadline.case).joinedload(Case.family).joinedload(Family.program))
    )
    count = 0
    for deadline in session.scalars(stmt):
        today = now.astimezone(_zone(deadline.case.family.program.timezone)).date()
        mark = _warning_mark((deadline.due_on - today).days)
        if mark is None:
            continue
        previous = _warning_mark((deadline.due_on - deadline.reminded_on).days) if deadline.reminded_on else None
        if previous is not None and mark >= previous:
            continue
        add_follow_up_task(
            session,
            deadline.case,
            task_titles.DEADLINE,
            {"date": deadline.due_on.isoformat(), "title": deadline.title, "kind": deadline.kind.value},
            today,
        )
        deadline.reminded_on = today
        count += 1
    session.flush()
    return count


@dataclass
class FamilyDates:
    upcoming: list[Appointment] = field(default_factory=list)
    past: list[Appointment] = field(default_factory=list)
    cancelled: list[Appointment] = field(default_factory=list)


def split_dates(appointments: list[Appointment], now: datetime) -> FamilyDates:
    dates = FamilyDates()
    for appointment in appointments:
        if appointment.status is AppointmentStatus.CANCELLED:
            dates.cancelled.append(appointment)
        elif appointment.starts_at >= now:
            dates.upcoming.append(appointment)
        else:
            dates.past.append(appointment)
    dates.upcoming.reverse()
    return dates


# Reminder policy --------------------------------------------------------------------------------


def policy_row(session: Session, program_id: int | None = None, case_id: int | None = None) -> ReminderPolicy | None:
    if case_id is not None:
        return session.scalars(select(ReminderPolicy).where(ReminderPolicy.case_id == case_id)).first()
    return session.scalars(select(ReminderPolicy).where(ReminderPolicy.program_id == program_id)).first()


def save_policy(
    session: Session,
    user: User,
    steps: str,
    quiet_start: time,
    quiet_end: time,
    program_id: int | None = None,
    case: Case | None = None,
) -> ReminderPolicy:
    parsed = parse_steps(steps)
    row = policy_row(session, program_id, case.id if case else None)
    if row is None:
        row = ReminderPolicy(program_id=None if case else program_id, case_id=case.id if case else None)
        session.add(row)
    row.steps = format_steps(parsed)
    row.quiet_start = quiet_start
    row.quiet_end = quiet_end
    session.flush()
    record(session, user, AuditAction.CHANGE, "reminder_policy", row.id, case.family_id if case else None)
    _replan_future(session, case_ids=[case.id] if case else None, program_id=program_id)
    session.flush()
    return row


def drop_case_policy(session: Session, user: User, case: Case) -> None:
    row = policy_row(session, case_id=case.id)
    if row is not None:
        session.delete(row)
        record(session, user, AuditAction.CHANGE, "reminder_policy", row.id, case.family_id, detail="removed")
        session.flush()
        _replan_future(session, case_ids=[case.id])
    session.flush()


def replan_upcoming(session: Session, case_ids: list[int]) -> None:
    """A household's consent or contact changed: its upcoming dates are planned again."""
    if case_ids:
        _replan_future(session, case_ids=case_ids)
    session.flush()


def _replan_future(session: Session, case_ids: list[int] | None = None, program_id: int | None = None) -> None:
    """A new policy applies to every upcoming date: unsent reminders are planned again."""
    stmt = (
        select(Appointment)
        .join(Case, Appointment.case_id == Case.id)
        .where(
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.outcome.is_(None),
            Appointment.starts_at > utcnow(),
        )
    )
    if case_ids is not None:
        stmt = stmt.where(Appointment.case_id.in_(case_ids))
    else:
        stmt = stmt.join(Family, Case.family_id == Family.id).where(Family.program_id == program_id)
    for appointment in session.scalars(stmt):
        planning.drop_planned_reminders(session, appointment.id)
        planning.plan(session, appointment)


def anonymize_family_dates(session: Session, family_id: int, case_ids: list[int]) -> None:
    """Retention: what scheduling holds of a household that could identify its people (numbers,
    addresses written, message texts and replies, notes) goes; dates and outcomes stay for figures."""
    from sqlalchemy import update as sql_update

    from scheduling.models import CalendarFeed, FeedScope, InboundMessage, Reminder

    reminder_ids = select(Reminder.id).where(Reminder.family_id == family_id).scalar_subquery()
    session.execute(
        sql_update(InboundMessage)
        .where(InboundMessage.reminder_id.in_(reminder_ids))
        .values(sender="", body="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sql_update(Reminder)
        .where(Reminder.family_id == family_id)
        .values(recipient="", body=None)
        .execution_options(synchronize_session=False)
    )
    if case_ids:
        session.execute(
            sql_update(Appointment)
            .where(Appointment.case_id.in_(case_ids))
            .values(notes=None, outcome_note=None, video_link=None, location_note=None)
            .execution_options(synchronize_session=False)
        )
    session.execute(
        sql_update(CalendarFeed)
        .where(
            CalendarFeed.scope == FeedScope.FAMILY,
            CalendarFeed.family_id == family_id,
            CalendarFeed.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
