"""Figures 3 (legal representation), 5 (deadlines) and 4 (school), against hand-built data."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from casework.accounts.models import OrganizationKind
from casework.cases.models import Case, Task, TaskKind
from casework.db import utcnow
from casework.families import services as family_services
from casework.families.models import Family, Member, Relationship
from casework.releases.models import Release, ReleaseType, ReleasingAgency
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import add_years
from legal.models import Referral, ReferralStatus, Representation
from reports import facts, services
from reports.services import Filters
from scheduling.models import AppointmentKind, AppointmentStatus, Deadline, DeadlineKind, Outcome
from tests.factories import PASSWORD, make_organization, member_data
from tests.reports.conftest import ZONE, appointment, household, other_program, page_as_built, refreshed


def _at(day, hour) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(ZONE)).astimezone(UTC)


def _release(db_session, family, day) -> None:
    db_session.add(
        Release(family_id=family.id, released_on=day, agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE)
    )


@pytest.fixture()
def legal(db_session, program):
    p = program
    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Lakeside Legal Clinic")
    cases = {}
    for name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        family, case = household(db_session, p.manager, given="Ana", surname=f"Tzul {name}")
        cases[name] = (family, case)

    def refer(name, status, filed=None, answered=None):
        db_session.add(
            Referral(
                case_id=cases[name][1].id,
                partner_id=partner.id,
                status=status,
                representation=Representation.REPRESENTING if filed else Representation.NONE,
                appearance_filed_on=filed,
                answered_at=answered,
            )
        )

    for name, day in (("h1", 5), ("h2", 6), ("h3", 7)):
        appointment(
            db_session, cases[name][1], p.day(day), AppointmentKind.MASTER_HEARING, Outcome.ATTENDED, court=p.court
        )
    appointment(
        db_session,
        cases["h4"][1],
        p.day(8),
        AppointmentKind.MASTER_HEARING,
        status=AppointmentStatus.CANCELLED,
        court=p.court,
    )
    refer("h1", ReferralStatus.ACCEPTED, filed=p.day(10), answered=_at(p.day(4), 10))
    refer("h2", ReferralStatus.SENT)
    refer("h3", ReferralStatus.ACCEPTED, answered=_at(p.day(3), 10))
    refer("h5", ReferralStatus.ACCEPTED, filed=p.day(12), answered=_at(p.day(2), 10))
    refer(
        "h6", ReferralStatus.ACCEPTED, filed=p.start - timedelta(days=3), answered=_at(p.start - timedelta(days=9), 9)
    )
    _release(db_session, cases["h1"][0], p.day(10) - timedelta(days=100))
    _release(db_session, cases["h1"][0], p.day(10) - timedelta(days=20))  # a later release: the first counts
    _release(db_session, cases["h5"][0], p.day(12) - timedelta(days=40))
    _release(db_session, cases["h6"][0], p.start - timedelta(days=60))
    soon = p.today + timedelta(days=20)
    for name in ("h1", "h2"):
        appointment(db_session, cases[name][1], soon, AppointmentKind.INDIVIDUAL_HEARING, court=p.court)
    db_session.commit()
    return p


def _representation(db_session, user, filters):
    """The figure as the page shows it: the households with a hearing come from the facts."""
    facts.refresh(db_session, user.organization_id, utcnow())
    return services.representation(db_session, user, filters, ZONE, utcnow())


def test_households_with_a_hearing_and_their_representation(db_session, legal):
    p = legal
    figure = _representation(db_session, p.supervisor, Filters(p.start, p.end))
    assert (figure.households, figure.accepted, figure.appeared, figure.either) == (3, 2, 1, 2)
    assert figure.represented == 2 and figure.median_days == 70  # 100 and 40 days
    assert figure.merits_count == 1 and figure.merits[0].family_name.startswith("Tzul h2")


def test_households_with_a_hearing_follow_the_reach_and_the_filters(db_session, legal):
    """Each household counted once however many hearings; only the reader's caseload, the court
    chosen, and never another program's households."""
    p = legal
    _elsewhere, their_manager, _admin = other_program(db_session)
    _family, their_case = household(db_session, their_manager, given="Yusmary", surname="Rojas")
    appointment(db_session, their_case, p.day(5), AppointmentKind.MASTER_HEARING, Outcome.ATTENDED, court=p.court)
    h1 = db_session.scalars(select(Case).join(Family).where(Family.display_name.like("Tzul h1%"))).one()
    appointment(db_session, h1, p.day(15), AppointmentKind.MASTER_HEARING, Outcome.ATTENDED, court=p.other_court)
    db_session.commit()
    period = Filters(p.start, p.end)
    assert _representation(db_session, p.supervisor, period).households == 3
    assert _representation(db_session, p.manager, period).households == 3
    assert _representation(db_session, p.other_manager, period).households == 0
    other_court = Filters(p.start, p.end, court_id=p.other_court.id)
    assert _representation(db_session, p.supervisor, other_court).households == 1
    check_ins = Filters(p.start, p.end, kind=AppointmentKind.ICE_CHECK_IN)
    assert _representation(db_session, p.supervisor, check_ins).households == 0


