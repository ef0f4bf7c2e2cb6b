"""Numbers as the reader's locale writes them, memoized: a report page writes hundreds of counts
and rates, and Babel parses the locale's pattern again for each one. The same number in the same
locale and pattern is written the same way, so each is formatted once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel import numbers

from casework.i18n import reader_locale


@lru_cache(maxsize=16384)
def _decimal(number: float, locale: str) -> str:
    return numbers.format_decimal(number, locale=locale)


@lru_cache(maxsize=16384)
def _percent(number: float, pattern: str, locale: str) -> str:
    return numbers.format_percent(number, format=pattern, locale=locale)


def _locale() -> str:
    """The reader's locale (of the moment: a text written inside `force_locale` follows it)."""
    return str(reader_locale())


# How a report writes a rate: one decimal, as a percentage.
RATE = "#,##0.0%"


class ReaderNumbers:
    """The formatting above for one locale, for a loop that writes many numbers (a table's cells)
    without looking the locale up for each."""

    def __init__(self, locale: str | None = None) -> None:
        self.locale = locale or _locale()

    def decimal(self, number: Any) -> str:
        return _decimal(number, self.locale)

    def rate(self, rate: float | None) -> str:
        """A rate as the reports write it; a dash when there is none (nothing to divide by)."""
        return "—" if rate is None else _percent(rate, RATE, self.locale)


def format_decimal(number: Any) -> str:
    """As flask_babel.format_decimal."""
    return _decimal(number, _locale())
