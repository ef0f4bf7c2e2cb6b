"""The appearance facts: a report reads them as last built, says when, and they are rebuilt by the
job, by "Refresh now" and by a page that finds them too old; a rebuild follows every change."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from casework.db import utcnow
from casework.families import services as family_services
from casework.families.models import Relationship
from casework.timeutil import add_years
from reports import facts, jobs
from reports.models import AppearanceFact, AppearanceMonth, CaseFact, ChildFact, FactsBuilt
from reports.services import Filters, appearance, whole_program_months
from scheduling.models import Appointment, AppointmentKind, Office, OfficeKind, Outcome
from tests.factories import PASSWORD, make_organization, member_data
from tests.http import Client
from tests.reports.conftest import appointment, household, other_program

H = AppointmentKind.MASTER_HEARING


@pytest.fixture()
def kept_facts(app, monkeypatch):
    """Facts kept for a quarter of an hour, as in production."""
    monkeypatch.setitem(app.config, "REPORT_FACTS_MAX_AGE", 900)


@pytest.fixture()
def hearings(db_session, program):
    """Three hearings of the report's month: two attended, one without an outcome yet."""
    p = program
    _family, case = household(db_session, p.manager, "spa", given="Rigoberta", surname="Ixcoy")
    rows = [
        appointment(db_session, case, p.day(2), H, Outcome.ATTENDED, court=p.court),
        appointment(db_session, case, p.day(9), H, Outcome.ATTENDED, court=p.court),
        appointment(db_session, case, p.day(16), H, court=p.court),
    ]
    db_session.commit()
    return rows


def _url(p, **args) -> str:
    return "/reports?" + urlencode({"start": p.start.isoformat(), "end": p.end.isoformat(), **args})


def _facts(db_session, program_id: int) -> int:
    return db_session.scalar(select(func.count()).where(AppearanceFact.program_id == program_id))


