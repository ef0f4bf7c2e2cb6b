"""Every route of the app, requested by people who must not reach program A's records.

The routes come from the url_map, so a new route is covered without editing this file; a
route with a URL parameter this file does not know fails until the parameter is added below.
"""

from __future__ import annotations

import io
import re
from datetime import date, time, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from casework import create_app
from casework.accounts.models import OrganizationKind, Role
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.families import services as family_services
from casework.families.models import Consent, ConsentKind, Relationship
from casework.models import Base
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from casework.timeutil import today_in
from imports import services as import_services
from imports.models import ImportFailure
from legal import services as legal_services
from reintegration import directory, plans
from reintegration import services as reintegration_services
from reintegration.models import PlanStatus, ProviderKind, ReturnMethod, Service
from reports.models import REPORT_TABLES
from scheduling import links
from scheduling import services as scheduling_services
from scheduling.models import AppointmentKind, Court, Office, OfficeKind
from tests.factories import PASSWORD, make_document, make_family, make_organization, make_user, member_data

# Reachable without signing in (sign-in and language answer anonymous visitors by design).
PUBLIC_ENDPOINTS = {"static", "accounts.index", "accounts.sign_in", "accounts.set_language", "monitoring.healthz"}
# Prometheus's scrape: a bearer token configured for the deployment is the key (and without one
# the route is not there); tests/casework/test_monitoring.py tries it with and without.
BEARER_ENDPOINTS = {"monitoring.metrics"}
# Capability links: the unguessable token is the key, so they answer without signing in; a revoked
# or unknown token must find nothing. Each names the fixture token it takes.
TOKEN_ENDPOINTS = {
    "scheduling.family_page": "family_token",
    "scheduling.family_feed": "family_token",
    "scheduling.caseload_feed": "feed_token",
}
# The SMS gateway's webhooks: no session and no CSRF token, but a request signature; unsigned, 403.
SIGNED_WEBHOOKS = {"scheduling.sms_inbound", "scheduling.sms_status"}
# Reference data every program shares (the immigration courts): any program's admin may correct it.
SHARED_REFERENCE_ENDPOINTS = {"scheduling.edit_court", "legal.edit_profile"}
# Program A's family as it could appear on a page: names, the A-number formatted and raw, the
# phone as typed, as stored (E.164) and as digits, the address and a note's text.
SECRET_STRINGS = (
    "Rigoberta",
    "Ixcoy",
    "Quiché Tzul",
    "Anaité",
    "Ixcoy.csv",
    "A-087-654-321",
    "087654321",
    "(312) 555-0188",
    "555-0188",
    "+13125550188",
    "3125550188",
    "Cermak",
    "Keep this note private",
)
# Tables that record the visit itself rather than program A's records.
# Visits, and figures worked out again from the records (a report page rebuilds its facts when old).
VOLATILE_TABLES = {
    "sign_in_attempts",
    "user_sessions",
    "audit_events",
    *REPORT_TABLES,
}
OUTSIDERS = ["other_program_case_manager", "other_program_admin", "legal_partner", "other_reintegration_worker"]


def _rules():
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


RULES = _rules()
ROUTES_WITH_IDS = [r for r in RULES if r.arguments]


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


