"""Places of return people and workers can trust: El Salvador's municipalities of 2024 with their
districts (a returnee from Mejicanos is referred to providers of San Salvador Centro), Haiti's
communes of 2015 and its arrondissements, Guatemala's numeric ISO codes and official names under
their short ones, and Mexico's municipalities from INEGI, offered one state at a time."""

from __future__ import annotations

import os
import re
from datetime import date, time

import pytest
from alembic import command
from sqlalchemy import select, text

from casework.accounts.models import OrganizationKind, Role
from casework.db import make_engine
from casework.errors import ValidationError
from casework.migrate import alembic_config
from casework.timeutil import today_in
from reintegration import directory, services, settings
from reintegration.divisions import (
    DIVISIONS,
    Place,
    municipalities,
    municipality_key,
    place_text,
    resolve_place,
    suggested,
)
from reintegration.models import ProviderKind, ReturneeCase, ReturnMethod, Service
from tests.conftest import _ensure_postgres_database, _reset_database
from tests.factories import PASSWORD, make_organization, make_user


def _organization(db_session, country: str, timezone: str) -> dict:
    org = make_organization(
        db_session, OrganizationKind.REINTEGRATION, name=f"Centro Demo {country}", timezone=timezone
    )
    worker = make_user(db_session, org, Role.CASE_MANAGER)
    worker.locale = "en"
    settings.save_settings(db_session, worker, org, country, "7 30 90 180", time(10, 0), None)
    db_session.commit()
    return {"org": org, "worker": worker, "today": today_in(timezone)}


@pytest.fixture()
def salvador(db_session):
    return _organization(db_session, "SV", "America/El_Salvador")


@pytest.fixture()
def haiti(db_session):
    return _organization(db_session, "HT", "America/Port-au-Prince")


@pytest.fixture()
def mexico(db_session):
    return _organization(db_session, "MX", "America/Mexico_City")


def _reception(country: str, today: date, **place) -> dict:
    return {
        "given_names": "Ana",
        "first_surname": "Demo",
        "country": country,
        "returned_on": today.isoformat(),
        "method": "flight",
        "phone": "",
        **place,
    }


def _provider(db_session, who, name, municipality, division=None, country="SV"):
    return directory.save_provider(
        db_session,
        who["worker"],
        None,
        directory.ProviderData(
            name=name,
            kind=ProviderKind.NGO,
            country=country,
            services=[Service.SHELTER],
            division=division,
            municipality=municipality,
            languages=["spa"],
        ),
    )


def _suggested_providers(page: str) -> dict[str, str]:
    """Each suggested provider's name and how near it is, as the referral form shows them."""
    found = {}
    for item in re.findall(r"<li>(.*?)</li>", page, re.DOTALL):
        name = re.search(r"<strong>(.*?)</strong>", item)
        if name:
            near = re.search(r'<span class="badge[^"]*">(in their [a-z]+)</span>', item)
            found[name.group(1)] = near.group(1) if near else "elsewhere"
    return found


def _datalist(page: str) -> dict[str, str]:
    """The municipality field's suggestions: value and label."""
    block = re.search(r'<datalist id="municipality-options">(.*?)</datalist>', page, re.DOTALL)
    return dict(re.findall(r'<option value="([^"]*)" label="([^"]*)">', block.group(1))) if block else {}


# El Salvador ---------------------------------------------------------------------------------------


def test_a_returnee_from_mejicanos_is_matched_to_providers_of_san_salvador_centro(client, db_session, salvador):
    """The district of Mejicanos is in the municipality of San Salvador Centro since 2024, as is
    Ayutuxtepeque: their providers are in the person's municipality; Apopa (San Salvador Oeste) is
    only in their department, Santa Ana elsewhere."""
    _provider(db_session, salvador, "Albergue Demo Centro", "San Salvador Centro")
    _provider(db_session, salvador, "Casa Demo Ayutuxtepeque", "Ayutuxtepeque")
    _provider(db_session, salvador, "Refugio Demo Apopa", "Apopa")
    _provider(db_session, salvador, "Hogar Demo Santa Ana", "Santa Ana")
    client.sign_in(salvador["worker"].email, PASSWORD)
    assert (
        client.post(
            "/reintegration/cases/new", _reception("SV", salvador["today"], division="", municipality="mejicanos")
        ).status_code
        == 302
    )
    returnee = db_session.scalars(select(ReturneeCase)).one()
    assert (returnee.division, returnee.municipality, returnee.district) == (
        "SV-SS",
        "San Salvador Centro",
        "Mejicanos",
    )
    page = client.get(f"/reintegration/cases/{returnee.id}/referrals/new?service=shelter").get_data(as_text=True)
    assert _suggested_providers(page) == {
        "Albergue Demo Centro": "in their municipality",
        "Casa Demo Ayutuxtepeque": "in their municipality",
        "Refugio Demo Apopa": "in their department",
        "Hogar Demo Santa Ana": "elsewhere",
    }
    assert page.index("Albergue Demo Centro") < page.index("Refugio Demo Apopa") < page.index("Hogar Demo Santa Ana")
    assert "Ayutuxtepeque, district of San Salvador Centro, San Salvador" in page


