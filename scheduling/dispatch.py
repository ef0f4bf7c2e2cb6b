"""The due-reminder sweep: claim rows under a lease, send them, record what happened.

Claiming is one UPDATE over a sub-select of due rows; on PostgreSQL the sub-select takes row
locks with SKIP LOCKED, so concurrent dispatchers (workers, hosts) each take different rows; on
SQLite the single statement holds the database's write lock. A claimed row carries a lease:
if its dispatcher dies mid-send, the row becomes due again when the lease runs out, so no
reminder is lost (at worst one is sent twice, never none).

Unlike a request, a command or another job, which each commit once at their end, the dispatcher
commits on its own, in short transactions: the claim, each message sent (as soon as the gateway
or the SMTP server has accepted it), the outcomes that sent nothing, each follow-up. That is the
outbox pattern: a claim must be visible to other dispatchers before anything is sent, and what
was sent must be written at once, whatever happens to the rest of the sweep: a dispatcher killed
mid-run repeats at most the one message it had in flight (benchmarks/reminders.py --drill). The
scheduled sweep keeps one connection for all of it (`sweep_session` in casework/db.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload

from casework.cases.models import Case, CaseStatus
from casework.cases.services import add_follow_up_task, has_titled_task
from casework.cases.titles import TaskTitle
from casework.db import table_of, utcnow
from casework.families.identifiers import format_phone
from casework.families.models import ConsentKind, Family, Member, PhoneKind
from casework.timeutil import today_in
from scheduling import calendars, links, messages, notify, task_titles
from scheduling.channels import Channel as Sender
from scheduling.channels import DeliveryError, Outgoing, email_channel, sms_channel
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AttendanceMode,
    Channel,
    MessageKind,
    Reminder,
    ReminderStatus,
)
from scheduling.outbox import BACKOFF_FIRST, BACKOFF_MAX, claim
from scheduling.planning import MIN_LEAD, Policy, policies_for, recipient_zone
from scheduling.timing import next_allowed

log = logging.getLogger(__name__)

ATTEMPTS_BEFORE_ALERT = 5
# A reminder must not send a family to a building that has closed: the case manager moves the date first.
# Why a row was held back when its consent ended; reports count these rows by it.
CONSENT_WITHDRAWN_REASON = "consent withdrawn"
COURT_CLOSED = "court closed: the date must be moved to the court on the family's new notice"
FAILED_DELIVERIES_BEFORE_ALERT = 2
CONSENT_FOR = {Channel.SMS: ConsentKind.SMS_REMINDERS, Channel.EMAIL: ConsentKind.EMAIL_REMINDERS}


@dataclass
class SweepResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    notifications: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped + self.deferred


def _load_batch(session: Session, ids: list[int]) -> list[Reminder]:
    """The claimed rows with all a message needs, in a fixed number of statements."""
    stmt = (
        select(Reminder)
        .where(Reminder.id.in_(ids))
        .options(
            joinedload(Reminder.appointment).joinedload(Appointment.court),
            joinedload(Reminder.appointment).joinedload(Appointment.office),
            joinedload(Reminder.appointment)
            .joinedload(Appointment.case)
            .joinedload(Case.family)
            .joinedload(Family.program),
            joinedload(Reminder.appointment)
            .joinedload(Appointment.case)
            .joinedload(Case.family)
            .selectinload(Family.addresses),
            joinedload(Reminder.member).selectinload(Member.consents),
            joinedload(Reminder.member).selectinload(Member.phones),
        )
        .order_by(Reminder.due_at, Reminder.id)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(stmt).unique())


def _still_wanted(reminder: Reminder, now: datetime) -> str | None:
    """Why this row must not go out any more, or None."""
    appointment = reminder.appointment
    if appointment.case.status is CaseStatus.CLOSED:
        return "case closed: the program no longer follows the family"
    if reminder.kind is not MessageKind.CANCELLED and appointment.court is not None and not appointment.court.active:
        return COURT_CLOSED
    if reminder.kind is not MessageKind.CANCELLED:
        if appointment.status is AppointmentStatus.CANCELLED or appointment.outcome is not None:
            return "appointment no longer scheduled"
        if appointment.starts_at - MIN_LEAD < now:
            return "too late: the appointment is about to start"
    member = reminder.member
    consent = CONSENT_FOR[reminder.channel]
    if not any(c.kind is consent and c.active for c in member.consents):
        return CONSENT_WITHDRAWN_REASON
    current = (
        [p.number for p in member.phones if p.kind is PhoneKind.MOBILE]
        if reminder.channel is Channel.SMS
        else [member.email]
    )
    if reminder.recipient not in current:
        return "contact changed"
    return None


def category_of(appointment: Appointment) -> str:
    if appointment.is_hearing:
        return "hearing"
    if appointment.kind.value.endswith("check_in"):
        return "check_in"
    return "appointment"


def facts_of(appointment: Appointment, language: str, link: str, phone: str | None) -> messages.MessageFacts:
    place = appointment.place
    in_person = appointment.mode is AttendanceMode.IN_PERSON
    street = (place.address if place else appointment.location_note) if in_person else None
    short = f"{place.street.split(',')[0]}, {place.city}" if place and in_person else street
    return messages.MessageFacts(
        language=language,
        category=category_of(appointment),
        day=appointment.local_date,
        at=appointment.local_time,
        street=street,
        short_street=short,
        video_link=appointment.video_link if not in_person else None,
        phone=phone,
        link=link,
        is_hearing=appointment.is_hearing,
    )


class Batch:
    """What the messages of one claimed batch share, read once: family links, reminder policies,
    and which steps of each appointment were already sent (the first reminder names the consequence)."""

    def __init__(self, session: Session, config: Mapping[str, Any], reminders: list[Reminder]) -> None:
        self.session = session
        self.config = config
        appointment_ids = {r.appointment_id for r in reminders}
        self.sent_steps: dict[int, set[str]] = {}
        for appointment_id, step in session.execute(
            select(Reminder.appointment_id, Reminder.step).where(
                Reminder.appointment_id.in_(appointment_ids),
                Reminder.kind == MessageKind.REMINDER,
                Reminder.status == ReminderStatus.SENT,
            )
        ):
            self.sent_steps.setdefault(appointment_id, set()).add(step)
        base = config["PUBLIC_BASE_URL"].rstrip("/")
        tokens = links.family_links(session, config["SECRET_KEY"], {r.family_id for r in reminders})
        self.family_urls = {family_id: f"{base}/f/{token}" for family_id, token in tokens.items()}
        self.policies = policies_for(
            session, sorted({(r.appointment.case_id, r.appointment.case.family.program_id) for r in reminders})
        )
        self.phones = {
            r.appointment.case.family.program_id: format_phone(r.appointment.case.family.program.phone)
            for r in reminders
            if r.appointment.case.family.program.phone
        }

    def policy(self, appointment: Appointment) -> Policy:
        return self.policies[(appointment.case_id, appointment.case.family.program_id)]

    def is_first(self, reminder: Reminder) -> bool:
        """No other step of this appointment has gone out: both channels of the first step count as first."""
        return not (self.sent_steps.get(reminder.appointment_id, set()) - {reminder.step})

    def mark_sent(self, reminder: Reminder) -> None:
        if reminder.kind is MessageKind.REMINDER:
            self.sent_steps.setdefault(reminder.appointment_id, set()).add(reminder.step)


def compose(batch: Batch, reminder: Reminder) -> Outgoing:
    appointment = reminder.appointment
    facts = facts_of(
        appointment,
        reminder.language,
        batch.family_urls[reminder.family_id],
        batch.phones.get(appointment.case.family.program_id),
    )
    first = reminder.kind is MessageKind.REMINDER and batch.is_first(reminder)
    day_before = reminder.step.startswith("1d")
    # The first reminder names what a missed hearing leads to; the one the day before prompts a
    # plan; the others ask for a reply.
    message = messages.compose(
        reminder.kind.value,
        facts,
        consequence=first,
        plan=day_before and not first,
        reply=not day_before and not first,
        sms=reminder.channel is Channel.SMS,
    )
    ics = None
    if reminder.channel is Channel.EMAIL:
        text = calendars.EventText(summary=message.subject, description=facts.link)
        ics = calendars.calendar_of([appointment], lambda a: text, message.subject)
    return Outgoing(to=reminder.recipient, subject=message.subject, text=message.text, ics=ics)


def alert_once(session: Session, case: Case, title: TaskTitle, values: dict, now: datetime) -> None:
    """One open task per problem: a second failure does not pile up a second task. It is due today
    on the program's calendar (an evening failure in Chicago is already tomorrow in UTC)."""
    if not has_titled_task(session, case.id, title, values, open_only=True):
        add_follow_up_task(session, case, title, values, today_in(case.family.program.timezone, now))


