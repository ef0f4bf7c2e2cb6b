"""Small helpers shared by the domain forms and views."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from markupsafe import Markup, escape
from wtforms.widgets import Select

from casework.errors import CaseworkError


class QuickSelect(Select):
    """WTForms' select, the same HTML, with plain options written directly: lists of every court,
    office, language or case manager, where each option through `html_params` costs more than
    the rest of the form (the report filters, the family page's staff lists)."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:  # type: ignore[override]  # stubs predate Choice
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""  # html_params writes the attributes sorted
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')  # noqa: S704 - escaped

    @classmethod
    def _dispatch_render_option(cls) -> Any:
        # WTForms 3.3 inspects render_option's signature at every render, for overrides written
        # before 3.3; this one takes the choice.
        return cls.render_option


E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def enum_choices(labels: Mapping[E, str]) -> list[tuple[str, str]]:
    """An enum's labels (lazy strings) as select choices: (value, label)."""
    return [(key.value, label) for key, label in labels.items()]


def show_error(form, error: CaseworkError, fallback: str, fields: Mapping[str, str] | None = None) -> None:
    """Put a service's error next to the field it names, else next to `fallback`; `fields` renames
    the service's field names that the form calls otherwise."""
    name = (fields or {}).get(error.field, error.field) if error.field else None
    target = getattr(form, name, None) if name else None
    if target is None:
        target = getattr(form, fallback)
    target.errors = [*target.errors, error.message]


def filled(value: T | None) -> T:
    """A required field's data once its form has validated: its DataRequired or InputRequired
    validator let no missing value through (WTForms types every field's data as optional)."""
    if value is None:
        raise ValueError("a required field without data: the form was not validated")
    return value


def blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
