"""A case manager refers a family; the partner signs in, accepts, records the notice of appearance
and a new hearing date; the case manager sees it all."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from casework.accounts.models import OrganizationKind, Role
from casework.db import Database
from casework.families import services as family_services
from casework.families.models import ConsentKind, Family
from casework.timeutil import today_in  # the program's day and the partner's: UTC's may already be tomorrow
from legal import services as legal_services
from legal.models import PartnerKind
from scheduling import services as scheduling_services
from scheduling.models import AppointmentKind, Court
from tests.browser.conftest import screenshot
from tests.browser.test_intake_flow import sign_in
from tests.factories import PASSWORD, make_organization, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def legal_setup(live_app):
    from sqlalchemy import select

    from casework.cases.models import Case

    session = Database.state(live_app["app"]).sessionmaker()
    family = session.get(Family, live_app["family_id"])
    manager = family.members[0] and session.scalars(select(Case).where(Case.family_id == family.id)).one().assigned_to
    case = session.scalars(select(Case).where(Case.family_id == family.id)).one()
    court = session.scalars(select(Court).where(Court.slug == "browser-legal-chicago")).first() or Court(
        slug="browser-legal-chicago",
        name="Chicago Immigration Court",
        street="525 West Van Buren Street, Suite 500",
        city="Chicago",
        state="IL",
        postal_code="60607",
        timezone="America/Chicago",
    )
    session.add(court)
    session.flush()
    clinic = make_organization(session, OrganizationKind.LEGAL_PARTNER, name="Browser Legal Aid")
    attorney = make_user(session, clinic, Role.LEGAL_PARTNER, email="browser.partner@example.org", name="Pia Partner")
    legal_services.save_profile(
        session,
        attorney,
        clinic,
        legal_services.ProfileData(
            kind=PartnerKind.NONPROFIT,
            capacity=5,
            states=["IL"],
            languages=["hat", "fra"],
            court_ids=[court.id],
            contact_name=None,
            contact_email=None,
            contact_phone=None,
        ),
    )
    today = today_in("America/Chicago")
    family_services.record_consent(session, manager, family.members[0], ConsentKind.LEGAL_SHARING, today, today)
    hearing = scheduling_services.create_appointment(
        session,
        manager,
        case,
        scheduling_services.AppointmentData(
            kind=AppointmentKind.INDIVIDUAL_HEARING,
            member_ids=[family.members[0].id],
            local_date=today + timedelta(days=20),
            local_time=time(9, 0),
            court_id=court.id,
        ),
    )
    session.commit()
    data = {"clinic_id": clinic.id, "partner_email": attorney.email, "hearing_id": hearing.id}
    session.close()
    return data


def test_refer_accept_represent_and_move_the_hearing(browser, live_app, legal_setup):
    manager_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    manager = manager_context.new_page()
    sign_in(manager, live_app)
    manager.goto(f"{live_app['url']}/families/{live_app['family_id']}")
    manager.get_by_role("link", name="Refer to a legal partner").click()
    manager.get_by_label("Legal partner").select_option(str(legal_setup["clinic_id"]))
    manager.get_by_label("Message to the partner").fill("Merits hearing in three weeks; asylum and withholding.")
    manager.get_by_role("button", name="Send the referral").click()
    expect(manager.get_by_text("The referral is sent; the partner is notified by email.")).to_be_visible()

    partner_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    partner = partner_context.new_page()
    partner.goto(live_app["url"] + "/sign-in")
    partner.get_by_label("Email").fill(legal_setup["partner_email"])
    partner.get_by_label("Password").fill(PASSWORD)
    partner.get_by_role("button", name="Sign in").click()
    expect(partner.get_by_role("heading", name="Cases referred to Browser Legal Aid")).to_be_visible()
    partner.get_by_role("link", name="C-").first.click()
    expect(partner.get_by_text("Merits hearing in three weeks")).to_be_visible()
    partner.get_by_role("button", name="Accept the referral").click()
    expect(partner.get_by_text("You accepted the referral")).to_be_visible()
    partner.get_by_label("Representation").select_option("representing")
    partner.get_by_label("Notice of appearance (EOIR-28) filed on").fill(today_in("America/Chicago").isoformat())
    partner.get_by_role("button", name="Save").click()
    expect(partner.get_by_text("The representation is updated.")).to_be_visible()
    screenshot(partner, "legal-partner-case-phone")
    assert partner.evaluate("document.documentElement.scrollWidth") <= 390

    partner.get_by_role("link", name="Record the outcome or a new date").first.click()
    partner.get_by_label("What happened").select_option("rescheduled")
    new_day = today_in("America/Chicago") + timedelta(days=75)
    partner.locator("#new_local_date").fill(new_day.isoformat())
    partner.locator("#new_local_time").fill("13:30")
    partner.get_by_role("button", name="Save").click()
    expect(partner.get_by_text("The outcome is recorded")).to_be_visible()

    manager.goto(f"{live_app['url']}/families/{live_app['family_id']}")
    expect(manager.get_by_text("Representing (notice of appearance filed)")).to_be_visible()
    expect(manager.get_by_text("13:30").first).to_be_visible()
    manager.get_by_role("link", name="Browser Legal Aid").click()
    expect(manager.get_by_text("Pia Partner").first).to_be_visible()
    screenshot(manager, "legal-referral-manager")
    partner_context.close()
    manager_context.close()
