"""A reintegration worker in Guatemala receives a returnee, does the reception assessment, builds the
service plan from the needs, refers to a shelter (the municipal office barred because the persecutors
are officials) and follows the referral to its outcome; the returnee page on a phone; the directory
form; the Spanish interface of a worker who never chose a language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casework.accounts.models import OrganizationKind, Role
from casework.db import Database
from casework.timeutil import today_in
from reintegration import directory
from reintegration.models import ProviderKind, Service
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_organization, make_user

pytestmark = pytest.mark.browser

TIMEZONE = "America/Guatemala"
ORGANIZATION = "Centro Demo de Retorno"
NGO = "Casa Demo de Acogida"
MUNICIPAL = "Oficina Municipal Demo"


@pytest.fixture(scope="module")
def reintegration_setup(live_app):
    session = Database.state(live_app["app"]).sessionmaker()
    organization = make_organization(session, OrganizationKind.REINTEGRATION, name=ORGANIZATION, timezone=TIMEZONE)
    worker = make_user(
        session, organization, Role.CASE_MANAGER, email="browser.reintegration@example.org", name="Wendy Worker"
    )
    worker.locale = "en"  # stable selectors; the Spanish default has its own test below
    spanish = make_user(
        session, organization, Role.CASE_MANAGER, email="browser.reintegration.es@example.org", name="Sara Sinidioma"
    )
    session.flush()
    place = {"country": "GT", "division": "GT-13", "municipality": "Chiantla"}
    directory.save_provider(
        session,
        worker,
        None,
        directory.ProviderData(
            name=NGO,
            kind=ProviderKind.NGO,
            services=[Service.SHELTER],
            languages=["spa", "mam"],
            phone="+502 7764 1200",
            contact_person="Hermana Demo",
            **place,
        ),
    )
    directory.save_provider(
        session,
        worker,
        None,
        directory.ProviderData(
            name=MUNICIPAL, kind=ProviderKind.MUNICIPAL_OFFICE, services=[Service.SHELTER], languages=["spa"], **place
        ),
    )
    session.commit()
    data = {"worker_email": worker.email, "spanish_email": spanish.email}
    session.close()
    return data


def sign_in_as(page, live_app, email: str) -> None:
    page.goto(live_app["url"] + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/reintegration$"))


def _plan_row(page, service: str):
    plan = page.get_by_role("region", name="Service plan")
    return plan.get_by_role("row").filter(has=page.get_by_role("link", name=service, exact=True))


def test_receive_assess_plan_refer_and_follow_the_referral(browser, page, live_app, reintegration_setup):
    today = today_in(TIMEZONE)
    sign_in_as(page, live_app, reintegration_setup["worker_email"])
    expect(page.get_by_role("heading", name=f"Returnees received by {ORGANIZATION}")).to_be_visible()

    # 1. Reception, first with the first surname missing.
    page.get_by_role("link", name="Receive a returnee").click()
    expect(page).to_have_url(re.compile(r"/reintegration/cases/new$"))
    expect(page.get_by_label("Returned on")).to_have_value(today.isoformat())
    page.get_by_label("Given names").fill("Rosa Amalia")
    page.get_by_label("Second surname").fill("Mendoza")
    page.get_by_label("Preferred language").select_option("mam")
    page.get_by_label("Country of return").select_option("GT")
    page.get_by_label("Returned on").fill(today.isoformat())
    page.get_by_label("How").select_option("flight")
    page.get_by_label("Arrival point").fill("Base Aérea La Aurora")
    page.get_by_label("Department or state of destination").select_option("GT-13")
    page.get_by_label("Municipality of destination").fill("Chiantla")
    page.get_by_label("Phone in the country").fill("+502 5555 0123")
    page.get_by_label("Agrees to text reminders of the follow-ups").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#first_surname-error")).to_contain_text("This field is required.")
    expect(page.get_by_label("First surname")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Given names")).to_have_value("Rosa Amalia")
    expect(page.get_by_label("Second surname")).to_have_value("Mendoza")
    expect(page.get_by_label("Country of return")).to_have_value("GT")
    expect(page.get_by_label("Department or state of destination")).to_have_value("GT-13")
    expect(page.get_by_label("Municipality of destination")).to_have_value("Chiantla")
    expect(page.get_by_label("Phone in the country")).to_have_value("+502 5555 0123")
    expect(page.get_by_label("Agrees to text reminders of the follow-ups")).to_be_checked()
    page.get_by_label("First surname").fill("Chávez")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("The returnee is received.")).to_be_visible()
    expect(page.get_by_role("heading", name="Chávez Mendoza, Rosa Amalia")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^R-[A-Z0-9]{8}$"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/reintegration/cases/\d+$"))
    returnee_url = page.url
    expect(page.get_by_role("region", name="The return")).to_contain_text("Chiantla, Huehuetenango")
    follow_ups = page.get_by_role("region", name="Follow-ups")
    for days in (7, 30, 90, 180):
        expect(follow_ups.get_by_text(f"Follow-up {days} days after return")).to_be_visible()
    reminders = page.get_by_role("region", name="Text reminders to the person")
    expect(reminders).to_contain_text("Agreed on")
    # Mam has no written reminder: the worker is asked to call with an interpreter instead.
    expect(reminders).to_contain_text("no written reminder exists in Mam")
    expect(page.get_by_role("region", name="The return")).to_contain_text("+502 5555 0123")
    expect(follow_ups.get_by_text("Also to do")).to_be_visible()
    expect(reminders.get_by_role("button", name="The person no longer wants them")).to_be_visible()

    # 2. Reception assessment, first with the persecutors named as officials but not who they are.
    page.get_by_role("link", name="Reception assessment").click()
    page.get_by_label("Has somewhere safe to stay").select_option("no")
    page.get_by_label("It is safe to go to the destination").select_option("no")
    page.get_by_label("The persecutors are police or officials").check()
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#threatened_by-error")).to_contain_text("Say who threatens them")
    expect(page.get_by_label("Who threatens them")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Has somewhere safe to stay")).to_have_value("no")
    expect(page.get_by_label("It is safe to go to the destination")).to_have_value("no")
    expect(page.get_by_label("The persecutors are police or officials")).to_be_checked()
    page.get_by_label("Who threatens them").fill("Agentes de la policía municipal de la cabecera")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("The assessment is saved.")).to_be_visible()
    needs = page.get_by_role("region", name="Needs")
    expect(needs.get_by_role("listitem")).to_have_text(
        [
            "Protection: it is not safe to go to the destination.",
            "Protection: the persecutors are police or officials; refer to no public office.",
            "Shelter",
        ]
    )

    # 3. The plan from the needs: one line per service.
    page.get_by_role("button", name="Build the plan from the needs").click()
    expect(page.get_by_text("2 lines added to the plan.")).to_be_visible()
    expect(_plan_row(page, "Protection")).to_contain_text("To do")
    expect(_plan_row(page, "Shelter")).to_contain_text("To do")

    # 5. Refer the shelter line: the municipal office is not offered.
    _plan_row(page, "Shelter").get_by_role("link", name="Refer").click()
    expect(page.get_by_role("heading", name="Refer to a provider")).to_be_visible()
    expect(page.get_by_text("The persecutors are police or officials: public offices are not offered.")).to_be_visible()
    providers = page.get_by_role("group", name="Providers of Shelter near Chiantla")
    barred = providers.get_by_role("listitem").filter(has_text=MUNICIPAL)
    expect(barred).to_contain_text("not offered: a public office")
    expect(barred.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("radio", name=MUNICIPAL)).to_have_count(0)
    offered = providers.get_by_role("listitem").filter(has_text=NGO)
    expect(offered).to_contain_text("in their municipality")
    expect(offered).to_contain_text("speaks their language")
    expect(page.locator("#plan_item_id option:checked")).to_have_text("Shelter")
    page.get_by_role("radio", name=NGO).check()
    page.get_by_label("Note for the referral").fill("Llega con su hija; necesita cama por dos semanas.")
    screenshot(page, "reintegration-referral")
    page.get_by_role("button", name="Refer", exact=True).click()

    expect(page.get_by_text("The referral is recorded.")).to_be_visible()
    referrals = page.get_by_role("region", name="Referrals")
    expect(referrals.get_by_role("listitem")).to_have_count(1)
    expect(referrals).to_contain_text(f"Shelter · {NGO}")
    expect(referrals.locator(".badge")).to_have_text("Referred")
    expect(_plan_row(page, "Shelter")).to_contain_text("In progress")
    expect(_plan_row(page, "Protection")).to_contain_text("To do")

    # 6. The provider's answer, then the outcome (required when the service was received).
    referrals.get_by_role("link", name="Update").click()
    expect(page.get_by_role("heading", name=f"Shelter · {NGO}")).to_be_visible()
    expect(page.get_by_text("Llega con su hija")).to_be_visible()
    page.get_by_label("Answer").select_option("accepted")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The referral is updated.")).to_be_visible()
    expect(referrals.locator(".badge")).to_have_text("Accepted")
    expect(_plan_row(page, "Shelter")).to_contain_text("In progress")

    referrals.get_by_role("link", name="Update").click()
    page.get_by_label("Answer").select_option("completed")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#outcome-error")).to_contain_text("Say what came of the referral.")
    expect(page.get_by_label("Answer")).to_have_value("completed")
    screenshot(page, "reintegration-referral-update")
    page.get_by_label("What came of it").fill("Dos semanas en la casa; luego se mudó con su tía en Chiantla.")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("The referral is updated.")).to_be_visible()
    expect(referrals.locator(".badge")).to_have_text("Service received")
    expect(referrals).to_contain_text("luego se mudó con su tía")
    shelter = _plan_row(page, "Shelter")
    expect(shelter).to_contain_text("Done")
    expect(shelter.get_by_role("link", name="Refer")).to_have_count(0)
    expect(_plan_row(page, "Protection")).to_contain_text("To do")
    screenshot(page, "reintegration-returnee")

    # 8. The same page, filled, on a phone.
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        sign_in_as(phone, live_app, reintegration_setup["worker_email"])
        phone.goto(returnee_url)
        expect(phone.get_by_role("heading", name="Chávez Mendoza, Rosa Amalia")).to_be_visible()
        expect(phone.get_by_role("region", name="Service plan")).to_be_visible()
        screenshot(phone, "reintegration-returnee-phone")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"the returnee page scrolls sideways on a phone ({width}px)"
    finally:
        context.close()


def test_a_provider_is_added_to_the_directory(page, live_app, reintegration_setup):
    sign_in_as(page, live_app, reintegration_setup["worker_email"])
    page.get_by_role("link", name="Service providers").click()
    page.get_by_role("link", name="Add a provider").click()
    expect(page.get_by_role("combobox", name="Country", exact=True)).to_have_value("GT")  # the organization's country
    page.get_by_role("textbox", name="Name", exact=True).fill("Red Demo de Apoyo Psicosocial")
    page.get_by_label("Kind").select_option("community_or_faith")
    page.get_by_label("Department or state", exact=True).select_option("GT-13")
    page.get_by_label("Municipality", exact=True).fill("Chiantla")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#services-error")).to_contain_text("Choose at least one service the provider offers.")
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Red Demo de Apoyo Psicosocial")

    page.get_by_label("Psychosocial support", exact=True).check()
    page.get_by_label("Mam", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The provider is saved.")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Red Demo de Apoyo Psicosocial"))
    expect(row).to_contain_text("Community or faith group")
    expect(row).to_contain_text("Chiantla, Huehuetenango")
    expect(row).to_contain_text("Psychosocial support")
    expect(row).to_contain_text("Mam")


def test_a_worker_who_never_chose_a_language_reads_spanish(page, live_app, reintegration_setup):
    sign_in_as(page, live_app, reintegration_setup["spanish_email"])
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name=f"Retornados recibidos por {ORGANIZATION}")).to_be_visible()
    expect(page.get_by_role("link", name="Recibir a una persona retornada")).to_be_visible()
    expect(page.get_by_role("link", name="Retornados", exact=True)).to_be_visible()
