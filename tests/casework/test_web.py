"""Error pages, response headers and recovery from a database outage."""
from sqlalchemy.exc import OperationalError

from casework.accounts.models import Role
from tests.factories import PASSWORD, make_organization, make_user


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


def test_spanish_interface(client, db_session):
    response = client.get("/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9"})
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page and "Iniciar sesión" in page
