"""iCalendar (RFC 5545) output: one appointment's .ics, a caseload's feed, a family's feed.

Feeds are fetched by calendar providers' servers, so events carry a case reference and the kind
of date, never a name or an A-number. UIDs are random per appointment; SEQUENCE is the
appointment's own counter, raised on every change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from casework.db import utcnow
from scheduling.messages import EOIR_LINE
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus, AttendanceMode

PRODID = "-//Casework//Casework appointments//EN"

DURATIONS = {
    AppointmentKind.INDIVIDUAL_HEARING: timedelta(hours=3),
    AppointmentKind.USCIS_INTERVIEW: timedelta(hours=2),
}
DEFAULT_DURATION = timedelta(hours=1)


@dataclass(frozen=True)
class EventText:
    """What an event says, in the reader's language, decided by the caller."""

    summary: str
    description: str


def local_start(appointment: Appointment) -> datetime:
    return datetime.combine(appointment.local_date, appointment.local_time).replace(
        tzinfo=ZoneInfo(appointment.timezone), fold=appointment.fold)


def _location(appointment: Appointment) -> str:
    if appointment.mode is AttendanceMode.VIDEO:
        return appointment.video_link or ""
    place = appointment.place
    return place.address if place is not None else (appointment.location_note or "")


def event_for(appointment: Appointment, text: EventText, stamp: datetime) -> Event:
    event = Event()
    start = local_start(appointment)
    event.add("uid", appointment.uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", appointment.updated_at.astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("dtstart", start)
    # The end is a span after the real instant, expressed back on the local clock.
    end = (start.astimezone(UTC) + DURATIONS.get(appointment.kind, DEFAULT_DURATION)).astimezone(start.tzinfo)
    event.add("dtend", end)
    event.add("summary", text.summary)
    event.add("location", _location(appointment))
    description = text.description
    if appointment.is_hearing:
        description = f"{description}\n{EOIR_LINE}".strip()
    event.add("description", description)
    if appointment.mode is AttendanceMode.VIDEO and appointment.video_link:
        event.add("url", appointment.video_link)
    cancelled = appointment.status is AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def calendar_of(appointments: Iterable[Appointment], describe: Callable[[Appointment], EventText],
                name: str, stamp: datetime | None = None, method: str | None = "PUBLISH") -> bytes:
    """The serialized calendar, with a VTIMEZONE for every TZID its events use."""
    stamp = stamp or utcnow()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    days = []
    for appointment in appointments:
        calendar.add_component(event_for(appointment, describe(appointment), stamp))
        days.append(appointment.local_date)
    body = calendar.to_ical()
    if not days:
        return body
    zones = b"".join(vtimezone_ical(zone, min(days).year, max(days).year)
                     for zone in sorted(calendar.get_missing_tzids()))
    # VTIMEZONE components go before the events that use them (RFC 5545 allows any order, some
    # readers do not); they are serialized once per zone and year span, not once per calendar.
    at = body.index(b"BEGIN:VEVENT")
    return body[:at] + zones + body[at:]


@lru_cache(maxsize=256)
def vtimezone_ical(zone: str, first_year: int, last_year: int) -> bytes:
    """What icalendar's add_missing_timezones adds, with the rules narrowed to the events' years
    rather than the zone's whole history."""
    return Timezone.from_tzid(zone, first_date=date(first_year, 1, 1) - timedelta(days=1),
                              last_date=date(last_year + 1, 1, 1)).to_ical()


def feed_appointments(appointments: Iterable[Appointment]) -> list[Appointment]:
    """Subscription feeds leave cancelled dates out: some calendar apps ignore STATUS:CANCELLED
    in a feed, and a date that silently stays would send someone to court on the wrong day."""
    return [a for a in appointments if a.status is AppointmentStatus.SCHEDULED]