def test_merits_hearings_without_counsel_count_households_past_the_list(db_session, legal, monkeypatch):
    """Two merits hearings of one household count once; a list cut short still counts them all."""
    p = legal
    soon = p.today + timedelta(days=30)
    h2 = db_session.scalars(select(Case).join(Family).where(Family.display_name.like("Tzul h2%"))).one()
    h3 = db_session.scalars(select(Case).join(Family).where(Family.display_name.like("Tzul h3%"))).one()
    appointment(db_session, h2, soon, AppointmentKind.INDIVIDUAL_HEARING, court=p.court)
    appointment(db_session, h3, soon, AppointmentKind.INDIVIDUAL_HEARING, court=p.court)
    db_session.commit()
    whole = _representation(db_session, p.supervisor, Filters(p.start, p.end))
    assert whole.merits_count == 2 and len(whole.merits) == 3
    monkeypatch.setattr(services, "LIST_SIZE", 1)
    cut = _representation(db_session, p.supervisor, Filters(p.start, p.end))
    assert cut.merits_count == 2 and [row.family_name[:7] for row in cut.merits] == ["Tzul h2"]


def test_a_rescheduled_hearing_counts_a_cancelled_one_does_not(db_session, legal):
    """Both are left out of the appearance rate; the household of a rescheduled hearing still had
    one in the period, the household of a cancelled one (h4) did not."""
    p = legal
    assert _representation(db_session, p.supervisor, Filters(p.start, p.end)).households == 3
    h5 = db_session.scalars(select(Case).join(Family).where(Family.display_name.like("Tzul h5%"))).one()
    appointment(db_session, h5, p.day(9), AppointmentKind.MASTER_HEARING, Outcome.RESCHEDULED, court=p.court)
    db_session.commit()
    figure = _representation(db_session, p.supervisor, Filters(p.start, p.end))
    assert (figure.households, figure.accepted, figure.appeared) == (4, 3, 2)


def test_the_representation_page_says_when_its_facts_were_built(app, client, legal, monkeypatch):
    p = legal
    monkeypatch.setitem(app.config, "REPORT_FACTS_MAX_AGE", 3600)
    client.sign_in(p.supervisor.email, PASSWORD)
    query = {"start": p.start.isoformat(), "end": p.end.isoformat()}
    page_as_built(client, "representation", "/reports/representation", query)
    assert "Households with a hearing" in refreshed(client, "representation", "/reports/representation", query)


def test_the_representation_page_and_its_download(client, legal):
    p = legal
    client.sign_in(p.supervisor.email, PASSWORD)
    query = urlencode({"start": p.start.isoformat(), "end": p.end.isoformat()})
    page = client.get("/reports/representation?" + query).get_data(as_text=True)
    assert '<td class="num" data-label="Share">66.7% (2/3)</td>' in page and "Tzul h2" in page and "<svg" in page
    body = client.get(f"/reports/export?table=representation-delay&format=csv&{query}").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][1:] == ["2", "70.0"]
    shared = client.get(f"/reports/export?table=representation-delay&format=csv&share=1&{query}").get_data()
    assert list(csv.reader(io.StringIO(shared.decode("utf-8-sig"))))[1][1:] == ["<5", "suppressed"]


@pytest.fixture()
def due(db_session, program):
    p = program
    cases = [household(db_session, p.manager, given="Ana", surname=f"Pú {n}")[1] for n in range(4)]
    for case, due_on, met_on in (
        (cases[0], p.day(3), p.day(2)),
        (cases[1], p.day(4), p.day(10)),
        (cases[2], p.day(5), None),
        (cases[3], p.end + timedelta(days=3), None),
    ):
        db_session.add(
            Deadline(
                case_id=case.id,
                kind=DeadlineKind.ASYLUM_ONE_YEAR,
                title="I-589",
                due_on=due_on,
                met_on=met_on,
                source=f"asylum:{case.id}",
            )
        )
    moved = p.day(3)
    # Done at 23:00 in Chicago on the due day, 05:00 the next day in UTC: on time.
    db_session.add(
        Task(
            case_id=cases[0].id,
            kind=TaskKind.ADDRESS_CHANGE_COURT,
            title="EOIR-33",
            due_on=moved + timedelta(days=5),
            completed_at=_at(moved + timedelta(days=5), 23),
        )
    )
    db_session.add(
        Task(
            case_id=cases[0].id,
            kind=TaskKind.ADDRESS_CHANGE_USCIS,
            title="AR-11",
            due_on=moved + timedelta(days=5),
            completed_at=_at(moved + timedelta(days=6), 10),
        )
    )
    db_session.add(Task(case_id=cases[1].id, kind=TaskKind.ADDRESS_CHANGE_COURT, title="EOIR-33", due_on=p.day(15)))
    db_session.add(
        Task(
            case_id=cases[2].id, kind=TaskKind.ADDRESS_CHANGE_COURT, title="EOIR-33", due_on=p.start + timedelta(days=2)
        )
    )  # moved before the period
    db_session.commit()
    return p


