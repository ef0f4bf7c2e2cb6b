from sqlalchemy import select

from casework.accounts.models import OrganizationKind, Role, SignInAttempt, User
from casework.accounts.passwords import verify_password
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client


def _program_user(db_session, role=Role.CASE_MANAGER, **kwargs):
    program = make_organization(db_session)
    user = make_user(db_session, program, role, **kwargs)
    db_session.commit()
    return user


def test_sign_in_and_out(client, db_session):
    user = _program_user(db_session)
    response = client.sign_in(user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    response = client.post("/sign-out", page="/dashboard")
    assert response.status_code == 302
    assert client.get("/dashboard").headers["Location"].startswith("/sign-in")


def test_wrong_password_and_unknown_account_get_the_same_answer(client, db_session):
    user = _program_user(db_session)
    wrong = client.sign_in(user.email, "not the password").get_data(as_text=True)
    unknown = client.sign_in("nobody@example.org", "not the password").get_data(as_text=True)
    message = "The email or password is not right, or the account is deactivated."
    assert message in wrong and message in unknown
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_cannot_sign_in_and_is_signed_out(client, db_session):
    user = _program_user(db_session)
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    user.active = False
    db_session.commit()
    assert client.get("/dashboard").status_code == 302  # the session no longer loads the user
    response = client.sign_in(user.email, PASSWORD)
    assert response.status_code == 200
    assert "deactivated" in response.get_data(as_text=True)


def test_failed_sign_ins_are_throttled_per_account(client, db_session, app):
    user = _program_user(db_session)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]):
        client.sign_in(user.email, "wrong")
    response = client.sign_in(user.email, PASSWORD)  # even the right password is refused now
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    attempts = db_session.scalars(select(SignInAttempt).where(SignInAttempt.email == user.email)).all()
    assert len(attempts) == app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"] + 1


