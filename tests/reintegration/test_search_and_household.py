"""Finding a returnee by name, reference or phone (only within the organization), and adding the
people who returned with them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role
from casework.families.models import Member, Relationship
from reintegration import services
from reintegration.models import ReturnMethod
from tests.factories import PASSWORD, make_organization, make_user


def _search(client, query):
    return client.post("/reintegration/search", {"q": query}, page="/reintegration", follow_redirects=True).get_data(
        as_text=True
    )


def test_a_returnee_is_found_by_name_reference_or_phone_within_the_organization(client, db_session, center, receive):
    ana = receive(phone="5555 0123")
    elsewhere = make_organization(
        db_session, OrganizationKind.REINTEGRATION, name="Centro Demo Honduras", timezone="America/Tegucigalpa"
    )
    other = make_user(db_session, elsewhere, Role.CASE_MANAGER)
    hidden = services.receive(
        db_session,
        other,
        {"given_names": "Ana Lucía", "first_surname": "Cux"},
        services.ReturnData(country="HN", returned_on=center["today"], method=ReturnMethod.LAND),
        center["today"],
    )
    client.sign_in(center["worker"].email, PASSWORD)
    for query in ("cux ana", "ANA LUCIA", ana.reference.lower(), "+502 5555 0123"):
        page = _search(client, query)
        assert ana.reference in page, query
        assert hidden.reference not in page, query
    assert ana.reference not in _search(client, "Xiloj")
    redirect = client.post("/reintegration/search", {"q": "Cux Ana"}, page="/reintegration")
    assert "Cux" not in redirect.headers["Location"], "the query travels sealed, not in the URL"


def test_people_who_returned_together_are_added_to_the_household(client, db_session, center, receive):
    returnee = receive()
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}/members/new"
    page = client.get(url).get_data(as_text=True)
    assert 'value="head"' not in page, "the household has its head already"
    form = {
        "given_names": "Sofía",
        "first_surname": "Cux",
        "second_surname": "",
        "relationship_to_head": "child",
        "date_of_birth": (center["today"] + timedelta(days=2)).isoformat(),
        "born_in_us": "y",
        "preferred_language": "spa",
    }
    page = client.post(url, form).get_data(as_text=True)
    assert 'id="date_of_birth-error"' in page and 'value="Sofía"' in page
    assert client.post(url, dict(form, date_of_birth="2018-04-02")).status_code == 302
    child = db_session.scalars(select(Member).where(Member.given_names == "Sofía")).one()
    assert (child.family_id, child.relationship_to_head, child.country_of_birth) == (
        returnee.family_id,
        Relationship.CHILD,
        "US",
    )
    show = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    assert "Sofía Cux" in show and "United States" in show
    assert returnee.reference in _search(client, "Sofia Cux"), "the child's name finds the household"


def test_the_list_shows_one_status_a_page_at_a_time_latest_return_first(app, client, db_session, center, receive):
    older, middle, newer = receive(days_ago=30), receive(days_ago=20), receive(days_ago=10)
    closed = receive(days_ago=5)
    services.close(db_session, center["worker"], closed, services.ReturneeClosedReason.LOST_CONTACT, center["today"])
    elsewhere = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Centro Demo Honduras")
    hidden = services.receive(
        db_session,
        make_user(db_session, elsewhere, Role.CASE_MANAGER),
        {"given_names": "Rosa", "first_surname": "Coc"},
        services.ReturnData(country="HN", returned_on=center["today"], method=ReturnMethod.LAND),
        center["today"],
    )
    db_session.commit()
    client.sign_in(center["worker"].email, PASSWORD)
    app.config["PAGE_SIZE"] = 2
    try:

        def listed(url: str) -> list[str]:
            page = client.get(url).get_data(as_text=True).partition('<table class="list">')[2]
            shown = [r for r in (older, middle, newer, closed, hidden) if f">{r.reference}</a>" in page]
            return [r.reference for r in sorted(shown, key=lambda r: page.index(f">{r.reference}</a>"))]

        assert listed("/reintegration") == [newer.reference, middle.reference]
        assert listed("/reintegration?page=2") == [older.reference]
        assert listed("/reintegration?status=closed") == [closed.reference]
        assert listed("/reintegration?status=all") == [newer.reference, middle.reference]  # open ones first
        assert listed("/reintegration?status=all&page=2") == [older.reference, closed.reference]
    finally:
        app.config["PAGE_SIZE"] = 50