def note_failed_delivery(session: Session, reminder: Reminder, now: datetime) -> None:
    """Two failed deliveries to one number or address: the case manager checks it."""
    failures = session.scalar(
        select(func.count(Reminder.id)).where(
            Reminder.recipient == reminder.recipient,
            or_(Reminder.status == ReminderStatus.FAILED, Reminder.delivery_status.in_(("failed", "undelivered"))),
        )
    )
    if (failures or 0) >= FAILED_DELIVERIES_BEFORE_ALERT:
        alert_once(
            session,
            reminder.appointment.case,
            task_titles.DELIVERY_FAILED,
            {"channel": reminder.channel.value, "member": reminder.member.full_name},
            now,
        )


# The outcome of each row, written for several rows at once: one statement, one commit.
_REMINDERS = table_of(Reminder)
_OUTCOME = (
    _REMINDERS.update()
    .where(_REMINDERS.c.id == bindparam("row_id"), _REMINDERS.c.claim_token == bindparam("row_claim"))
    .values(
        status=bindparam("new_status"),
        due_at=bindparam("new_due_at"),
        attempts=bindparam("new_attempts"),
        sent_at=bindparam("new_sent_at"),
        provider_id=bindparam("new_provider_id"),
        body=bindparam("new_body"),
        last_error=bindparam("new_last_error"),
        claim_token=None,
        claimed_until=None,
    )
)
# How many outcomes that sent nothing (skipped, deferred to the morning, to be retried) may wait to
# be written together. A message sent is written at once, as soon as the gateway or the SMTP server
# has accepted it: a dispatcher killed after that sends it again to no one; killed between the
# send and the write, it repeats that one message only, after its lease (and never loses one).
WRITE_EVERY = 20


