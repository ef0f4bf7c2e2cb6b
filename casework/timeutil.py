"""Dates and instants: 'today' is always the organization's local date, never the server's."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from casework.db import utcnow

if TYPE_CHECKING:
    from casework.accounts.models import User


def today_in(zone_name: str, now: datetime | None = None) -> date:
    instant = now or utcnow()
    return instant.astimezone(ZoneInfo(zone_name)).date()


def today_for(user: User) -> date:
    """Today in the user's organization's time zone: the day every view and form reasons in."""
    return today_in(user.organization.timezone)


def age_on(birth: date, on: date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