def test_a_provider_in_the_persons_very_district_comes_first_among_their_municipality(db_session, salvador):
    _provider(db_session, salvador, "A Demo en San Salvador Centro", "San Salvador Centro")
    _provider(db_session, salvador, "B Demo en Mejicanos", "Mejicanos")
    found = directory.suggestions(
        db_session,
        directory.select_providers(salvador["worker"]),
        Service.SHELTER,
        "SV",
        "SV-SS",
        "San Salvador Centro",
        "spa",
        False,
        district="Mejicanos",
    )
    assert [(s.provider.name, s.where) for s in found] == [
        ("B Demo en Mejicanos", "municipality"),
        ("A Demo en San Salvador Centro", "municipality"),
    ]


def test_reception_stores_the_district_with_its_municipality_and_shows_it(client, db_session, salvador):
    client.sign_in(salvador["worker"].email, PASSWORD)
    page = client.get("/reintegration/cases/new").get_data(as_text=True)
    # Both levels are offered, a district with its municipality.
    assert '<option value="San Salvador Centro" label="San Salvador">' in page
    assert '<option value="Mejicanos — district of San Salvador Centro" label="San Salvador">' in page
    assert len(_datalist(page)) == 44 + 262
    chosen = "Mejicanos — district of San Salvador Centro"
    assert (
        client.post(
            "/reintegration/cases/new", _reception("SV", salvador["today"], division="", municipality=chosen)
        ).status_code
        == 302
    )
    returnee = db_session.scalars(select(ReturneeCase)).one()
    assert (returnee.division, returnee.municipality, returnee.district) == (
        "SV-SS",
        "San Salvador Centro",
        "Mejicanos",
    )
    show = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    assert "Mejicanos, district of San Salvador Centro, San Salvador" in show
    assert "Mejicanos, district of San Salvador Centro" in client.get("/reintegration").get_data(as_text=True)
    # Correcting the return shows the district as it was chosen, and keeps it when saved again.
    url = f"/reintegration/cases/{returnee.id}/return"
    edit = client.get(url).get_data(as_text=True)
    assert f'value="{chosen}"' in edit
    form = {
        "country": "SV",
        "returned_on": returnee.returned_on.isoformat(),
        "method": "flight",
        "arrival_point": "",
        "reception_center": "",
        "division": "SV-SS",
        "municipality": chosen,
        "phone": "",
        "notes": "",
    }
    assert client.post(url, form).status_code == 302
    db_session.expire_all()
    assert (returnee.municipality, returnee.district) == ("San Salvador Centro", "Mejicanos")
    # A municipality of 2024 typed directly is stored without a district.
    assert client.post(url, dict(form, municipality="san salvador centro")).status_code == 302
    db_session.expire_all()
    assert (returnee.division, returnee.municipality, returnee.district) == ("SV-SS", "San Salvador Centro", None)


def test_a_district_name_of_several_departments_asks_for_the_department(client, db_session, salvador):
    client.sign_in(salvador["worker"].email, PASSWORD)
    page = client.post(
        "/reintegration/cases/new", _reception("SV", salvador["today"], division="", municipality="El Rosario")
    ).get_data(as_text=True)
    assert 'id="division-error"' in page and 'value="El Rosario"' in page
    assert db_session.scalar(select(ReturneeCase.id)) is None
    # The suggestion says which one; so does the department.
    assert resolve_place("SV", None, "El Rosario — district of Cuscatlán Sur") == Place(
        "SV-CU", "Cuscatlán Sur", "El Rosario"
    )
    assert resolve_place("SV", "SV-PA", "el rosario") == Place("SV-PA", "La Paz Centro", "El Rosario")
    with pytest.raises(ValidationError) as refused:
        resolve_place("SV", "SV-LI", "Mejicanos")
    assert refused.value.field == "municipality" and "San Salvador" in refused.value.message


