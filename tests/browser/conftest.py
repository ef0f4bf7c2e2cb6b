"""The app served on 127.0.0.1 with its own database, driven by Debian's chromium through Playwright."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from casework import create_app
from casework.accounts.models import Role
from casework.db import Database
from tests.conftest import fresh_database_url
from tests.factories import make_family, make_organization, make_user, member_data

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    app = create_app(
        {"DATABASE_URL": fresh_database_url(tmp, "browser"), "SECRET_KEY": "browser-tests", "INSTANCE_PATH": str(tmp)}
    )
    with app.app_context():
        session = Database.state(app).sessionmaker()
        program = make_organization(session, name="Browser test program", timezone="America/Chicago")
        user = make_user(session, program, Role.CASE_MANAGER, email="browser.manager@example.org", name="Bruna Browser")
        family = make_family(
            session,
            user,
            member_data(
                given="Widline",
                first="Joseph",
                second=None,
                a_number="A-209-555-101",
                country_of_birth="HT",
                preferred_language="hat",
                languages=["fra"],
            ),
        )
        _fill_family(session, user, family, program.timezone)
        session.commit()
        family_id = family.id
        session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "email": user.email, "family_id": family_id, "app": app}
    server.shutdown()
    server.server_close()
    Database.state(app).engine.dispose()


def _fill_family(session, user, family, timezone: str) -> None:
    """Every section of the family page with content: a school-age child, a task, a note, a release,
    a referral, so that the phone-width check sees the widest parts (tables, timelines)."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from casework.cases import services as case_services
    from casework.cases.models import Case
    from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
    from casework.families import services as family_services
    from casework.families.models import Relationship
    from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
    from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
    from casework.timeutil import today_in

    today = today_in(timezone)
    child = family_services.add_member(
        session,
        user,
        family,
        member_data(
            given="Marie-Ange Esther",
            first="Joseph",
            second=None,
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=date(today.year - 9, 5, 4),
            country_of_birth="HT",
            preferred_language="hat",
            languages=["fra"],
        ),
        today,
    )
    case = session.scalars(select(Case).where(Case.family_id == family.id)).one()
    case_services.add_task(
        session,
        user,
        case,
        "File the change of address with the immigration court (EOIR-33) before the hearing",
        today + timedelta(days=3),
        user.id,
    )
    case_services.add_note(session, user, case, "Met the family at the shelter; " + "long-note-word " * 40)
    release = Release(
        family_id=family.id,
        released_on=today - timedelta(days=20),
        agency=ReleasingAgency.CBP,
        release_type=ReleaseType.PAROLE,
    )
    release.documents = [ReleaseDocument(kind=DocumentKind.NOTICE_TO_APPEAR, received_on=today)]
    session.add(release)
    session.add(SchoolEnrollment(member_id=child.id, status=EnrollmentStatus.NOT_STARTED))
    session.add(
        ServiceReferral(
            case_id=case.id,
            member_id=child.id,
            category=ServiceCategory.FOOD,
            provider="Greater Chicago Food Depository partner pantry",
            status=ReferralStatus.REFERRED,
            referred_on=today,
            status_changed_on=today,
        )
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
