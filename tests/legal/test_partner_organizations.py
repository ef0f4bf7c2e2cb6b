"""Setting up a legal partner organization outside the demo: `casework legal add-organization`
and the admins' page, each with its first account checked like every account."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.audit.models import AuditAction, AuditEvent
from legal.models import PartnerKind, PartnerProfile
from tests.factories import PASSWORD, make_user

STRONG = "correct horse battery staple 42"


@pytest.fixture()
def admin(db_session, program):
    return make_user(db_session, program, Role.ADMIN, name="Ada Admin")


def _organizations(db_session, name: str) -> int:
    return db_session.scalar(select(func.count()).select_from(Organization).where(Organization.name == name))


def test_the_command_creates_the_organization_its_profile_and_an_account_manager(app, client, db_session):
    result = app.test_cli_runner().invoke(
        args=[
            "legal",
            "add-organization",
            "--name",
            "Riverside Immigrant Defense",
            "--kind",
            "law_school_clinic",
            "--timezone",
            "America/Chicago",
            "--capacity",
            "8",
            "--email",
            "Intake@Riverside.example.org",
            "--full-name",
            "Rosa Demo",
            "--password",
            STRONG,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Riverside Immigrant Defense" in result.output
    org = db_session.scalars(select(Organization).where(Organization.name == "Riverside Immigrant Defense")).one()
    assert org.kind is OrganizationKind.LEGAL_PARTNER and org.timezone == "America/Chicago"
    profile = db_session.get(PartnerProfile, org.id)
    assert (profile.kind, profile.capacity, profile.contact_email) == (
        PartnerKind.LAW_SCHOOL_CLINIC,
        8,
        "intake@riverside.example.org",
    )
    first = db_session.scalars(select(User).where(User.organization_id == org.id)).one()
    assert (first.email, first.role, first.manages_organization) == (
        "intake@riverside.example.org",
        Role.LEGAL_PARTNER,
        True,
    )
    client.sign_in("intake@riverside.example.org", STRONG)
    assert client.get("/partner").status_code == 200
    assert client.get("/partner/users").status_code == 200


@pytest.mark.parametrize(
    ("change", "hint"),
    [
        (["--timezone", "Chicago"], "timezone"),
        (["--password", "password"], "password"),
        (["--email", "not-an-email"], "email"),
    ],
)
def test_the_command_refuses_bad_input_and_creates_nothing(app, db_session, change, hint):
    args = [
        "legal",
        "add-organization",
        "--name",
        "Clinica Demo",
        "--timezone",
        "America/Denver",
        "--email",
        "a@clinica.example.org",
        "--full-name",
        "Ana Demo",
        "--password",
        STRONG,
    ]
    for index in range(0, len(change), 2):
        args[args.index(change[index]) + 1] = change[index + 1]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and hint in result.output.lower()
    db_session.rollback()
    assert _organizations(db_session, "Clinica Demo") == 0


def test_the_command_refuses_a_taken_email_or_name(app, db_session, program):
    make_user(db_session, program, email="taken@example.org")
    runner = app.test_cli_runner()
    base = [
        "legal",
        "add-organization",
        "--timezone",
        "America/Denver",
        "--full-name",
        "Ana Demo",
        "--password",
        STRONG,
    ]
    taken_email = runner.invoke(args=[*base, "--name", "Clinica Nueva", "--email", "Taken@example.org"])
    assert taken_email.exit_code != 0 and "email" in taken_email.output
    taken_name = runner.invoke(args=[*base, "--name", program.name.upper(), "--email", "new@example.org"])
    assert taken_name.exit_code != 0 and "name" in taken_name.output
    assert _organizations(db_session, "Clinica Nueva") == 0


def test_an_admin_creates_a_partner_then_sets_its_profile(client, db_session, admin):
    client.sign_in(admin.email, PASSWORD)
    overview = client.get("/legal").get_data(as_text=True)
    assert "/admin/legal-partners/new" in overview
    form = client.get("/admin/legal-partners/new").get_data(as_text=True)
    chosen = re.search(r"<option[^>]*selected[^>]*>([^<]*)</option>", form[form.index('name="timezone"') :])
    assert chosen and chosen.group(1) == "America/Chicago"  # the program's own clock first
    response = client.post(
        "/admin/legal-partners/new",
        {
            "name": "Lakeshore Pro Bono",
            "kind": "pro_bono_firm",
            "timezone": "America/Chicago",
            "capacity": "5",
            "full_name": "Paz Demo",
            "email": "paz@lakeshore.example.org",
            "password": STRONG,
        },
    )
    assert response.status_code == 302
    org = db_session.scalars(select(Organization).where(Organization.name == "Lakeshore Pro Bono")).one()
    assert response.headers["Location"].endswith(f"/admin/legal-partners/{org.id}")
    user = db_session.scalars(select(User).where(User.organization_id == org.id)).one()
    assert user.role is Role.LEGAL_PARTNER and user.manages_organization
    events = {
        (e.object_type, e.object_id)
        for e in db_session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == admin.id, AuditEvent.action == AuditAction.CREATE)
        )
    }
    assert {("organization", org.id), ("user", user.id)} <= events
    assert "Lakeshore Pro Bono" in client.get("/legal").get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("password", "password", "most common"),
        ("email", "manager-taken@example.org", "already exists"),
        ("name", "Chicago Families Program", "already exists"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_with_what_was_typed(
    client, db_session, admin, program, field, value, message
):
    make_user(db_session, program, email="manager-taken@example.org")
    client.sign_in(admin.email, PASSWORD)
    data = {
        "name": "Northside Clinic",
        "kind": "nonprofit",
        "timezone": "America/Chicago",
        "capacity": "5",
        "full_name": "Nadia Demo",
        "email": "nadia@northside.example.org",
        "password": STRONG,
    }
    data[field] = value
    response = client.post("/admin/legal-partners/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and message in page
    assert "Nadia Demo" in page  # what was typed stays
    assert _organizations(db_session, "Northside Clinic") == 0


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASE_MANAGER])
def test_only_admins_create_partner_organizations(client, db_session, program, role):
    user = make_user(db_session, program, role)
    client.sign_in(user.email, PASSWORD)
    assert client.get("/admin/legal-partners/new").status_code == 403
    response = client.post("/admin/legal-partners/new", {"name": "Sneaky Clinic"}, page="/legal")
    assert response.status_code == 403
    assert "/admin/legal-partners/new" not in client.get("/legal").get_data(as_text=True)


def test_a_partner_with_no_room_this_month_is_saved_with_capacity_zero(client, db_session, admin):
    client.sign_in(admin.email, PASSWORD)
    response = client.post(
        "/admin/legal-partners/new",
        {
            "name": "Full Docket Clinic",
            "kind": "nonprofit",
            "timezone": "America/Chicago",
            "capacity": "0",
            "full_name": "Zoe Demo",
            "email": "zoe@fulldocket.example.org",
            "password": STRONG,
        },
    )
    assert response.status_code == 302
    org = db_session.scalars(select(Organization).where(Organization.name == "Full Docket Clinic")).one()
    assert db_session.get(PartnerProfile, org.id).capacity == 0
    response = client.post("/admin/legal-partners/new", {"name": "Blank Clinic", "capacity": ""})
    assert response.status_code == 200 and 'id="capacity-error"' in response.get_data(as_text=True)
