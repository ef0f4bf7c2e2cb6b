from datetime import date

from sqlalchemy import func, select

from casework.accounts.models import Role
from casework.families.models import Family, Member
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data


def _signed_in(client, db_session, role=Role.CASE_MANAGER):
    program = make_organization(db_session)
    user = make_user(db_session, program, role)
    db_session.commit()
    response = client.sign_in(user.email, PASSWORD)
    assert response.status_code == 302
    return user


def test_intake_creates_family_with_case_and_is_found_by_accent_free_search(client, db_session):
    user = _signed_in(client, db_session)
    response = client.post(
        "/families/new",
        {
            "given_names": "María José",
            "first_surname": "Pérez",
            "second_surname": "Núñez",
            "date_of_birth": "1990-05-02",
            "a_number": "A-012-345-678",
            "country_of_birth": "HN",
            "preferred_language": "spa",
            "languages": ["spa", "cab"],
            "phone": "(773) 555-0199",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
            "relationship_to_head": "head",
            "line1": "2200 S Pulaski Rd",
            "city": "Chicago",
            "state": "IL",
            "postal_code": "60623",
            "moved_in_on": "2026-10-20",
            "consents": ["sms_reminders"],
            "assigned_to_id": str(user.id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    family = db_session.scalars(select(Family)).one()
    assert family.display_name == "Pérez Núñez, María José"
    member = db_session.scalars(select(Member)).one()
    assert member.a_number == "012345678"
    assert member.phones[0].number == "+17735550199"

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A-012-345-678" in page
    results = client.search("maria perez").get_data(as_text=True)
    assert "Pérez Núñez, María José" in results
    assert "Pérez Núñez" in client.search("012345678").get_data(as_text=True)
    assert "Pérez Núñez" in client.search("773-555-0199").get_data(as_text=True)
    assert "Pérez Núñez" not in client.search("garcia").get_data(as_text=True)
    assert "Pérez Núñez" in client.get("/dashboard").get_data(as_text=True)


def test_bad_a_number_is_refused_next_to_the_field_with_input_kept(client, db_session):
    _signed_in(client, db_session)
    response = client.post(
        "/families/new",
        {
            "given_names": "Ana",
            "first_surname": "Tzoc",
            "a_number": "A-12-34",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
            "relationship_to_head": "head",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An A-number has 9 digits" in page
    assert 'value="A-12-34"' in page
    assert 'value="Tzoc"' in page
    assert db_session.scalars(select(Family)).first() is None


def _family_for(client, db_session, **head):
    user = _signed_in(client, db_session)
    family = make_family(db_session, user, member_data(**head) if head else None)
    return user, family


def test_add_member_and_edit_keeps_tokens_and_name(client, db_session):
    _user, family = _family_for(client, db_session)
    response = client.post(
        f"/families/{family.id}/members/new",
        {
            "given_names": "Ángel",
            "first_surname": "García",
            "second_surname": "Tzul",
            "relationship_to_head": "child",
            "date_of_birth": "2016-07-09",
            "preferred_language": "quc",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert response.status_code == 302
    child = db_session.scalars(select(Member).where(Member.given_names == "Ángel")).one()
    assert child.languages[0].code == "quc"
    assert family.display_name in client.search("angel tzul").get_data(as_text=True)

    response = client.post(
        f"/members/{child.id}/edit",
        {
            "given_names": "Ángel David",
            "first_surname": "García",
            "second_surname": "Tzul",
            "relationship_to_head": "child",
            "date_of_birth": "2016-07-09",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert response.status_code == 302
    assert family.display_name in client.search("david").get_data(as_text=True)
    assert family.display_name not in client.search("zzyzx").get_data(as_text=True)


def test_second_head_is_refused(client, db_session):
    _user, family = _family_for(client, db_session)
    response = client.post(
        f"/families/{family.id}/members/new",
        {
            "given_names": "Rosa",
            "first_surname": "López",
            "relationship_to_head": "head",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert response.status_code == 200
    assert "already has a head" in response.get_data(as_text=True)


def test_intake_warns_of_a_shared_a_number_before_saving(client, db_session):
    _user, _family = _family_for(client, db_session, a_number="A-087-654-321")
    data = {
        "given_names": "Juan",
        "first_surname": "Ramírez",
        "a_number": "87654321",
        "phone_kind": "mobile",
        "other_phone_kind": "home",
    }
    response = client.post("/families/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Possible duplicates" in page and "same A-number" in page
    assert db_session.scalar(select(func.count()).select_from(Family)) == 1
    # Saving again with the confirmation the page carries creates the family.
    data["confirm_not_duplicate"] = "yes"
    assert client.post("/families/new", data).status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Family)) == 2


def test_intake_warns_of_close_name_and_same_birth_date(client, db_session):
    _user, _family = _family_for(client, db_session)  # José Luis García López, 1988-03-14
    response = client.post(
        "/families/new",
        {
            "given_names": "Jose Luis",
            "first_surname": "Garcia",
            "second_surname": "Lopes",
            "date_of_birth": "1988-03-14",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert "similar name and same date of birth" in response.get_data(as_text=True)
    response = client.post(
        "/families/new",
        {
            "given_names": "Jose Luis",
            "first_surname": "Garcia",
            "date_of_birth": "1991-01-01",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert response.status_code == 302


def test_invalid_phone_and_email_are_refused_with_input_kept(client, db_session):
    _user, family = _family_for(client, db_session)
    response = client.post(
        f"/families/{family.id}/members/new",
        {
            "given_names": "Rosa",
            "first_surname": "López",
            "relationship_to_head": "spouse",
            "phone": "12345",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
            "email": "rosa@",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="12345"' in page and 'value="rosa@"' in page
    assert "Invalid email address" in page
    response = client.post(
        f"/families/{family.id}/members/new",
        {
            "given_names": "Rosa",
            "first_surname": "López",
            "relationship_to_head": "spouse",
            "phone": "12345",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert "Enter a valid phone number" in response.get_data(as_text=True)


def test_foreign_phone_needs_country_code(client, db_session):
    _user, family = _family_for(client, db_session)
    response = client.post(
        f"/families/{family.id}/members/new",
        {
            "given_names": "Rosa",
            "first_surname": "López",
            "relationship_to_head": "spouse",
            "phone": "+502 5555 1234",
            "phone_kind": "mobile",
            "other_phone_kind": "home",
        },
    )
    assert response.status_code == 302
    assert (
        db_session.scalars(select(Member).where(Member.given_names == "Rosa")).one().phones[0].number == "+50255551234"
    )


def test_change_of_address_keeps_history_and_plans_filing_tasks(client, db_session):
    from casework.cases.models import Task, TaskKind

    _user, family = _family_for(client, db_session)
    response = client.post(
        f"/families/{family.id}/address",
        {
            "line1": "88 Maple Ave",
            "city": "Houston",
            "state": "TX",
            "postal_code": "77002",
            "moved_in_on": "2026-11-10",
        },
    )
    assert response.status_code == 302
    tasks = db_session.scalars(select(Task).order_by(Task.kind)).all()
    assert {t.kind for t in tasks} == {TaskKind.ADDRESS_CHANGE_COURT, TaskKind.ADDRESS_CHANGE_USCIS}
    assert all(t.due_on == date(2026, 11, 15) for t in tasks)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "88 Maple Ave, Houston, TX 77002" in page
    assert "Earlier addresses" in page and "1450 W Cermak Rd" in page
    assert "EOIR-33" in page
    bad = client.post(
        f"/families/{family.id}/address",
        {"line1": "1 Main St", "city": "Houston", "state": "TX", "postal_code": "7700", "moved_in_on": "2026-11-11"},
    )
    assert "A ZIP code has 5 digits" in bad.get_data(as_text=True)


def test_consent_recorded_and_revoked(client, db_session):
    from casework.families.models import Consent, ConsentKind

    _user, family = _family_for(client, db_session)
    member = family.members[0]
    response = client.post(f"/members/{member.id}/consents/new", {"kind": "legal_sharing", "given_on": "2026-11-01"})
    assert response.status_code == 302
    again = client.post(f"/members/{member.id}/consents/new", {"kind": "legal_sharing", "given_on": "2026-11-01"})
    assert "already recorded" in again.get_data(as_text=True)
    consent = db_session.scalars(select(Consent).where(Consent.kind == ConsentKind.LEGAL_SHARING)).one()
    assert client.post(f"/consents/{consent.id}/revoke", page=f"/families/{family.id}").status_code == 302
    db_session.expire_all()
    assert db_session.get(Consent, consent.id).revoked_on is not None


def test_family_page_is_audited_and_log_shown_to_supervisors_only(client, db_session):
    from casework.audit.models import AuditAction, AuditEvent

    user, family = _family_for(client, db_session)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Audit log" not in page
    views = db_session.scalars(
        select(AuditEvent).where(AuditEvent.family_id == family.id, AuditEvent.action == AuditAction.VIEW)
    ).all()
    assert [v.user_id for v in views] == [user.id]
    supervisor = make_user(db_session, user.organization, Role.SUPERVISOR)
    db_session.commit()
    client.post("/sign-out", page="/dashboard")
    client.sign_in(supervisor.email, PASSWORD)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert f'href="/families/{family.id}/audit"' in page
    log = client.get(f"/families/{family.id}/audit").get_data(as_text=True)
    assert "Audit log" in log and user.full_name in log and "viewed" in log


def test_audit_log_is_append_only(db_session):
    import pytest

    from casework.audit.models import AuditAction, AuditEvent

    event = AuditEvent(action=AuditAction.VIEW, object_type="family", object_id=1)
    db_session.add(event)
    db_session.commit()
    event.detail = "rewritten"
    with pytest.raises(PermissionError):
        db_session.commit()
    db_session.rollback()
    db_session.delete(db_session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db_session.commit()
    db_session.rollback()


def test_list_paginates(client, db_session, app):
    user = _signed_in(client, db_session)
    for n in range(app.config["PAGE_SIZE"] + 3):
        make_family(
            db_session, user, member_data(given=f"Persona{n:03d}", first="Alvarado", a_number=None), address=False
        )
    first = client.get("/families").get_data(as_text=True)
    assert 'rel="next"' in first and "Persona002" in first
    second = client.get("/families?page=2").get_data(as_text=True)
    assert "Persona052" in second and 'rel="next"' not in second
    assert client.get("/families?page=abc").status_code == 200


def test_the_list_shows_each_households_size_current_case_and_manager(client, db_session):
    """The open case before a closed one, the latest first; a household with no manager says so."""
    from casework.cases.models import Case, CaseStatus, ClosedReason
    from casework.families import services as family_services
    from casework.families.models import Relationship

    user = _signed_in(client, db_session)
    user.full_name = "Mónica Manager"
    big = make_family(db_session, user, member_data(given="Rosa", first="Ajpop", a_number=None), address=False)
    family_services.add_member(
        db_session,
        user,
        big,
        member_data(given="Tomás", first="Ajpop", a_number=None, phones=[], relationship_to_head=Relationship.CHILD),
        date(2026, 1, 5),
    )
    first_case = db_session.scalars(select(Case).where(Case.family_id == big.id)).one()
    first_case.status, first_case.closed_on = CaseStatus.CLOSED, date(2026, 2, 1)
    first_case.closed_reason = ClosedReason.MOVED_AWAY
    db_session.add(Case(family_id=big.id, reference="C-REOPENED", status=CaseStatus.ACTIVE, opened_on=date(2025, 6, 1)))
    db_session.commit()
    page = client.get("/families").get_data(as_text=True)
    row = page.split(f'href="/families/{big.id}"')[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]
    assert cells[0] == "2"
    assert cells[1].startswith("C-REOPENED") and "Active" in cells[1]
    assert "Not assigned" in cells[2]
    first_case.status, first_case.closed_on, first_case.closed_reason = CaseStatus.ACTIVE, None, None
    db_session.delete(db_session.scalars(select(Case).where(Case.reference == "C-REOPENED")).one())
    db_session.commit()
    row = client.get("/families").get_data(as_text=True).split(f'href="/families/{big.id}"')[1].split("</tr>")[0]
    assert first_case.reference in row and "Mónica Manager" in row


def test_edit_form_shows_the_member_as_recorded(client, db_session):
    from casework.families.models import Vulnerability

    _user, family = _family_for(
        client, db_session, a_number="12345678", vulnerabilities=[Vulnerability.INDIGENOUS], needs_interpreter=True
    )
    member = family.members[0]
    page = client.get(f"/members/{member.id}/edit").get_data(as_text=True)
    assert 'value="A-012-345-678"' in page
    assert 'value="(312) 555-0143"' in page
    assert '<option selected value="head">' in page
    assert '<input checked id="languages-9" name="languages" type="checkbox" value="quc">' in page
    assert '<input checked id="needs_interpreter"' in page
    assert (
        'name="vulnerabilities" type="checkbox" value="indigenous">'
        in page.split('checked id="vulnerabilities-')[1][:80]
    )


def test_search_keeps_names_and_numbers_out_of_urls(client, db_session):
    _user, family = _family_for(client, db_session, a_number="A-087-654-321")
    response = client.post("/families", {"q": "García 087654321"}, page="/families")
    location = response.headers["Location"]
    assert response.status_code == 302 and location.startswith("/families?s=")
    for secret in ("Garc", "087654321", "87654321"):
        assert secret not in location
    page = client.get(location).get_data(as_text=True)
    assert 'value="García 087654321"' in page  # the query is shown back in the field
    tampered = client.get(location[:-4] + "AAAA")
    assert tampered.status_code == 200 and family.display_name in tampered.get_data(as_text=True)  # no query: all
    assert client.raw.post("/families", data={"q": "garcia"}).status_code == 400  # no CSRF token


def test_the_database_itself_refuses_to_rewrite_the_audit_log(db_session):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from casework.audit.models import AuditAction, AuditEvent

    db_session.add(AuditEvent(action=AuditAction.VIEW, object_type="family", object_id=1))
    db_session.commit()
    for statement in ("UPDATE audit_events SET detail = 'rewritten'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(statement))
    assert db_session.scalar(text("SELECT count(*) FROM audit_events")) == 1
