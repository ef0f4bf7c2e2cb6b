"""Server-side sessions: ended at once by sign-out, deactivation and a password change; idle and
absolute time limits; a new session at every sign-in."""

from datetime import timedelta

from sqlalchemy import select

from casework.accounts.models import Role, UserSession
from casework.db import utcnow
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client


def _user(db_session, role=Role.CASE_MANAGER):
    user = make_user(db_session, make_organization(db_session), role)
    db_session.commit()
    return user


def _copy_cookies(source: Client, target: Client) -> None:
    cookie = source.raw.get_cookie("casework")
    target.raw.set_cookie(cookie.key, cookie.value)


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client, other_client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    _copy_cookies(client, other_client)
    assert other_client.get("/dashboard").status_code == 200
    client.post("/sign-out", page="/dashboard")
    assert other_client.get("/dashboard").status_code == 302


def test_password_change_ends_the_other_sessions(client, other_client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    other_client.sign_in(user.email, PASSWORD)
    response = client.post(
        "/account",
        {
            "current_password": PASSWORD,
            "new_password": "another long phrase",
            "confirm_password": "another long phrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other_client.get("/dashboard").status_code == 302


def test_deactivation_ends_every_session(client, other_client, db_session):
    admin = _user(db_session, Role.ADMIN)
    user = make_user(db_session, admin.organization, Role.CASE_MANAGER)
    db_session.commit()
    other_client.sign_in(user.email, PASSWORD)
    assert other_client.get("/dashboard").status_code == 200
    client.sign_in(admin.email, PASSWORD)
    client.post(
        f"/admin/users/{user.id}/edit",
        {
            "email": user.email,
            "full_name": user.full_name,
            "role": "case_manager",
            "organization_id": str(user.organization_id),
        },
    )
    assert other_client.get("/dashboard").status_code == 302
    revoked = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert revoked and all(s.revoked_at is not None for s in revoked)


def test_idle_sessions_expire(client, db_session, app):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    stored = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    stored.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    db_session.commit()
    assert client.get("/dashboard").status_code == 200  # active within the limit, and touched
    db_session.refresh(stored)
    assert utcnow() - stored.last_seen_at < timedelta(minutes=1)
    stored.last_seen_at = utcnow() - timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1)
    db_session.commit()
    assert client.get("/dashboard").status_code == 302


def test_sessions_end_after_their_lifetime_however_active(client, db_session):
    user = _user(db_session)
    client.sign_in(user.email, PASSWORD)
    stored = db_session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()
    assert client.get("/dashboard").status_code == 302


def test_each_sign_in_starts_a_new_session(client, db_session):
    user = _user(db_session)
    client.get("/sign-in")
    before = client.raw.get_cookie("casework").value
    client.sign_in(user.email, PASSWORD)
    first = db_session.scalars(select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    client.post("/sign-out", page="/dashboard")
    client.sign_in(user.email, PASSWORD)
    tokens = db_session.scalars(select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    assert len(first) == 1 and len(set(tokens)) == 2
    assert client.raw.get_cookie("casework").value != before
