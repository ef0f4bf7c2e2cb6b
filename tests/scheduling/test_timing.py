"""Local times at a zone: the spring gap, the autumn fold, wall-clock steps and quiet hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from casework.errors import ValidationError
from scheduling.timing import Step, next_allowed, parse_steps, resolve, step_instant


def test_a_time_in_the_spring_forward_gap_is_refused_not_shifted():
    with pytest.raises(ValidationError) as refused:
        resolve(date(2027, 3, 14), time(2, 30), "America/Chicago", None)
    assert refused.value.field == "local_time"
    assert "does not exist" in refused.value.message


def test_an_ambiguous_autumn_time_must_be_chosen_and_each_choice_is_its_own_instant():
    with pytest.raises(ValidationError) as asked:
        resolve(date(2026, 11, 1), time(1, 30), "America/New_York", None)
    assert asked.value.field == "fold"
    first = resolve(date(2026, 11, 1), time(1, 30), "America/New_York", 0)
    second = resolve(date(2026, 11, 1), time(1, 30), "America/New_York", 1)
    assert first.starts_at == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # EDT, UTC-4
    assert second.starts_at == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # EST, UTC-5


@pytest.mark.parametrize(
    "zone, summer_utc_hour, winter_utc_hour",
    [
        ("America/Phoenix", 15, 15),  # Arizona keeps no daylight time
        ("America/Denver", 14, 15),  # El Paso is on Mountain time
        ("America/Chicago", 13, 14),
        ("America/Puerto_Rico", 12, 12),  # Atlantic time all year
        ("Pacific/Saipan", 22, 22),  # UTC+10, the day before in UTC
        ("Pacific/Honolulu", 18, 18),
    ],
)
def test_each_court_zone_family_converts_8am_correctly_in_summer_and_winter(zone, summer_utc_hour, winter_utc_hour):
    summer = resolve(date(2026, 7, 15), time(8, 0), zone, None).starts_at
    winter = resolve(date(2026, 12, 15), time(8, 0), zone, None).starts_at
    assert summer.hour == summer_utc_hour
    assert winter.hour == winter_utc_hour
    if zone == "Pacific/Saipan":
        assert summer.date() == date(2026, 7, 14)


def test_seven_days_before_at_ten_is_ten_local_even_across_the_dst_change():
    # Hearing Thursday 5 November 2026 in Chicago; DST ended Sunday 1 November.
    instant = step_instant(date(2026, 11, 5), Step(7, time(10, 0)), "America/Chicago")
    assert instant == datetime(2026, 10, 29, 15, 0, tzinfo=UTC)  # 10:00 CDT
    assert instant.astimezone(__import__("zoneinfo").ZoneInfo("America/Chicago")).hour == 10
    hearing = resolve(date(2026, 11, 5), time(10, 0), "America/Chicago", None).starts_at
    assert (hearing - instant).total_seconds() == 7 * 24 * 3600 + 3600  # not 168 hours


def test_a_step_landing_in_the_spring_gap_moves_to_the_first_real_minute():
    instant = step_instant(date(2027, 3, 15), Step(1, time(2, 30)), "America/Chicago")
    assert instant == datetime(2027, 3, 14, 8, 0, tzinfo=UTC)  # 03:00 CDT


@pytest.mark.parametrize(
    "day, local_hour, expected_local",
    [(1, 21, (2, 8)), (1, 23, (2, 8)), (2, 7, (2, 8)), (1, 8, (1, 8)), (1, 20, (1, 20))],
)
def test_quiet_hours_wait_for_the_morning(day, local_hour, expected_local):
    from zoneinfo import ZoneInfo

    zone = "America/Chicago"
    moment = datetime(2026, 12, day, local_hour, 0, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    allowed = next_allowed(moment, zone, time(21, 0), time(8, 0)).astimezone(ZoneInfo(zone))
    assert (allowed.day, allowed.hour) == expected_local


@pytest.mark.parametrize("text", ["", "7", "7@25:00", "x@10:00", "70@10:00", "7@10:00 7@10:00"])
def test_reminder_steps_refuse_what_they_cannot_read(text):
    with pytest.raises(ValidationError) as refused:
        parse_steps(text)
    assert refused.value.field == "steps"


def test_reminder_steps_are_sorted_earliest_first():
    assert [str(s) for s in parse_steps("0@08:00, 7@10:00 2@10:00")] == ["7@10:00", "2@10:00", "0@08:00"]


def test_a_date_is_written_at_its_place_in_the_reader_s_language(app):
    """The same day and hour at two places, the repeated autumn hour read twice, and in Spanish:
    each written as it is, though the writing is kept once made (scheduling.sections.local_when)."""
    from types import SimpleNamespace

    from flask_babel import force_locale

    from scheduling.sections import local_when

    def at(zone: str, fold: int = 0, day: date = date(2026, 11, 1), hour: time = time(1, 30)):
        return SimpleNamespace(local_date=day, local_time=hour, timezone=zone, fold=fold)

    with app.test_request_context("/"):
        with force_locale("en"):
            assert local_when(at("America/New_York")) == "Sun 1 Nov 2026, 01:30 EDT"
            assert local_when(at("America/New_York", fold=1)) == "Sun 1 Nov 2026, 01:30 EST"
            assert local_when(at("America/Phoenix")) == "Sun 1 Nov 2026, 01:30 MST"
        with force_locale("es"):
            assert local_when(at("America/New_York", fold=1)).startswith("dom 1 nov 2026, 01:30")
