"""What scheduling adds to the family page, and how a local date and time is shown."""
from __future__ import annotations

from datetime import date

from babel.dates import format_datetime
from flask import current_app
from flask_babel import get_locale
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.db import utcnow
from casework.families.models import Family
from scheduling import calendars, links, services
from scheduling.models import Appointment


def local_when(appointment: Appointment) -> str:
    """'Tue, Mar 3, 2026, 8:30 AM MST': the time on the notice, at its place, with the zone."""
    return format_datetime(calendars.local_start(appointment), "EEE d MMM y, HH:mm zzz",
                           tzinfo=calendars.local_start(appointment).tzinfo, locale=str(get_locale()))


def family_dates(session: Session, user: User, family: Family, case_ids: list[int], today: date) -> dict:
    appointments = services.family_appointments(session, family)
    return {
        "dates": services.split_dates(appointments, utcnow()),
        "deadlines": services.case_deadlines(session, case_ids),
        "address_tasks": services.open_address_tasks(session, case_ids),
        "link_token": links.current_family_link(session, current_app.config["SECRET_KEY"], family.id),
        "today": today,
    }
