"""Reports fixtures: a program in Chicago with its staff, a court and offices, and builders of past
dates with their outcomes and reminders, so that every figure has an answer known by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.cases.models import Case
from casework.families.models import ConsentKind, PhoneKind
from casework.timeutil import today_in
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AttendanceMode,
    Channel,
    Court,
    MessageKind,
    Office,
    OfficeKind,
    Reminder,
    ReminderStatus,
)
from scheduling.services import new_uid
from tests.factories import make_family, make_organization, make_user, member_data

ZONE = "America/Chicago"


@dataclass
class Program:
    organization: Organization
    admin: User
    supervisor: User
    manager: User
    other_manager: User
    court: Court
    other_court: Court
    ice: Office
    uscis: Office
    today: date
    # The report's month: the whole calendar month three months before today's.
    start: date
    end: date

    def day(self, n: int) -> date:
        return self.start + timedelta(days=n - 1)


@pytest.fixture(autouse=True)
def facts_rebuilt_on_every_read(app, monkeypatch):
    """The report pages rebuild the appearance facts before each read, so that a figure checked
    just after its dates were added counts them (tests/reports/test_facts.py keeps them older)."""
    monkeypatch.setitem(app.config, "REPORT_FACTS_MAX_AGE", 0)


@pytest.fixture()
def program(db_session) -> Program:
    organization = make_organization(db_session, name="Lakeside Families Program", timezone=ZONE)
    admin = make_user(db_session, organization, Role.ADMIN, name="Alma Admin")
    supervisor = make_user(db_session, organization, Role.SUPERVISOR, name="Saúl Supervisor")
    manager = make_user(db_session, organization, Role.CASE_MANAGER, name="Marta Quispe")
    other_manager = make_user(db_session, organization, Role.CASE_MANAGER, name="Carlos Ortiz")
    court = Court(
        slug="test-chicago",
        name="Chicago Immigration Court",
        street="525 West Van Buren Street",
        city="Chicago",
        state="IL",
        postal_code="60607",
        timezone=ZONE,
    )
    other_court = Court(
        slug="test-kansas-city",
        name="Kansas City Immigration Court",
        street="2345 Grand Boulevard",
        city="Kansas City",
        state="MO",
        postal_code="64108",
        timezone=ZONE,
    )
    ice = Office(
        program_id=organization.id,
        kind=OfficeKind.ICE,
        name="Chicago ICE field office",
        street="101 West Congress Parkway",
        city="Chicago",
        state="IL",
        postal_code="60605",
        timezone=ZONE,
    )
    uscis = Office(
        program_id=organization.id,
        kind=OfficeKind.USCIS,
        name="USCIS Chicago field office",
        street="101 West Congress Parkway",
        city="Chicago",
        state="IL",
        postal_code="60605",
        timezone=ZONE,
    )
    db_session.add_all([court, other_court, ice, uscis])
    db_session.flush()
    today = today_in(ZONE)
    first = today.replace(day=1)
    index = first.year * 12 + first.month - 1 - 3
    start = date(index // 12, index % 12 + 1, 1)
    end = (date(start.year + (start.month == 12), start.month % 12 + 1, 1)) - timedelta(days=1)
    db_session.commit()
    return Program(
        organization, admin, supervisor, manager, other_manager, court, other_court, ice, uscis, today, start, end
    )


def household(
    db_session,
    manager: User,
    language: str = "spa",
    consents=(ConsentKind.SMS_REMINDERS,),
    opened_on: date | None = None,
    given: str = "José Luis",
    surname: str = "García",
):
    family = make_family(
        db_session,
        manager,
        member_data(
            given=given,
            first=surname,
            preferred_language=language,
            email="familia@example.org",
            phones=[("(312) 555-0143", PhoneKind.MOBILE)],
        ),
        consents=consents,
        address=False,
        today=opened_on or date(2025, 6, 2),
    )
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    return family, case


def appointment(
    db_session,
    case: Case,
    day: date,
    kind: AppointmentKind = AppointmentKind.MASTER_HEARING,
    outcome=None,
    decision=None,
    status: AppointmentStatus = AppointmentStatus.SCHEDULED,
    court: Court | None = None,
    office: Office | None = None,
    at: time = time(9, 0),
) -> Appointment:
    """A date as if entered before it happened, with what was recorded of it (nothing: outcome None)."""
    starts_at = datetime.combine(day, at, ZoneInfo(ZONE)).astimezone(UTC)
    row = Appointment(
        case_id=case.id,
        kind=kind,
        court_id=court.id if court else None,
        office_id=office.id if office else None,
        local_date=day,
        local_time=at,
        timezone=ZONE,
        fold=0,
        starts_at=starts_at,
        mode=AttendanceMode.IN_PERSON,
        status=status,
        outcome=outcome,
        decision=decision,
        uid=new_uid(),
        sequence=0,
        outcome_recorded_at=starts_at + timedelta(hours=3) if outcome else None,
        cancelled_at=starts_at - timedelta(days=3) if status is AppointmentStatus.CANCELLED else None,
    )
    db_session.add(row)
    db_session.flush()
    return row


_keys = iter(range(1, 10**9))


def reminder(
    db_session,
    row: Appointment,
    channel: Channel = Channel.SMS,
    status: ReminderStatus = ReminderStatus.SENT,
    delivery: str | None = None,
    days_before: int = 2,
    reply: str | None = None,
    language: str = "spa",
    kind: MessageKind = MessageKind.REMINDER,
) -> Reminder:
    case = db_session.get(Case, row.case_id)
    head = case.family.members[0]
    due = row.starts_at - timedelta(days=days_before)
    sent = due if status is ReminderStatus.SENT else None
    message = Reminder(
        appointment_id=row.id,
        family_id=case.family_id,
        member_id=head.id,
        kind=kind,
        step=f"{days_before}d",
        channel=channel,
        recipient="+13125550143" if channel is Channel.SMS else "familia@example.org",
        language=language,
        due_at=due,
        status=status,
        dedupe_key=f"test:{next(_keys)}",
        attempts=1,
        sent_at=sent,
        delivery_status=delivery,
        delivery_updated_at=sent + timedelta(minutes=1) if sent and delivery else None,
        reply=reply,
    )
    db_session.add(message)
    db_session.flush()
    return message


def other_program(db_session):
    """A second program whose dates must never show in the first one's reports."""
    organization = make_organization(db_session, name="Elsewhere Program", timezone=ZONE)
    manager = make_user(db_session, organization, Role.CASE_MANAGER)
    admin = make_user(db_session, organization, Role.ADMIN)
    return organization, manager, admin


def legal_partner_user(db_session):
    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Test Legal Clinic")
    return make_user(db_session, partner, Role.LEGAL_PARTNER)


def page_as_built(client, report: str, path: str, query: dict[str, str]) -> str:
    """A report page read from the program's facts: it says when they were built, and its
    "Refresh now" names the report."""
    page = client.get(f"{path}?{urlencode(query)}").get_data(as_text=True)
    assert "Figures as of" in page and f'name="report" value="{report}"' in page
    return page


def refreshed(client, report: str, path: str, query: dict[str, str]) -> str:
    """ "Refresh now" on a report: the facts rebuilt, then back to the same page and period."""
    response = client.post("/reports/refresh", data={"report": report, **query})
    assert response.status_code == 302 and response.headers["Location"] == f"{path}?{urlencode(query)}"
    return client.get(response.headers["Location"]).get_data(as_text=True)
