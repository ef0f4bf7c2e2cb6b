"""A test client that behaves like a browser with CSRF on: it reads the token from the page."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_of(page: str) -> str:
    match = _TOKEN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    def __init__(self, flask_client: FlaskClient) -> None:
        self.raw = flask_client

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.raw.get(url, **kwargs)

    def token(self, page_url: str = "/sign-in") -> str:
        return csrf_token_of(self.raw.get(page_url).get_data(as_text=True))

    def post(self, url: str, data: dict | None = None, page: str | None = None, **kwargs: Any) -> TestResponse:
        """POST as a browser would after loading `page` (default: the same URL)."""
        form = dict(data or {})
        form.setdefault("csrf_token", self.token(page or url))
        return self.raw.post(url, data=form, **kwargs)

    def sign_in(self, email: str, password: str) -> TestResponse:
        return self.post("/sign-in", {"email": email, "password": password})

    def search(self, query: str) -> TestResponse:
        """Search the families as the list page does: POST, then follow to the tokenized URL."""
        return self.post("/families", {"q": query}, page="/families", follow_redirects=True)