def test_deadlines_met_late_missed_and_pending(db_session, due):
    p = due
    rows = {
        r.key: (r.on_time, r.late, r.missed, r.pending)
        for r in services.deadlines(db_session, p.supervisor, Filters(p.start, p.end), ZONE, p.today)
    }
    assert rows["asylum"] == (1, 1, 1, 0)
    assert rows["address_change_court"] == (1, 0, 1, 0)
    assert rows["address_change_uscis"] == (0, 1, 0, 0)
    future = services.deadlines(
        db_session, p.supervisor, Filters(p.start, p.end + timedelta(days=40)), ZONE, p.end + timedelta(days=1)
    )
    assert (future[0].missed, future[0].pending) == (1, 1)


def test_the_deadlines_page(client, due):
    p = due
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(f"/reports/deadlines?start={p.start.isoformat()}&end={p.end.isoformat()}").get_data(as_text=True)
    assert "Asylum application (I-589), one year after arrival" in page and "33.3% (1/3)" in page


def _school(db_session, user, p) -> services.SchoolFigure:
    """The school figure of the program's period, its child facts built first (as the page does)."""
    facts.refresh(db_session, p.organization.id, utcnow())
    return services.school(db_session, user, Filters(p.start, p.end), p.today)


@pytest.fixture()
def children(db_session, program):
    p = program
    family, _case = household(db_session, p.manager, given="Ana", surname="Xicará")
    released = p.day(1)
    _release(db_session, family, released)
    for age, enrolled_after in ((7, 19), (10, 50), (3, None), (17, None), (12, 120)):
        child = family_services.add_member(
            db_session,
            p.manager,
            family,
            member_data(
                given=f"Niño {age}",
                first="Xicará",
                a_number=None,
                phones=[],
                relationship_to_head=Relationship.CHILD,
                date_of_birth=add_years(released, -age) - timedelta(days=10),
            ),
            released,
        )
        if enrolled_after is not None:
            db_session.add(
                SchoolEnrollment(
                    member_id=child.id,
                    status=EnrollmentStatus.ENROLLED,
                    enrolled_on=released + timedelta(days=enrolled_after),
                )
            )
    other, _ = household(db_session, p.other_manager, given="Iris", surname="Bonilla")
    child = family_services.add_member(
        db_session,
        p.other_manager,
        other,
        member_data(
            given="Kevin",
            first="Bonilla",
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=add_years(p.today, -9),
        ),
        p.today,
    )
    db_session.add(
        SchoolEnrollment(member_id=child.id, status=EnrollmentStatus.BARRIER, barrier=Barrier.VACCINATION_RECORDS)
    )
    db_session.commit()
    return p


def test_children_enrolled_within_30_60_90_days_and_not_enrolled_now(db_session, children):
    p = children
    figure = _school(db_session, p.supervisor, p)
    assert figure.children == 4
    assert figure.within == {30: 1, 60: 2, 90: 2} and figure.later == 1 and figure.not_enrolled == 1
    assert figure.now_by_status == {"not_started": 1, "barrier": 1}
    mine = _school(db_session, p.manager, p)
    assert mine.now_by_status == {"not_started": 1}
    theirs = services.school(db_session, p.supervisor, Filters(p.start, p.end, manager_id=p.other_manager.id), p.today)
    assert (theirs.children, theirs.now_by_status) == (0, {"barrier": 1})


