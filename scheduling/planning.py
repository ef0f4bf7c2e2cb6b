"""Planning the outbox: which messages an appointment needs, to whom, by which channel, when.

Planning is idempotent: every row has a `dedupe_key` naming the appointment, the version of its
schedule, the step and the channel, so planning twice (or in two processes at once) creates
nothing new. A changed schedule is a new version: the old version's unsent rows are cancelled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import String, cast, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.cases.models import CaseStatus
from casework.cases.services import add_follow_up_task, has_titled_task
from casework.db import rows_matched, utcnow
from casework.families.models import ConsentKind, Member, PhoneKind, Relationship
from casework.i18n import LANGUAGES
from casework.i18n import lazy_gettext as _l
from casework.timeutil import age_on, today_in
from scheduling import links
from scheduling.messages import has_texts
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    Channel,
    MessageKind,
    Reminder,
    ReminderPolicy,
    ReminderStatus,
)
from scheduling.task_titles import INTERPRETER_CALL
from scheduling.timing import Step, next_allowed, parse_steps, step_instant

DEFAULT_STEPS = "7@10:00 2@10:00 1@18:00 0@08:00"
DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)
# A reminder closer to the appointment than this is no use to anyone.
MIN_LEAD = timedelta(minutes=30)
UNSENT = (ReminderStatus.PLANNED,)


@dataclass(frozen=True)
class Policy:
    steps: list[Step]
    quiet_start: time
    quiet_end: time


def policy_for(session: Session, case_id: int, program_id: int) -> Policy:
    return policies_for(session, [(case_id, program_id)])[(case_id, program_id)]


def policies_for(session: Session, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Policy]:
    """Each (case, program)'s policy: the case's own, else the program's, else the defaults; one query."""
    case_ids = {case_id for case_id, _ in pairs}
    program_ids = {program_id for _, program_id in pairs}
    rows = list(
        session.scalars(
            select(ReminderPolicy).where(
                ReminderPolicy.case_id.in_(case_ids) | ReminderPolicy.program_id.in_(program_ids)
            )
        )
    )
    by_case = {p.case_id: p for p in rows if p.case_id is not None}
    by_program = {p.program_id: p for p in rows if p.program_id is not None}
    chosen = {}
    for case_id, program_id in pairs:
        row = by_case.get(case_id) or by_program.get(program_id)
        chosen[(case_id, program_id)] = (
            Policy(parse_steps(row.steps), row.quiet_start, row.quiet_end)
            if row is not None
            else Policy(parse_steps(DEFAULT_STEPS), DEFAULT_QUIET_START, DEFAULT_QUIET_END)
        )
    return chosen


def recipient_zone(appointment: Appointment) -> str:
    """The family's clock: their current address's zone, else their program's."""
    family = appointment.case.family
    current = next((a for a in family.addresses if a.moved_out_on is None), None)
    return (current.timezone if current is not None and current.timezone else None) or family.program.timezone


@dataclass(frozen=True)
class Contact:
    member: Member
    channel: Channel
    address: str


def _candidates(appointment: Appointment, on: date) -> list[Member]:
    """Whom to write to, best first: adults on the date, then the head, then other adults."""
    attending = {a.member_id for a in appointment.attendees}
    members = appointment.case.family.members

    def adult(m: Member) -> bool:
        return m.date_of_birth is None or age_on(m.date_of_birth, on) >= 18

    def rank(m: Member) -> tuple:
        return (
            not (m.id in attending and adult(m)),
            m.relationship_to_head is not Relationship.HEAD,
            not adult(m),
            m.id,
        )

    return sorted(members, key=rank)


def _consented(member: Member, kind: ConsentKind) -> bool:
    return any(c.kind is kind and c.active for c in member.consents)


def contacts(appointment: Appointment) -> dict[Channel, Contact]:
    """One contact per channel for the household: one household, one message."""
    found: dict[Channel, Contact] = {}
    for member in _candidates(appointment, appointment.local_date):
        if Channel.SMS not in found and _consented(member, ConsentKind.SMS_REMINDERS):
            mobile = next((p.number for p in member.phones if p.kind is PhoneKind.MOBILE), None)
            if mobile:
                found[Channel.SMS] = Contact(member, Channel.SMS, mobile)
        if Channel.EMAIL not in found and _consented(member, ConsentKind.EMAIL_REMINDERS) and member.email:
            found[Channel.EMAIL] = Contact(member, Channel.EMAIL, member.email)
    return found


def channel_warnings(appointment: Appointment) -> list[str]:
    """Why a channel will not be used, for the appointment page."""
    found = contacts(appointment)
    warnings = []
    if Channel.SMS not in found:
        warnings.append(
            str(
                _l("No text reminders: no one in the household has both a mobile number and consent to text reminders.")
            )
        )
    if Channel.EMAIL not in found:
        warnings.append(
            str(
                _l(
                    "No email reminders: no one in the household has both an email "
                    "address and consent to email reminders."
                )
            )
        )
    for contact in found.values():
        if not has_texts(contact.member.preferred_language):
            warnings.append(
                str(
                    _l(
                        "No written reminder exists in %(language)s: a task asks you to call "
                        "with an interpreter instead.",
                        language=LANGUAGES.get(contact.member.preferred_language or "", "?"),
                    )
                )
            )
            break
    return warnings


