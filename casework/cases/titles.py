"""Titles the system gives tasks: a key and its values are stored, the sentence is written for
whoever reads it, in their language, with dates in their format.

Each domain declares its titles as `TaskTitle` constants and registers them in the app's registry
(`registry(app).task_titles`), so the core shows them without knowing any by name. A task typed by
a person has no key and keeps its text. `Task.title` still holds the English sentence, for search
and exports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date
from flask import current_app, has_app_context
from flask_babel import force_locale, get_locale

from casework.extensions import registry
from casework.i18n import lazy_gettext as _l

TITLE_MAX = 200


def _locale() -> str:
    return str(get_locale() or "en")


def reader_date(iso: str) -> str:
    """An ISO date as the reader writes it."""
    return format_date(date.fromisoformat(iso), "medium", locale=_locale())


@dataclass(frozen=True)
class TaskTitle:
    """`template` is a lazy string with %(name)s placeholders; `dates` name the values that are ISO
    dates; `labels` map a value (a code) to its lazy label; `prepare` may adjust the arguments last."""

    key: str
    template: Any
    dates: tuple[str, ...] = ()
    labels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def render(self, values: Mapping[str, Any] | None) -> str:
        """The title in the current locale (raises KeyError/ValueError on values that do not fit)."""
        args = dict(values or {})
        for name in self.dates:
            args[name] = reader_date(args[name])
        for name, table in self.labels.items():
            code = args.get(name)
            args[name] = str(table[code]) if code is not None and code in table else (code or "?")
        if self.prepare is not None:
            args = self.prepare(args)
        return str(self.template) % args

    def english(self, values: Mapping[str, Any] | None) -> str:
        """The stored text: English, whoever's request raised the task."""
        with force_locale("en"):
            return self.render(values)[:TITLE_MAX]


def display_title(task: Any) -> str:
    """A task's title for the current reader: rendered from its key when the key is known and its
    values fit, else the text stored with it."""
    if task.title_key and has_app_context():
        title = registry(current_app).task_titles.get(task.title_key)
        if title is not None:
            try:
                return title.render(task.title_values)
            except (KeyError, ValueError, TypeError):
                pass
    return task.title


# The core's own titles ---------------------------------------------------------------------------

ADDRESS_CHANGE_COURT = TaskTitle(
    "cases.address_change_court", _l("File the change of address with the immigration court (EOIR-33)")
)
ADDRESS_CHANGE_USCIS = TaskTitle("cases.address_change_uscis", _l("File the change of address with USCIS (AR-11)"))

CORE_TITLES = (ADDRESS_CHANGE_COURT, ADDRESS_CHANGE_USCIS)