@pytest.fixture()
def program_a(app, db_session):
    """Program A's records, one of each kind that a route can name."""
    program = make_organization(db_session, name="Program A")
    manager = make_user(db_session, program, Role.CASE_MANAGER)
    admin = make_user(db_session, program, Role.ADMIN)
    today = today_in(program.timezone)
    family = make_family(
        db_session,
        manager,
        member_data(
            given="Rigoberta",
            first="Ixcoy",
            second="Quiché Tzul",
            a_number="A-087-654-321",
            phones=[("(312) 555-0188", family_services.PhoneKind.MOBILE)],
        ),
        consents=(ConsentKind.SMS_REMINDERS,),
        today=today,
    )
    child = family_services.add_member(
        db_session,
        manager,
        family,
        member_data(
            given="Anaité",
            first="Ixcoy",
            a_number=None,
            phones=[],
            relationship_to_head=Relationship.CHILD,
            date_of_birth=date(today.year - 10, 2, 1),
        ),
        today,
    )
    case = db_session.scalars(select(Case).where(Case.family_id == family.id)).one()
    note = case_services.add_note(db_session, manager, case, "Keep this note private")
    task = case_services.add_task(db_session, manager, case, "Call the family", today, manager.id)
    release = Release(
        family_id=family.id, released_on=today, agency=ReleasingAgency.CBP, release_type=ReleaseType.PAROLE
    )
    release.documents = [ReleaseDocument(kind=DocumentKind.NOTICE_TO_APPEAR, received_on=today)]
    db_session.add(release)
    db_session.add(SchoolEnrollment(member_id=child.id, status=EnrollmentStatus.NOT_STARTED))
    referral = ServiceReferral(
        case_id=case.id,
        category=ServiceCategory.FOOD,
        provider="Food pantry",
        status=ReferralStatus.REFERRED,
        referred_on=today,
        status_changed_on=today,
    )
    db_session.add(referral)
    db_session.commit()
    consent = db_session.scalars(select(Consent).where(Consent.member_id == family.members[0].id)).first()
    assert consent is not None and family.addresses, "program A needs a consent and an address"
    court = Court(
        slug="chicago",
        name="Chicago Immigration Court",
        street="525 West Van Buren Street",
        city="Chicago",
        state="IL",
        postal_code="60607",
        timezone="America/Chicago",
    )
    office = Office(
        program_id=program.id,
        kind=OfficeKind.ICE,
        name="Chicago ICE field office",
        street="101 West Congress Parkway",
        city="Chicago",
        state="IL",
        postal_code="60605",
        timezone="America/Chicago",
    )
    db_session.add_all([court, office])
    db_session.flush()
    appointment = scheduling_services.create_appointment(
        db_session,
        manager,
        case,
        scheduling_services.AppointmentData(
            kind=AppointmentKind.MASTER_HEARING,
            member_ids=[family.members[0].id],
            local_date=today + timedelta(days=20),
            local_time=time(9, 0),
            court_id=court.id,
        ),
    )
    deadline = scheduling_services.add_deadline(
        db_session, manager, case, "File the I-589", today + timedelta(days=90), None
    )
    secret = "test-secret-key"  # the test app's SECRET_KEY, as tests/conftest.py sets it
    family_token = links.family_link(db_session, secret, family)
    _feed, feed_token = links.caseload_feed(db_session, secret, manager, create=True)
    old_feed, revoked_token = links.caseload_feed(db_session, secret, admin, create=True)
    links.revoke(db_session, admin, old_feed)
    # Program A's legal partner, with family A referred to it and accepted (so the partner portal
    # routes have a user who may see them: the control of the walk below).
    partner_org = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Program A's legal clinic")
    partner = make_user(db_session, partner_org, Role.LEGAL_PARTNER)
    partner.manages_organization = True
    family_services.record_consent(db_session, manager, family.members[0], ConsentKind.LEGAL_SHARING, today, today)
    legal_referral = legal_services.refer(
        db_session, manager, case, partner_org.id, [family.members[0].id], "Keep this note private", "http://127.0.0.1"
    )
    legal_services.accept(db_session, partner, legal_referral, "http://127.0.0.1")
    # Program A's in-country organization, with a returnee it received.
    reception = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Program A's reception center")
    worker = make_user(db_session, reception, Role.CASE_MANAGER)
    returnee = reintegration_services.receive(
        db_session,
        worker,
        {"given_names": "Rigoberta", "first_surname": "Ixcoy"},
        reintegration_services.ReturnData(
            country="GT",
            returned_on=today,
            method=ReturnMethod.FLIGHT,
            phone="+502 5555 0188",
            notes="Keep this note private",
            relatives=[("Rigoberta Ixcoy", "sister", None)],
        ),
        today,
    )
    reception_admin = make_user(db_session, reception, Role.ADMIN)
    provider = directory.save_provider(
        db_session,
        worker,
        None,
        directory.ProviderData(
            name="Program A's shelter", kind=ProviderKind.NGO, country="GT", services=[Service.SHELTER]
        ),
    )
    plan_item = plans.save_plan_item(
        db_session, worker, returnee, None, Service.SHELTER, "Keep this note private", PlanStatus.OPEN, None, today
    )
    returnee_referral = plans.refer(
        db_session, worker, returnee, provider, Service.SHELTER, plan_item, "Keep this note private", None, today
    )
    # Program A's caseload import, its file naming program A's family, one failed row kept.
    import_job = import_services.upload(
        db_session,
        admin,
        io.BytesIO(b"Nombre,Apellido,Fecha de nacimiento\nRigoberta,Ixcoy,31/02/1990\n"),
        "Ixcoy.csv",
        1_000_000,
    )
    import_services.set_mapping(
        db_session, admin, import_job, {0: "given_names", 1: "first_surname", 2: "date_of_birth"}, "dmy", today
    )
    db_session.add(ImportFailure(job_id=import_job.id, row_number=2, cells='["Rigoberta", "Ixcoy"]', errors="date"))
    kept = make_document(app, db_session, family, manager)
    db_session.commit()
    ids = {
        "family_id": family.id,
        "member_id": child.id,
        "case_id": case.id,
        "task_id": task.id,
        "note_id": note.id,
        "consent_id": consent.id,
        "release_id": release.id,
        "document_id": release.documents[0].id,
        "referral_id": referral.id,
        "user_id": manager.id,
        "appointment_id": appointment.id,
        "deadline_id": deadline.id,
        "office_id": office.id,
        "court_id": court.id,
        "family_token": family_token,
        "feed_token": feed_token,
        "revoked_token": revoked_token,
        "legal_referral_id": legal_referral.id,
        "organization_id": partner_org.id,
        "returnee_case_id": returnee.id,
        "provider_id": provider.id,
        "plan_item_id": plan_item.id,
        "returnee_referral_id": returnee_referral.id,
        "relative_id": returnee.relatives[0].id,
        "job_id": import_job.id,
        "file_id": kept.id,
    }
    return {
        "ids": ids,
        "admin": admin,
        "manager": manager,
        "partner": partner,
        "worker": worker,
        "reception_admin": reception_admin,
    }