def test_the_school_figures_are_those_of_the_last_build_of_the_facts(client, db_session, children, monkeypatch, app):
    """The figures read the child facts: an enrollment recorded after they were built counts once
    they are built again (the job, a stale page, or "Refresh now", which comes back to this page);
    the household language filter reads the language the facts were built with."""
    p = children
    before = _school(db_session, p.supervisor, p)
    waiting = db_session.scalars(select(SchoolEnrollment).join(Member).where(Member.given_names == "Kevin")).one()
    waiting.status, waiting.barrier, waiting.enrolled_on = EnrollmentStatus.ENROLLED, None, p.today
    db_session.commit()
    kept = services.school(db_session, p.supervisor, Filters(p.start, p.end), p.today)
    assert kept.now_by_status == before.now_by_status == {"not_started": 1, "barrier": 1}
    assert _school(db_session, p.supervisor, p).now_by_status == {"not_started": 1}
    assert services.school(db_session, p.supervisor, Filters(p.start, p.end, language="mam"), p.today).children == 0
    assert services.school(db_session, p.supervisor, Filters(p.start, p.end, language="spa"), p.today).children == 4

    monkeypatch.setitem(app.config, "REPORT_FACTS_MAX_AGE", 3600)
    client.sign_in(p.supervisor.email, PASSWORD)
    query = {"start": p.start.isoformat(), "end": p.end.isoformat()}
    page_as_built(client, "school", "/reports/school", query)
    assert "School enrollment" in refreshed(client, "school", "/reports/school", query)


def test_the_child_facts_keep_the_children_not_the_other_adults(db_session, children):
    """Only the members the school report can count are copied: of school age at their household's
    first release, or young enough to be of school age today or later."""
    from reports.models import ChildFact

    p = children
    facts.refresh(db_session, p.organization.id, utcnow())
    kept = set(
        db_session.scalars(
            select(Member.given_names)
            .join(ChildFact, ChildFact.member_id == Member.id)
            .where(ChildFact.program_id == p.organization.id)
        )
    )
    assert kept == {"Niño 7", "Niño 10", "Niño 3", "Niño 17", "Niño 12", "Kevin"}


def test_school_age_is_counted_to_the_day_at_release_and_today(db_session, program):
    """Five on the day of release counts, four does not; eighteen counts until the nineteenth
    birthday, at release and today alike (one reading of the members serves both questions)."""
    p = program
    family, _case = household(db_session, p.manager, given="Rosa", surname="Coc")
    released = p.day(1)
    _release(db_session, family, released)
    births = {
        "five at release": add_years(released, -5),
        "eighteen at release": add_years(released, -19) + timedelta(days=1),
        "nineteen at release": add_years(released, -19),
        "four at release": add_years(released, -5) + timedelta(days=1),
        "eighteen today": add_years(p.today, -19) + timedelta(days=1),
        "nineteen today": add_years(p.today, -19),
    }
    for name, born in births.items():
        family_services.add_member(
            db_session,
            p.manager,
            family,
            member_data(
                given=name,
                first="Coc",
                a_number=None,
                phones=[],
                relationship_to_head=Relationship.CHILD,
                date_of_birth=born,
            ),
            released,
        )
    db_session.commit()
    figure = _school(db_session, p.supervisor, p)
    # At release: five, eighteen, and the two born nineteen years before about today (17 or 18 then).
    assert figure.children == 4 and figure.not_enrolled == 4 and figure.within == {30: 0, 60: 0, 90: 0}
    # Today: the five-year-old, the one who was four at release, and the one still eighteen.
    assert figure.now_by_status == {"not_started": 3}


def test_the_school_page(client, children):
    p = children
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(f"/reports/school?start={p.start.isoformat()}&end={p.end.isoformat()}").get_data(as_text=True)
    assert "Enrolled within 30 days of release" in page and "Facing a barrier" in page
    assert '<td class="num" data-label="Share">25.0% (1/4)</td>' in page


def test_a_household_released_twice_on_its_first_day_counts_once(db_session, children):
    """Two releases recorded for the same first day (a parent and a child released apart): the
    children are counted once, as released that day."""
    p = children
    family = db_session.scalars(select(Family).where(Family.display_name.like("Xicará%"))).one()
    _release(db_session, family, p.day(1))
    _release(db_session, family, p.day(1) + timedelta(days=30))
    db_session.commit()
    figure = _school(db_session, p.supervisor, p)
    assert figure.children == 4
    assert figure.within == {30: 1, 60: 2, 90: 2} and figure.later == 1 and figure.not_enrolled == 1


def test_the_delay_to_representation_counts_from_the_first_release_whatever_its_twins(db_session, legal):
    p = legal
    h1 = db_session.scalars(select(Family).where(Family.display_name.like("Tzul h1%"))).one()
    _release(db_session, h1, p.day(10) - timedelta(days=100))  # the same first day again
    db_session.commit()
    figure = _representation(db_session, p.supervisor, Filters(p.start, p.end))
    assert figure.represented == 2 and figure.median_days == 70
