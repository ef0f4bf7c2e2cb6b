"""Reintegration: the hand-over from a US case with and without consent, reception intake, and
each in-country organization seeing only its own returnees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casework.accounts.models import OrganizationKind, Role
from casework.cases.models import CaseStatus, ClosedReason
from casework.families.models import Family, MemberVulnerability, Vulnerability
from casework.timeutil import today_in
from reintegration.models import ReturneeCase
from tests.factories import PASSWORD, make_organization, make_user

TODAY = today_in("America/Guatemala")  # the center's day: UTC's may already be tomorrow


@pytest.fixture()
def reception(db_session):
    org = make_organization(
        db_session, OrganizationKind.REINTEGRATION, name="Centro de Recepción Demo", timezone="America/Guatemala"
    )
    worker = make_user(db_session, org, Role.CASE_MANAGER, email="rosa@reception.example.org")
    worker.locale = "en"  # chose English; without a choice the Guatemalan center's pages are in Spanish
    db_session.commit()
    return org, worker


@pytest.fixture()
def removed_case(db_session, family_case):
    family, case = family_case
    family.members[0].vulnerabilities = [MemberVulnerability(flag=Vulnerability.INDIGENOUS, confidential=False)]
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, TODAY - timedelta(days=1), ClosedReason.REMOVED
    db_session.commit()
    return family, case


def _handover_form(org_id, **overrides):
    data = {
        "organization_id": org_id,
        "consent_on": (TODAY - timedelta(days=1)).isoformat(),
        "country": "GT",
        "returned_on": TODAY.isoformat(),
        "method": "flight",
        "arrival_point": "La Aurora",
        "reception_center": "",
        "division": "GT-14",
        "municipality": "Chichicastenango",
        "phone": "",
        "relative_name": "Tomás García",
        "relative_relationship": "brother",
        "relative_phone": "(312) 555-0177",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_without_consent_nothing_crosses(client, db_session, manager, reception, removed_case):
    _family, case = removed_case
    client.sign_in(manager.email, PASSWORD)
    families = db_session.scalar(select(func.count(Family.id)))
    page = client.post(f"/cases/{case.id}/handover", _handover_form(reception[0].id, consent_on="")).get_data(
        as_text=True
    )
    assert 'id="consent_on-error"' in page and "Chichicastenango" in page
    assert db_session.scalar(select(func.count(Family.id))) == families
    assert db_session.scalar(select(ReturneeCase.id)) is None


def test_only_a_case_closed_as_removed_can_be_handed_over(client, db_session, manager, reception, family_case):
    _family, case = family_case
    client.sign_in(manager.email, PASSWORD)
    page = client.post(f"/cases/{case.id}/handover", _handover_form(reception[0].id)).get_data(as_text=True)
    assert "Only a case closed because the family was removed" in page
    assert db_session.scalar(select(ReturneeCase.id)) is None


def test_the_handover_carries_identity_household_languages_and_vulnerabilities_only(
    client, other_client, db_session, manager, reception, removed_case
):
    family, case = removed_case
    org, worker = reception
    client.sign_in(manager.email, PASSWORD)
    assert client.post(f"/cases/{case.id}/handover", _handover_form(org.id)).status_code == 302
    returnee = db_session.scalars(select(ReturneeCase)).one()
    copy = returnee.family
    assert copy.program_id == org.id and copy.id != family.id and returnee.us_case_id == case.id
    assert [m.full_name for m in copy.members] == [m.full_name for m in family.members]
    head = copy.members[0]
    assert head.preferred_language == "spa" and {lang.code for lang in head.languages} == {"spa", "quc"}
    assert [v.flag for v in head.vulnerabilities] == [Vulnerability.INDIGENOUS]
    assert head.a_number is None and head.phones == [] and copy.addresses == []
    assert returnee.relatives[0].phone == "+13125550177" and returnee.division == "GT-14"
    assert "Handed over on" in client.get(f"/families/{family.id}").get_data(as_text=True)
    again = client.post(f"/cases/{case.id}/handover", _handover_form(org.id))
    assert again.status_code == 200 and db_session.scalar(select(func.count(ReturneeCase.id))) == 1

    other_client.sign_in(worker.email, PASSWORD)
    page = other_client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    assert family.members[0].given_names in page and "Chichicastenango" in page and "Quiché" in page
    assert "Tomás García" in page


def test_each_in_country_organization_sees_only_its_returnees(client, other_client, db_session, manager, reception):
    _org, worker = reception
    elsewhere = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Otro Centro")
    stranger = make_user(db_session, elsewhere, Role.CASE_MANAGER)
    db_session.commit()
    client.sign_in(worker.email, PASSWORD)
    response = client.post(
        "/reintegration/cases/new",
        {
            "given_names": "Juan",
            "first_surname": "Tzoc",
            "second_surname": "",
            "date_of_birth": "",
            "preferred_language": "quc",
            "country": "GT",
            "returned_on": TODAY.isoformat(),
            "method": "land",
            "arrival_point": "Tecún Umán",
            "reception_center": "",
            "division": "HN-CR",
            "municipality": "",
            "phone": "",
            "relative_name": "",
            "relative_relationship": "",
            "relative_phone": "",
            "notes": "",
        },
    )
    page = response.get_data(as_text=True)
    assert 'id="division-error"' in page and "Tecún Umán" in page, "a Honduran department for Guatemala is refused"
    response = client.post(
        "/reintegration/cases/new",
        {
            "given_names": "Juan",
            "first_surname": "Tzoc",
            "second_surname": "",
            "date_of_birth": "",
            "preferred_language": "quc",
            "country": "GT",
            "returned_on": TODAY.isoformat(),
            "method": "land",
            "arrival_point": "Tecún Umán",
            "reception_center": "",
            "division": "GT-12",
            "municipality": "Malacatán",
            "phone": "5555 0101",
            "relative_name": "",
            "relative_relationship": "",
            "relative_phone": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    returnee = db_session.scalars(select(ReturneeCase)).one()
    assert returnee.phone == "+50255550101"
    assert "Tzoc, Juan" in client.get("/reintegration").get_data(as_text=True)
    assert client.get("/dashboard").status_code == 403 and client.get("/families").status_code == 403
    other_client.sign_in(stranger.email, PASSWORD)
    assert other_client.get(f"/reintegration/cases/{returnee.id}").status_code == 404
    assert "Tzoc" not in other_client.get("/reintegration").get_data(as_text=True)


def test_program_staff_do_not_reach_reintegration_pages(client, db_session, manager, reception):
    client.sign_in(manager.email, PASSWORD)
    assert client.get("/reintegration").status_code == 403


def test_the_demo_reintegration_worker_lands_on_the_returnees(app, client, db_session):
    from casework.demo import demo
    from reintegration.demo import EMAIL

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    response = client.sign_in(EMAIL, demo.PASSWORD)
    assert response.headers["Location"].endswith("/reintegration")
    page = client.get("/reintegration").get_data(as_text=True)
    assert page.count("/reintegration/cases/") >= 3
    assert "from a US case" in page or "de un caso en EE. UU." in page
    assert "Seguimientos de esta semana" in page, "the demo worker reads Spanish and has follow-ups due"
    directory_page = client.get("/reintegration/providers").get_data(as_text=True)
    assert directory_page.count("/reintegration/providers/") >= 5
    assert client.get("/reintegration/settings").status_code == 200
    from reintegration.models import Referral

    assert db_session.scalars(select(Referral)).first() is not None


def test_follow_ups_at_7_30_90_and_180_days_are_planned_and_done_by_the_worker(client, db_session, reception):
    from casework.cases.models import Task
    from reintegration import services
    from reintegration.models import ReturnMethod

    _org, worker = reception
    returned = TODAY - timedelta(days=10)
    returnee = services.receive(
        db_session,
        worker,
        {"given_names": "Ana", "first_surname": "Cux"},
        services.ReturnData(country="GT", returned_on=returned, method=ReturnMethod.FLIGHT),
        TODAY,
    )
    tasks = services.follow_ups(db_session, returnee)
    assert [t.due_on for t in tasks] == [returned + timedelta(days=d) for d in (7, 30, 90, 180)]
    assert all(t.assignee_id == worker.id for t in tasks)
    client.sign_in(worker.email, PASSWORD)
    page = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    assert "Follow-up 7 days after return" in page or "7 días" in page
    client.post(f"/reintegration/tasks/{tasks[0].id}/done", page=f"/reintegration/cases/{returnee.id}")
    db_session.expire_all()
    assert db_session.get(Task, tasks[0].id).completed_at is not None


def test_retention_erases_a_returnees_contacts_and_relatives(db_session, reception, run_retention):
    from reintegration import services
    from reintegration.models import RelativeInUS, ReturnMethod

    _org, worker = reception
    returnee = services.receive(
        db_session,
        worker,
        {"given_names": "Ana", "first_surname": "Cux"},
        services.ReturnData(
            country="GT",
            returned_on=TODAY,
            method=ReturnMethod.LAND,
            phone="5555 0101",
            notes="Threatened in Zone 18",
            relatives=[("Luis Cux", "son", None)],
        ),
        TODAY,
    )
    run_retention(returnee, TODAY)
    kept = db_session.get(ReturneeCase, returnee.id)
    assert (kept.phone, kept.notes) == (None, None) and kept.country == "GT"
    assert db_session.scalars(select(RelativeInUS)).first() is None


def test_the_reception_assessment_gives_the_needs_and_requires_naming_official_persecutors(
    client, db_session, reception
):
    from reintegration import services
    from reintegration.models import ReturnMethod

    _org, worker = reception
    returnee = services.receive(
        db_session,
        worker,
        {"given_names": "Ana", "first_surname": "Cux"},
        services.ReturnData(country="HN", returned_on=TODAY, method=ReturnMethod.FLIGHT),
        TODAY,
    )
    client.sign_in(worker.email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}/assessment"
    answers = {
        "has_national_id": "no",
        "children_birth_certificates": "unknown",
        "us_born_children": "y",
        "has_shelter": "yes",
        "health_needs": "",
        "psychosocial_support": "yes",
        "safe_at_destination": "no",
        "threatened_by": "",
        "persecutors_are_officials": "y",
        "separation_or_custody": "",
        "children_enrolled": "no",
        "us_school_records": "unknown",
        "work_skills": "Welder, 6 years",
        "cash_needs": "unknown",
        "legal_remedies": "",
    }
    page = client.post(url, answers).get_data(as_text=True)
    assert 'id="threatened_by-error"' in page and "Welder, 6 years" in page
    assert client.post(url, dict(answers, threatened_by="Municipal police of the home town")).status_code == 302
    page = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    for need in (
        "not safe to go to the destination",
        "police or officials",
        "National identity document",
        "US-born children",
        "School enrollment",
        "Psychosocial support",
        "Work: training or placement",
    ):
        assert need in page or need.lower() in page.lower(), need
    edit = client.get(url).get_data(as_text=True)
    assert "Municipal police of the home town" in edit


def test_viewing_a_returnee_is_in_the_household_audit(client, db_session, center, receive):
    from casework.audit.models import AuditAction, AuditEvent

    returnee = receive(days_ago=3)
    db_session.commit()
    client.sign_in(center["worker"].email, PASSWORD)
    assert client.get(f"/reintegration/cases/{returnee.id}").status_code == 200
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.family_id == returnee.family_id, AuditEvent.action == AuditAction.VIEW)
    ).all()
    assert [(e.object_type, e.object_id, e.user_id) for e in events] == [
        ("returnee_case", returnee.id, center["worker"].id)
    ]
    assert events[0].at is not None