def _insider(rule, program_a):
    """Who in program A's circle may reach this route: its partner for the portal, its admin under
    /admin/ and for a family's audit log, else its case manager."""
    if rule.rule.startswith("/partner"):
        return program_a["partner"]
    if rule.rule == "/reintegration/settings":
        return program_a["reception_admin"]
    if rule.rule.startswith("/reintegration"):
        return program_a["worker"]
    supervised = rule.rule.startswith(("/admin/", "/imports")) or rule.rule.endswith("/audit")
    return program_a["admin"] if supervised else program_a["manager"]


def _url(rule, ids, revoked: bool = False) -> str:
    if rule.endpoint in TOKEN_ENDPOINTS:
        ids = {**ids, "token": ids["revoked_token" if revoked else TOKEN_ENDPOINTS[rule.endpoint]]}
    missing = set(rule.arguments) - set(ids)
    assert not missing, (
        f"route {rule.rule} ({rule.endpoint}) takes {sorted(missing)}: add an object of "
        "program A for it to program_a() in tests/test_access_matrix.py"
    )
    return _fill(rule.rule, ids)


def _fill(pattern: str, ids: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), pattern)


def _snapshot(db_session) -> dict[str, list]:
    """Every row of every table that holds records (not visits), to show that nothing changed."""
    return {
        table.name: sorted(repr(tuple(row)) for row in db_session.execute(select(table)))
        for table in Base.metadata.sorted_tables
        if table.name not in VOLATILE_TABLES
    }


def _outsider(db_session, kind: str):
    if kind.startswith("other_program"):
        program_b = make_organization(db_session, name="Program B")
        return make_user(db_session, program_b, Role.ADMIN if kind.endswith("admin") else Role.CASE_MANAGER)
    if kind == "other_reintegration_worker":
        elsewhere = make_organization(db_session, OrganizationKind.REINTEGRATION, name="Another reception center")
        return make_user(db_session, elsewhere, Role.CASE_MANAGER)
    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Partner clinic")
    return make_user(db_session, partner, Role.LEGAL_PARTNER)