def test_the_salvadoran_list_is_the_law_of_2024():
    places = municipalities("SV")
    towns = [m for m in places if not m.is_district]
    districts = [m for m in places if m.is_district]
    assert len(towns) == 44 and len(districts) == 262
    assert {m.part_of for m in districts} == {m.name for m in towns}
    by_name = {m.name: m for m in towns}
    assert all(by_name[d.part_of].division == d.division for d in districts)
    of_centro = sorted(d.name for d in districts if d.part_of == "San Salvador Centro")
    assert of_centro == ["Ayutuxtepeque", "Ciudad Delgado", "Cuscatancingo", "Mejicanos", "San Salvador"]
    assert (
        municipality_key("SV", None, "Mejicanos")
        == municipality_key("SV", "SV-SS", "Ayutuxtepeque")
        == municipality_key("SV", None, "San Salvador Centro")
    )
    assert municipality_key("SV", None, "Apopa") != municipality_key("SV", None, "Mejicanos")


def test_retention_erases_the_district_with_the_municipality(db_session, salvador, run_retention):
    returnee = services.receive(
        db_session,
        salvador["worker"],
        {"given_names": "Ana", "first_surname": "Demo"},
        services.ReturnData(
            country="SV", returned_on=salvador["today"], method=ReturnMethod.LAND, municipality="Mejicanos"
        ),
        salvador["today"],
    )
    run_retention(returnee, salvador["today"])
    assert (returnee.division, returnee.municipality, returnee.district) == ("SV-SS", None, None)


# Haiti ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, place",
    [
        ("Fond-des-Blancs", Place("HT-SD", "Fond-des-Blancs")),
        ("fonds des blancs", Place("HT-SD", "Fond-des-Blancs")),
        ("Les Arcadins", Place("HT-AR", "Les Arcadins")),
        ("Montrouis", Place("HT-AR", "Les Arcadins")),
        ("Baptiste", Place("HT-CE", "Baptiste")),
        ("Marfranc", Place("HT-GA", "Marfranc")),
        ("La Pointe", Place("HT-NO", "Lapointe")),
        ("cap haitien", Place("HT-ND", "Cap-Haïtien")),
    ],
)
def test_the_communes_of_2015_are_accepted_with_their_department(typed, place):
    assert resolve_place("HT", None, typed) == place


def test_haiti_has_146_communes_in_42_arrondissements(client, db_session, haiti):
    communes = municipalities("HT")
    assert len(communes) == 146 and all(c.arrondissement for c in communes)
    assert len({(c.division, c.arrondissement) for c in communes}) == 42
    with pytest.raises(ValidationError):
        resolve_place("HT", "HT-OU", "Fond-des-Blancs")
    client.sign_in(haiti["worker"].email, PASSWORD)
    page = client.get("/reintegration/cases/new").get_data(as_text=True)
    assert '<option value="Fond-des-Blancs" label="Sud, arrondissement of Aquin">' in page
    assert (
        client.post(
            "/reintegration/cases/new", _reception("HT", haiti["today"], division="", municipality="fond des blancs")
        ).status_code
        == 302
    )
    returnee = db_session.scalars(select(ReturneeCase)).one()
    assert (returnee.division, returnee.municipality, returnee.district) == ("HT-SD", "Fond-des-Blancs", None)
    show = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    assert "Fond-des-Blancs, arrondissement of Aquin, Sud" in show


# Guatemala -----------------------------------------------------------------------------------------


def test_guatemala_uses_the_numeric_iso_codes():
    assert [code for code, _name in sorted(DIVISIONS["GT"])] == [f"GT-{n:02d}" for n in range(1, 23)]
    assert dict(DIVISIONS["GT"])["GT-13"] == "Huehuetenango" and dict(DIVISIONS["GT"])["GT-10"] == "Suchitepéquez"
    assert {m.division for m in municipalities("GT")} == {f"GT-{n:02d}" for n in range(1, 23)}


