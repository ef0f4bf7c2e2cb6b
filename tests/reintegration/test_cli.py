"""Setting up an in-country organization from the command line."""

from __future__ import annotations

from sqlalchemy import select

from casework.accounts.models import Organization, OrganizationKind, Role, User
from reintegration.models import InCountrySettings
from tests.factories import PASSWORD

STRONG = "correct horse battery staple 42"


def test_an_organization_is_created_with_its_first_account_and_staff_added(app, client, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "reintegration",
            "add-organization",
            "--name",
            "Centre Démo d'Accueil",
            "--country",
            "ht",
            "--timezone",
            "America/Port-au-Prince",
            "--email",
            "Coord@Centre.example.org",
            "--full-name",
            "Marie Démo",
            "--password",
            STRONG,
        ]
    )
    assert result.exit_code == 0, result.output
    org = db_session.scalars(select(Organization).where(Organization.name == "Centre Démo d'Accueil")).one()
    assert org.kind is OrganizationKind.REINTEGRATION and org.timezone == "America/Port-au-Prince"
    assert db_session.scalars(select(InCountrySettings)).one().country == "HT"
    first = db_session.scalars(select(User).where(User.organization_id == org.id)).one()
    assert (first.email, first.role) == ("coord@centre.example.org", Role.SUPERVISOR)
    result = runner.invoke(
        args=[
            "reintegration",
            "add-user",
            "--organization",
            "Centre Démo d'Accueil",
            "--email",
            "agent@centre.example.org",
            "--full-name",
            "Jean Démo",
            "--password",
            STRONG,
        ]
    )
    assert result.exit_code == 0, result.output
    agent = db_session.scalars(select(User).where(User.email == "agent@centre.example.org")).one()
    assert agent.role is Role.CASE_MANAGER and agent.organization_id == org.id
    client.sign_in("coord@centre.example.org", STRONG)
    page = client.get("/reintegration").get_data(as_text=True)
    assert '<html lang="fr">' in page and client.get("/reintegration/settings").status_code == 200


def test_bad_input_is_refused_and_nothing_is_created(app, db_session):
    runner = app.test_cli_runner()
    base = [
        "reintegration",
        "add-organization",
        "--name",
        "Centro Demo",
        "--country",
        "GT",
        "--timezone",
        "America/Guatemala",
        "--email",
        "a@centro.example.org",
        "--full-name",
        "Ana Demo",
    ]
    for change, hint in ((["--timezone", "Guatemala"], "timezone"), (["--country", "GTM"], "country")):
        args = base + change + ["--password", STRONG]
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and hint in result.output
    weak = runner.invoke(args=[*base, "--password", PASSWORD if len(PASSWORD) < 8 else "password"])
    assert weak.exit_code != 0
    db_session.rollback()
    assert db_session.scalar(select(Organization.id).where(Organization.name == "Centro Demo")) is None