def _assert_hides_secrets(response, url: str, method: str) -> None:
    body = response.get_data(as_text=True)
    for secret in SECRET_STRINGS:
        assert secret not in body, f"{method} {url} ({response.status_code}) shows {secret!r}"


def _redirects_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response.headers.get("Location", "")).path == "/sign-in"


def test_every_route_parameter_is_known():
    """A new parameter name fails here too, once, with the fix in the message."""
    known = {
        "family_id",
        "member_id",
        "case_id",
        "task_id",
        "note_id",
        "consent_id",
        "release_id",
        "document_id",
        "referral_id",
        "user_id",
        "appointment_id",
        "deadline_id",
        "office_id",
        "court_id",
        "legal_referral_id",
        "organization_id",
        "returnee_case_id",
        "provider_id",
        "plan_item_id",
        "returnee_referral_id",
        "relative_id",
        "job_id",
        "file_id",
    }
    for rule in ROUTES_WITH_IDS:
        if rule.endpoint == "static":
            continue
        missing = set(rule.arguments) - known - ({"token"} if rule.endpoint in TOKEN_ENDPOINTS else set())
        assert not missing, (
            f"route {rule.rule} ({rule.endpoint}) takes {sorted(missing)}: add an object of "
            "program A for it to program_a() in tests/test_access_matrix.py"
        )


@pytest.mark.parametrize("outsider", OUTSIDERS)
@pytest.mark.parametrize("rule", ROUTES_WITH_IDS, ids=lambda r: r.endpoint)
def test_outsiders_are_refused_every_record_route(rule, outsider, client, db_session, program_a):
    user = _outsider(db_session, outsider)
    db_session.commit()
    response = client.sign_in(user.email, PASSWORD)
    assert response.status_code == 302 and not _redirects_to_sign_in(response), "the outsider cannot sign in"
    url = _url(rule, program_a["ids"], revoked=True)
    token = client.token("/account")
    before = _snapshot(db_session)
    for method in _methods(rule):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.raw.open(url, method=method, data={"csrf_token": token})
        if rule.endpoint in SHARED_REFERENCE_ENDPOINTS and outsider == "other_program_admin":
            assert response.status_code == 200, f"an admin may correct shared reference data: {url}"
            continue
        assert response.status_code in (403, 404), f"{outsider}: {method} {url} answered {response.status_code}"
        _assert_hides_secrets(response, url, method)
    assert _snapshot(db_session) == before, f"{outsider}'s requests to {url} changed program A's records"


@pytest.mark.parametrize("rule", [r for r in ROUTES_WITH_IDS if "GET" in r.methods], ids=lambda r: r.endpoint)
def test_program_staff_reach_the_same_routes(rule, client, other_client, db_session, program_a):
    """The control: with the same ids, program A's case manager gets the page (so the refusals above
    are real, not broken URLs); pages under /admin/ are for program A's admin."""
    url = _url(rule, program_a["ids"])
    staff = _insider(rule, program_a)
    client.sign_in(staff.email, PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, f"{staff.role.value}: GET {url} answered {response.status_code}"


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.endpoint not in PUBLIC_ENDPOINTS and "GET" in r.methods], ids=lambda r: r.endpoint
)
def test_anonymous_visitors_are_sent_to_sign_in(rule, client, db_session, program_a):
    url = (
        _url(rule, program_a["ids"], revoked=True)
        if rule.endpoint in TOKEN_ENDPOINTS
        else _fill(rule.rule, program_a["ids"])
    )
    response = client.get(url)
    if rule.endpoint in set(TOKEN_ENDPOINTS) | BEARER_ENDPOINTS:
        assert response.status_code == 404, f"GET {url} with a revoked token answered {response.status_code}"
        _assert_hides_secrets(response, url, "GET")
        return
    assert _redirects_to_sign_in(response), (
        f"GET {url} answered {response.status_code} {response.headers.get('Location')}"
    )
    _assert_hides_secrets(response, url, "GET")


