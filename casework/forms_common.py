"""Small helpers shared by the domain forms and views."""
from __future__ import annotations

from casework.errors import CaseworkError


def enum_choices(labels: dict) -> list[tuple[str, object]]:
    return [(key.value, label) for key, label in labels.items()]


def show_error(form, error: CaseworkError, fallback: str) -> None:
    """Put a service's error next to the field it names, else next to `fallback`."""
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        target = getattr(form, fallback)
    target.errors = list(target.errors) + [error.message]


def blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
