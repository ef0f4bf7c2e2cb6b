"""A case manager signs in, takes in a family of two, finds it without accents and sees it on the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, live_app):
    page.goto(live_app["url"] + "/sign-in")
    page.get_by_label("Email").fill(live_app["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()


def test_intake_of_a_family_found_by_accent_free_search(page, live_app):
    sign_in(page, live_app)
    page.get_by_role("link", name="Families").click()
    page.get_by_role("link", name="New family (intake)").click()
    page.get_by_label("Given names").fill("José Luis")
    page.get_by_label("First surname").fill("García")
    page.get_by_label("Second surname").fill("Pérez")
    page.get_by_label("Date of birth", exact=True).fill("1987-06-21")
    page.get_by_label("A-number").fill("A-201-555-019")
    page.get_by_label("Country of birth").select_option("GT")
    page.get_by_label("Preferred language for communication").select_option("quc")
    page.get_by_label("Needs an interpreter").check()
    page.get_by_label("Phone", exact=True).fill("(773) 555-0142")
    page.get_by_label("Street address").fill("2401 S Pulaski Rd")
    page.get_by_label("City").fill("Chicago")
    page.get_by_label("State").select_option("IL")
    page.get_by_label("ZIP code").fill("60623")
    page.get_by_label("Living there since").fill("2026-10-01")
    page.get_by_label("SMS reminders").check()
    page.get_by_role("button", name="Create the family").click()

    expect(page.get_by_role("heading", name="García Pérez, José Luis")).to_be_visible()
    expect(page.get_by_text("A-201-555-019")).to_be_visible()

    page.get_by_role("link", name="Add a member").click()
    page.get_by_label("Given names").fill("Sofía")
    page.get_by_label("First surname").fill("García")
    page.get_by_label("Second surname").fill("Tzul")
    page.get_by_label("Relationship to the head of household").select_option("child")
    page.get_by_label("Date of birth", exact=True).fill("2016-03-09")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("Sofía García Tzul"))).to_be_visible()
    screenshot(page, "family-page")

    page.get_by_role("link", name="Families").click()
    page.get_by_role("searchbox").fill("jose garcia")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="García Pérez, José Luis")).to_be_visible()

    page.get_by_role("link", name="Dashboard").click()
    families = page.get_by_role("region", name="My families")
    expect(families.get_by_role("link", name="García Pérez, José Luis")).to_be_visible()
    screenshot(page, "dashboard")


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_family_page_fits_a_phone_screen(browser, live_app):
    """The seeded family has every section filled: a child in the school table, a task, a long note,
    a release with a document and a referral."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, live_app)
        page.goto(f"{live_app['url']}/families/{live_app['family_id']}")
        expect(page.get_by_role("heading", name="Household members")).to_be_visible()
        expect(page.get_by_role("heading", name="School enrollment")).to_be_visible()
        expect(page.get_by_text("Greater Chicago Food Depository partner pantry")).to_be_visible()
        screenshot(page, "family-page-phone")
        width = _scroll_width(page)
        assert width <= 391, f"the family page scrolls sideways on a phone ({width}px)"
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/dashboard", "/families", "/families/new", "/tasks", "/account"])
def test_other_pages_fit_a_phone_screen(browser, live_app, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, live_app)
        page.goto(live_app["url"] + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        width = _scroll_width(page)
        if width > 391:
            screenshot(page, "phone" + path.replace("/", "-"))
        assert width <= 391, f"{path} scrolls sideways on a phone ({width}px)"
    finally:
        context.close()


def test_bad_input_is_shown_next_to_the_field(page, live_app):
    sign_in(page, live_app)
    page.goto(live_app["url"] + "/families/new")
    page.get_by_label("Given names").fill("Ana")
    page.get_by_label("First surname").fill("Tzoc")
    page.get_by_label("A-number").fill("A-12-34")
    page.get_by_role("button", name="Create the family").click()
    error = page.locator("#a_number-error")
    expect(error).to_contain_text("An A-number has 9 digits")
    expect(page.get_by_label("A-number")).to_have_value("A-12-34")
    expect(page.get_by_label("A-number")).to_have_attribute("aria-invalid", "true")
