"""Wires extensions, blueprints, error pages and response headers into the app."""

from __future__ import annotations

import contextlib
import importlib
import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.routing import IntegerConverter, Map

from casework import form_html, i18n, urls
from casework.db import db
from casework.errors import CaseworkError, Conflict, NotAllowed, ValidationError
from casework.extensions import registry
from casework.security import csrf, login_manager
from casework.transactions import commit_views_once
from casework.urls import safe_next_url

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


class DatabaseIntegerConverter(IntegerConverter):
    """Ids in URLs fit the database's integer columns; larger numbers are simply not found."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
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
    from casework import documents
    from casework.accounts.views import bp as accounts_bp
    from casework.cases.views import bp as cases_bp
    from casework.community.views import bp as community_bp
    from casework.dashboard.views import bp as dashboard_bp
    from casework.families.views import bp as families_bp
    from casework.monitoring.views import bp as monitoring_bp
    from casework.monitoring.views import count_request
    from casework.releases.views import bp as releases_bp
    from casework.retention.views import bp as retention_bp
    from casework.schooling.views import bp as schooling_bp

    for blueprint in (
        accounts_bp,
        dashboard_bp,
        families_bp,
        cases_bp,
        releases_bp,
        schooling_bp,
        community_bp,
        retention_bp,
        monitoring_bp,
    ):
        app.register_blueprint(blueprint)
    app.after_request(count_request)
    documents.init_app(app)

    # The menu: the core's links around those of the domains, each shown to whoever may open it.
    from casework import access
    from casework.extensions import NavLink
    from casework.i18n import lazy_gettext as _l

    menu = registry(app).nav_links
    menu += [
        NavLink("dashboard.index", _l("Dashboard"), "program_staff"),
        NavLink("families.index", _l("Families"), "program_staff"),
        NavLink("cases.my_tasks", _l("Tasks"), "program_staff"),
    ]
    for name in app.config["DOMAINS"]:
        importlib.import_module(name).init_app(app)
    menu += [
        NavLink("accounts.users", _l("Users"), "manage_users"),
        NavLink("retention.index", _l("Retention"), "read_audit"),
    ]
    app.context_processor(
        lambda: {"nav_links": registry(app).nav_links, "family_list_links": registry(app).family_list_links}
    )
    app.add_template_global(access.can, "can")
    app.context_processor(access.template_permissions)
    app.context_processor(urls.template_links)
    app.add_template_global(form_html.field, "form_field")
    app.add_template_global(form_html.post_button, "form_post_button")


def _register_cli(app: Flask) -> None:
    from casework.accounts.cli import users_cli
    from casework.demo.cli import demo_command, seed_command
    from casework.families.cli import keys_cli
    from casework.migrate import db_cli
    from casework.retention.cli import retention_cli
    from casework.scheduler import scheduler_command, serve_command

    for command in (
        db_cli,
        users_cli,
        keys_cli,
        retention_cli,
        demo_command,
        seed_command,
        scheduler_command,
        serve_command,
    ):
        app.cli.add_command(command)


def _register_error_pages(app: Flask) -> None:
    def page(template: str, status: int):
        return render_template(template), status

    app.register_error_handler(400, lambda e: page("errors/400.html", 400))
    app.register_error_handler(403, lambda e: page("errors/403.html", 403))
    app.register_error_handler(404, lambda e: page("errors/404.html", 404))
    app.register_error_handler(405, lambda e: page("errors/404.html", 405))
    app.register_error_handler(
        413, lambda e: (render_template("errors/413.html", limit=app.config["MAX_CONTENT_LENGTH"]), 413)
    )
    app.register_error_handler(CSRFError, lambda e: page("errors/csrf.html", 400))

    def database_unavailable(error: Exception):
        log.warning("database unavailable: %s", type(error).__name__)
        # The connection may be gone; the session is discarded at teardown.
        with contextlib.suppress(SQLAlchemyError):
            db.session.rollback()
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
    app.register_error_handler(CaseworkError, _domain_error)


# What a service's refusal that no view caught answers with (anything else: 400).
DOMAIN_ERROR_STATUS: tuple[tuple[type[CaseworkError], int], ...] = (
    (ValidationError, 400),
    (NotAllowed, 403),
    (Conflict, 409),
)


def _domain_error(error: CaseworkError):
    """A domain error that escaped its view: roll back (the view's unit of work already did, this makes
    sure), then say why, never a 500. A button pressed on a page of this site goes back to that page
    with the message; anything else gets a page with the message and a status that fits."""
    db.session.rollback()
    log.info("%s refused on %s %s", type(error).__name__, request.method, request.url_rule)
    back = _page_of_this_site() if request.method == "POST" else None
    if back is not None:
        flash(error.message, "error")
        return redirect(back)
    status = next((code for kind, code in DOMAIN_ERROR_STATUS if isinstance(error, kind)), 400)
    return render_template("errors/refused.html", message=error.message), status


def _page_of_this_site() -> str | None:
    """The page the request came from (its Referer), only when it has this site's origin."""
    referrer = urlsplit(request.referrer or "")
    here = urlsplit(request.host_url)
    if (referrer.scheme, referrer.netloc) != (here.scheme, here.netloc):
        return None
    return safe_next_url(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response
