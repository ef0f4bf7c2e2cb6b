from datetime import date

from casework.accounts.models import Role
from casework.families.models import Family, Member
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data
from sqlalchemy import select


def _signed_in(client, db_session, role=Role.CASE_MANAGER):
    program = make_organization(db_session)
    user = make_user(db_session, program, role)
    db_session.commit()
    response = client.sign_in(user.email, PASSWORD)
    assert response.status_code == 302
    return user


def test_intake_creates_family_with_case_and_is_found_by_accent_free_search(client, db_session):
    user = _signed_in(client, db_session)
    response = client.post("/families/new", {
        "given_names": "María José", "first_surname": "Pérez", "second_surname": "Núñez",
        "date_of_birth": "1990-05-02", "a_number": "A-012-345-678", "country_of_birth": "HN",
        "preferred_language": "spa", "languages": ["spa", "cab"], "phone": "(773) 555-0199",
        "phone_kind": "mobile", "other_phone_kind": "home", "relationship_to_head": "head",
        "line1": "2200 S Pulaski Rd", "city": "Chicago", "state": "IL", "postal_code": "60623",
        "moved_in_on": "2026-10-20", "consents": ["sms_reminders"], "assigned_to_id": str(user.id),
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    family = db_session.scalars(select(Family)).one()
    assert family.display_name == "Pérez Núñez, María José"
    member = db_session.scalars(select(Member)).one()
    assert member.a_number == "012345678"
    assert member.phones[0].number == "+17735550199"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A-012-345-678" in page
    results = client.get("/families?q=maria+perez").get_data(as_text=True)
    assert "Pérez Núñez, María José" in results
    assert "Pérez Núñez" in client.get("/families?q=012345678").get_data(as_text=True)
    assert "Pérez Núñez" in client.get("/families?q=773-555-0199").get_data(as_text=True)
    assert "Pérez Núñez" not in client.get("/families?q=garcia").get_data(as_text=True)
    assert "Pérez Núñez" in client.get("/dashboard").get_data(as_text=True)


def test_bad_a_number_is_refused_next_to_the_field_with_input_kept(client, db_session):
    _signed_in(client, db_session)
    response = client.post("/families/new", {
        "given_names": "Ana", "first_surname": "Tzoc", "a_number": "A-12-34", "phone_kind": "mobile",
        "other_phone_kind": "home", "relationship_to_head": "head",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An A-number has 9 digits" in page
    assert 'value="A-12-34"' in page
    assert 'value="Tzoc"' in page
    assert db_session.scalars(select(Family)).first() is None
