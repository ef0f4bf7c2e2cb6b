"""Small helpers shared by the domain forms and views."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField as WTFormsSelectField
from wtforms.validators import ValidationError
from wtforms.widgets import Select, html_params

from casework.errors import CaseworkError
from casework.i18n import wtforms_messages


class Form(FlaskForm):
    """Flask-WTF's form (CSRF, the request's data), with WTForms' own messages read from a
    catalogue kept per language (casework.i18n.WTFormsMessages). Every form of the application
    derives from it."""

    class Meta:
        def get_translations(self, form: Any) -> Any:
            return wtforms_messages


class QuickSelect(Select):
    """WTForms' select, the same HTML, written directly from the field's choices when they are
    (value, label) pairs, as a list or grouped in a dict: lists of every court, office, language
    or case manager, where WTForms builds several objects per option at every render and each
    option through `html_params` costs more than the rest of the form (the report filters, the
    family page's staff lists). Other choices go through WTForms."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        groups = choices if isinstance(choices, dict) else {None: choices}
        if self.multiple or choices is None or not all(_pairs(group) for group in groups.values()):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = vars(field.flags)
        for name in self.validation_attrs:
            if name in flags and name not in kwargs:
                kwargs[name] = flags[name]
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        data, coerce = field.data, field.coerce
        for group, pairs in groups.items():
            if not pairs:
                continue  # WTForms writes no optgroup for a group without options
            if group is not None:
                html.append(f"<optgroup {html_params(label=group)}>")
            if _kept(pairs, data):
                html.append(_written_options(tuple(pairs), coerce, data))
            else:
                html.append(_options(pairs, coerce, data))
            if group is not None:
                html.append("</optgroup>")
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 - every value and label is escaped above

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:  # type: ignore[override]  # stubs predate Choice
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')  # noqa: S704 - escaped

    @classmethod
    def _dispatch_render_option(cls) -> Any:
        # WTForms 3.3 inspects render_option's signature at every render, for overrides written
        # before 3.3; this one takes the choice.
        return cls.render_option


# WTForms' own message, translated by WTForms' catalogue: named here so that our catalogue's
# extraction, which reads gettext("...") calls, does not take it for one of ours.
WTFORMS_NOT_A_CHOICE = "Not a valid choice."


class SelectField(WTFormsSelectField):
    """WTForms' select field written by the quick select: every form of the application uses it."""

    widget = QuickSelect()

    def pre_validate(self, form: Any) -> None:
        """WTForms' check that the value is one of the choices, the same answer, without making an
        object per choice when the choices are (value, label) pairs (the report filters check
        some 150 options at every request)."""
        choices: Any = self.choices
        groups: dict[Any, Any] = choices if isinstance(choices, dict) else {None: choices}
        if self.process_errors or not self.validate_choice or not all(_pairs(group) for group in groups.values()):
            super().pre_validate(form)
            return
        data, coerce = self.data, self.coerce
        if not any(coerce(value) == data for group in groups.values() for value, _label in group):
            # WTForms 3.3's own message setting, which its stubs do not know yet.
            message = getattr(self, "invalid_choice_message", None)
            raise ValidationError(message or self.gettext(WTFORMS_NOT_A_CHOICE))


def _options(pairs: Iterable[tuple[Any, Any]], coerce: Callable[[Any], Any], data: Any) -> str:
    written = []
    for value, label in pairs:
        selected = "selected " if coerce(value) == data else ""  # html_params writes the attributes sorted
        written.append(f'<option {selected}value="{escape(value)}">{escape(label or value)}</option>')
    return "".join(written)


def _kept(pairs: list[tuple[Any, Any]], data: Any) -> bool:
    """Whether a list's options are kept once written: its labels are text already (not a lazy
    string, which is written in the language of the moment) and the value chosen is one."""
    return type(data) in (str, int, type(None)) and all(type(label) is str for _value, label in pairs)


@lru_cache(maxsize=256)
def _written_options(pairs: tuple[tuple[Any, Any], ...], coerce: Callable[[Any], Any], data: Any) -> str:
    """The options of a list written once for each choice: a report's filters write the same 150
    courts, offices and staff at every request. Lists of one program's names, kept in this
    process as they are in its memory when read."""
    return _options(pairs, coerce, data)


def _pairs(choices: Any) -> bool:
    """(value, label) pairs of text or numbers: what the fast path writes as WTForms would."""
    return isinstance(choices, list) and all(
        type(c) is tuple and len(c) == 2 and type(c[0]) in (str, int) for c in choices
    )


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
