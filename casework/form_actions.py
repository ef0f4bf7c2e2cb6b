"""The web layer's one error path: call a service, and on a domain error undo its work and say why.

A view loads its records through the access scope, then calls a service through one of these:
- `submitted(form, action, field)`, for a form: validates it (POST and CSRF), runs `action`; when the
  service refuses (a `CaseworkError`), rolls back everything the request did, and puts the message
  next to the field the error names (else next to `field`), with what was typed kept in the form.
- `performed(action)`, for a button: runs `action`; when the service refuses, rolls back and flashes
  the message.
Both answer with an `Outcome`: true when the action ran through (what it returned is `.value`);
false when the form was not sent or not valid, or when the service refused (then `.error` says why).

A domain error a view lets escape reaches the app's handler (casework/web.py), which rolls back too
and answers with the message, never a 500. One view catches its error itself, without rolling back:
sign-in, whose failed attempt must be saved (casework/accounts/views.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm

from casework.db import db
from casework.errors import CaseworkError
from casework.forms_common import show_error

T = TypeVar("T")


class Outcome(Generic[T]):
    """What became of a form or a button: true when the service did its work."""

    __slots__ = ("_value", "done", "error")

    def __init__(self, done: bool = False, value: T | None = None, error: CaseworkError | None = None) -> None:
        self.done = done
        self.error = error
        self._value = value

    def __bool__(self) -> bool:
        return self.done

    @property
    def value(self) -> T:
        """What the action returned; only an outcome that is done has one."""
        if not self.done:
            raise AttributeError("the action did not run through: there is no value")
        return self._value  # type: ignore[return-value]


def _run(action: Callable[[], T], say: Callable[[CaseworkError], None]) -> Outcome[T]:
    try:
        value = action()
    except CaseworkError as error:
        db.session.rollback()  # nothing of a refused operation is saved
        say(error)
        return Outcome(error=error)
    return Outcome(done=True, value=value)


def submitted(
    form: FlaskForm, action: Callable[[], T], field: str, fields: Mapping[str, str] | None = None
) -> Outcome[T]:
    """Validate `form`, then run `action`. On a domain error roll back and show the message next to
    the field it names, else next to `field`; `fields` renames the service's field names the form
    calls otherwise."""
    if not form.validate_on_submit():
        return Outcome()
    return _run(action, lambda error: show_error(form, error, field, fields))


def performed(action: Callable[[], T]) -> Outcome[T]:
    """Run a button's `action`. On a domain error roll back and flash the message."""
    return _run(action, lambda error: flash(error.message, "error"))
