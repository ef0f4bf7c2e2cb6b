"""iCalendar (RFC 5545) output: one appointment's .ics, a caseload's feed, a family's feed.

Feeds are fetched by calendar providers' servers, so events carry a case reference and the kind
of date, never a name or an A-number. UIDs are random per appointment; SEQUENCE is the
appointment's own counter, raised on every change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
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
        tzinfo=ZoneInfo(appointment.timezone), fold=appointment.fold
    )


def _location(appointment: Appointment) -> str:
    if appointment.mode is AttendanceMode.VIDEO:
        return appointment.video_link or ""
    place = appointment.place
    return place.address if place is not None else (appointment.location_note or "")


@dataclass(frozen=True)
class EventFacts:
    """Everything an event says, hashable, so a serialized event can be reused until it changes."""

    uid: str
    sequence: int
    last_modified: datetime
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    url: str | None
    cancelled: bool


def facts_for(appointment: Appointment, text: EventText) -> EventFacts:
    start = local_start(appointment)
    # The end is a span after the real instant, expressed back on the local clock.
    end = (start.astimezone(UTC) + DURATIONS.get(appointment.kind, DEFAULT_DURATION)).astimezone(start.tzinfo)
    description = f"{text.description}\n{EOIR_LINE}".strip() if appointment.is_hearing else text.description
    video = appointment.video_link if appointment.mode is AttendanceMode.VIDEO else None
    return EventFacts(
        uid=appointment.uid,
        sequence=appointment.sequence,
        last_modified=appointment.updated_at.astimezone(UTC),
        start=start,
        end=end,
        summary=text.summary,
        location=_location(appointment),
        description=description,
        url=video or None,
        cancelled=appointment.status is AppointmentStatus.CANCELLED,
    )


# DTSTAMP is the moment the calendar is produced; events are serialized once with this stand-in,
# which is replaced on output (it has the same length as any real stamp).
_STAMP_STAND_IN = datetime(1970, 1, 1, tzinfo=UTC)
_STAMP_STAND_IN_ICAL = b"DTSTAMP:19700101T000000Z"


@lru_cache(maxsize=50_000)
def event_ical(facts: EventFacts) -> bytes:
    event = Event()
    event.add("uid", facts.uid)
    event.add("dtstamp", _STAMP_STAND_IN)
    event.add("last-modified", facts.last_modified)
    event.add("sequence", facts.sequence)
    event.add("dtstart", facts.start)
    event.add("dtend", facts.end)
    event.add("summary", facts.summary)
    event.add("location", facts.location)
    event.add("description", facts.description)
    if facts.url:
        event.add("url", facts.url)
    event.add("status", "CANCELLED" if facts.cancelled else "CONFIRMED")
    return event.to_ical()


def calendar_of(
    appointments: Iterable[Appointment],
    describe: Callable[[Appointment], EventText],
    name: str,
    stamp: datetime | None = None,
    method: str | None = "PUBLISH",
) -> bytes:
    """The serialized calendar, with a VTIMEZONE for every TZID its events use, placed before the
    events (RFC 5545 allows any order; some readers do not)."""
    stamp = stamp or utcnow()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    events, days, zones = [], [], set()
    for appointment in appointments:
        events.append(event_ical(facts_for(appointment, describe(appointment))))
        days.append(appointment.local_date)
        zones.add(appointment.timezone)
    shell = calendar.to_ical()
    at = shell.rindex(b"END:VCALENDAR")
    timezones = [vtimezone_ical(zone, min(days).year, max(days).year) for zone in sorted(zones)]
    stamp_ical = b"DTSTAMP:" + stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode()
    body = b"".join(events).replace(_STAMP_STAND_IN_ICAL, stamp_ical)
    return shell[:at] + b"".join(timezones) + body + shell[at:]


@lru_cache(maxsize=256)
def vtimezone_ical(zone: str, first_year: int, last_year: int) -> bytes:
    """What icalendar's add_missing_timezones adds, with the rules narrowed to the events' years
    rather than the zone's whole history."""
    return Timezone.from_tzid(
        zone, first_date=date(first_year, 1, 1) - timedelta(days=1), last_date=date(last_year + 1, 1, 1)
    ).to_ical()


def feed_appointments(appointments: Iterable[Appointment]) -> list[Appointment]:
    """Subscription feeds leave cancelled dates out: some calendar apps ignore STATUS:CANCELLED
    in a feed, and a date that silently stays would send someone to court on the wrong day."""
    return [a for a in appointments if a.status is AppointmentStatus.SCHEDULED]
