"""Closing a case with dates still ahead, and reopening it: the core's side.

The core knows no domain's dates: each domain registers a `casework.extensions.CaseClosing` that
says what is still ahead of a case and applies the staff's choice. The facts each domain returns
are kept in a `CaseEvent`; the sentence shown on the case is written when read.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from babel.dates import format_date
from babel.lists import format_list
from flask import current_app, has_app_context
from flask_babel import get_locale

from casework.cases.models import CaseEvent, CaseEventKind
from casework.extensions import CaseClosing, registry
from casework.i18n import gettext as _


class AheadChoice(enum.Enum):
    """What closing does to the dates still ahead; either way the program's reminders stop."""

    CANCEL = "cancel"  # the dates are cancelled on record, with their reminders
    KEEP = "keep"  # another program follows the family: the dates stay, our reminders stop


class AgainChoice(enum.Enum):
    """What reopening does to the dates still ahead that closing cancelled or kept."""

    PLAN = "plan"  # cancelled ones are scheduled again; reminders are planned for all
    LEAVE = "leave"  # nothing changes


@dataclass(frozen=True)
class AheadItem:
    """One date still ahead, as the status page lists it (already in the reader's language)."""

    label: str
    when: str
    place: str | None = None


def providers(given: Sequence[CaseClosing] | None = None) -> Sequence[CaseClosing]:
    """The domains taking part: `given`, else those registered with the current app (none outside
    an app, as in a unit test of the core alone)."""
    if given is not None:
        return given
    return registry(current_app).case_closing if has_app_context() else ()


def _locale() -> str:
    return str(get_locale() or "en")


def event_text(event: CaseEvent, closing: Sequence[CaseClosing] | None = None) -> str:
    """'Closed on 3 Dec 2026: 2 appointments cancelled and 5 reminders cancelled', for the reader."""
    phrases: list[str] = []
    for provider in providers(closing):
        facts = (event.facts or {}).get(provider.name)
        if facts:
            phrases.extend(provider.describe(facts))
    day = format_date(event.happened_on, "medium", locale=_locale())
    what = format_list(phrases, locale=_locale()) if phrases else None
    if event.kind is CaseEventKind.CLOSED:
        return _("Closed on %(date)s: %(what)s", date=day, what=what) if what else _("Closed on %(date)s", date=day)
    return _("Reopened on %(date)s: %(what)s", date=day, what=what) if what else _("Reopened on %(date)s", date=day)
