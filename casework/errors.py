"""Domain errors raised by services and turned into messages by views."""

from __future__ import annotations


class CaseworkError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(CaseworkError):
    """Input that cannot be accepted; `field` names the form field when there is one."""


class NotAllowed(CaseworkError):
    """The acting user may not do this."""


class Conflict(CaseworkError):
    """The request no longer fits the record's state (closed case, stale data)."""


class SignInRefused(CaseworkError):
    """Wrong credentials, inactive account or throttled attempts."""
