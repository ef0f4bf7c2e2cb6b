"""Demo dates for the demo program: courts, offices, hearings and check-ins at every stage, and
about eighteen months of history (past dates with their outcomes, the reminders that went out and
what became of them, interpreter calls) so that the program's reports tell a story at once.
Everything is fictional and deterministic (seeded random)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, Role, User
from casework.cases.models import Case, CaseStatus, ClosedReason, Task
from casework.families.models import Address, Consent, ConsentKind, Family, Member, PhoneKind, Relationship
from casework.releases.models import Release
from casework.schooling.models import SchoolEnrollment
from casework.timeutil import today_in
from scheduling import planning, services
from scheduling.messages import has_texts
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentMember,
    AppointmentStatus,
    AttendanceMode,
    Channel,
    Court,
    MessageKind,
    Office,
    OfficeKind,
    Outcome,
    Reminder,
    ReminderStatus,
)
from scheduling.timing import local_instant

OFFICES = [
    (OfficeKind.ICE, "ICE Chicago field office", "101 West Congress Parkway", "60605"),
    (OfficeKind.ATD, "ATD reporting office, Chicago", "2245 South Michigan Avenue", "60616"),
    (OfficeKind.USCIS, "USCIS Chicago field office", "101 West Congress Parkway, 3rd floor", "60605"),
]
DEMO_PHONE = "+13125550100"


def _weekday(day: date) -> date:
    """Courts and offices sit Monday to Friday: a weekend day moves to the Monday."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def load(session: Session, program: Organization) -> str:
    """Idempotent: does nothing once the program has any appointment."""
    if not session.scalar(select(Court.id).limit(1)):
        services.load_courts(session)
    if program.phone is None:
        program.phone = DEMO_PHONE
    exists = session.scalar(
        select(Appointment.id)
        .join(Case, Appointment.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .where(Family.program_id == program.id)
        .limit(1)
    )
    if exists:
        session.flush()
        return "Demo dates already loaded."
    courts = list(session.scalars(select(Court).where(Court.active.is_(True))))
    chicago = next((c for c in courts if c.city == "Chicago"), courts[0])
    others = [c for c in courts if c.state in ("IL", "IN", "WI", "TX", "AZ") and c.id != chicago.id] or [chicago]
    offices = {}
    for kind, name, street, postal in OFFICES:
        office = Office(
            program_id=program.id,
            kind=kind,
            name=name,
            street=street,
            city="Chicago",
            state="IL",
            postal_code=postal,
            timezone="America/Chicago",
        )
        session.add(office)
        offices[kind] = office
    session.flush()
    rng = random.Random(7)
    today = today_in(program.timezone)
    _age_households(session, program, today, random.Random(18))
    cases = list(
        session.scalars(
            select(Case)
            .join(Family, Case.family_id == Family.id)
            .where(Family.program_id == program.id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.id)
        )
    )
    made = 0
    for index, case in enumerate(cases):
        user = (
            case.assigned_to
            or session.scalars(
                select(User).where(User.organization_id == program.id, User.role == Role.CASE_MANAGER)
            ).first()
        )
        assert user is not None, "the demo program has case managers"
        head = case.family.members[0]
        everyone = [m.id for m in case.family.members]
        court = chicago if index % 4 else rng.choice(others)
        hearing_day = _weekday(today + timedelta(days=3 + (index * 5) % 70))
        services.create_appointment(
            session,
            user,
            case,
            services.AppointmentData(
                kind=AppointmentKind.INDIVIDUAL_HEARING if index % 6 == 0 else AppointmentKind.MASTER_HEARING,
                member_ids=everyone,
                local_date=hearing_day,
                local_time=time(8 + index % 5, 30 if index % 2 else 0),
                court_id=court.id,
                interpreter_language=head.preferred_language,
            ),
        )
        made += 1
        if index % 3 == 0:
            services.create_appointment(
                session,
                user,
                case,
                services.AppointmentData(
                    kind=AppointmentKind.ICE_CHECK_IN,
                    member_ids=[head.id],
                    local_date=_weekday(today + timedelta(days=1 + index % 12)),
                    local_time=time(9, 0),
                    office_id=offices[OfficeKind.ICE].id,
                ),
            )
            made += 1
        if index % 5 == 1:
            past = services.create_appointment(
                session,
                user,
                case,
                services.AppointmentData(
                    kind=AppointmentKind.ATD_CHECK_IN,
                    member_ids=[head.id],
                    local_date=today + timedelta(days=2),
                    local_time=time(10, 0),
                    office_id=offices[OfficeKind.ATD].id,
                ),
            )
            # A date that has passed: moved back in time as if it had been entered weeks ago.
            past.local_date = today - timedelta(days=4 + index % 9)
            past.starts_at = (
                datetime.combine(past.local_date, past.local_time)
                .replace(tzinfo=ZoneInfo(past.timezone))
                .astimezone(UTC)
            )
            planning.retire(session, past)
            if index % 10 == 1:
                past.outcome = Outcome.ATTENDED
                past.outcome_recorded_at = datetime.now(UTC)
            made += 1
    session.flush()
    past_dates, messages = _history(session, program, chicago, others, offices, today, random.Random(2024))
    session.flush()
    for case in cases:
        services.refresh_computed_deadlines(session, case)
    session.flush()
    return (
        f"Demo dates loaded: {made} appointments, {len(offices)} offices; history of {past_dates} past dates "
        f"and {messages} reminders."
    )


# History -----------------------------------------------------------------------------------------

HISTORY_MONTHS = 18
CLOSED_IN_HISTORY = (
    ClosedReason.RELIEF_GRANTED,
    ClosedReason.MOVED_AWAY,
    ClosedReason.TRANSFERRED,
    ClosedReason.SERVICES_COMPLETED,
    ClosedReason.LOST_CONTACT,
)


def _age_households(session: Session, program: Organization, today: date, rng: random.Random) -> None:
    """Two households in three arrived earlier than the core demo dates them (up to twenty months
    ago): their release, case opening, consents, address and school dates move back together, so
    each household's own story keeps its order. Some of them closed in the past months."""
    cases = list(
        session.scalars(
            select(Case)
            .join(Family, Case.family_id == Family.id)
            .where(Family.program_id == program.id)
            .order_by(Case.id)
        )
    )
    for index, case in enumerate(cases):
        if index % 3 == 2:
            continue
        shift = timedelta(days=rng.randint(150, 380))
        family_id = case.family_id
        arrival_window = case.opened_on + timedelta(days=15)
        case.opened_on -= shift
        for release in session.scalars(select(Release).where(Release.family_id == family_id)):
            release.released_on -= shift
            if release.arrived_on:
                release.arrived_on -= shift
        member_ids = select(Member.id).where(Member.family_id == family_id)
        for consent in session.scalars(select(Consent).where(Consent.member_id.in_(member_ids))):
            consent.given_on -= shift
        for address in session.scalars(
            select(Address).where(Address.family_id == family_id, Address.moved_in_on <= arrival_window)
        ):
            address.moved_in_on -= shift  # the first address; a recent move stays recent
        for enrollment in session.scalars(
            select(SchoolEnrollment).where(
                SchoolEnrollment.member_id.in_(member_ids), SchoolEnrollment.enrolled_on.is_not(None)
            )
        ):
            if enrollment.enrolled_on is not None:  # always: selected with a date
                enrollment.enrolled_on -= shift
        if case.status is not CaseStatus.CLOSED and index % 5 == 4:
            closed_on = min(case.opened_on + timedelta(days=rng.randint(120, 330)), today - timedelta(days=10))
            case.status, case.closed_on = CaseStatus.CLOSED, closed_on
            case.closed_reason = CLOSED_IN_HISTORY[index % len(CLOSED_IN_HISTORY)]
    session.flush()


def _dates(start: date, stop: date, first: int, every: tuple[int, int], rng: random.Random) -> list[date]:
    days, day = [], start + timedelta(days=first)
    while day < stop:
        days.append(_weekday(day))
        day += timedelta(days=rng.randint(*every))
    return [d for d in days if d < stop]


def _miss_chance(reach: str, progress: float) -> float:
    """Misses are rarer where a reminder reached the family, and grow rarer as the program learns."""
    base = {"sms": 0.012, "sms_unconfirmed": 0.03, "email": 0.04, "call": 0.03, "failed": 0.09, "none": 0.1}[reach]
    return base * (1.7 - progress)


def _history(
    session: Session,
    program: Organization,
    chicago: Court,
    others: list[Court],
    offices: dict[OfficeKind, Office],
    today: date,
    rng: random.Random,
) -> tuple[int, int]:
    """Past dates of every case since its opening, for up to eighteen months: check-ins every six
    weeks or so, hearings every few months, a USCIS appointment for some; outcomes recorded (a few
    recent ones not yet), reminders sent before each date with what the carrier said, replies,
    interpreter calls for languages without written texts, two households that opted out."""
    zone = program.timezone
    earliest = date(today.year - 1, today.month, 1) - timedelta(days=30 * (HISTORY_MONTHS - 12))
    cases = list(
        session.scalars(
            select(Case)
            .join(Family, Case.family_id == Family.id)
            .where(Family.program_id == program.id)
            .order_by(Case.id)
        )
    )
    manager = session.scalars(
        select(User).where(User.organization_id == program.id, User.role == Role.CASE_MANAGER)
    ).first()
    rows: list[tuple[Appointment, Member, str]] = []
    calls: list[Task] = []
    opted_out = 0
    for index, case in enumerate(cases):
        members = case.family.members
        head = next((m for m in members if m.relationship_to_head is Relationship.HEAD), members[0])
        start = max(case.opened_on, earliest)
        stop = min(case.closed_on or today, today)
        sms_consent = next((c for c in head.consents if c.kind is ConsentKind.SMS_REMINDERS), None)
        if sms_consent is not None and opted_out < 2 and index % 11 == 5 and (stop - start).days > 200:
            sms_consent.revoked_on = start + timedelta(days=(stop - start).days // 2)  # replied STOP
            opted_out += 1
        court = chicago if index % 4 else others[index % len(others)]
        check_office = offices[OfficeKind.ICE] if index % 2 else offices[OfficeKind.ATD]
        plan: list[tuple[AppointmentKind, date, Court | Office]] = [
            (AppointmentKind.ICE_CHECK_IN if index % 2 else AppointmentKind.ATD_CHECK_IN, d, check_office)
            for d in _dates(start, stop, rng.randint(14, 35), (35, 50), rng)
        ]
        hearings = _dates(start, stop, rng.randint(40, 80), (85, 150), rng)
        plan += [
            (AppointmentKind.INDIVIDUAL_HEARING if n >= 3 else AppointmentKind.MASTER_HEARING, d, court)
            for n, d in enumerate(hearings)
        ]
        if index % 5 in (0, 2):
            plan += [
                (AppointmentKind.USCIS_BIOMETRICS, d, offices[OfficeKind.USCIS])
                for d in _dates(start, stop, rng.randint(50, 110), (400, 500), rng)[:1]
            ]
        for kind, day, place in plan:
            rows.append((_past_date(case, head, kind, day, place, rng), head, _reach_of(head, day, rng)))
    session.add_all(a for a, _, _ in rows)
    session.flush()
    messages: list[Reminder] = []
    span = max((today - earliest).days, 1)
    for appointment, head, reach in rows:
        progress = min(max((appointment.local_date - earliest).days / span, 0.0), 1.0)
        _reminders(appointment, head, reach, messages, rng)
        if reach == "call":
            calls.append(_interpreter_call(appointment, head, manager, zone, rng))
        _outcome(appointment, reach, progress, today, rng)
    session.add_all(messages)
    session.add_all(calls)
    session.flush()
    return len(rows), len(messages)


def _past_date(
    case: Case, head: Member, kind: AppointmentKind, day: date, place: Court | Office, rng: random.Random
) -> Appointment:
    at = time(8 + rng.randint(0, 5), rng.choice((0, 30)))
    hearing = isinstance(place, Court)
    appointment = Appointment(
        case_id=case.id,
        kind=kind,
        court_id=place.id if hearing else None,
        office_id=None if hearing else place.id,
        local_date=day,
        local_time=at,
        timezone=place.timezone,
        fold=0,
        starts_at=local_instant(day, at, place.timezone),
        mode=AttendanceMode.IN_PERSON,
        interpreter_language=head.preferred_language if hearing and head.needs_interpreter else None,
        status=AppointmentStatus.SCHEDULED,
        uid=services.new_uid(),
        sequence=0,
        created_by_id=case.assigned_to_id,
    )
    appointment.attendees = [AppointmentMember(member_id=head.id)]
    return appointment


def _active(consent: Consent | None, day: date) -> bool:
    return consent is not None and consent.given_on <= day and (consent.revoked_on is None or consent.revoked_on > day)


def _reach_of(head: Member, day: date, rng: random.Random) -> str:
    """How the reminders of this date will fare: the channels the household agreed to on that day,
    their language, and chance (the carrier's answers, a failing number)."""
    sms = _active(next((c for c in head.consents if c.kind is ConsentKind.SMS_REMINDERS), None), day)
    email = _active(next((c for c in head.consents if c.kind is ConsentKind.EMAIL_REMINDERS), None), day) and bool(
        head.email
    )
    mobile = any(p.kind is PhoneKind.MOBILE for p in head.phones)
    if (sms and mobile) or email:
        if not has_texts(head.preferred_language):
            return "call"
        if sms and mobile:
            roll = rng.random()
            return (
                "sms"
                if roll < 0.88
                else "sms_unconfirmed"
                if roll < 0.94
                else "failed"
                if roll < 0.98 or not email
                else "email"
            )
        return "email"
    return "none"


def _reminders(appointment: Appointment, head: Member, reach: str, out: list[Reminder], rng: random.Random) -> None:
    if reach in ("none", "call"):
        return
    mobile = next((p.number for p in head.phones if p.kind is PhoneKind.MOBILE), None)
    channels = [] if reach == "email" else [Channel.SMS]
    if head.email and any(
        c.kind is ConsentKind.EMAIL_REMINDERS and _active(c, appointment.local_date) for c in head.consents
    ):
        channels.append(Channel.EMAIL)
    for days, hour in ((7, 10), (1, 18)):
        due = local_instant(appointment.local_date - timedelta(days=days), time(hour), appointment.timezone)
        for channel in channels:
            status, delivery = ReminderStatus.SENT, None
            if channel is Channel.SMS:
                delivery = {"sms": "delivered", "sms_unconfirmed": None, "failed": "undelivered"}.get(reach)
                if reach == "failed" and days == 1:
                    status, delivery = ReminderStatus.FAILED, None
            sent = status is ReminderStatus.SENT
            reply = None
            if channel is Channel.SMS and days == 7 and delivery == "delivered":
                roll = rng.random()
                reply = "confirmed" if roll < 0.22 else "needs_help" if roll < 0.25 else None
            out.append(
                Reminder(
                    appointment_id=appointment.id,
                    family_id=head.family_id,
                    member_id=head.id,
                    kind=MessageKind.REMINDER,
                    step=f"{days}@{hour:02d}:00",
                    channel=channel,
                    recipient=(mobile or "") if channel is Channel.SMS else head.email or "",
                    language=head.preferred_language or "eng",
                    due_at=due,
                    status=status,
                    dedupe_key=f"demo:{appointment.id}:{days}:{channel.value}",
                    attempts=1,
                    sent_at=due + timedelta(seconds=40) if sent else None,
                    provider_id=f"demo-{appointment.id}-{days}-{channel.value}"
                    if sent and channel is Channel.SMS
                    else None,
                    delivery_status=delivery,
                    delivery_updated_at=due + timedelta(minutes=2) if delivery else None,
                    last_error=None if sent else "the carrier refused the number",
                    reply=reply,
                    created_at=due - timedelta(days=14),
                )
            )


def _interpreter_call(
    appointment: Appointment, head: Member, manager: User | None, zone: str, rng: random.Random
) -> Task:
    """No written text in their language: a call with an interpreter, a week before, mostly done."""
    from scheduling.task_titles import INTERPRETER_CALL

    due = appointment.local_date - timedelta(days=7)
    created = local_instant(due - timedelta(days=3), time(6), zone)
    values = {"language": head.preferred_language or "", "date": appointment.local_date.isoformat()}
    done = rng.random() < 0.9
    return Task(
        case_id=appointment.case_id,
        due_on=due,
        created_at=created,
        title=INTERPRETER_CALL.english(values),
        title_key=INTERPRETER_CALL.key,
        title_values=values,
        assignee_id=manager.id if manager else None,
        completed_at=local_instant(due, time(11), zone) if done else None,
        completed_by_id=manager.id if manager and done else None,
    )


def _outcome(appointment: Appointment, reach: str, progress: float, today: date, rng: random.Random) -> None:
    recent = (today - appointment.local_date).days <= 21
    if rng.random() < (0.2 if recent else 0.004):
        return  # not recorded yet: the reports list it as an outcome missing
    roll = rng.random()
    if appointment.kind in (AppointmentKind.ICE_CHECK_IN, AppointmentKind.ATD_CHECK_IN) and roll < 0.02:
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = appointment.starts_at - timedelta(days=3)
        return
    if appointment.court_id and roll < 0.04:
        appointment.outcome = Outcome.RESCHEDULED
    elif rng.random() < _miss_chance(reach, progress):
        appointment.outcome = Outcome.MISSED
    elif appointment.court_id and roll > 0.9:
        appointment.outcome = Outcome.ADJOURNED
    else:
        appointment.outcome = Outcome.ATTENDED
    appointment.outcome_recorded_at = min(
        appointment.starts_at + timedelta(hours=rng.randint(2, 30)), datetime.now(UTC)
    )
    appointment.outcome_recorded_by_id = appointment.created_by_id
