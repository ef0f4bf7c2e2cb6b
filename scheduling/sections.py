"""What scheduling adds to the family page, and how a local date and time is shown."""

from __future__ import annotations

from datetime import date

from babel.dates import format_datetime
from flask_babel import get_locale
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.db import utcnow
from casework.families.models import Family
from scheduling import calendars, services
from scheduling.models import Appointment


def local_when(appointment: Appointment) -> str:
    """'Tue, Mar 3, 2026, 8:30 AM MST': the time on the notice, at its place, with the zone."""
    return format_datetime(
        calendars.local_start(appointment),
        "EEE d MMM y, HH:mm zzz",
        tzinfo=calendars.local_start(appointment).tzinfo,
        locale=str(get_locale()),
    )


def family_dates(session: Session, user: User, family: Family, case_ids: list[int], today: date) -> dict:
    appointments = services.family_appointments(session, family)
    return {
        "dates": services.split_dates(appointments, utcnow()),
        "deadlines": services.case_deadlines(session, case_ids),
        "today": today,
    }


DASHBOARD_ROWS = 8


def dashboard_dates(session: Session, user: User, whole_program: bool, today: date) -> dict:
    """This week's dates and the ones needing follow-up, on the dashboard."""
    from datetime import timedelta

    from casework import access
    from scheduling.models import Appointment

    scope = access.scoped(Appointment, user)
    assigned = None if whole_program else user.id
    now = utcnow()
    week, more_week = services.agenda(
        session, scope, now, now + timedelta(days=7), assigned, 1, DASHBOARD_ROWS, places=False
    )
    follow, more_follow = services.needing_follow_up(session, scope, now, assigned, 1, DASHBOARD_ROWS, places=False)
    closed_courts = services.dates_at_closed_courts(session, scope, now, assigned)
    return {
        "week": week,
        "more_week": more_week,
        "follow": follow,
        "more_follow": more_follow,
        "closed_courts": closed_courts,
        "who": "all" if whole_program else None,
    }
