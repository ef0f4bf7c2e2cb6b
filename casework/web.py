"""Wires extensions, blueprints, error pages and response headers into the app."""
from __future__ import annotations

import importlib
import logging

from datetime import timedelta

from flask import Flask, abort, current_app, g, render_template, request, session
from werkzeug.routing import IntegerConverter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DBAPIError, OperationalError

from typing import TYPE_CHECKING

from casework import i18n
from casework.db import db
from casework.extensions import registry
from casework.transactions import commit_views_once

if TYPE_CHECKING:
    from casework.accounts.services import SessionPolicy

log = logging.getLogger(__name__)

login_manager = LoginManager()
csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def session_policy() -> SessionPolicy:
    from casework.accounts.services import SessionPolicy

    return SessionPolicy(idle=timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]),
                         lifetime=timedelta(hours=current_app.config["SESSION_MAX_HOURS"]))


@login_manager.user_loader
def _load_user(user_id: str):
    """Only a live server-side session signs a request in; a copied cookie of an ended one does not."""
    from casework.accounts.services import resume_session

    user = resume_session(db.session, session.get("sid"), session_policy())
    if user is None or str(user.id) != user_id:
        session.clear()
        return None
    return user


class DatabaseIntegerConverter(IntegerConverter):
    """Ids in URLs fit the database's integer columns; larger numbers are simply not found."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _refuse_nul_bytes():
    """PostgreSQL cannot store NUL in text; no honest form sends one."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def init_app(app: Flask) -> None:
    from casework import logs

    logs.init_app(app)
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.before_request(_refuse_nul_bytes)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    i18n.init_app(app)
    _register_blueprints(app)
    commit_views_once(app)
    _register_cli(app)
    _register_error_pages(app)
    app.after_request(_security_headers)


def _register_blueprints(app: Flask) -> None:
    from casework.accounts.views import bp as accounts_bp
    from casework.cases.views import bp as cases_bp
    from casework.community.views import bp as community_bp
    from casework.dashboard.views import bp as dashboard_bp
    from casework.families.views import bp as families_bp
    from casework.releases.views import bp as releases_bp
    from casework.retention.views import bp as retention_bp
    from casework.schooling.views import bp as schooling_bp

    for blueprint in (accounts_bp, dashboard_bp, families_bp, cases_bp, releases_bp,
                      schooling_bp, community_bp, retention_bp):
        app.register_blueprint(blueprint)

    for name in app.config["DOMAINS"]:
        importlib.import_module(name).init_app(app)
    app.context_processor(lambda: {"nav_links": registry(app).nav_links})


def _register_cli(app: Flask) -> None:
    from casework.accounts.cli import users_cli
    from casework.demo.cli import demo_command, seed_command
    from casework.families.cli import keys_cli
    from casework.retention.cli import retention_cli
    from casework.migrate import db_cli
    from casework.scheduler import scheduler_command, serve_command

    for command in (db_cli, users_cli, keys_cli, retention_cli, demo_command, seed_command, scheduler_command, serve_command):
        app.cli.add_command(command)


def _register_error_pages(app: Flask) -> None:
    def page(template: str, status: int):
        return render_template(template), status

    app.register_error_handler(400, lambda e: page("errors/400.html", 400))
    app.register_error_handler(403, lambda e: page("errors/403.html", 403))
    app.register_error_handler(404, lambda e: page("errors/404.html", 404))
    app.register_error_handler(405, lambda e: page("errors/404.html", 405))
    app.register_error_handler(CSRFError, lambda e: page("errors/csrf.html", 400))

    def database_unavailable(error: Exception):
        log.warning("database unavailable: %s", type(error).__name__)
        try:
            db.session.rollback()
        except Exception:  # the connection may be gone; the session is discarded at teardown
            pass
        # The page must not need the database: render it as for a signed-out visitor.
        g._login_user = login_manager.anonymous_user()
        return render_template("errors/503.html"), 503, {"Retry-After": "30"}

    def database_error(error: DBAPIError):
        if error.connection_invalidated or isinstance(error, OperationalError):
            return database_unavailable(error)
        return internal_error(error)

    def internal_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url_rule)
        return render_template("errors/500.html"), 500

    app.register_error_handler(DBAPIError, database_error)
    app.register_error_handler(500, internal_error)


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response