def test_a_report_reads_its_facts_as_built_until_they_are_refreshed(client, db_session, program, hearings, kept_facts):
    p = program
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    assert "2 attended of 2 (attended + missed)" in page and "1 outcome missing" in page
    assert "Figures as of" in page and "Refresh now" in page

    hearings[2].outcome = Outcome.MISSED  # recorded after the figures were built
    db_session.commit()
    page = client.get(_url(p)).get_data(as_text=True)
    assert "2 attended of 2 (attended + missed)" in page  # as of the last build

    period = {"start": p.start.isoformat(), "end": p.end.isoformat()}
    response = client.post("/reports/refresh", period, page=_url(p))
    assert response.status_code == 302
    assert (
        response.headers["Location"].startswith("/reports?")
        and f"start={p.start.isoformat()}" in response.headers["Location"]
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 attended of 3 (attended + missed)" in page and "No outcome missing" in page


def test_refreshing_needs_the_form_token(client, db_session, program, hearings):
    client.sign_in(program.supervisor.email, PASSWORD)
    assert client.raw.post("/reports/refresh", data={}).status_code == 400
    assert db_session.get(FactsBuilt, program.organization.id) is None


def test_a_page_rebuilds_facts_older_than_allowed(client, db_session, program, hearings, kept_facts):
    p = program
    facts.refresh(db_session, p.organization.id, utcnow() - timedelta(minutes=20))
    hearings[2].outcome = Outcome.ATTENDED
    db_session.commit()
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    assert "3 attended of 3 (attended + missed)" in page
    built = db_session.get(FactsBuilt, p.organization.id, populate_existing=True)
    assert utcnow() - built.built_at < timedelta(minutes=1)


def test_the_job_rebuilds_each_program_whose_facts_are_old(db_session, program, hearings):
    p = program
    other = make_organization(db_session, name="Riverside Families Program")
    now = utcnow()
    facts.refresh(db_session, other.id, now - timedelta(minutes=1))  # a reader's "Refresh now" just ran
    db_session.commit()
    rebuilt = facts.refresh_programs(db_session, now, jobs.FRESH_ENOUGH)
    db_session.commit()
    assert _facts(db_session, p.organization.id) == 3
    assert db_session.get(FactsBuilt, p.organization.id).built_at == now
    assert db_session.get(FactsBuilt, other.id).built_at == now - timedelta(minutes=1)  # left alone
    assert rebuilt >= 1
    assert facts.refresh_programs(db_session, now + timedelta(minutes=1), jobs.FRESH_ENOUGH) == 0


def test_a_rebuild_replaces_the_facts_and_a_deleted_date_takes_its_fact(db_session, program, hearings):
    p = program
    facts.refresh(db_session, p.organization.id, utcnow())
    facts.refresh(db_session, p.organization.id, utcnow())
    db_session.commit()
    assert _facts(db_session, p.organization.id) == 3
    db_session.delete(db_session.get(Appointment, hearings[0].id))
    db_session.commit()
    assert _facts(db_session, p.organization.id) == 2


def test_the_result_of_a_date_without_outcome_depends_on_the_time_it_is_read(db_session, program):
    """Built while a date is ahead, read after it passed: counted missing without a rebuild."""
    p = program
    _family, case = household(db_session, p.manager, "spa")
    row = appointment(db_session, case, p.day(3), H, court=p.court)
    db_session.commit()
    facts.refresh(db_session, p.organization.id, utcnow())
    period = Filters(start=p.start, end=p.end)
    before = appearance(db_session, p.supervisor, period, row.starts_at - timedelta(minutes=1)).summary["hearing"]
    after = appearance(db_session, p.supervisor, period, row.starts_at + timedelta(minutes=1)).summary["hearing"]
    assert (before.missing, before.ahead) == (0, 1)
    assert (after.missing, after.ahead) == (1, 0)


def test_a_case_manager_reads_the_facts_of_their_own_caseload(client, db_session, program, hearings, kept_facts):
    p = program
    _family, theirs = household(db_session, p.other_manager, "mam", given="Wilmer", surname="Tzoc")
    appointment(db_session, theirs, p.day(4), AppointmentKind.ICE_CHECK_IN, Outcome.MISSED, office=p.ice)
    db_session.commit()
    client.sign_in(p.other_manager.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    assert "0 attended of 1 (attended + missed)" in page
    assert "2 attended of 2" not in page  # Marta's hearings are not Carlos's


def test_the_monthly_counts_give_the_figures_counting_every_date_gives(db_session, program, hearings):
    """Whole months of the whole program add up the monthly counts; a period that starts on the
    2nd counts the facts one by one: the same dates, the same figures, breakdowns included."""
    p = program
    _family, theirs = household(db_session, p.other_manager, "mam", consents=(), given="Wilmer", surname="Tzoc")
    appointment(db_session, theirs, p.day(4), AppointmentKind.ICE_CHECK_IN, Outcome.MISSED, office=p.ice)
    appointment(db_session, theirs, p.day(5), AppointmentKind.ICE_CHECK_IN, Outcome.RESCHEDULED, office=p.ice)
    appointment(db_session, theirs, p.day(6), AppointmentKind.USCIS_BIOMETRICS, Outcome.ATTENDED, office=p.uscis)
    facts.refresh(db_session, p.organization.id, utcnow())
    db_session.commit()
    now = utcnow()
    whole = appearance(db_session, p.supervisor, Filters(start=p.start, end=p.end), now)
    counted = appearance(db_session, p.supervisor, Filters(start=p.day(2), end=p.end), now)
    assert whole_program_months(p.supervisor, Filters(start=p.start, end=p.end))
    assert not whole_program_months(p.supervisor, Filters(start=p.day(2), end=p.end))
    assert db_session.scalar(select(func.count()).where(AppearanceMonth.program_id == p.organization.id)) > 0
    assert whole == counted
    for language in ("spa", "mam"):  # the monthly counts are kept per household language too
        one = Filters(start=p.start, end=p.end, language=language)
        assert whole_program_months(p.supervisor, one, by_language=True)
        assert appearance(db_session, p.supervisor, one, now) == appearance(
            db_session, p.supervisor, Filters(start=p.day(2), end=p.end, language=language), now
        )
    assert (
        appearance(db_session, p.supervisor, Filters(start=p.start, end=p.end, language="mam"), now)
        .summary["check_in"]
        .missed
        == 1
    )
    assert (whole.summary["hearing"].attended, whole.summary["hearing"].missing) == (2, 1)
    assert (whole.summary["check_in"].missed, whole.summary["check_in"].left_out) == (1, 1)
    assert {r.key for r in whole.places} == {f"court-{p.court.id}", f"office-{p.ice.id}", f"office-{p.uscis.id}"}
    assert {r.key for r in whole.languages} == {"spa", "mam"}


def test_the_filters_offer_the_courts_and_the_programs_own_offices_and_staff(app, client, db_session, program):
    p = program
    elsewhere, their_manager, _admin = other_program(db_session)
    db_session.add(
        Office(
            program_id=elsewhere.id,
            kind=OfficeKind.ICE,
            name="Elsewhere ICE office",
            street="1 Main St",
            city="Dallas",
            state="TX",
            postal_code="75201",
            timezone="America/Chicago",
        )
    )
    db_session.commit()
    client.sign_in(p.supervisor.email, PASSWORD)
    page = client.get(_url(p)).get_data(as_text=True)
    assert f'<option value="court-{p.court.id}">{p.court.name}</option>' in page
    assert f'<option value="office-{p.ice.id}">{p.ice.name}</option>' in page
    assert f'<option value="{p.other_manager.id}">Carlos Ortiz</option>' in page
    assert "Elsewhere ICE office" not in page and f'value="{their_manager.id}"' not in page
    theirs = Client(app.test_client())
    theirs.sign_in(p.manager.email, PASSWORD)
    own = theirs.get(_url(p)).get_data(as_text=True)
    assert f'value="office-{p.ice.id}"' in own and "All case managers" not in own


def test_each_reader_gets_the_table_headings_in_their_language(app, client, db_session, program, hearings):
    """The breakdowns' column labels are made once per language, not once for everybody."""
    p = program
    p.manager.locale = "es"
    db_session.commit()
    client.sign_in(p.supervisor.email, PASSWORD)
    assert "Hearings: appearance rate" in client.get(_url(p)).get_data(as_text=True)
    spanish = Client(app.test_client())
    spanish.sign_in(p.manager.email, PASSWORD)
    page = spanish.get(_url(p)).get_data(as_text=True)
    assert "Audiencias: tasa de comparecencia" in page and "Hearings: appearance rate" not in page
    assert "Hearings: appearance rate" in client.get(_url(p)).get_data(as_text=True)


def test_retention_takes_a_households_facts_with_it(app, db_session, program, hearings):
    """Anonymizing a household (the retention job calls every domain's anonymizer) deletes its
    facts at once: the child facts copy its members' birth dates."""
    from casework.extensions import registry

    p = program
    family = hearings[0].case.family
    child = member_data(
        given="Sofía",
        first="Ixcoy",
        a_number=None,
        phones=[],
        relationship_to_head=Relationship.CHILD,
        date_of_birth=add_years(p.today, -9),
    )
    family_services.add_member(db_session, p.manager, family, child, p.today)
    facts.refresh(db_session, p.organization.id, utcnow())
    db_session.commit()
    family_id = family.id
    child_facts = select(func.count()).select_from(ChildFact).where(ChildFact.family_id == family_id)
    case_facts = select(func.count()).select_from(CaseFact).where(CaseFact.family_id == family_id)
    assert db_session.scalar(child_facts) >= 1 and _facts(db_session, p.organization.id) == 3
    assert db_session.scalar(case_facts) == 1
    assert facts.forget_family in registry(app).anonymizers
    facts.forget_family(db_session, family_id, [hearings[0].case_id])
    db_session.commit()
    assert db_session.scalar(child_facts) == 0 and _facts(db_session, p.organization.id) == 0
    assert db_session.scalar(case_facts) == 0
