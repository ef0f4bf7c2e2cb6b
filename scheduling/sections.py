"""What scheduling adds to the family page, and how a local date and time is shown."""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_datetime
from sqlalchemy import Date, String, bindparam, cast, null
from sqlalchemy.orm import Session

from casework import access
from casework.accounts.models import User
from casework.cases.models import Case
from casework.db import AnySelect, AnyUnion, UTCDateTime, lists_in_one_statement, read_lists, utcnow
from casework.families.models import Family
from casework.i18n import reader_locale
from scheduling import calendars, services
from scheduling.models import Appointment, Court


def local_when(appointment: calendars.NoticeTime) -> str:
    """'Tue, Mar 3, 2026, 8:30 AM MST': the time on the notice, at its place, with the zone."""
    return _written_when(
        appointment.local_date, appointment.local_time, appointment.timezone, appointment.fold, str(reader_locale())
    )


@lru_cache(maxsize=4096)
def _written_when(day: date, at: time, zone: str, fold: int, locale: str) -> str:
    """Written once for each: a page lists the same few dates and times, and Babel's formatting
    costs more than the rest of a line. A date and a time on their own say nothing of anyone."""
    start = calendars.start_at(day, at, zone, fold)
    return format_datetime(start, "EEE d MMM y, HH:mm zzz", tzinfo=start.tzinfo, locale=locale)


def family_dates(
    session: Session, user: User, family: Family, case_ids: list[int], today: date, held: frozenset[str]
) -> dict:
    appointments = services.family_appointments(session, family) if "appointments" in held else []
    return {
        "dates": services.split_dates(appointments, utcnow()),
        "deadlines": services.family_deadlines(session, family.id) if "deadlines" in held else [],
        "today": today,
    }


FAMILY_KINDS = (("appointments", services.family_has_appointments), ("deadlines", services.family_has_deadlines))


DASHBOARD_ROWS = 8
CLOSED_COURT_ROWS = 20


def dashboard_dates(session: Session, user: User, whole_program: bool, today: date) -> dict:
    """The dashboard's three lists of dates, read in one statement: the next seven days' (as the
    agenda lists them), the ones needing follow-up (as the follow-up list) and the ones still set at
    a court that has closed (as `services.dates_at_closed_courts`); each line as the columns it shows."""
    now = utcnow()
    values = {
        **access.program_scope(user),
        "user_id": user.id,
        "now": now,
        "week_end": now + timedelta(days=7),
        "yesterday": now.date() - timedelta(days=1),  # see services.at_a_closed_court_from
    }
    lists = read_lists(session, _dashboard_dates(whole_program), values)
    week, follow, closed = (lists.get(name, []) for name in ("week", "follow", "closed"))
    return {
        "week": week[:DASHBOARD_ROWS],
        "more_week": len(week) > DASHBOARD_ROWS,
        "follow": follow[:DASHBOARD_ROWS],
        "more_follow": len(follow) > DASHBOARD_ROWS,
        "closed_courts": [a for a in closed[:CLOSED_COURT_ROWS] if services.is_ahead(a, now)],
        "more_closed_courts": len(closed) > CLOSED_COURT_ROWS,
        "who": "all" if whole_program else None,
    }


@cache  # built once, for a caseload and for the whole program, and run with the reader's values
def _dashboard_dates(whole_program: bool) -> AnyUnion:
    dates = access.program_scoped(Appointment)
    if not whole_program:
        dates = dates.where(services.of_caseload(bindparam("user_id")))
    now = bindparam("now", type_=UTCDateTime)
    week = dates.where(
        *services.scheduled_in_open_cases(),
        Appointment.starts_at >= now,
        Appointment.starts_at < bindparam("week_end", type_=UTCDateTime),
    )
    follow = dates.where(*services.needing_follow_up_at(now))
    closed = dates.join(Court, Appointment.court_id == Court.id).where(
        *services.at_a_closed_court_from(bindparam("yesterday", type_=Date))
    )

    def lines(part: AnySelect, court: Any, rows: int) -> AnySelect:
        return part.with_only_columns(
            Appointment.id,
            Appointment.kind,
            Appointment.local_date,
            Appointment.local_time,
            Appointment.timezone,
            Appointment.fold,
            Appointment.outcome,
            Case.family_id,
            Case.reference,
            Family.display_name,
            court.label("court_name"),
        ).limit(rows + 1)

    no_court = cast(null(), String)
    return lists_in_one_statement(
        {
            "closed": (
                lines(closed, Court.name, CLOSED_COURT_ROWS),
                (Appointment.local_date, Appointment.local_time, Appointment.id),
            ),
            "week": (lines(week, no_court, DASHBOARD_ROWS), (Appointment.starts_at, Appointment.id)),
            "follow": (lines(follow, no_court, DASHBOARD_ROWS), (Appointment.starts_at.desc(), Appointment.id.desc())),
        }
    )
