"""Demo dates for the demo program: courts, offices, hearings and check-ins at every stage."""
from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, Role, User
from casework.cases.models import Case, CaseStatus
from casework.families.models import Family
from casework.timeutil import today_in
from scheduling import services
from scheduling.models import Appointment, AppointmentKind, Court, Office, OfficeKind, Outcome

OFFICES = [
    (OfficeKind.ICE, "ICE Chicago field office", "101 West Congress Parkway", "60605"),
    (OfficeKind.ATD, "ATD reporting office, Chicago", "2245 South Michigan Avenue", "60616"),
    (OfficeKind.USCIS, "USCIS Chicago field office", "101 West Congress Parkway, 3rd floor", "60605"),
]
DEMO_PHONE = "+13125550100"


def _weekday(day):  # type: ignore[no-untyped-def]
    """Courts and offices sit Monday to Friday: a weekend day moves to the Monday."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def load(session: Session, program: Organization) -> str:
    """Idempotent: does nothing once the program has any appointment."""
    if not session.scalar(select(Court.id).limit(1)):
        services.load_courts(session)
    if program.phone is None:
        program.phone = DEMO_PHONE
    exists = session.scalar(select(Appointment.id).join(Case, Appointment.case_id == Case.id)
                            .join(Family, Case.family_id == Family.id).where(Family.program_id == program.id).limit(1))
    if exists:
        session.commit()
        return "Demo dates already loaded."
    courts = list(session.scalars(select(Court).where(Court.active.is_(True))))
    chicago = next((c for c in courts if c.city == "Chicago"), courts[0])
    others = [c for c in courts if c.state in ("IL", "IN", "WI", "TX", "AZ") and c.id != chicago.id] or [chicago]
    offices = {}
    for kind, name, street, postal in OFFICES:
        office = Office(program_id=program.id, kind=kind, name=name, street=street, city="Chicago", state="IL",
                        postal_code=postal, timezone="America/Chicago")
        session.add(office)
        offices[kind] = office
    session.flush()
    rng = random.Random(7)
    today = today_in(program.timezone)
    cases = list(session.scalars(select(Case).join(Family, Case.family_id == Family.id)
                                 .where(Family.program_id == program.id, Case.status != CaseStatus.CLOSED)
                                 .order_by(Case.id)))
    made = 0
    for index, case in enumerate(cases):
        user = case.assigned_to or session.scalars(select(User).where(
            User.organization_id == program.id, User.role == Role.CASE_MANAGER)).first()
        head = case.family.members[0]
        everyone = [m.id for m in case.family.members]
        court = chicago if index % 4 else rng.choice(others)
        hearing_day = _weekday(today + timedelta(days=3 + (index * 5) % 70))
        services.create_appointment(session, user, case, services.AppointmentData(
            kind=AppointmentKind.INDIVIDUAL_HEARING if index % 6 == 0 else AppointmentKind.MASTER_HEARING,
            member_ids=everyone, local_date=hearing_day, local_time=time(8 + index % 5, 30 if index % 2 else 0),
            court_id=court.id, interpreter_language=head.preferred_language), commit=False)
        made += 1
        if index % 3 == 0:
            services.create_appointment(session, user, case, services.AppointmentData(
                kind=AppointmentKind.ICE_CHECK_IN, member_ids=[head.id],
                local_date=_weekday(today + timedelta(days=1 + index % 12)),
                local_time=time(9, 0), office_id=offices[OfficeKind.ICE].id), commit=False)
            made += 1
        if index % 5 == 1:
            past = services.create_appointment(session, user, case, services.AppointmentData(
                kind=AppointmentKind.ATD_CHECK_IN, member_ids=[head.id], local_date=today + timedelta(days=2),
                local_time=time(10, 0), office_id=offices[OfficeKind.ATD].id), commit=False)
            # A date that has passed: moved back in time as if it had been entered weeks ago.
            past.local_date = today - timedelta(days=4 + index % 9)
            past.starts_at = datetime.combine(past.local_date, past.local_time).replace(
                tzinfo=ZoneInfo(past.timezone)).astimezone(UTC)
            services.planning.retire(session, past)
            if index % 10 == 1:
                past.outcome = Outcome.ATTENDED
                past.outcome_recorded_at = datetime.now(UTC)
            made += 1
    session.commit()
    for case in cases:
        services.refresh_computed_deadlines(session, case)
    session.commit()
    return f"Demo dates loaded: {made} appointments, {len(offices)} offices."
