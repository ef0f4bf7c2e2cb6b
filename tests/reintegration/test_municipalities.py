"""Shipped municipalities: suggested in the forms, spelled officially, their department filled in,
and refused in the wrong department; a village the list does not have is kept as typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casework.errors import ValidationError
from reintegration.divisions import Place, municipalities, resolve_place
from reintegration.models import ReturneeCase
from tests.factories import PASSWORD


def test_the_lists_cover_every_department_of_the_five_countries():
    # El Salvador: 44 municipalities of 2024 and their 262 districts; Haiti: 146 communes; Mexico: INEGI's.
    for country, expected in (("GT", 340), ("HN", 298), ("SV", 44 + 262), ("HT", 146), ("MX", 2478)):
        assert len(municipalities(country)) == expected, country
    from reintegration.divisions import DIVISIONS

    for country in ("GT", "HN", "SV", "HT", "MX"):
        assert {m.division for m in municipalities(country)} == {code for code, _ in DIVISIONS[country]}, country


def test_a_typed_municipality_is_spelled_officially_and_placed():
    assert resolve_place("GT", None, "  chiantla ") == Place("GT-13", "Chiantla")
    assert resolve_place("GT", "GT-13", "CHIANTLA") == Place("GT-13", "Chiantla")
    assert resolve_place("GT", "GT-13", "Aldea El Rosario") == Place("GT-13", "Aldea El Rosario")
    assert resolve_place("MX", None, "santa maria tonameca") == Place("MX-OAX", "Santa María Tonameca")
    assert resolve_place("HN", None, "Aldea Demo") == Place(None, "Aldea Demo")
    with pytest.raises(ValidationError) as refused:
        resolve_place("GT", "GT-14", "Chiantla")
    assert refused.value.field == "municipality" and "Huehuetenango" in refused.value.message


def test_a_name_shared_by_several_municipalities_asks_for_the_department():
    shared = {}
    for m in municipalities("GT"):
        shared.setdefault(m.name, []).append(m.division)
    name, divisions = next((n, d) for n, d in shared.items() if len(d) > 1)
    with pytest.raises(ValidationError) as refused:
        resolve_place("GT", None, name)
    assert refused.value.field == "division"
    assert resolve_place("GT", divisions[0], name) == Place(divisions[0], name)


def test_the_reception_form_suggests_and_corrects_the_municipality(client, db_session, center):
    client.sign_in(center["worker"].email, PASSWORD)
    page = client.get("/reintegration/cases/new").get_data(as_text=True)
    assert 'list="municipality-options"' in page and '<option value="Chiantla" label="Huehuetenango">' in page
    form = {
        "given_names": "Ana",
        "first_surname": "Cux",
        "country": "GT",
        "returned_on": center["today"].isoformat(),
        "method": "flight",
        "division": "GT-14",
        "municipality": "chiantla",
        "phone": "",
    }
    page = client.post("/reintegration/cases/new", form).get_data(as_text=True)
    assert 'id="municipality-error"' in page and 'value="chiantla"' in page
    assert client.post("/reintegration/cases/new", dict(form, division="")).status_code == 302
    returnee = db_session.scalars(select(ReturneeCase)).one()
    assert (returnee.division, returnee.municipality) == ("GT-13", "Chiantla")
