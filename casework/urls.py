"""Where links go: the safe target of a redirect, and the links templates write."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def safe_next_url(target: str | None) -> str | None:
    """Only a path on this site: never another host, never a scheme-relative URL."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# A whole number no route writes otherwise: built once into a link, it shows where the number goes.
_MARKER = 7_340_019_283_571


def template_url_for(endpoint: str, **values: Any) -> str:
    """Flask's `url_for` as templates call it, with the same result. A link with no argument (the
    menu's) or one whole-number argument (a household, a date, a task: a link on every line of a
    list) is written from its path, split once around the number, rather than built by the router
    again at every call (the dashboard's 140 links took 3 ms to build)."""
    if len(values) <= 1 and not endpoint.startswith(".") and has_request_context():
        if not values:
            return _around(endpoint, None)[0]
        ((name, value),) = values.items()
        if type(value) is int and not name.startswith("_"):
            before, after = _around(endpoint, name)
            if after is not None:
                return f"{before}{value}{after}"
    return url_for(endpoint, **values)


def _around(endpoint: str, name: str | None) -> tuple[str, str | None]:
    """The link to `endpoint` (with no argument), or its parts before and after its argument
    `name`, kept per app and mounting path; (…, None) when the number is not written as it is
    (a converter with fixed digits, say)."""
    known: dict[tuple[str, str | None, str], tuple[str, str | None]] = current_app.extensions.setdefault(
        "template_links", {}
    )
    key = (endpoint, name, request.script_root)
    if key not in known:
        if name is None:
            known[key] = (url_for(endpoint), None)
        else:
            marked: dict[str, Any] = {name: _MARKER}
            short: dict[str, Any] = {name: 7}
            before, marker, after = url_for(endpoint, **marked).partition(str(_MARKER))
            # Checked with a short number too: a converter may pad it (fixed digits) or write it otherwise.
            written = marker and url_for(endpoint, **short) == f"{before}7{after}"
            known[key] = (before, after) if written else ("", None)
    return known[key]
