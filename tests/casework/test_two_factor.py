"""Two-factor sign-in: enrolment proves password and code, sign-in asks for a fresh code or a
recovery code, roles can require it, and it cannot be bypassed."""

import re
import time

import pyotp
from sqlalchemy import text

from casework.accounts.models import Role, RolePolicy, User
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client


def _user(db_session, role=Role.CASE_MANAGER):
    user = make_user(db_session, make_organization(db_session), role)
    db_session.commit()
    return user


def _enrol(client, db_session, user) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    wrong = client.post("/account/two-factor", {"enable-password": PASSWORD, "enable-code": "000000"})
    assert "This code does not match" in wrong.get_data(as_text=True)
    response = client.post(
        "/account/two-factor", {"enable-password": PASSWORD, "enable-code": pyotp.TOTP(secret).now()}
    )
    codes = re.findall(r"<code>([0-9a-f]{5}-[0-9a-f]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_enrolment_needs_password_and_a_code_and_keeps_the_secret_encrypted(client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    assert 'src="data:image/svg+xml' in page
    bad_password = client.post(
        "/account/two-factor", {"enable-password": "wrong", "enable-code": pyotp.TOTP(secret).now()}
    )
    assert "This is not your current password." in bad_password.get_data(as_text=True)
    secret, codes = _enrol(client, db_session, user)
    db_session.expire_all()
    assert db_session.get(User, user.id).totp_enabled_at is not None
    raw = db_session.execute(text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user.id}).scalar()
    assert secret not in raw
    assert all(
        code.replace("-", "") not in str(db_session.execute(text("SELECT * FROM recovery_codes")).all())
        for code in codes
    )


def test_sign_in_asks_for_a_fresh_code(client, other_client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    secret, _ = _enrol(client, db_session, user)

    response = other_client.sign_in(user.email, PASSWORD)
    assert response.headers["Location"].startswith("/sign-in/code")
    assert other_client.get("/dashboard").status_code == 302  # not signed in after the password alone
    wrong = other_client.post("/sign-in/code", {"code": "123456"})
    assert "This code is not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment used this step's code: a code works once
    assert other_client.post("/sign-in/code", {"code": code}).headers["Location"] == "/dashboard"
    assert other_client.get("/dashboard").status_code == 200

    third = Client(client.raw.application.test_client())
    third.sign_in(user.email, PASSWORD)
    replay = third.post("/sign-in/code", {"code": code})
    assert "already used" in replay.get_data(as_text=True)


def test_a_recovery_code_works_once(client, other_client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    _, codes = _enrol(client, db_session, user)
    other_client.sign_in(user.email, PASSWORD)
    assert other_client.post("/sign-in/code", {"code": codes[0]}).status_code == 302
    again = Client(client.raw.application.test_client())
    again.sign_in(user.email, PASSWORD)
    assert "already used" in again.post("/sign-in/code", {"code": codes[0]}).get_data(as_text=True)


def test_code_guessing_is_throttled(client, other_client, db_session, app):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    secret, _ = _enrol(client, db_session, user)
    other_client.sign_in(user.email, PASSWORD)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT"]):
        other_client.post("/sign-in/code", {"code": "000000"})
    blocked = other_client.post("/sign-in/code", {"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert "Too many failed sign-ins" in blocked.get_data(as_text=True)
    assert other_client.get("/dashboard").status_code == 302


def test_a_required_role_must_enrol_before_anything_else(client, other_client, db_session):
    admin = _user(db_session, Role.ADMIN)
    manager = make_user(db_session, admin.organization, Role.CASE_MANAGER)
    db_session.commit()
    client.sign_in(admin.email, PASSWORD)
    response = client.post("/admin/security", {"case_manager": "y"})
    assert response.status_code == 302
    assert db_session.get(RolePolicy, Role.CASE_MANAGER).two_factor_required

    other_client.sign_in(manager.email, PASSWORD)
    assert other_client.get("/dashboard").headers["Location"] == "/account/two-factor"
    assert other_client.get("/families").headers["Location"] == "/account/two-factor"
    page = other_client.get("/account/two-factor").get_data(as_text=True)
    assert "Your role requires two-factor sign-in." in page
    _secret, _ = _enrol(other_client, db_session, manager)
    assert other_client.get("/dashboard").status_code == 200
    refused = other_client.post("/account/two-factor", {"disable-password": PASSWORD})
    assert refused.status_code == 200 and "cannot be turned off" in refused.get_data(as_text=True)


def test_turning_it_off_asks_for_the_password(client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    _enrol(client, db_session, user)
    wrong = client.post("/account/two-factor", {"disable-password": "nope"})
    assert "This is not your current password." in wrong.get_data(as_text=True)
    assert client.post("/account/two-factor", {"disable-password": PASSWORD}).status_code == 302
    db_session.expire_all()
    assert db_session.get(User, user.id).totp_enabled_at is None


def test_production_requires_it_for_admins_and_partners_by_default(monkeypatch, tmp_path):
    from casework import create_app

    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert set(app.config["TWO_FACTOR_REQUIRED_ROLES"].split(",")) == {"admin", "legal_partner"}
