"""Every report page and download runs as many SQL statements for a handful of dates as for many:
aggregation happens in SQL, never in a Python loop over appointments."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from casework.accounts.models import Organization, OrganizationKind
from casework.cases import services as case_services
from casework.cases.models import CaseStatus, ClosedReason
from casework.families import services as family_services
from casework.families.models import Relationship
from casework.releases.models import Release, ReleaseType, ReleasingAgency
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from legal.models import Referral, ReferralStatus, Representation
from scheduling.models import AppointmentKind, Channel, Deadline, DeadlineKind, Outcome, ReminderStatus
from tests.casework.test_query_counts import counting
from tests.factories import PASSWORD, make_organization, make_user, member_data
from tests.reports.conftest import appointment, household, reminder

LANGUAGES = ["spa", "mam", "quc", "hat", "por", "kjb"]


def _statements(app, client, url: str) -> int:
    client.get(url)
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _add(db_session, p, managers, first: int, count: int) -> None:
    """Households with a date of each kind per week of the period, outcomes of every sort, reminders,
    a release, a child at school or not, a represented referral and an asylum deadline."""
    partner = db_session.scalars(
        select(Organization).where(Organization.name == "Count Clinic")
    ).first() or make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Count Clinic")
    outcomes = [Outcome.ATTENDED, Outcome.ATTENDED, Outcome.MISSED, None, Outcome.ADJOURNED]
    for index in range(first, first + count):
        manager = managers[index % len(managers)]
        _family, case = household(
            db_session,
            manager,
            LANGUAGES[index % len(LANGUAGES)],
            opened_on=p.day(2),
            given="Ana",
            surname=f"Tzul{index}",
        )
        for week in range(4):
            day = p.day(1 + week * 7 + index % 5)
            hearing = appointment(
                db_session,
                case,
                day,
                AppointmentKind.MASTER_HEARING,
                outcomes[(index + week) % len(outcomes)],
                court=[p.court, p.other_court][week % 2],
            )
            reminder(db_session, hearing, Channel.SMS, delivery=["delivered", None, "failed"][week % 3])
            reminder(db_session, hearing, Channel.EMAIL, [ReminderStatus.SENT, ReminderStatus.SKIPPED][week % 2])
            appointment(
                db_session,
                case,
                day + timedelta(days=1),
                AppointmentKind.ICE_CHECK_IN,
                outcomes[(index + week + 1) % len(outcomes)],
                office=p.ice,
            )
        appointment(db_session, case, p.day(20), AppointmentKind.USCIS_BIOMETRICS, Outcome.ATTENDED, office=p.uscis)
        case_services.add_task(db_session, manager, case, "Call", p.today - timedelta(days=2), manager.id)
        family = case.family
        db_session.add(
            Release(
                family_id=family.id,
                released_on=p.day(1 + index % 9),
                agency=ReleasingAgency.CBP,
                release_type=ReleaseType.PAROLE,
            )
        )
        child = family_services.add_member(
            db_session,
            manager,
            family,
            member_data(
                given="Sofía",
                first=f"Tzul{index}",
                a_number=None,
                phones=[],
                relationship_to_head=Relationship.CHILD,
                date_of_birth=p.day(1) - timedelta(days=365 * (6 + index % 10)),
            ),
            p.day(1),
        )
        if index % 2:
            db_session.add(
                SchoolEnrollment(
                    member_id=child.id, status=EnrollmentStatus.ENROLLED, enrolled_on=p.day(5 + index % 20)
                )
            )
        db_session.add(
            Referral(
                case_id=case.id,
                partner_id=partner.id,
                status=ReferralStatus.ACCEPTED,
                representation=Representation.REPRESENTING,
                appearance_filed_on=p.day(3 + index % 20),
            )
        )
        db_session.add(
            Deadline(
                case_id=case.id,
                kind=DeadlineKind.ASYLUM_ONE_YEAR,
                title="I-589",
                due_on=p.day(2 + index % 25),
                source=f"asylum:{case.id}",
                met_on=p.day(1) if index % 3 else None,
            )
        )
        if index % 4 == 3:
            case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, p.day(25), ClosedReason.RELIEF_GRANTED
    db_session.commit()


@pytest.mark.parametrize("who", ["supervisor", "manager"])
def test_report_pages_run_a_fixed_number_of_statements(app, client, db_session, program, who):
    p = program
    managers = [p.manager, p.other_manager]
    _add(db_session, p, managers, 0, 2)
    query = urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    urls = [
        f"/reports?{query}",
        f"/reports/reminders?{query}",
        f"/reports/caseload?{query}",
        f"/reports/outcomes-missing?category=hearing&{query}",
        f"/reports/export?table=appearance-by-place&format=csv&{query}",
        f"/reports/export?table=reminders-by-language&format=xlsx&share=1&{query}",
        "/reports?period=last_12_months",
        f"/reports?{query}&language=mam&kind=master_hearing",
        f"/reports/representation?{query}",
        f"/reports/deadlines?{query}",
        f"/reports/school?{query}",
        f"/reports/export?table=deadlines&format=csv&share=1&{query}",
    ]
    user = p.supervisor if who == "supervisor" else p.manager
    client.sign_in(user.email, PASSWORD)
    small = {url: _statements(app, client, url) for url in urls}
    managers += [make_user(db_session, p.organization, name=f"Case Manager {n}") for n in range(3)]
    _add(db_session, p, managers, 2, 25)
    large = {url: _statements(app, client, url) for url in urls}
    assert large == small
