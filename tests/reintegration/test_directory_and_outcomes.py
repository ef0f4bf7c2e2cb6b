"""The directory of providers (kept by each organization, checked input) and outcomes over time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role
from reintegration.models import OutcomeRecord, Provider, SafetyStatus, Service, WorkStatus
from tests.factories import PASSWORD, make_organization, make_user

PROVIDER = {
    "name": "Casa Demo de Acogida",
    "kind": "ngo",
    "services": ["shelter", "psychosocial"],
    "country": "GT",
    "division": "GT-13",
    "municipality": "Chiantla",
    "address": "3a calle 2-10",
    "phone": "5555 0101",
    "email": "casa@demo.example.org",
    "contact_person": "Hna. Demo",
    "languages": ["spa", "mam"],
    "notes": "Lunes a viernes",
    "active": "y",
}


def test_a_provider_is_added_with_its_services_and_languages(client, db_session, center):
    client.sign_in(center["worker"].email, PASSWORD)
    assert client.post("/reintegration/providers/new", PROVIDER).status_code == 302
    provider = db_session.scalars(select(Provider)).one()
    assert provider.offered == [Service.PSYCHOSOCIAL, Service.SHELTER] or set(provider.offered) == {
        Service.PSYCHOSOCIAL,
        Service.SHELTER,
    }
    assert provider.phone == "+50255550101" and provider.language_codes == ["spa", "mam"]
    assert provider.organization_id == center["org"].id
    page = client.get("/reintegration/providers?service=shelter").get_data(as_text=True)
    assert "Casa Demo de Acogida" in page and "+502 5555 0101" in page
    assert "Casa Demo de Acogida" not in client.get("/reintegration/providers?service=legal").get_data(as_text=True)
    form = dict(PROVIDER, services=["shelter"], active="")
    assert client.post(f"/reintegration/providers/{provider.id}", form).status_code == 302
    db_session.expire_all()
    assert provider.offered == [Service.SHELTER] and provider.active is False
    assert "Casa Demo de Acogida" not in client.get("/reintegration/providers").get_data(as_text=True)


def test_the_directory_is_written_in_each_readers_language(client, db_session, center):
    """Its services, kinds and languages in the reader's language, whoever read it before."""
    client.sign_in(center["worker"].email, PASSWORD)
    assert client.post("/reintegration/providers/new", PROVIDER).status_code == 302
    english = client.get("/reintegration/providers").get_data(as_text=True)
    assert all(label in english for label in ("Shelter", "Psychosocial support", "Non-governmental organization"))
    assert "Spanish, Mam" in english
    center["worker"].locale = "es"
    db_session.commit()
    spanish = client.get("/reintegration/providers").get_data(as_text=True)
    assert all(label in spanish for label in ("Albergue", "Apoyo psicosocial", "Organización no gubernamental"))
    assert "Español, Mam" in spanish and "Shelter" not in spanish
    center["worker"].locale = "en"
    db_session.commit()
    english = client.get("/reintegration/providers").get_data(as_text=True)
    assert "Psychosocial support" in english and "Apoyo psicosocial" not in english


def test_bad_provider_input_is_shown_next_to_the_field_and_kept(client, db_session, center):
    client.sign_in(center["worker"].email, PASSWORD)
    for change, field in (
        ({"phone": "12"}, "phone"),
        ({"services": []}, "services"),
        ({"division": "HN-CR"}, "division"),
        ({"email": "not-an-email"}, "email"),
    ):
        page = client.post("/reintegration/providers/new", dict(PROVIDER, **change)).get_data(as_text=True)
        assert f'id="{field}-error"' in page, change
        assert 'value="Casa Demo de Acogida"' in page and "Lunes a viernes" in page
    assert db_session.scalar(select(Provider.id)) is None


def test_another_organizations_directory_is_out_of_reach(client, db_session, center):
    client.sign_in(center["worker"].email, PASSWORD)
    client.post("/reintegration/providers/new", PROVIDER)
    provider = db_session.scalars(select(Provider)).one()
    elsewhere = make_organization(
        db_session, OrganizationKind.REINTEGRATION, name="Centre Démo", timezone="America/Port-au-Prince"
    )
    other = make_user(db_session, elsewhere, Role.CASE_MANAGER)
    db_session.commit()
    client.get("/sign-out")
    client.post("/sign-out", {}, page="/reintegration")
    client.sign_in(other.email, PASSWORD)
    assert client.get(f"/reintegration/providers/{provider.id}").status_code == 404
    assert "Casa Demo de Acogida" not in client.get("/reintegration/providers").get_data(as_text=True)


def test_the_situation_is_recorded_over_time(client, db_session, center, receive):
    returnee = receive(days_ago=40)
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}/outcomes/new"
    base = {
        "documents_obtained": "no",
        "children_in_school": "unknown",
        "work": "looking",
        "safety": "safe",
        "migrated_again": "no",
        "note": "",
    }
    first_day = returnee.returned_on + timedelta(days=7)
    assert client.post(url, dict(base, recorded_on=first_day.isoformat())).status_code == 302
    assert (
        client.post(
            url,
            dict(
                base,
                recorded_on=center["today"].isoformat(),
                documents_obtained="yes",
                work="employed",
                safety="at_risk",
                note="Amenazas de nuevo",
            ),
        ).status_code
        == 302
    )
    future = client.post(
        url, dict(base, recorded_on=(center["today"] + timedelta(days=1)).isoformat(), note="kept")
    ).get_data(as_text=True)
    assert 'id="recorded_on-error"' in future and "kept" in future
    early = client.post(url, dict(base, recorded_on=(returnee.returned_on - timedelta(days=1)).isoformat()))
    assert 'id="recorded_on-error"' in early.get_data(as_text=True)
    rows = list(db_session.scalars(select(OutcomeRecord).order_by(OutcomeRecord.recorded_on)))
    assert [(r.work, r.safety) for r in rows] == [
        (WorkStatus.LOOKING, SafetyStatus.SAFE),
        (WorkStatus.EMPLOYED, SafetyStatus.AT_RISK),
    ]
    page = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    page = page[page.index('id="outcomes-h"') :]
    assert "7 days after return" in page and "40 days after return" in page
    assert page.index("40 days after return") < page.index("7 days after return"), "newest first"
    assert "Amenazas de nuevo" in page
