"""A case manager opens the program report: the figure with its numbers, the charts drawn on the
server, a download; the page fits a 390-pixel phone and prints without its menus and filters."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casework.cases.models import Case
from casework.db import Database
from casework.families.models import Family
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AttendanceMode,
    Court,
    Office,
    OfficeKind,
    Outcome,
)
from scheduling.services import new_uid
from tests.browser.conftest import screenshot
from tests.browser.test_intake_flow import sign_in

pytestmark = pytest.mark.browser
ZONE = "America/Chicago"


@pytest.fixture(scope="module")
def report_month(live_app):
    """Last month's dates of the browser family: 9 hearings and check-ins attended, 1 missed, 1 with
    no outcome recorded; the report of that month reads 90.0% with one outcome missing."""
    session = Database.state(live_app["app"]).sessionmaker()
    family = session.get(Family, live_app["family_id"])
    case = session.scalars(select(Case).where(Case.family_id == family.id)).one()
    court = session.scalars(select(Court).where(Court.slug == "browser-reports-chicago")).first() or Court(
        slug="browser-reports-chicago",
        name="Chicago Immigration Court",
        street="525 West Van Buren Street",
        city="Chicago",
        state="IL",
        postal_code="60607",
        timezone=ZONE,
    )
    office = Office(
        program_id=family.program_id,
        kind=OfficeKind.ICE,
        name="Chicago ICE field office",
        street="101 West Congress Parkway",
        city="Chicago",
        state="IL",
        postal_code="60605",
        timezone=ZONE,
    )
    session.add_all([court, office])
    session.flush()
    today = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).date()
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    plan = [(AppointmentKind.MASTER_HEARING, Outcome.ATTENDED)] * 4 + [(AppointmentKind.MASTER_HEARING, Outcome.MISSED)]
    plan += [(AppointmentKind.ICE_CHECK_IN, Outcome.ATTENDED)] * 5 + [(AppointmentKind.ICE_CHECK_IN, None)]
    for n, (kind, outcome) in enumerate(plan):
        day = start + timedelta(days=n * 2)
        hearing = kind is AppointmentKind.MASTER_HEARING
        starts = datetime.combine(day, time(9), ZoneInfo(ZONE)).astimezone(UTC)
        session.add(
            Appointment(
                case_id=case.id,
                kind=kind,
                court_id=court.id if hearing else None,
                office_id=None if hearing else office.id,
                local_date=day,
                local_time=time(9),
                timezone=ZONE,
                fold=0,
                starts_at=starts,
                mode=AttendanceMode.IN_PERSON,
                status=AppointmentStatus.SCHEDULED,
                outcome=outcome,
                uid=new_uid(),
                sequence=0,
                outcome_recorded_at=starts + timedelta(hours=2) if outcome else None,
            )
        )
    session.commit()
    session.close()
    return {"start": start, "end": end}


def test_the_report_shows_its_figures_charts_and_fits_a_phone(browser, live_app, report_month):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_app)
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.get_by_label("Period").select_option("last_month")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("From")).to_have_value(report_month["start"].isoformat())
    expect(page.get_by_text("80.0%", exact=True)).to_be_visible()  # hearings: 4 of 5
    expect(page.get_by_text("4 attended of 5 (attended + missed)")).to_be_visible()
    expect(page.get_by_role("link", name="1 outcome missing")).to_be_visible()
    assert page.locator("svg.chart-trend circle.point").count() == 2  # one month, hearings and check-ins
    assert page.locator("svg.chart-bars rect.bar").count() >= 2
    screenshot(page, "reports-desktop")

    with page.expect_download() as download:
        page.locator("a", has_text="CSV").first.click()
    assert download.value.suggested_filename.startswith("appearance-summary-")

    page.get_by_role("link", name="1 outcome missing").click()
    expect(page.get_by_role("heading", name="Outcome missing: ICE and ATD check-ins")).to_be_visible()
    expect(page.get_by_role("link", name="Joseph")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    page.go_back()
    expect(page.get_by_text("4 attended of 5 (attended + missed)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the report is wider than a phone"
    screenshot(page, "reports-phone")

    page.emulate_media(media="print")
    expect(page.locator("form.report-filters")).to_be_hidden()
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.get_by_text("4 attended of 5 (attended + missed)")).to_be_visible()
    context.close()
