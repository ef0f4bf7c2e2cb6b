"""A supervisor imports a spreadsheet of families: upload, the columns mapped from Spanish headers,
the preview with a problem and a family already here, the import in the background, the summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from casework.accounts.models import Organization, Role
from casework.db import Database
from casework.families.models import Family
from imports import jobs
from scheduling.models import Court
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_court, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def supervisor(live_app):
    session = Database.state(live_app["app"]).sessionmaker()
    family = session.get(Family, live_app["family_id"])
    program = session.get(Organization, family.program_id)
    user = make_user(session, program, Role.SUPERVISOR, email="browser.supervisor@example.org", name="Sara Supervisora")
    if session.scalars(select(Court).where(Court.name == "Chicago Immigration Court")).first() is None:
        make_court(session, slug="browser-import-chicago")
    session.commit()
    email = user.email
    session.close()
    return email


def _spreadsheet(tmp_path):
    hearing = (datetime.now(UTC).astimezone(ZoneInfo("America/Chicago")).date() + timedelta(days=40)).strftime(
        "%d/%m/%Y"
    )
    rows = [
        "Familia;Parentesco;Nombres;Apellidos;Fecha de nacimiento;Número A;Idioma;Teléfono;Acepta mensajes;"
        "Fecha de audiencia;Hora de audiencia;Corte",
        f"1;Jefa;Yesenia;Caal;14/03/1988;A 312-555-201;Q'eqchi';(312) 555-0199;Sí;{hearing};8:30 AM;Chicago",
        f"1;Hijo;Brayan;Caal;01/02/2016;;Español;;;{hearing};8:30 AM;Chicago",
        "2;Jefe;Widline;Joseph;14/03/1988;A-209-555-101;Criollo haitiano;;;;;",
        "3;Jefe;Ovidio;Tiul;31/02/1979;;Español;;;;;",
    ]
    path = tmp_path / "casos-programa.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def test_a_supervisor_imports_a_spreadsheet(page, live_app, supervisor, tmp_path):
    page.goto(live_app["url"] + "/sign-in")
    page.get_by_label("Email").fill(supervisor)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_app["url"] + "/families")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import families")).to_be_visible()
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(str(_spreadsheet(tmp_path)))
    page.get_by_role("button", name="Upload and map the columns").click()

    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_label("Nombres")).to_have_value("given_names")
    expect(page.get_by_label("Corte", exact=True)).to_have_value("court")
    screenshot(page, "import-mapping")
    page.get_by_role("button", name="Check every row").click()

    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    problems = page.locator("table.problems")
    expect(problems).to_contain_text("31/02/1979")
    expect(problems).to_contain_text("Date of birth")
    duplicates = page.get_by_role("row").filter(has_text="Widline Joseph")
    expect(duplicates).to_contain_text("same A-number")
    expect(duplicates.get_by_label("Skip")).to_be_checked()
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Start the import").click()

    expect(page.get_by_role("heading", name="Importing")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    with live_app["app"].app_context():
        assert jobs.run_imports() == 3
    page.reload()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    expect(page.locator("dl.counts")).to_contain_text("Created")
    expect(page.get_by_role("link", name="Download the failed rows with their errors (CSV)")).to_be_visible()
    screenshot(page, "import-summary")
    page.goto(live_app["url"] + "/families")
    page.get_by_role("searchbox").fill("caal")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Caal, Yesenia")).to_be_visible()
