"""Every route of the app, requested by people who must not reach program A's records.

The routes come from the url_map, so a new route is covered without editing this file; a
route with a URL parameter this file does not know fails until the parameter is added below.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from casework import create_app
from casework.accounts.models import OrganizationKind, Role
from casework.cases import services as case_services
from casework.cases.models import Case, Note, Task
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.families import services as family_services
from casework.families.models import Consent, ConsentKind, Relationship
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from casework.timeutil import today_in
from tests.factories import PASSWORD, make_family, make_organization, make_user, member_data

PUBLIC_ENDPOINTS = {"static", "accounts.index", "accounts.sign_in", "accounts.set_language"}
SECRET_STRINGS = ("Ixcoy", "Quiché Tzul", "A-087-654-321", "087654321", "(312) 555-0188", "+13125550188",
                  "Keep this note private")


def _rules():
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


RULES = _rules()
ROUTES_WITH_IDS = [r for r in RULES if r.arguments]


@pytest.fixture()
def program_a(db_session):
    """Program A's records, each kind that a route can name."""
    program = make_organization(db_session, name="Program A")
    manager = make_user(db_session, program, Role.CASE_MANAGER)
    admin = make_user(db_session, program, Role.ADMIN)
    today = today_in(program.timezone)
    family = make_family(db_session, manager, member_data(
        given="Rigoberta", first="Ixcoy", second="Quiché Tzul", a_number="A-087-654-321",
        phones=[("(312) 555-0188", family_services.PhoneKind.MOBILE)]),
        consents=(ConsentKind.SMS_REMINDERS,), today=today)
    child = family_services.add_member(db_session, manager, family, member_data(
        given="Ana", first="Ixcoy", a_number=None, phones=[], relationship_to_head=Relationship.CHILD,
        date_of_birth=date(today.year - 10, 2, 1)), today)
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    note = case_services.add_note(db_session, manager, case, "Keep this note private")
    task = case_services.add_task(db_session, manager, case, "Call the family", today, manager.id)
    release = Release(family_id=family.id, released_on=today, agency=ReleasingAgency.CBP,
                      release_type=ReleaseType.PAROLE)
    release.documents = [ReleaseDocument(kind=DocumentKind.NOTICE_TO_APPEAR, received_on=today)]
    db_session.add(release)
    db_session.add(SchoolEnrollment(member_id=child.id, status=EnrollmentStatus.NOT_STARTED))
    referral = ServiceReferral(case_id=case.id, category=ServiceCategory.FOOD, provider="Food pantry",
                               status=ReferralStatus.REFERRED, referred_on=today, status_changed_on=today)
    db_session.add(referral)
    db_session.commit()
    consent = db_session.scalars(select(Consent).where(Consent.member_id == family.members[0].id)).first()
    ids = {
        "family_id": family.id, "member_id": child.id, "case_id": case.id, "task_id": task.id,
        "note_id": note.id, "consent_id": consent.id, "release_id": release.id,
        "document_id": release.documents[0].id, "referral_id": referral.id, "user_id": manager.id,
    }
    return {"ids": ids, "admin": admin, "manager": manager}


def _url(rule, ids) -> str:
    missing = set(rule.arguments) - set(ids)
    assert not missing, (f"route {rule.rule} takes {sorted(missing)}: add an object of program A for it to "
                         "program_a() in tests/test_access_matrix.py")
    return _fill(rule.rule, ids)


def _fill(pattern: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), pattern)


def _outsider(db_session, kind: str):
    if kind == "other_program":
        return make_user(db_session, make_organization(db_session, name="Program B"), Role.ADMIN)
    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Partner clinic")
    return make_user(db_session, partner, Role.LEGAL_PARTNER)


def _assert_refused(response, url: str, method: str) -> None:
    assert response.status_code in (403, 404), f"{method} {url} answered {response.status_code}"
    body = response.get_data(as_text=True)
    for secret in SECRET_STRINGS:
        assert secret not in body, f"{method} {url} shows {secret!r}"


@pytest.mark.parametrize("outsider", ["other_program", "legal_partner"])
@pytest.mark.parametrize("rule", ROUTES_WITH_IDS, ids=lambda r: r.endpoint)
def test_outsiders_are_refused_every_record_route(rule, outsider, client, db_session, program_a):
    user = _outsider(db_session, outsider)
    db_session.commit()
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    url = _url(rule, program_a["ids"])
    token = client.token("/account")
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.raw.open(url, method=method, data={"csrf_token": token})
        _assert_refused(response, url, method)


@pytest.mark.parametrize("rule", [r for r in ROUTES_WITH_IDS if "GET" in r.methods], ids=lambda r: r.endpoint)
def test_program_staff_reach_the_same_routes(rule, client, db_session, program_a):
    """The control: with the same ids, program A's admin gets the page (so the refusals above are real)."""
    client.sign_in(program_a["admin"].email, PASSWORD)
    url = _url(rule, program_a["ids"])
    response = client.get(url)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.endpoint not in PUBLIC_ENDPOINTS], ids=lambda r: r.endpoint)
def test_anonymous_visitors_are_sent_to_sign_in(rule, client, db_session, program_a):
    url = _fill(rule.rule, program_a["ids"])
    if "GET" in rule.methods:
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
    for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
        response = client.raw.open(url, method=method, data={})
        assert response.status_code in (302, 400), f"{method} {url} answered {response.status_code}"
        for secret in SECRET_STRINGS:
            assert secret not in response.get_data(as_text=True)


def test_state_changing_routes_refuse_requests_without_csrf_token(client, db_session, program_a):
    client.sign_in(program_a["manager"].email, PASSWORD)
    posts = [r for r in RULES if "POST" in r.methods]
    assert posts
    for rule in posts:
        url = _fill(rule.rule, program_a["ids"])
        response = client.raw.post(url, data={})
        assert response.status_code == 400, f"POST {url} without a token answered {response.status_code}"
    task = db_session.get(Task, program_a["ids"]["task_id"])
    db_session.refresh(task)
    assert task.completed_at is None
    assert db_session.get(Note, program_a["ids"]["note_id"]) is not None