def test_failed_sign_ins_are_throttled_per_address(client, db_session, app):
    user = _program_user(db_session)
    for n in range(app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]):
        client.sign_in(f"guess{n}@example.org", "wrong")
    response = client.sign_in(user.email, PASSWORD)
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_sign_in_without_csrf_token_is_refused(client, db_session):
    user = _program_user(db_session)
    response = client.raw.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_next_parameter_never_leaves_the_site(client, db_session):
    user = _program_user(db_session)
    token = client.token("/sign-in")
    response = client.raw.post(
        "/sign-in?next=//evil.example/x", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/dashboard"


def test_change_password(client, db_session):
    user = _program_user(db_session)
    client.sign_in(user.email, PASSWORD)
    response = client.post(
        "/account",
        {
            "current_password": "wrong one",
            "new_password": "a brand new phrase",
            "confirm_password": "a brand new phrase",
        },
    )
    assert "This is not your current password." in response.get_data(as_text=True)
    response = client.post(
        "/account", {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"}
    )
    assert "between 8 and 128 characters" in response.get_data(as_text=True)
    response = client.post(
        "/account",
        {"current_password": PASSWORD, "new_password": "a brand new phrase", "confirm_password": "a brand new phrase"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert verify_password(db_session.get(User, user.id).password_hash, "a brand new phrase")


def test_only_admins_manage_users(client, db_session):
    user = _program_user(db_session, Role.SUPERVISOR)
    client.sign_in(user.email, PASSWORD)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/users/new").status_code == 403


def test_admin_creates_edits_and_deactivates_a_user(client, db_session):
    admin = _program_user(db_session, Role.ADMIN)
    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER, name="Justice Clinic")
    db_session.commit()
    client.sign_in(admin.email, PASSWORD)
    response = client.post(
        "/admin/users/new",
        {
            "email": "New.Manager@Example.org",
            "full_name": "Rosa Quispe",
            "role": "case_manager",
            "organization_id": str(admin.organization_id),
            "new_password": "a good long password",
        },
    )
    assert response.status_code == 302
    created = db_session.scalars(select(User).where(User.email == "new.manager@example.org")).one()
    assert created.role is Role.CASE_MANAGER and created.active

    mismatch = client.post(
        "/admin/users/new",
        {
            "email": "lawyer@example.org",
            "full_name": "Ana Law",
            "role": "case_manager",
            "organization_id": str(partner.id),
            "new_password": "a good long password",
        },
    )
    assert "Program roles belong to a program or an in-country organization." in mismatch.get_data(as_text=True)
    assert 'value="Ana Law"' in mismatch.get_data(as_text=True)

    response = client.post(
        f"/admin/users/{created.id}/edit",
        {
            "email": created.email,
            "full_name": "Rosa Quispe Mamani",
            "role": "case_manager",
            "organization_id": str(admin.organization_id),
        },
    )  # the unchecked box deactivates
    assert response.status_code == 302
    db_session.expire_all()
    created = db_session.get(User, created.id)
    assert created.full_name == "Rosa Quispe Mamani" and not created.active

    other = client.raw.application.test_client()
    from tests.http import Client

    assert Client(other).sign_in("new.manager@example.org", "a good long password").status_code == 200


def test_admin_cannot_lock_themselves_out(client, db_session):
    admin = _program_user(db_session, Role.ADMIN)
    client.sign_in(admin.email, PASSWORD)
    response = client.post(
        f"/admin/users/{admin.id}/edit",
        {
            "email": admin.email,
            "full_name": admin.full_name,
            "role": "admin",
            "organization_id": str(admin.organization_id),
        },
    )
    assert response.status_code == 200
    assert "You cannot deactivate yourself" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, admin.id).active


def test_admin_cannot_see_users_of_another_program(client, db_session):
    admin = _program_user(db_session, Role.ADMIN)
    stranger = _program_user(db_session)
    client.sign_in(admin.email, PASSWORD)
    assert client.get(f"/admin/users/{stranger.id}/edit").status_code == 404
    assert stranger.email not in client.get("/admin/users").get_data(as_text=True)


def test_language_is_switched_and_remembered(client, db_session):
    user = _program_user(db_session)
    client.sign_in(user.email, PASSWORD)
    response = client.post("/language", {"locale": "es", "next": "/dashboard"}, page="/dashboard")
    assert response.headers["Location"] == "/dashboard"
    assert '<html lang="es">' in client.get("/dashboard").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, user.id).locale == "es"


def test_legal_partner_has_no_access_to_program_pages(client, db_session):
    partner = make_organization(db_session, OrganizationKind.LEGAL_PARTNER)
    user = make_user(db_session, partner, Role.LEGAL_PARTNER)
    db_session.commit()
    response = client.sign_in(user.email, PASSWORD)
    assert response.headers["Location"] == "/partner"  # the partner portal, where it lands
    assert client.get("/dashboard").status_code == 403
    assert client.get("/families").status_code == 403


def test_common_passwords_are_refused(client, db_session):
    user = _program_user(db_session)
    client.sign_in(user.email, PASSWORD)
    response = client.post(
        "/account", {"current_password": PASSWORD, "new_password": "Password123", "confirm_password": "Password123"}
    )
    assert "one of the most common ones" in response.get_data(as_text=True)
    assert (
        client.post(
            "/account",
            {
                "current_password": PASSWORD,
                "new_password": "lilac river under snow",
                "confirm_password": "lilac river under snow",
            },
        ).status_code
        == 302
    )


def test_throttling_holds_across_two_app_instances_sharing_a_database(app, client, db_session, tmp_path):
    """Two processes (here two app instances) count the same failed attempts: the database keeps them."""
    from casework import create_app
    from casework.db import Database

    second = create_app(
        {"DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "another-process", "INSTANCE_PATH": str(tmp_path)}
    )
    Database.state(second).sessionmaker = Database.state(app).sessionmaker  # same database, same transaction
    other = Client(second.test_client())
    user = _program_user(db_session)
    limit = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]
    for n in range(limit):
        (client if n % 2 else other).sign_in(user.email, "wrong")
    for instance in (client, other):
        response = instance.sign_in(user.email, PASSWORD)
        assert "Too many failed sign-ins" in response.get_data(as_text=True)