def test_the_forms_offer_numeric_codes_and_refuse_the_withdrawn_letters(client, db_session, center):
    client.sign_in(center["worker"].email, PASSWORD)
    page = client.get("/reintegration/cases/new").get_data(as_text=True)
    assert '<option value="GT-13">Guatemala · Huehuetenango</option>' in page and 'value="GT-HU"' not in page
    form = _reception("GT", center["today"], division="GT-HU", municipality="Chiantla")
    page = client.post("/reintegration/cases/new", form).get_data(as_text=True)
    assert 'id="division-error"' in page
    assert client.post("/reintegration/cases/new", dict(form, division="GT-13")).status_code == 302
    assert db_session.scalars(select(ReturneeCase)).one().division == "GT-13"


@pytest.mark.parametrize(
    "typed, place",
    [
        ("Ixcán", Place("GT-14", "Playa Grande Ixcán")),
        ("ixcan", Place("GT-14", "Playa Grande Ixcán")),
        ("Yepocapa", Place("GT-04", "San Pedro Yepocapa")),
        ("Pochuta", Place("GT-04", "San Miguel Pochuta")),
        ("La Tinta", Place("GT-16", "Santa Catalina La Tinta")),
        ("Chichicastenango", Place("GT-14", "Santo Tomás Chichicastenango")),
        ("Santo Tomas la Union", Place("GT-10", "Santo Tomás La Unión")),
    ],
)
def test_a_short_name_is_stored_under_the_official_one(typed, place):
    assert resolve_place("GT", None, typed) == place


def test_a_provider_typed_by_its_short_name_matches_the_official_one(client, db_session, center, receive):
    provider = _provider(db_session, center, "Albergue Demo Ixcán", "ixcán", country="GT")
    assert (provider.division, provider.municipality) == ("GT-14", "Playa Grande Ixcán")
    returnee = receive(division=None, municipality="Playa Grande Ixcán")
    client.sign_in(center["worker"].email, PASSWORD)
    page = client.get(f"/reintegration/cases/{returnee.id}/referrals/new?service=shelter").get_data(as_text=True)
    assert _suggested_providers(page) == {"Albergue Demo Ixcán": "in their municipality"}


# Mexico --------------------------------------------------------------------------------------------


def test_mexico_ships_inegis_states_and_municipalities():
    places = municipalities("MX")
    assert len(DIVISIONS["MX"]) == 32 and {m.division for m in places} == {code for code, _ in DIVISIONS["MX"]}
    assert len(places) == 2478
    counts = {code: sum(1 for m in places if m.division == code) for code, _ in DIVISIONS["MX"]}
    assert (counts["MX-OAX"], counts["MX-CMX"], counts["MX-BCS"], counts["MX-BCN"]) == (570, 16, 5, 7)
    assert resolve_place("MX", None, "tijuana") == Place("MX-BCN", "Tijuana")
    assert resolve_place("MX", None, "Naucalpan de Juárez") == Place("MX-MEX", "Naucalpan de Juárez")
    assert resolve_place("MX", "MX-CMX", "Iztapalapa") == Place("MX-CMX", "Iztapalapa")
    with pytest.raises(ValidationError) as refused:
        resolve_place("MX", None, "Benito Juárez")
    assert refused.value.field == "division"
    assert resolve_place("MX", "MX-ROO", "Benito Juárez") == Place("MX-ROO", "Benito Juárez")
    assert next(m for m in places if m.name == "Tijuana").code == "02004"


def test_mexican_suggestions_are_the_chosen_states_only(client, db_session, mexico):
    assert suggested("MX", None) == [] and len(suggested("MX", "MX-OAX")) == 570
    client.sign_in(mexico["worker"].email, PASSWORD)
    page = client.get("/reintegration/cases/new").get_data(as_text=True)
    assert 'list="municipality-options"' not in page and len(page) < 60_000
    form = _reception("MX", mexico["today"], division="MX-BCN", municipality="Tijuana", returned_on="")
    page = client.post("/reintegration/cases/new", form).get_data(as_text=True)
    assert 'id="returned_on-error"' in page
    offered = _datalist(page)
    assert offered["Tijuana"] == "Baja California" and "Ensenada" in offered and len(offered) == 7
    assert (
        client.post(
            "/reintegration/cases/new",
            dict(form, division="", municipality="tijuana", returned_on=mexico["today"].isoformat()),
        ).status_code
        == 302
    )
    returnee = db_session.scalars(select(ReturneeCase)).one()
    assert (returnee.division, returnee.municipality) == ("MX-BCN", "Tijuana")


