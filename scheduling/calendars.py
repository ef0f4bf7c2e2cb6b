"""iCalendar (RFC 5545) output: one appointment's .ics, a caseload's feed, a family's feed.

Feeds are fetched by calendar providers' servers, so events carry a case reference and the kind
of date, never a name or an A-number. UIDs are random per appointment; SEQUENCE is the
appointment's own counter, raised on every change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from icalendar import Calendar, Parameters, Timezone, vInt, vUri
from icalendar.parser import _escape_char
from icalendar.timezone import tzp
from icalendar.timezone.tzid import tzid_from_dt

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


class NoticeTime(Protocol):
    """A date and time as its notice writes them, at its place: an appointment, or a row of its columns."""

    @property
    def local_date(self) -> date: ...
    @property
    def local_time(self) -> time: ...
    @property
    def timezone(self) -> str: ...
    @property
    def fold(self) -> int: ...


def local_start(appointment: NoticeTime) -> datetime:
    return start_at(appointment.local_date, appointment.local_time, appointment.timezone, appointment.fold)


def start_at(day: date, at: time, zone: str, fold: int) -> datetime:
    """The instant a date and time name at a place (`fold`: the second reading of a repeated hour)."""
    return datetime.combine(day, at).replace(tzinfo=ZoneInfo(zone), fold=fold)


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
_STAMP_STAND_IN_ICAL = b"DTSTAMP:19700101T000000Z"


@lru_cache(maxsize=50_000)
def event_ical(facts: EventFacts) -> bytes:
    """The VEVENT, byte for byte what icalendar's ``Event.add`` + ``to_ical()`` would write (but for
    the second reading of a repeated local time, see `_date_time_line`).

    The lines are written by hand because icalendar's component machinery costs about 0.3 ms an
    event, and the first request of a 1,000-date caseload feed pays it for every date. The values
    still go through icalendar's own TEXT escaping (the function ``vText.to_ical`` calls), integer
    and URI checks, zone naming and parameter quoting; the lines come in the order its
    ``Event.canonical_order`` sorts them into. tests/scheduling/test_event_serialization.py holds
    the icalendar-built original and compares the two.
    """
    lines = [
        b"BEGIN:VEVENT",
        _content_line("SUMMARY", _escape_char(facts.summary)),
        _date_time_line("DTSTART", facts.start),
        _date_time_line("DTEND", facts.end),
        _STAMP_STAND_IN_ICAL,
        _content_line("UID", _escape_char(facts.uid)),
        _content_line("SEQUENCE", vInt(facts.sequence).to_ical().decode()),
        _content_line("DESCRIPTION", _escape_char(facts.description)),
        _content_line("LAST-MODIFIED", _utc_date_time(facts.last_modified)),
        _content_line("LOCATION", _escape_char(facts.location)),
        b"STATUS:CANCELLED" if facts.cancelled else b"STATUS:CONFIRMED",
    ]
    if facts.url:
        lines.append(_content_line("URL", vUri(facts.url).to_ical().decode()))
    lines.append(b"END:VEVENT")
    return b"\r\n".join(lines) + b"\r\n"


def _content_line(name: str, value: str) -> bytes:
    return _fold(f"{name}:{value}".encode())


def _fold(line: bytes) -> bytes:
    """icalendar's folding (``_foldline``) on the encoded line, where it walks the characters one
    by one (about 12 µs for a two-line description, most of an event's cost).

    icalendar cuts a line once it reaches 75 octets, so every piece holds at most 74 octets (the
    continuation's leading space not counted); it never cuts inside a UTF-8 character, and it moves
    a piece's last backslash or caret to the next piece, so an escape is not split.
    """
    if len(line) < 75:
        return line
    pieces, start = [], 0
    while len(line) - start > 74:
        cut = start + 74
        while 0x80 <= line[cut] < 0xC0:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        if line[cut - 1] in b"\\^":
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def second_reading(moment: datetime) -> bool:
    """The later of the two instants a local time names in the hour repeated when clocks go back."""
    return moment.fold == 1 and moment.utcoffset() != moment.replace(fold=0).utcoffset()


def _date_time_line(name: str, moment: datetime) -> bytes:
    """DTSTART/DTEND as vDDDTypes writes them: local time with the zone's TZID, or 'Z' for a zone
    icalendar counts as UTC (Etc/UTC, but also GMT and Africa/Abidjan), or floating if naive.
    The second 1:30 of an autumn night is written in UTC: with a TZID, RFC 5545 reads a repeated
    local time as its first occurrence, an hour early (icalendar drops the fold)."""
    if second_reading(moment):
        moment = moment.astimezone(UTC)
    tzid = tzid_from_dt(moment)
    if tzid == "UTC":
        return _content_line(name, _date_time(moment) + "Z")
    return _content_line(name + _tzid_parameter(tzid), _date_time(moment))


@lru_cache(maxsize=256)
def _tzid_parameter(tzid: str | None) -> str:
    """';TZID=...' through icalendar's parameter writer, which quotes a fixed offset's 'UTC-05:00'."""
    parameters = Parameters()
    parameters.tzid = tzid
    written = parameters.to_ical().decode()
    return f";{written}" if written else ""


def _utc_date_time(moment: datetime) -> str:
    """LAST-MODIFIED is moved to UTC by Event.add (a naive value is taken as UTC)."""
    return _date_time(tzp.localize_utc(moment)) + "Z"


def _date_time(moment: datetime) -> str:
    # vDatetime's format: seconds kept, microseconds and fold dropped, the year padded to four.
    return f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment.hour:02}{moment.minute:02}{moment.second:02}"


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
