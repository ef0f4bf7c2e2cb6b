"""Application logs carry a request id and the acting user's id, never a client's personal data."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, g, has_request_context

FORMAT = "%(asctime)s %(levelname)s [%(request_id)s user=%(user_id)s] %(name)s: %(message)s"


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        user_id = "-"
        if has_request_context() and "_login_user" in g:
            user_id = getattr(g._login_user, "id", None) or "-"
        record.user_id = user_id
        return True


def _assign_request_id() -> None:
    g.request_id = secrets.token_hex(8)


def _expose_request_id(response):
    if "request_id" in g:
        response.headers["X-Request-Id"] = g.request_id
    return response


def init_app(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.after_request(_expose_request_id)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestContextFilter())
    casework_logger = logging.getLogger("casework")
    if not any(isinstance(f, RequestContextFilter) for h in casework_logger.handlers for f in h.filters):
        casework_logger.addHandler(handler)
        casework_logger.setLevel(logging.INFO)
