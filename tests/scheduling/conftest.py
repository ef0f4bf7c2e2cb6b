"""Scheduling fixtures: a program in Chicago, a household with consents, courts in each kind of zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from casework.accounts.models import Role
from casework.cases.models import Case
from casework.families.models import ConsentKind, PhoneKind, Relationship
from casework.timeutil import today_in
from scheduling import services
from scheduling.models import AppointmentKind, Court, Office
from tests.factories import make_family, make_ice_office, make_organization, make_user, member_data

PROGRAM_ZONE = "America/Chicago"


def program_today() -> date:
    """Today on the test program's clock: between midnight UTC and midnight in Chicago, UTC's date
    is already tomorrow, and a test that used it would fail at night."""
    return today_in(PROGRAM_ZONE)


COURTS = {
    # slug: (name, street, city, state, zip, zone)
    "chicago": (
        "Chicago Immigration Court",
        "525 West Van Buren Street, Suite 500",
        "Chicago",
        "IL",
        "60607",
        "America/Chicago",
    ),
    "phoenix": (
        "Phoenix Immigration Court",
        "250 North 7th Avenue, Suite 300",
        "Phoenix",
        "AZ",
        "85007",
        "America/Phoenix",
    ),
    "el-paso": (
        "El Paso Immigration Court",
        "700 East San Antonio Avenue, Suite 750",
        "El Paso",
        "TX",
        "79901",
        "America/Denver",
    ),
    "san-juan": (
        "San Juan Immigration Court",
        "Edificio Ochoa, 500 Calle de la Tanca, Suite 401",
        "San Juan",
        "PR",
        "00901",
        "America/Puerto_Rico",
    ),
    "saipan": (
        "Saipan Immigration Court",
        "Marina Heights Business Park, Suite 1007",
        "Saipan",
        "MP",
        "96950",
        "Pacific/Saipan",
    ),
    "new-york": (
        "New York - Broadway Immigration Court",
        "290 Broadway, 12th Floor",
        "New York",
        "NY",
        "10007",
        "America/New_York",
    ),
}


@pytest.fixture()
def courts(db_session) -> dict[str, Court]:
    made = {}
    for slug, (name, street, city, state, postal, zone) in COURTS.items():
        court = Court(
            slug=f"test-{slug}", name=name, street=street, city=city, state=state, postal_code=postal, timezone=zone
        )
        db_session.add(court)
        made[slug] = court
    db_session.flush()
    return made


@pytest.fixture()
def program(db_session):
    program = make_organization(db_session, name="Chicago Families Program", timezone=PROGRAM_ZONE)
    program.phone = "+13125550100"
    db_session.flush()
    return program


@pytest.fixture()
def manager(db_session, program):
    return make_user(db_session, program, Role.CASE_MANAGER, name="Marta Quispe")


@pytest.fixture()
def ice_office(db_session, program) -> Office:
    return make_ice_office(db_session, program)


def household(
    db_session,
    manager,
    language="spa",
    consents=(ConsentKind.SMS_REMINDERS, ConsentKind.EMAIL_REMINDERS),
    phone="(312) 555-0143",
    email="familia.garcia@example.org",
    today=date(2026, 11, 2),
):
    family = make_family(
        db_session,
        manager,
        member_data(preferred_language=language, email=email, phones=[(phone, PhoneKind.MOBILE)] if phone else []),
        consents=consents,
        today=today,
    )
    from casework.families import services as family_services

    family_services.add_member(
        db_session,
        manager,
        family,
        member_data(
            given="Ana Sofía",
            first="García",
            phones=[],
            email=None,
            relationship_to_head=Relationship.CHILD,
            date_of_birth=date(2016, 5, 2),
        ),
        today,
    )
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    return family, case


@pytest.fixture()
def family_case(db_session, manager):
    return household(db_session, manager)


def make_appointment(
    db_session,
    user,
    case,
    court=None,
    day=None,
    at=time(8, 30),
    kind=AppointmentKind.MASTER_HEARING,
    members=None,
    **overrides,
):
    data = services.AppointmentData(
        kind=kind,
        member_ids=members or [m.id for m in case.family.members],
        local_date=day or (program_today() + timedelta(days=30)),
        local_time=at,
        court_id=court.id if court is not None else None,
        **overrides,
    )
    return services.create_appointment(db_session, user, case, data)


def utc(*args) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)