def _outcome(reminder: Reminder, status: ReminderStatus, **changes: Any) -> dict[str, Any]:
    values = {
        "row_id": reminder.id,
        "row_claim": reminder.claim_token,
        "new_status": status,
        "new_due_at": reminder.due_at,
        "new_attempts": reminder.attempts,
        "new_sent_at": reminder.sent_at,
        "new_provider_id": reminder.provider_id,
        "new_body": reminder.body,
        "new_last_error": reminder.last_error,
    }
    values.update({f"new_{key}": value for key, value in changes.items()})
    return values


# On PostgreSQL the same statement also says, for its transaction only, not to wait for the disk
# at commit (set_config(..., true) is SET LOCAL): one round trip a sent message, not two. Waiting
# would buy nothing: after a database crash the rows are still claimed, and the lease sends them
# again (at least once, never none).
_OUTCOME_POSTGRESQL = _OUTCOME.where(func.set_config("synchronous_commit", "off", True).is_not(None))


def _write(session: Session, outcomes: list[dict[str, Any]]) -> None:
    if outcomes:
        postgresql = session.get_bind().dialect.name == "postgresql"
        session.execute(_OUTCOME_POSTGRESQL if postgresql else _OUTCOME, outcomes)
        session.commit()
        outcomes.clear()


