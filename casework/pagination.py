"""Page numbers from the query string: lists fetch one row more than a page to know if more follow."""

from __future__ import annotations

from flask import request

MAX_PAGE = 10_000


def page_number() -> int:
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)
