"""The family's own page: no sign-in, their language, the next dates, masked A-numbers, audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.audit.models import AuditEvent
from casework.families import services as family_services
from scheduling import links, services
from tests.factories import PASSWORD
from tests.scheduling.conftest import household, make_appointment, program_today

SECRET = "test-secret-key"


def test_the_page_shows_the_next_dates_in_the_familys_language(client, db_session, manager, courts):
    family, case = household(db_session, manager)
    head = family.members[0]
    family_services.update_member(
        db_session,
        manager,
        head,
        family_services.MemberData(**{**_data(head), "a_number": "A-201-555-987"}),
        program_today(),
    )
    day = program_today() + timedelta(days=12)
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=day)
    gone = make_appointment(db_session, manager, case, courts["chicago"], day=day + timedelta(days=5))
    services.cancel_appointment(db_session, manager, gone)
    token = links.family_link(db_session, SECRET, family)
    db_session.commit()

    response = client.get(f"/f/{token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="es">' in page
    assert "Sus próximas citas" in page and "Cita en la corte" in page
    from babel.dates import format_date

    assert format_date(day, "EEEE d 'de' MMMM", locale="es") in page
    assert "525 West Van Buren Street" in page and "1-800-898-7180" in page and "(312) 555-0100" in page
    assert f"/f/{token}.ics" in page
    assert "201-555-987" not in page and "201555987" not in page and "987" in page  # masked, last digits only
    assert "García" not in page  # given names only
    assert page.count('class="card"') == 1, "the cancelled date is not shown"
    assert response.headers["Referrer-Policy"] == "no-referrer"

    creole = client.get(f"/f/{token}?lang=hat").get_data(as_text=True)
    assert '<html lang="ht">' in creole and "Pwochen randevou ou yo" in creole
    views = db_session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "family_link", AuditEvent.family_id == family.id)
    ).all()
    assert len(views) == 2 and all(v.user_id is None for v in views)
    assert hearing.uid not in page


def test_an_unknown_or_renewed_link_finds_nothing(client, db_session, manager, courts):
    family, case = household(db_session, manager)
    make_appointment(db_session, manager, case, courts["chicago"])
    token = links.family_link(db_session, SECRET, family)
    db_session.commit()
    assert client.get("/f/AAAAAAAAAAAAAAAAAAAA").status_code == 404
    links.renew_family_link(db_session, manager, family)
    assert client.get(f"/f/{token}").status_code == 404
    assert client.get(f"/f/{links.family_link(db_session, SECRET, family)}").status_code == 200


def test_the_case_manager_finds_and_renews_the_link_on_a_page_of_its_own(client, db_session, manager, courts):
    """The link opens the family's dates without signing in: it is shown when asked for, not on
    every view of the family page."""
    family, case = household(db_session, manager)
    make_appointment(db_session, manager, case, courts["chicago"])
    token = links.family_link(db_session, SECRET, family)
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    family_page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert token not in family_page and f'href="/families/{family.id}/link"' in family_page
    assert f"/f/{token}" in client.get(f"/families/{family.id}/link").get_data(as_text=True)
    renewed = client.post(f"/families/{family.id}/link", page=f"/families/{family.id}/link")
    assert renewed.headers["Location"] == f"/families/{family.id}/link"
    db_session.expire_all()
    fresh = links.family_link(db_session, SECRET, family)
    assert fresh != token and f"/f/{fresh}" in client.get(f"/families/{family.id}/link").get_data(as_text=True)


def _data(member) -> dict:
    return {
        "given_names": member.given_names,
        "first_surname": member.first_surname,
        "second_surname": member.second_surname,
        "date_of_birth": member.date_of_birth,
        "country_of_birth": member.country_of_birth,
        "preferred_language": member.preferred_language,
        "languages": [lang.code for lang in member.languages],
        "relationship_to_head": member.relationship_to_head,
        "phones": [(p.number, p.kind) for p in member.phones],
        "email": member.email,
    }