def _handle(
    batch: Batch,
    senders: dict[Channel, Sender],
    reminder: Reminder,
    now: datetime,
    result: SweepResult,
    after: list[tuple[str, Reminder]],
) -> dict[str, Any]:
    """Decide, send and return the row's outcome; follow-ups needing their own writes go to `after`."""
    reason = _still_wanted(reminder, now)
    if reason is not None:
        if reason == COURT_CLOSED:
            after.append(("court_closed", reminder))
        result.skipped += 1
        return _outcome(reminder, ReminderStatus.SKIPPED, last_error=reason)
    appointment = reminder.appointment
    zone = recipient_zone(appointment)
    policy = batch.policy(appointment)
    allowed = next_allowed(now, zone, policy.quiet_start, policy.quiet_end)
    if allowed > now:
        # Late because of an outage, and it is night where they live: wait for the morning.
        result.deferred += 1
        return _outcome(reminder, ReminderStatus.PLANNED, due_at=allowed, attempts=reminder.attempts - 1)
    with force_locale("en"):
        outgoing = compose(batch, reminder)
    try:
        provider_id = senders[reminder.channel].send(outgoing)
    except DeliveryError as error:
        if error.permanent:
            result.failed += 1
            after.append(("failed", reminder))
            return _outcome(reminder, ReminderStatus.FAILED, last_error=str(error)[:300])
        wait = min(BACKOFF_FIRST * (2 ** (reminder.attempts - 1)), BACKOFF_MAX)
        if reminder.attempts == ATTEMPTS_BEFORE_ALERT:
            after.append(("retrying", reminder))
        result.retried += 1
        return _outcome(reminder, ReminderStatus.PLANNED, due_at=now + wait, last_error=str(error)[:300])
    batch.mark_sent(reminder)
    result.sent += 1
    result.ids.append(reminder.id)
    return _outcome(
        reminder, ReminderStatus.SENT, sent_at=utcnow(), provider_id=provider_id, body=outgoing.text, last_error=None
    )


def _follow_up(session: Session, kind: str, reminder: Reminder, now: datetime) -> None:
    appointment = reminder.appointment
    if kind == "failed":
        note_failed_delivery(session, reminder, now)
    elif kind == "court_closed":
        assert appointment.court is not None  # said only of a date at a court
        alert_once(
            session,
            appointment.case,
            task_titles.COURT_CLOSED,
            {"court": appointment.court.name, "date": appointment.local_date.isoformat()},
            now,
        )
    else:
        alert_once(
            session, appointment.case, task_titles.NOT_GOING_OUT, {"date": appointment.local_date.isoformat()}, now
        )
    session.commit()


def _process(
    session: Session,
    config: Mapping[str, Any],
    senders: dict[Channel, Sender],
    ids: list[int],
    now: datetime,
    result: SweepResult,
) -> None:
    reminders = _load_batch(session, ids)
    batch = Batch(session, config, reminders)
    session.commit()  # family links made for this batch are kept before anything is sent
    outcomes: list[dict[str, Any]] = []
    after: list[tuple[str, Reminder]] = []
    for reminder in reminders:
        if reminder.status is not ReminderStatus.SENDING:
            continue
        try:
            outcome = _handle(batch, senders, reminder, now, result, after)
        except Exception:
            # A bug in one row must not stop the others; its lease brings it back later.
            log.exception("reminder %s could not be processed", reminder.id)
            continue
        outcomes.append(outcome)
        if outcome["new_status"] is ReminderStatus.SENT or len(outcomes) >= WRITE_EVERY:
            _write(session, outcomes)
    _write(session, outcomes)
    for reminder in reminders:
        session.expire(reminder)
    for kind, reminder in after:
        _follow_up(session, kind, reminder, now)


def dispatch_once(
    session: Session,
    config: Mapping[str, Any],
    now: datetime | None = None,
    limit: int = 200,
    senders: dict[Channel, Sender] | None = None,
) -> SweepResult:
    """Send everything due now, in claimed batches, until nothing due is left for this process."""
    result = SweepResult()
    senders = senders or {Channel.EMAIL: email_channel(config), Channel.SMS: sms_channel(config)}
    try:
        while True:
            moment = now or utcnow()
            ids = claim(session, moment, limit)
            if not ids:
                break
            _process(session, config, senders, ids, moment, result)
            if len(ids) < limit:
                break
        notify.send_due(session, senders[Channel.EMAIL], now or utcnow(), result)
    finally:
        for sender in senders.values():
            sender.close()
    return result