def test_a_place_reads_with_its_district_or_arrondissement():
    assert (
        place_text("SV", "SV-SS", "San Salvador Centro", "Mejicanos")
        == "Mejicanos, district of San Salvador Centro, San Salvador"
    )
    assert place_text("SV", "SV-SS", "San Salvador Centro") == "San Salvador Centro, San Salvador"
    assert place_text("HT", "HT-SD", "Aquin") == "Aquin, Sud"
    assert place_text("GT", "GT-13", "Aldea Demo") == "Aldea Demo, Huehuetenango"
    assert place_text("GT", None, None) == ""


# The migration -------------------------------------------------------------------------------------


def _database_at(tmp_path, name: str, revision: str) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    url = _ensure_postgres_database(base, name) if base else f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    _reset_database(url)
    command.upgrade(alembic_config(url), revision)
    return url


def test_the_migration_rewrites_letter_codes_and_salvadoran_districts(tmp_path):
    url = _database_at(tmp_path, "places_0015", "0015")
    engine = make_engine(url)
    now = "2026-11-01 12:00:00+00:00"
    places = {  # id: (country, division, municipality) as stored before
        1: ("GT", "GT-HU", "Chiantla"),
        2: ("GT", "GT-QC", "Ixcán"),
        3: ("SV", None, "Mejicanos"),
        4: ("SV", "SV-SS", "ayutuxtepeque"),
        5: ("SV", None, "El Rosario"),
        6: ("SV", "SV-SS", "Colonia Demo"),
        7: ("GT", "GT-SU", "Santo Tomas la Unión"),
        8: ("HN", "HN-CR", "Aldea Demo"),
    }
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organizations (id, name, kind, timezone, enrollment_alert_days, created_at, updated_at) "
                    "VALUES (1, 'Centro Demo', 'reintegration', 'America/Guatemala', 30, :now, :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO families (id, program_id, display_name, sort_key, created_at, updated_at) "
                    "VALUES (1, 1, 'Demo, Ana', 'demo, ana', :now, :now)"
                ),
                {"now": now},
            )
            for n, (country, division, municipality) in places.items():
                values = {"id": n, "country": country, "division": division, "municipality": municipality, "now": now}
                connection.execute(
                    text(
                        "INSERT INTO returnee_cases (id, family_id, organization_id, reference, status, country, "
                        "returned_on, method, division, municipality, created_at, updated_at) VALUES (:id, 1, 1, "
                        "'R-DEMO000' || :id, 'open', :country, '2026-10-01', 'flight', :division, :municipality, "
                        ":now, :now)"
                    ),
                    values,
                )
                connection.execute(
                    text(
                        "INSERT INTO in_country_providers (id, organization_id, name, kind, country, division, "
                        "municipality, active, created_at, updated_at) VALUES (:id, 1, 'Demo', 'ngo', :country, "
                        ":division, :municipality, true, :now, :now)"
                    ),
                    values,
                )
        command.upgrade(alembic_config(url), "0016")
        expected = {
            1: ("GT-13", "Chiantla", None),
            2: ("GT-14", "Playa Grande Ixcán", None),
            3: ("SV-SS", "San Salvador Centro", "Mejicanos"),
            4: ("SV-SS", "San Salvador Centro", "Ayutuxtepeque"),
            5: (None, "El Rosario", None),
            6: ("SV-SS", "Colonia Demo", None),
            7: ("GT-10", "Santo Tomás La Unión", None),
            8: ("HN-CR", "Aldea Demo", None),
        }
        for table in ("returnee_cases", "in_country_providers"):
            with engine.connect() as connection:
                query = f"SELECT id, division, municipality, district FROM {table}"  # noqa: S608 - a fixed name
                rows = connection.execute(text(query)).all()
            assert {row[0]: tuple(row[1:]) for row in rows} == expected, table
        command.downgrade(alembic_config(url), "0015")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, division, municipality FROM returnee_cases")).all()
        back = {row[0]: tuple(row[1:]) for row in rows}
        assert back[1] == ("GT-HU", "Chiantla") and back[3] == ("SV-SS", "Mejicanos")
        assert back[2] == ("GT-QC", "Playa Grande Ixcán") and back[8] == ("HN-CR", "Aldea Demo")
    finally:
        engine.dispose()
