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

LinkParts = dict[tuple[str, str | None], tuple[str, str | None]]


def template_links() -> dict[str, Any]:
    """A context processor: the templates' `url_for` for this request, with the same result as
    Flask's. A link with no argument (the menu's) or one whole-number argument (a household, a date,
    a task: a link on every line of a list) is written from its path, split once around the number
    for the app and the path it is mounted at, rather than built by the router at every call (the
    dashboard's 143 links took 3 ms). Templates imported without context, and those rendered
    outside a request, use Flask's."""
    if not has_request_context():
        return {}
    found: list[LinkParts | None] = []  # at the page's first link: a page without any looks nothing up

    def written(endpoint: str, **values: Any) -> str:
        if not found:
            mounted: dict[str, LinkParts] = current_app.extensions.setdefault("template_links", {})
            # Functions that add values to every link (url_defaults) would change them per request.
            found.append(None if current_app.url_default_functions else mounted.setdefault(request.script_root, {}))
        known = found[0]
        if known is None or len(values) > 1 or endpoint.startswith("."):
            return url_for(endpoint, **values)
        if not values:
            parts = known.get((endpoint, None)) or _parts(known, endpoint, None)
            return parts[0]
        ((name, value),) = values.items()
        if type(value) is not int or name.startswith("_"):
            return url_for(endpoint, **values)
        before, after = known.get((endpoint, name)) or _parts(known, endpoint, name)
        return url_for(endpoint, **values) if after is None else f"{before}{value}{after}"

    return {"url_for": written}


def _parts(known: LinkParts, endpoint: str, name: str | None) -> tuple[str, str | None]:
    """The link to `endpoint` (with no argument), or its parts before and after its argument
    `name`; (…, None) when the number is not written as it is (a converter with fixed digits)."""
    if name is None:
        parts: tuple[str, str | None] = (url_for(endpoint), None)
    else:
        marked: dict[str, Any] = {name: _MARKER}
        short: dict[str, Any] = {name: 7}
        before, marker, after = url_for(endpoint, **marked).partition(str(_MARKER))
        # Checked with a short number too: a converter may pad it (fixed digits) or write it otherwise.
        written = marker and url_for(endpoint, **short) == f"{before}7{after}"
        parts = (before, after) if written else ("", None)
    known[(endpoint, name)] = parts
    return parts
