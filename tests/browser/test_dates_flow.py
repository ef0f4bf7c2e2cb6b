"""A case manager adds a hearing, sees its reminders, corrects its date, meets a time that does not
exist, and finds the hearing on the agenda and the calendar; the family's own page on a phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from casework.db import Database
from scheduling import links
from scheduling.models import Court
from tests.browser.conftest import screenshot
from tests.browser.test_intake_flow import sign_in
from tests.scheduling.conftest import program_today

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def court(live_app):
    session = Database.state(live_app["app"]).sessionmaker()
    court = session.query(Court).filter_by(slug="browser-chicago").first() or Court(
        slug="browser-chicago",
        name="Chicago Immigration Court",
        street="525 West Van Buren Street, Suite 500",
        city="Chicago",
        state="IL",
        postal_code="60607",
        timezone="America/Chicago",
    )
    session.add(court)
    session.commit()
    court_id = court.id
    session.close()
    return court_id


def test_a_hearing_from_the_form_to_the_agenda_and_calendar(page, live_app, court):
    sign_in(page, live_app)
    page.goto(f"{live_app['url']}/families/{live_app['family_id']}")
    page.get_by_role("link", name="Add a date").click()
    day = program_today() + timedelta(days=9)
    page.get_by_label("Kind").select_option("master_hearing")
    page.locator("#local_date").fill(day.isoformat())
    page.locator("#local_time").fill("08:30")
    page.get_by_label("Immigration court").select_option(str(court))
    page.get_by_label("Interpreter language").select_option("hat")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("The date is saved and its reminders are planned.")).to_be_visible()
    expect(page.get_by_role("heading", name="Master calendar hearing")).to_be_visible()
    expect(page.get_by_text(re.compile(r"08:30 C[SD]T"))).to_be_visible()
    expect(page.get_by_role("cell", name="Planned").first).to_be_visible()
    screenshot(page, "dates-appointment-desktop")

    page.get_by_role("link", name="Change").click()
    new_day = day + timedelta(days=1)
    page.locator("#local_date").fill(new_day.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The new date is saved; the family's reminders follow it.")).to_be_visible()
    appointment_url = page.url

    page.get_by_role("link", name="Agenda").click()
    expect(page.get_by_role("link", name="Master calendar hearing")).to_be_visible()
    screenshot(page, "dates-agenda-desktop")
    page.get_by_role("link", name="Calendar", exact=True).first.click()
    if new_day.month != program_today().month:
        page.get_by_role("link", name="Next month").click()
    expect(page.get_by_role("link", name=re.compile("08:30 Master calendar hearing"))).to_be_visible()
    screenshot(page, "dates-calendar-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(appointment_url)
    screenshot(page, "dates-appointment-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_time_that_does_not_exist_is_explained_next_to_the_field(page, live_app, court):
    sign_in(page, live_app)
    page.goto(f"{live_app['url']}/families/{live_app['family_id']}")
    page.get_by_role("link", name="Add a date").click()
    page.locator("#local_date").fill("2027-03-14")
    page.locator("#local_time").fill("02:30")
    page.get_by_label("Immigration court").select_option(str(court))
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#local_time-error")).to_contain_text("does not exist")
    expect(page.locator("#local_date")).to_have_value("2027-03-14")
    expect(page.locator("#local_time")).to_have_value("02:30")
    screenshot(page, "dates-dst-gap-error")


def test_the_familys_page_on_a_phone(browser, live_app, court):
    session = Database.state(live_app["app"]).sessionmaker()
    from casework.families.models import Family

    token = links.family_link(session, live_app["app"].config["SECRET_KEY"], session.get(Family, live_app["family_id"]))
    session.commit()
    session.close()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_app['url']}/f/{token}")
    expect(page.locator("html")).to_have_attribute("lang", "ht")  # the head of household reads Haitian Creole
    expect(page.get_by_role("heading", name="Pwochen randevou ou yo")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "dates-family-page-phone")
    context.close()
