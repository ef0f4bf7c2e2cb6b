"""Error pages, response headers and recovery from a database outage."""

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from casework import create_app
from casework.accounts.models import Role
from casework.db import Database
from tests.factories import PASSWORD, make_organization, make_user
from tests.http import Client
from tests.tcp_proxy import OutageProxy


def test_security_headers_and_no_store(client, db_session):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, db_session):
    cookie = client.get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_load_nothing_from_other_hosts(client, db_session):
    program = make_organization(db_session)
    user = make_user(db_session, program, Role.ADMIN)
    db_session.commit()
    client.sign_in(user.email, PASSWORD)
    for url in ("/sign-in", "/dashboard", "/families", "/families/new", "/account", "/admin/users"):
        page = client.get(url).get_data(as_text=True)
        assert 'src="http' not in page and 'href="http' not in page, url


def test_friendly_404(client, db_session):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_database_outage_shows_503_and_recovers(client, db_session, app, monkeypatch):
    program = make_organization(db_session)
    user = make_user(db_session, program)
    db_session.commit()
    client.sign_in(user.email, PASSWORD)

    from casework.dashboard import services

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(services, "counts", unreachable)
    response = client.get("/dashboard")
    assert response.status_code == 503
    assert "database cannot be reached" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get("/dashboard").status_code == 200


def _postgres_answers() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _postgres_answers(), reason="needs the PostgreSQL server on 127.0.0.1:5432")
def test_real_database_outage_answers_503_then_recovers_without_restart(tmp_path):
    """The database connection is cut under a running app, then comes back."""
    from tests.conftest import fresh_postgres_url

    url = fresh_postgres_url("outage")
    proxy = OutageProxy("127.0.0.1", 5432)
    proxied = make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "DATABASE_URL": proxied, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        session = Database.state(app).sessionmaker()
        program = make_organization(session)
        user = make_user(session, program)
        session.commit()
        email = user.email
        session.close()
    client = Client(app.test_client())
    try:
        assert client.sign_in(email, PASSWORD).status_code == 302
        assert client.get("/dashboard").status_code == 200
        proxy.cut()
        response = client.get("/dashboard")
        assert response.status_code == 503
        assert "database cannot be reached" in response.get_data(as_text=True)
        assert response.headers["Retry-After"] == "30"
        proxy.restore()
        assert client.get("/dashboard").status_code == 200
    finally:
        proxy.close()
        Database.state(app).engine.dispose()


def test_spanish_interface(client, db_session):
    response = client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9"})
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page and "Iniciar sesión" in page


def test_huge_ids_are_not_found_and_nul_bytes_refused(client, db_session):
    program = make_organization(db_session)
    user = make_user(db_session, program)
    db_session.commit()
    client.sign_in(user.email, PASSWORD)
    assert client.get("/families/2147483648").status_code == 404
    assert client.get("/families/99999999999999999999").status_code == 404
    response = client.post("/families/new", {"given_names": "Ana\x00", "first_surname": "Tzoc"})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert client.post("/families", {"q": "ana\x00"}, page="/families").status_code == 400


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-key")
    app = create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-casework"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    cookie = app.test_client().get("/sign-in", base_url="https://casework.example.org").headers["Set-Cookie"]
    assert cookie.startswith("__Host-casework=") and "Secure" in cookie and "Domain" not in cookie


def test_refused_accesses_are_audited(client, db_session):
    from sqlalchemy import select

    from casework.audit.models import AuditAction, AuditEvent
    from casework.families.models import Family
    from tests.factories import make_family

    owner = make_user(db_session, make_organization(db_session))
    family = make_family(db_session, owner)
    stranger = make_user(db_session, make_organization(db_session))
    db_session.commit()
    client.sign_in(stranger.email, PASSWORD)
    assert client.get(f"/families/{family.id}").status_code == 404
    assert client.get("/families/999999").status_code == 404  # no such record: nothing to audit
    refused = db_session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.REFUSED)).all()
    assert [(r.user_id, r.object_type, r.object_id) for r in refused] == [(stranger.id, "families", family.id)]
    assert db_session.get(Family, family.id) is not None


def test_logs_carry_request_and_user_ids_but_no_personal_data(client, db_session, caplog):
    import logging

    from casework.logs import FORMAT, RequestContextFilter
    from tests.factories import make_family

    user = make_user(db_session, make_organization(db_session))
    family = make_family(db_session, user)
    db_session.commit()
    client.sign_in(user.email, PASSWORD)
    lines = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(logging.Formatter(FORMAT).format(record))

    capture = Capture()
    capture.addFilter(RequestContextFilter())
    logger = logging.getLogger("casework.web")
    logger.addHandler(capture)
    try:
        from casework.dashboard import services

        def broken(*args, **kwargs):
            raise OperationalError("SELECT", {}, Exception("down"))

        original = services.counts
        services.counts = broken
        response = client.get("/dashboard")
        services.counts = original
    finally:
        logger.removeHandler(capture)
    assert response.status_code == 503
    request_id = response.headers["X-Request-Id"]
    assert lines and all(f"[{request_id} user={user.id}]" in line for line in lines)
    text = "\n".join(lines)
    assert family.display_name not in text and user.email not in text