@pytest.mark.parametrize("rule", [r for r in RULES if set(_methods(r)) - {"GET"}], ids=lambda r: r.endpoint)
def test_anonymous_posts_without_a_token_are_refused(rule, client, db_session, program_a):
    url = _fill(rule.rule, program_a["ids"])
    before = _snapshot(db_session)
    for method in set(_methods(rule)) - {"GET"}:
        response = client.raw.open(url, method=method, data={})
        expected = 403 if rule.endpoint in SIGNED_WEBHOOKS else 400
        assert response.status_code == expected, f"{method} {url} without a token answered {response.status_code}"
        _assert_hides_secrets(response, url, method)
    assert _snapshot(db_session) == before, f"an anonymous request to {url} changed the records"


def test_state_changing_routes_refuse_requests_without_csrf_token(client, db_session, program_a):
    """Signed in as program A's own case manager, a request without a token changes nothing either."""
    client.sign_in(program_a["manager"].email, PASSWORD)
    posts = [r for r in RULES if set(_methods(r)) - {"GET"}]
    assert posts
    before = _snapshot(db_session)
    for rule in posts:
        url = _fill(rule.rule, program_a["ids"])
        for method in set(_methods(rule)) - {"GET"}:
            response = client.raw.open(url, method=method, data={})
            expected = 403 if rule.endpoint in SIGNED_WEBHOOKS else 400
            assert response.status_code == expected, f"{method} {url} without a token answered {response.status_code}"
    assert _snapshot(db_session) == before
    assert client.get("/account").status_code == 200, "the requests without a token signed the user out"


@pytest.mark.parametrize(
    "rule", [r for r in RULES if "GET" in r.methods and r.endpoint not in PUBLIC_ENDPOINTS], ids=lambda r: r.endpoint
)
def test_no_get_request_changes_a_record(rule, client, db_session, program_a):
    """GET only reads (an audit line of the view aside): every change goes through a POST with a token."""
    insider = (
        program_a["admin"]
        if rule.rule.startswith("/admin/") or not rule.rule.startswith(("/partner", "/reintegration"))
        else _insider(rule, program_a)
    )
    client.sign_in(insider.email, PASSWORD)
    url = _url(rule, program_a["ids"])
    before = _snapshot(db_session)
    headers = {}
    if rule.endpoint in BEARER_ENDPOINTS:
        client.raw.application.config["METRICS_TOKEN"] = "matrix-token"
        headers = {"Authorization": "Bearer matrix-token"}
    try:
        response = client.get(url, headers=headers)
    finally:
        client.raw.application.config["METRICS_TOKEN"] = None
    assert response.status_code in (200, 302), f"GET {url} answered {response.status_code}"
    assert _snapshot(db_session) == before, f"GET {url} changed records"


@pytest.mark.parametrize(
    "rule",
    [
        r
        for r in ROUTES_WITH_IDS
        if not r.rule.startswith("/partner") and r.endpoint not in set(TOKEN_ENDPOINTS) | SIGNED_WEBHOOKS
    ],
    ids=lambda r: r.endpoint,
)
def test_a_partner_with_a_referral_reaches_nothing_outside_its_portal(rule, client, db_session, program_a):
    """Program A's own legal partner, with family A referred to it, still gets none of the program's
    pages: case notes, tasks, service referrals, consents, the audit log... only the portal shows it
    what legal work needs."""
    client.sign_in(program_a["partner"].email, PASSWORD)
    url = _url(rule, program_a["ids"])
    token = client.token("/account")
    before = _snapshot(db_session)
    for method in _methods(rule):
        response = (
            client.get(url) if method == "GET" else client.raw.open(url, method=method, data={"csrf_token": token})
        )
        assert response.status_code in (403, 404), f"partner: {method} {url} answered {response.status_code}"
        _assert_hides_secrets(response, url, method)
    assert _snapshot(db_session) == before