def schedule_version(appointment: Appointment) -> str:
    facts = "|".join(
        str(v)
        for v in (
            appointment.local_date,
            appointment.local_time,
            appointment.timezone,
            appointment.fold,
            appointment.court_id,
            appointment.office_id,
            appointment.mode.value,
            appointment.video_link,
            appointment.location_note,
        )
    )
    return hashlib.sha256(facts.encode()).hexdigest()[:12]


def _add(
    session: Session,
    appointment: Appointment,
    contact: Contact,
    kind: MessageKind,
    step: str,
    due_at: datetime,
    new: bool = False,
) -> Reminder | None:
    """A reminder row unless one with its key exists. For an appointment created in this very
    transaction (`new`), none can: no other process sees it before the commit, so neither the
    look-up nor the savepoint that guards against a concurrent planner is needed."""
    key = f"{appointment.id}:{schedule_version(appointment)}:{kind.value}:{step}:{contact.channel.value}"
    if not new and session.scalar(select(Reminder.id).where(Reminder.dedupe_key == key)) is not None:
        return None
    reminder = Reminder(
        appointment_id=appointment.id,
        family_id=appointment.case.family_id,
        member_id=contact.member.id,
        kind=kind,
        step=step,
        channel=contact.channel,
        recipient=contact.address,
        language=contact.member.preferred_language or "eng",
        due_at=due_at,
        dedupe_key=key,
        status=ReminderStatus.PLANNED,
    )
    if new:
        session.add(reminder)
        return reminder
    try:
        with session.begin_nested():
            session.add(reminder)
    except IntegrityError:  # another process planned the same row a moment ago
        return None
    return reminder


def interpreter_call_due(appointment: Appointment, policy: Policy, now: datetime) -> date:
    """When to call: as long before the date as the first reminder would go out (7 days by default),
    on the family's calendar; never before tomorrow there, never after the date itself."""
    tomorrow = today_in(recipient_zone(appointment), now) + timedelta(days=1)
    lead = max((step.days_before for step in policy.steps), default=7)
    return min(max(appointment.local_date - timedelta(days=lead), tomorrow), appointment.local_date)


def _needs_interpreter_call(
    session: Session, appointment: Appointment, contact: Contact, policy: Policy, now: datetime
) -> None:
    """No written text in their language: a person calls, with an interpreter; never a silent fallback."""
    values = {"language": contact.member.preferred_language or "", "date": appointment.local_date.isoformat()}
    if not has_titled_task(session, appointment.case_id, INTERPRETER_CALL, values):
        add_follow_up_task(
            session, appointment.case, INTERPRETER_CALL, values, interpreter_call_due(appointment, policy, now)
        )


def plan(session: Session, appointment: Appointment, now: datetime | None = None) -> list[Reminder]:
    """The reminders an upcoming appointment needs and does not have yet."""
    now = now or utcnow()
    policy = policy_for(session, appointment.case_id, appointment.case.family.program_id)
    planned = _plan(session, appointment, policy, now, new=False)
    session.flush()
    return planned


def plan_new(session: Session, appointments: Sequence[Appointment], now: datetime | None = None) -> list[Reminder]:
    """The reminders of appointments created in this very transaction: they have none yet, and no
    other process sees them before the commit, so no look-up or savepoint guards each row; their
    policies are read in one query."""
    now = now or utcnow()
    if not appointments:
        return []
    policies = policies_for(session, [(a.case_id, a.case.family.program_id) for a in appointments])
    found = {a.id: contacts(a) for a in appointments}
    links.ensure_family_links(session, {a.case.family_id for a in appointments if found[a.id]})
    with session.no_autoflush:  # the rows go in together at the end, not one by one as tasks are looked up
        planned = [
            row
            for a in appointments
            for row in _plan(
                session, a, policies[(a.case_id, a.case.family.program_id)], now, new=True, found=found[a.id]
            )
        ]
    session.flush()
    return planned


def _plan(
    session: Session,
    appointment: Appointment,
    policy: Policy,
    now: datetime,
    new: bool,
    found: dict[Channel, Contact] | None = None,
) -> list[Reminder]:
    """`found`: the household's contacts, given by a caller that made sure the family has its
    calendar link; looked up (and the link made) here otherwise."""
    if (
        appointment.status is not AppointmentStatus.SCHEDULED
        or appointment.outcome is not None
        or appointment.starts_at <= now
        or appointment.case.status is CaseStatus.CLOSED
    ):
        return []  # a closed case's dates (kept for another program) get no reminders from us
    if appointment.court is not None and not appointment.court.active:
        return []  # never send a family to a closed court: the date is listed for its case manager to move
    zone = recipient_zone(appointment)
    latest = appointment.starts_at - MIN_LEAD
    moments: list[tuple[str, datetime]] = []
    for step in policy.steps:
        due = next_allowed(step_instant(appointment.local_date, step, zone), zone, policy.quiet_start, policy.quiet_end)
        if now <= due <= latest and all(due != m for _, m in moments):
            moments.append((step.key, due))
    if not moments:
        # Every step is already past (a date set at short notice): one reminder as soon as allowed.
        due = next_allowed(now, zone, policy.quiet_start, policy.quiet_end)
        if due <= latest:
            moments.append(("now", due))
    planned = []
    if found is None:
        found = contacts(appointment)
        if found:
            links.ensure_family_link(session, appointment.case.family_id)
    for contact in found.values():
        if not has_texts(contact.member.preferred_language):
            _needs_interpreter_call(session, appointment, contact, policy, now)
            continue
        for step_key, due in moments:
            row = _add(session, appointment, contact, MessageKind.REMINDER, step_key, due, new)
            if row is not None:
                planned.append(row)
    return planned


