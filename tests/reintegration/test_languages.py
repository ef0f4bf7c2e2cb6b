"""Reintegration staff work in Spanish in Central America and Mexico and in French in Haiti until
they choose; English stays one click away."""

from __future__ import annotations

from casework.accounts.models import OrganizationKind, Role
from reintegration import settings
from tests.factories import PASSWORD, make_organization, make_user


def _worker(db_session, timezone, name):
    org = make_organization(db_session, OrganizationKind.REINTEGRATION, name=name, timezone=timezone)
    worker = make_user(db_session, org, Role.CASE_MANAGER)
    db_session.commit()
    return org, worker


def test_a_guatemalan_center_works_in_spanish(client, db_session):
    _org, worker = _worker(db_session, "America/Guatemala", "Centro Demo")
    client.sign_in(worker.email, PASSWORD)
    page = client.get("/reintegration").get_data(as_text=True)
    assert '<html lang="es">' in page and "Recibir a una persona retornada" in page


def test_a_haitian_center_works_in_french(client, db_session):
    _org, worker = _worker(db_session, "America/Port-au-Prince", "Centre Démo")
    client.sign_in(worker.email, PASSWORD)
    page = client.get("/reintegration").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Prestataires de services" in page


def test_the_organizations_country_decides_and_a_persons_choice_wins(client, db_session):
    org, worker = _worker(db_session, "America/Mexico_City", "Centro Demo Tijuana")
    settings.save_settings(db_session, worker, org, "HT", "7 30", settings.DEFAULT_FOLLOW_UP_TIME, None)
    client.sign_in(worker.email, PASSWORD)
    assert '<html lang="fr">' in client.get("/reintegration").get_data(as_text=True)
    client.post("/language", {"locale": "en", "next": "/reintegration"}, page="/reintegration")
    assert '<html lang="en">' in client.get("/reintegration").get_data(as_text=True)


def test_program_staff_keep_their_browsers_language(client, db_session):
    program = make_organization(db_session, name="Program Demo", timezone="America/Chicago")
    manager = make_user(db_session, program, Role.CASE_MANAGER)
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    assert '<html lang="en">' in client.get("/families").get_data(as_text=True)


def test_the_menu_offers_an_in_country_supervisor_only_pages_they_reach(client, db_session):
    org = make_organization(
        db_session, OrganizationKind.REINTEGRATION, name="Centro Demo", timezone="America/Guatemala"
    )
    for role in (Role.SUPERVISOR, Role.ADMIN):
        user = make_user(db_session, org, role)
        db_session.commit()
        client.sign_in(user.email, PASSWORD)
        page = client.get("/reintegration").get_data(as_text=True)
        links = [
            href
            for href in ("/retention", "/admin/users", "/reintegration/providers", "/reintegration/settings")
            if f'href="{href}"' in page
        ]
        assert links == ["/reintegration/providers", "/reintegration/settings"], role
        assert all(client.get(href).status_code == 200 for href in links)
        client.post("/sign-out", {}, page="/account")
