"""Application logs carry a request id and the acting user's id, never a client's personal data."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime

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


class JsonLines(logging.Formatter):
    """One JSON object a line (LOG_FORMAT=json), for a log collector: the time in UTC, the level,
    the logger, the message, the request id and the user id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _assign_request_id() -> None:
    g.request_id = secrets.token_hex(8)


def _expose_request_id(response):
    if "request_id" in g:
        response.headers["X-Request-Id"] = g.request_id
    return response


def init_app(app: Flask) -> None:
    """Log lines of the core and of every domain, as text or (LOG_FORMAT=json) JSON lines. The
    database engine hides statement parameters in its errors (casework/db.py), so a traceback
    logged never carries what a form held."""
    app.before_request(_assign_request_id)
    app.after_request(_expose_request_id)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines() if app.config.get("LOG_FORMAT") == "json" else logging.Formatter(FORMAT))
    handler.addFilter(RequestContextFilter())
    for name in ("casework", *app.config.get("DOMAINS", ())):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if any(isinstance(f, RequestContextFilter) for f in h.filters)]:
            logger.removeHandler(old)  # an app made again (tests) replaces its handler
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