def _cancelled_values() -> dict:
    # A cancelled row gives its key back, so a schedule that returns to an earlier version plans anew.
    return {"status": ReminderStatus.CANCELLED, "dedupe_key": Reminder.dedupe_key + ":c" + cast(Reminder.id, String)}


def _cancel_unsent(session: Session, appointment_id: int) -> int:
    result = session.execute(
        update(Reminder)
        .where(Reminder.appointment_id == appointment_id, Reminder.status.in_(UNSENT))
        .values(**_cancelled_values())
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result)


def drop_planned_reminders(session: Session, appointment_id: int) -> int:
    """Unsent reminders (not notices) of an appointment, before planning them under a new policy."""
    result = session.execute(
        update(Reminder)
        .where(
            Reminder.appointment_id == appointment_id,
            Reminder.kind == MessageKind.REMINDER,
            Reminder.status.in_(UNSENT),
        )
        .values(**_cancelled_values())
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result)


def _was_reminded(session: Session, appointment_id: int) -> bool:
    return (
        session.scalar(
            select(Reminder.id)
            .where(
                Reminder.appointment_id == appointment_id,
                Reminder.kind == MessageKind.REMINDER,
                Reminder.status == ReminderStatus.SENT,
            )
            .limit(1)
        )
        is not None
    )


def _notice(session: Session, appointment: Appointment, kind: MessageKind, now: datetime) -> None:
    policy = policy_for(session, appointment.case_id, appointment.case.family.program_id)
    zone = recipient_zone(appointment)
    due = next_allowed(now, zone, policy.quiet_start, policy.quiet_end)
    for contact in contacts(appointment).values():
        if has_texts(contact.member.preferred_language):
            _add(session, appointment, contact, kind, f"n{appointment.sequence}", due)
        else:
            _needs_interpreter_call(session, appointment, contact, policy, now)


def replan(session: Session, appointment: Appointment, now: datetime | None = None) -> None:
    """After a change of date, time or place: drop what was planned for the old schedule; if the
    family was already reminded of it, tell them it changed; then plan for the new one."""
    now = now or utcnow()
    _cancel_unsent(session, appointment.id)
    if appointment.starts_at > now and _was_reminded(session, appointment.id):
        _notice(session, appointment, MessageKind.DATE_CHANGED, now)
    plan(session, appointment, now)


def announce_move(session: Session, old: Appointment, new: Appointment, now: datetime | None = None) -> None:
    """A hearing moved to a new appointment (rescheduled or adjourned with a new date)."""
    now = now or utcnow()
    _cancel_unsent(session, old.id)
    if new.starts_at > now and _was_reminded(session, old.id):
        _notice(session, new, MessageKind.DATE_CHANGED, now)
    session.flush()


def cancel(session: Session, appointment: Appointment, now: datetime | None = None) -> None:
    """A cancelled date: nothing more about it, except a notice that it is cancelled."""
    now = now or utcnow()
    _cancel_unsent(session, appointment.id)
    if appointment.starts_at > now:
        _notice(session, appointment, MessageKind.CANCELLED, now)
    session.flush()


def stop_case(session: Session, case_id: int) -> int:
    """The case closed: every unsent message about its dates is cancelled (rows kept, never
    deleted). Returns how many."""
    appointment_ids = list(
        session.scalars(
            select(Reminder.appointment_id)
            .join(Appointment, Reminder.appointment_id == Appointment.id)
            .where(Appointment.case_id == case_id, Reminder.status.in_(UNSENT))
            .distinct()
            .order_by(Reminder.appointment_id)
        )
    )
    cancelled = sum(_cancel_unsent(session, appointment_id) for appointment_id in appointment_ids)
    session.flush()
    return cancelled


def retire(session: Session, appointment: Appointment) -> None:
    """An outcome is recorded: reminders still waiting are no longer wanted."""
    _cancel_unsent(session, appointment.id)
    session.flush()


def stop_channel(session: Session, address: str, channel: Channel) -> int:
    """Opt-out honoured at once: nothing planned for this address goes out."""
    result = session.execute(
        update(Reminder)
        .where(Reminder.recipient == address, Reminder.channel == channel, Reminder.status.in_(UNSENT))
        .values(**_cancelled_values())
        .execution_options(synchronize_session=False)
    )
    return rows_matched(result)
