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
    app = create_app({"DATABASE_URL": fresh_database_url(tmp, "browser"), "SECRET_KEY": "browser-tests",
                      "INSTANCE_PATH": str(tmp)})
    with app.app_context():
        session = Database.state(app).sessionmaker()
        program = make_organization(session, name="Browser test program", timezone="America/Chicago")
        user = make_user(session, program, Role.CASE_MANAGER, email="browser.manager@example.org",
                         name="Bruna Browser")
        family = make_family(session, user, member_data(given="Widline", first="Joseph", second=None,
                                                        a_number="A-209-555-101", country_of_birth="HT",
                                                        preferred_language="hat", languages=["fra"]))
        session.commit()
        family_id = family.id
        session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "email": user.email, "family_id": family_id}
    server.shutdown()
    Database.state(app).engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run"])
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