# Capabilities --------------------------------------------------------------------------------------
# Every route declares the capability it requires (`@requires(...)` in casework/access.py), or is in
# one of the lists above (public, token, signed webhook) or below. The table says which capabilities
# each role holds, written out here rather than read from the code, so that a change of who may do
# what shows up as a change of this table.

# The second step of sign-in: the pending sign-in kept in the session is the key; without one, the
# sign-in page.
SIGN_IN_STEPS = {"accounts.sign_in_code"}
UNDECLARED_ENDPOINTS = PUBLIC_ENDPOINTS | SIGN_IN_STEPS | set(TOKEN_ENDPOINTS) | SIGNED_WEBHOOKS | BEARER_ENDPOINTS

_PROGRAM_STAFF = {
    "own_account",
    "program_staff",
    "reach_families",
    "refer_to_partner",
    "attach_documents",
    "view_reports",
    "download_reports",
}
_IN_COUNTRY_STAFF = {
    "own_account",
    "reach_families",
    "in_country_staff",
    "attach_documents",
    "view_reintegration_reports",
    "download_reports",
}
_PARTNER = {"own_account", "reach_families", "use_partner_portal"}
ROLE_CAPABILITIES = {
    "program_admin": _PROGRAM_STAFF
    | {"manage_users", "edit_reference_data", "read_audit", "supervise_program", "import_caseload"},
    "program_supervisor": _PROGRAM_STAFF | {"read_audit", "supervise_program", "import_caseload"},
    "program_case_manager": _PROGRAM_STAFF,
    "partner_user": _PARTNER,
    "partner_account_manager": _PARTNER | {"manage_partner_accounts"},
    "in_country_admin": _IN_COUNTRY_STAFF | {"manage_in_country_settings"},
    "in_country_supervisor": _IN_COUNTRY_STAFF | {"manage_in_country_settings"},
    "in_country_case_manager": _IN_COUNTRY_STAFF,
    "anonymous": set(),
}


def _required_capability(app, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "required_capability", None)


@pytest.fixture()
def everyone(db_session, program_a):
    """Program A's people in every role, with the people program_a() already made."""
    from casework.accounts.models import Organization, User

    partner = program_a["partner"]
    supervisor = make_user(db_session, program_a["admin"].organization, Role.SUPERVISOR)
    colleague = make_user(db_session, db_session.get(Organization, partner.organization_id), Role.LEGAL_PARTNER)
    reception = db_session.get(Organization, program_a["worker"].organization_id)
    reception_supervisor = make_user(db_session, reception, Role.SUPERVISOR)
    db_session.commit()
    people: dict[str, User | None] = {
        "program_admin": program_a["admin"],
        "program_supervisor": supervisor,
        "program_case_manager": program_a["manager"],
        "partner_user": colleague,
        "partner_account_manager": partner,
        "in_country_admin": program_a["reception_admin"],
        "in_country_supervisor": reception_supervisor,
        "in_country_case_manager": program_a["worker"],
        "anonymous": None,
    }
    return people


def test_every_endpoint_declares_its_capability(app):
    """A new route fails here until it says what it requires, or is added to a list above on purpose."""
    from casework import access

    known = access.capability_names()
    for endpoint in app.view_functions:
        required = _required_capability(app, endpoint)
        if endpoint in UNDECLARED_ENDPOINTS:
            assert required is None, f"{endpoint} is listed as open but requires {required!r}"
            continue
        assert required is not None, (
            f"{endpoint} declares no capability: decorate it with "
            "@requires(...) (casework/access.py), or list it in tests/test_access_matrix.py"
        )
        assert required in known, f"{endpoint} requires {required!r}, which no one registers"


def test_the_role_table_is_the_code(app, everyone):
    """Each role holds exactly the capabilities of the table: a new capability is added to it."""
    from flask_login import AnonymousUserMixin

    from casework import access

    assert set().union(*ROLE_CAPABILITIES.values()) == access.capability_names()
    with app.test_request_context():
        for role, user in everyone.items():
            held = {
                name
                for name in access.capability_names()
                if access.has(user if user is not None else AnonymousUserMixin(), name)
            }
            assert held == ROLE_CAPABILITIES[role], f"{role} holds {sorted(held)}"


