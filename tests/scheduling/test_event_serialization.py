"""The hand-written VEVENT serializer against the icalendar-built one it replaced: the same bytes
for every kind of text, zone, daylight-saving edge, sequence and modification time."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Event
from icalendar.parser.string import _foldline

from scheduling.calendars import _STAMP_STAND_IN_ICAL, EventFacts, _fold, event_ical, second_reading

ZONES = (
    "America/Chicago",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "America/Phoenix",
    "Europe/Madrid",
)

TEXTS = (
    "Individual hearing",
    "Audiencia individual: traiga su pasaporte",
    "Riqoj: ri ajchak'ub'al k'o pa ri tribunal, xa b'a' chwa' ri q'ij",  # K'iche'
    "Odyans endividyèl: pote paspò ou, ak tout papye ou yo",  # Haitian Creole
    "Entrevista 📅 en USCIS 🏛️ — llegue temprano 👍",
    "移民法庭听证会\uff0c请带护照\uff1b谢谢",  # with CJK full-width comma and semicolon
    "a,b;c\\d:e",
    "line one\nline two\r\nline three\rline four",
    "ends with a backslash \\",
    "caret ^ and ^^ and \\N and \\n and \\, literally",
    "",
)


# The instant the old serializer wrote as DTSTAMP, for the feed to replace (_STAMP_STAND_IN_ICAL).
STAMP_STAND_IN = datetime(1970, 1, 1, tzinfo=UTC)


def reference_event_ical(facts: EventFacts) -> bytes:
    """The serializer before the hand-written one, kept as the definition of the right bytes; the
    second reading of a repeated local time given to it in UTC, as the new one writes it."""
    if second_reading(facts.start):
        facts = replace(facts, start=facts.start.astimezone(UTC))
    if second_reading(facts.end):
        facts = replace(facts, end=facts.end.astimezone(UTC))
    event = Event()
    event.add("uid", facts.uid)
    event.add("dtstamp", STAMP_STAND_IN)
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


def assert_same_bytes(written: bytes, expected: bytes) -> None:
    if written == expected:
        return
    ours, theirs = written.split(b"\r\n"), expected.split(b"\r\n")
    at = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
    ours_line = ours[at] if at < len(ours) else b"<none>"
    theirs_line = theirs[at] if at < len(theirs) else b"<none>"
    pytest.fail(f"first difference at line {at}:\n  written:  {ours_line!r}\n  expected: {theirs_line!r}")


def assert_matches_reference(facts: EventFacts) -> None:
    assert_same_bytes(event_ical.__wrapped__(facts), reference_event_ical(facts))


def local(zone: str, *parts: int, fold: int = 0) -> datetime:
    """A local wall-clock time as facts_for makes it: ZoneInfo tzinfo and the chosen fold."""
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)


def facts(start: datetime | None = None, **changes) -> EventFacts:
    start = start or local("America/Chicago", 2026, 6, 15, 9, 0)
    base = EventFacts(
        uid="0f8fad5b-d9cb-469f-a165-70867728950e@casework",
        sequence=0,
        last_modified=datetime(2026, 5, 1, 14, 3, 7, 654321, tzinfo=UTC),
        start=start,
        end=(start.astimezone(UTC) + timedelta(hours=1)).astimezone(start.tzinfo),
        summary="Individual hearing",
        location="525 W Van Buren St, Suite 500, Chicago, IL 60607",
        description="Bring your passport.\n1-800-898-7180",
        url=None,
        cancelled=False,
    )
    return replace(base, **changes)


def test_ical_a_difference_is_reported_with_the_first_differing_line():
    with pytest.raises(pytest.fail.Exception, match="line 1"):
        assert_same_bytes(b"BEGIN:VEVENT\r\nSUMMARY:a\r\n", b"BEGIN:VEVENT\r\nSUMMARY:b\r\n")


def test_ical_the_stamp_is_the_stand_in_the_feed_replaces():
    written = event_ical.__wrapped__(facts())
    assert written.split(b"\r\n").count(_STAMP_STAND_IN_ICAL) == 1
    assert_matches_reference(facts())


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("field", ["summary", "location", "description", "uid"])
def test_ical_text_in_every_field(field, text):
    assert_matches_reference(facts(**{field: text}))


@pytest.mark.parametrize(
    "url", [None, "", "https://meet.example.org/j/1234567890?pwd=abc", "https://x.example/" + "a^b\\c" * 40]
)
@pytest.mark.parametrize("cancelled", [False, True])
def test_ical_url_and_status(url, cancelled):
    assert_matches_reference(facts(url=url, cancelled=cancelled))


@pytest.mark.parametrize("sequence", [0, 1, 17, 2_147_483_647, -1])
def test_ical_sequence(sequence):
    assert_matches_reference(facts(sequence=sequence))


@pytest.mark.parametrize("sequence", [2_147_483_648, -2_147_483_649])
def test_ical_a_sequence_outside_the_rfc_range_is_refused_by_both(sequence):
    with pytest.raises(ValueError):
        reference_event_ical(facts(sequence=sequence))
    with pytest.raises(ValueError):
        event_ical.__wrapped__(facts(sequence=sequence))


def test_ical_a_url_with_a_line_break_is_refused_by_both():
    with pytest.raises(ValueError):
        reference_event_ical(facts(url="https://x.example/\r\nX-EVIL:1"))
    with pytest.raises(ValueError):
        event_ical.__wrapped__(facts(url="https://x.example/\r\nX-EVIL:1"))


@pytest.mark.parametrize(
    "modified",
    [
        datetime(2026, 5, 1, 14, 3, 7, 999999, tzinfo=UTC),
        datetime(2026, 5, 1, 23, 59, 59, 500000, tzinfo=ZoneInfo("America/Los_Angeles")),  # next day in UTC
        datetime(2026, 11, 1, 1, 30, 0, 1, tzinfo=ZoneInfo("America/Chicago"), fold=1),
        datetime(2026, 5, 1, 14, 3, 7),  # noqa: DTZ001 (naive on purpose: icalendar takes it as UTC)
        datetime(987, 5, 1, 14, 3, 7, tzinfo=UTC),  # a year below 1000 is padded to four digits
    ],
)
def test_ical_last_modified(modified):
    assert_matches_reference(facts(last_modified=modified))


def test_ical_a_naive_last_modified_is_taken_as_utc_whatever_the_machines_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    try:
        assert_matches_reference(facts(last_modified=datetime(2026, 5, 1, 14, 3, 7)))  # noqa: DTZ001
    finally:
        monkeypatch.undo()
        time.tzset()


DST_EDGES = [
    # (zone, spring-forward day, fall-back day) in 2026
    ("America/Chicago", (2026, 3, 8), (2026, 11, 1)),
    ("America/New_York", (2026, 3, 8), (2026, 11, 1)),
    ("America/Los_Angeles", (2026, 3, 8), (2026, 11, 1)),
    ("Europe/Madrid", (2026, 3, 29), (2026, 10, 25)),
    ("Pacific/Honolulu", (2026, 3, 8), (2026, 11, 1)),  # no daylight time: ordinary days
    ("America/Phoenix", (2026, 3, 8), (2026, 11, 1)),
]


@pytest.mark.parametrize("zone, spring, autumn", DST_EDGES)
@pytest.mark.parametrize("hour, minute", [(0, 0), (1, 30), (2, 0), (2, 30), (3, 0), (23, 59)])
@pytest.mark.parametrize("fold", [0, 1])
def test_ical_starts_on_daylight_saving_days(zone, spring, autumn, hour, minute, fold):
    for day in (spring, autumn):
        assert_matches_reference(facts(local(zone, *day, hour, minute, fold=fold)))


@pytest.mark.parametrize("zone", ZONES)
def test_ical_the_second_reading_of_the_repeated_hour_is_written_in_utc(zone):
    """Both 1:30s of the autumn night: the first with the zone's TZID, the second as its UTC
    instant, which a calendar cannot read as the first (RFC 5545 takes a repeated local time as its
    first occurrence)."""
    day = next(autumn for z, _spring, autumn in DST_EDGES if z == zone)
    hour = 2 if zone == "Europe/Madrid" else 1
    first, second = (facts(local(zone, *day, hour, 30, fold=fold)) for fold in (0, 1))
    assert_matches_reference(first)
    assert_matches_reference(second)
    starts = [
        next(line for line in event_ical.__wrapped__(f).split(b"\r\n") if line.startswith(b"DTSTART"))
        for f in (first, second)
    ]
    repeated = first.start.utcoffset() != first.start.replace(fold=1).utcoffset()
    if repeated:
        assert starts[0] == f"DTSTART;TZID={zone}:{day[0]}{day[1]:02}{day[2]:02}T{hour:02}3000".encode()
        utc = second.start.astimezone(UTC)
        assert starts[1] == f"DTSTART:{utc:%Y%m%dT%H%M%S}Z".encode()
        assert utc - first.start.astimezone(UTC) == timedelta(hours=1)
    else:  # a zone without daylight time: one 1:30, written alike
        assert starts[0] == starts[1]


@pytest.mark.parametrize(
    "tzinfo",
    [
        UTC,
        ZoneInfo("UTC"),
        ZoneInfo("Etc/UTC"),
        ZoneInfo("Africa/Abidjan"),  # icalendar counts it as UTC and writes 'Z'
        ZoneInfo("Europe/London"),
        timezone(timedelta(hours=-5)),  # TZID "UTC-05:00", quoted for its colon
        timezone(timedelta(hours=-5), "EST"),
        None,  # floating time
    ],
)
def test_ical_other_kinds_of_start(tzinfo):
    start = datetime(2026, 6, 15, 9, 0, 5, 123, tzinfo=tzinfo)
    assert_matches_reference(facts(start, end=start + timedelta(hours=2)))


FOLDING_CHARACTERS = ("é", "中", "📅", "\\", ";", ",", "^", "\n", "a")


@pytest.mark.parametrize("character", FOLDING_CHARACTERS)
def test_ical_every_fold_position_around_a_special_character(character):
    """The character (or its escape) lands on every octet around the first and second fold."""
    for padding in range(55, 150):
        for field in ("summary", "description"):
            text = "x" * padding + character + "y" * 10 + character * 3 + "z" * 80
            assert_matches_reference(facts(**{field: text}))


@pytest.mark.parametrize("length", range(60, 160))
def test_ical_lines_of_every_length_near_the_fold(length):
    assert_matches_reference(facts(location="L" * length, summary="é" * (length // 2)))


ALPHABET = "abcXYZ 019:-/.ñéèòüK'iche'Ayiti中文字😀🏛\\;,^\n\r\t\"<>&%"


def random_text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(longest + 1)))


def test_ical_fold_matches_icalendars_foldline_on_random_lines():
    rng = random.Random(5545)  # noqa: S311 (reproducible test data)
    for _ in range(3_000):
        line = random_text(rng, 400).replace("\n", "").replace("\r", "")
        assert _fold(line.encode()) == _foldline(line).encode(), line


def random_facts(rng: random.Random) -> EventFacts:
    zone = rng.choice(ZONES)
    if rng.random() < 0.3:  # a daylight-saving day, often in the night hours
        day = rng.choice([d for z, *days in DST_EDGES if z == zone for d in days])
        start = local(zone, *day, rng.randrange(4), rng.choice([0, 15, 30, 45]), fold=rng.randrange(2))
    else:
        start = local(zone, 2026, 1, 1, 0, 0) + timedelta(days=rng.randrange(730), minutes=15 * rng.randrange(96))
        start = start.replace(fold=rng.randrange(2))
    hours = rng.choice([1, 2, 3])
    return EventFacts(
        uid=f"{rng.getrandbits(128):032x}@casework",
        sequence=rng.choice([0, 1, rng.randrange(1000), 2_147_483_647]),
        last_modified=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=rng.randrange(10**14)),
        start=start,
        end=(start.astimezone(UTC) + timedelta(hours=hours)).astimezone(start.tzinfo),
        summary=random_text(rng, 120),
        location=rng.choice(["", random_text(rng, 200)]),
        description=rng.choice(["", random_text(rng, 500), rng.choice(TEXTS) + "\n1-800-898-7180"]),
        url=rng.choice([None, None, "https://meet.example.org/j/" + str(rng.randrange(10**12))]),
        cancelled=rng.random() < 0.2,
    )


@pytest.mark.parametrize("seed", range(8))
def test_ical_random_events(seed):
    rng = random.Random(seed)  # noqa: S311 (reproducible test data)
    for _ in range(50):
        assert_matches_reference(random_facts(rng))


def test_ical_the_cached_serializer_gives_the_same_bytes():
    event_ical.cache_clear()
    one = facts(summary="Audiencia 📅, sala 3; piso 5\\" * 5)
    assert event_ical(one) == event_ical(one) == reference_event_ical(one)
