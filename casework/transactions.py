"""One unit of work per request, command or job.

Services add and flush; they never commit. The caller that started the work commits once when it
ends, or rolls everything back when it fails, so a fault in the middle of an operation leaves
nothing of it saved:
- a request: every view is wrapped once, when the app is made (`commit_views_once`);
- a CLI command or a scheduled job: `unit_of_work`.
Two writers keep transactions of their own, on purpose: the outbox dispatcher (scheduling/dispatch.py)
and a refused access, written at once on its own (casework/access.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from flask import Flask, g
from flask.typing import ResponseReturnValue

from casework.db import db

P = ParamSpec("P")
R = TypeVar("R")

# The views already made one unit of work, so that none is wrapped twice.
_wrapped_views: weakref.WeakSet[Callable[..., Any]] = weakref.WeakSet()


def _rollback() -> None:
    # Only a session this request, command or job opened; a failure before it opened one has none.
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def unit_of_work(work: Callable[P, R]) -> Callable[P, R]:
    """Run `work`, then commit once; if it raises, roll everything back and let the error go on."""

    @wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = work(*args, **kwargs)
        except BaseException:
            _rollback()
            raise
        db.session.commit()
        return result

    return run


def commit_views_once(app: Flask) -> None:
    """Every view of the app becomes one unit of work. Called once, after every blueprint is registered."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static" and view not in _wrapped_views:
            # Casework's views are plain functions, none async: each returns its response.
            wrapped = unit_of_work(cast("Callable[..., ResponseReturnValue]", view))
            _wrapped_views.add(wrapped)
            app.view_functions[endpoint] = wrapped