def _walk_order(rule) -> tuple[bool, str]:
    return rule.endpoint == "accounts.sign_out", rule.rule  # signing out last


def _refusals(db_session) -> int:
    from sqlalchemy import func

    from casework.audit.models import AuditAction, AuditEvent

    return db_session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == AuditAction.REFUSED)
    )


@pytest.mark.parametrize("role", list(ROLE_CAPABILITIES))
def test_each_role_opens_exactly_the_routes_of_its_capabilities(role, app, client, db_session, program_a, everyone):
    """Every declared route, GET and POST (with a CSRF token), as each role: without the capability,
    403 and the refusal audited (anonymous: the sign-in page); with it, never a 403."""
    user = everyone[role]
    if user is not None:
        response = client.sign_in(user.email, PASSWORD)
        assert response.status_code == 302 and not _redirects_to_sign_in(response), f"{role} cannot sign in"
    token = client.token("/account" if user is not None else "/sign-in")
    held = ROLE_CAPABILITIES[role]
    rules = sorted((r for r in RULES if r.endpoint not in UNDECLARED_ENDPOINTS), key=_walk_order)
    for rule in rules:
        required = _required_capability(app, rule.endpoint)
        url = _url(rule, program_a["ids"])
        for method in _methods(rule):
            refusals = _refusals(db_session)
            response = (
                client.get(url) if method == "GET" else client.raw.open(url, method=method, data={"csrf_token": token})
            )
            where = f"{role}: {method} {url} ({rule.endpoint}, requires {required})"
            if user is None:
                assert _redirects_to_sign_in(response), f"{where} answered {response.status_code}"
            elif required not in held:
                assert response.status_code == 403, f"{where} answered {response.status_code}"
                assert _refusals(db_session) == refusals + 1, f"{where}: the refusal is not audited"
                _assert_hides_secrets(response, url, method)
            elif rule.endpoint == "accounts.sign_out":
                assert response.status_code == 302, f"{where} answered {response.status_code}"
            else:
                assert response.status_code != 403 and not _redirects_to_sign_in(response), (
                    f"{where} answered {response.status_code}"
                )


_NAV = re.compile(r'<nav class="nav"[^>]*>(.*?)</nav>', re.S)


@pytest.mark.parametrize("role", list(ROLE_CAPABILITIES))
def test_each_roles_menu_shows_exactly_the_pages_it_may_open(role, app, client, db_session, program_a, everyone):
    from casework.extensions import registry

    user = everyone[role]
    if user is not None:
        client.sign_in(user.email, PASSWORD)
    page = client.get("/account" if user is not None else "/sign-in")
    assert page.status_code == 200
    nav = _NAV.search(page.get_data(as_text=True))
    assert nav, "no main menu on the page"
    adapter = app.url_map.bind("localhost")
    shown = set()
    for href in re.findall(r'<a [^>]*href="([^"]+)"', nav.group(1)):
        endpoint, _args = adapter.match(urlsplit(href).path, method="GET")
        shown.add(endpoint)
        required = _required_capability(app, endpoint)
        assert endpoint in PUBLIC_ENDPOINTS or required in ROLE_CAPABILITIES[role], (
            f"{role}'s menu links to {href} ({endpoint}), which requires {required}"
        )
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.get(href)
        assert response.status_code != 403 and not _redirects_to_sign_in(response), (
            f"{role}'s menu links to {href}, which answers {response.status_code}"
        )
    for link in registry(app).nav_links:
        if link.capability in ROLE_CAPABILITIES[role]:
            assert link.endpoint in shown, f"{role} may open {link.endpoint} but the menu does not show it"
        else:
            assert link.endpoint not in shown, f"{role}'s menu shows {link.endpoint}"
        assert _required_capability(app, link.endpoint) == link.capability, (
            f"the menu link to {link.endpoint} says {link.capability}, the route requires "
            f"{_required_capability(app, link.endpoint)}"
        )
