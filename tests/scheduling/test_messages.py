"""Reminder texts: two SMS segments at most, GSM-7, nothing private, the parts the evidence asks for."""

from __future__ import annotations

from datetime import date, time

import pytest

from scheduling import messages
from scheduling.messages import MessageFacts, compose, is_gsm7, segments, to_gsm7

LONG_STREET = "Edificio Ochoa, 500 Calle de la Tanca, Suite 401, San Juan, PR 00901"
LINK = "https://casework.example-program.org/f/jQ0G20cHeosPthzk"


def facts(
    language: str,
    street: str | None = "525 West Van Buren Street, Suite 500, Chicago, IL 60607",
    short: str | None = "525 West Van Buren Street, Chicago",
    video: str | None = None,
) -> MessageFacts:
    return MessageFacts(
        language=language,
        category="hearing",
        day=date(2026, 9, 30),
        at=time(10, 30),
        street=street,
        short_street=short,
        video_link=video,
        phone="(312) 555-0100",
        link=LINK,
        is_hearing=True,
    )


VARIANTS = [
    ("reminder", {"consequence": True}),
    ("reminder", {"plan": True}),
    ("reminder", {"reply": True}),
    ("date_changed", {}),
    ("cancelled", {}),
]


@pytest.mark.parametrize("language", sorted(messages.WORDINGS))
@pytest.mark.parametrize("kind, flags", VARIANTS, ids=lambda v: str(v))
def test_every_text_fits_two_gsm7_segments_and_keeps_the_link(language, kind, flags):
    text = compose(kind, facts(language), sms=True, **flags).text
    assert is_gsm7(text), text
    assert segments(text) <= 2, (len(text), text)
    assert LINK in text and "STOP" in text and "1-800-898-7180" in text
    wording = messages.wording(language)
    if flags.get("consequence"):
        assert to_gsm7(wording.consequence) in text
    if flags.get("plan"):
        assert to_gsm7(wording.plan.format(time=messages.format_clock(wording, time(10, 30)))) in text
    if flags.get("reply"):
        assert to_gsm7(wording.reply) in text


@pytest.mark.parametrize("language", sorted(messages.WORDINGS))
def test_a_very_long_address_gives_way_before_the_date_and_the_court_line(language):
    text = compose(
        "reminder",
        facts(
            language, street=LONG_STREET + ", Building B, Second Floor, Room 2-114", short="Edificio Ochoa, San Juan"
        ),
        sms=True,
        consequence=True,
    ).text
    assert segments(text) <= 2 and "1-800-898-7180" in text and "San Juan" in text


def test_the_first_reminder_names_the_consequence_and_the_day_before_prompts_a_plan():
    first = compose("reminder", facts("eng"), sms=True, consequence=True).text
    assert "removal order" in first
    plan = compose("reminder", facts("eng"), sms=True, plan=True).text
    assert "What time will you leave to arrive by 10:30" in plan and "removal" not in plan


def test_a_video_hearing_gives_the_link_instead_of_a_street():
    text = compose(
        "reminder", facts("spa", street=None, short=None, video="https://meet.example.org/r/123"), sms=True, reply=True
    ).text
    assert "por video: https://meet.example.org/r/123" in text


def test_dates_are_written_in_the_language_with_the_weekday():
    assert "miércoles 30 de septiembre" in compose("reminder", facts("spa")).text
    assert "mèkredi 30 septanm" in compose("reminder", facts("hat")).text
    assert "quarta-feira, 30 de setembro" in compose("reminder", facts("por")).text
    assert "Wednesday, September 30, 10:30" in compose("reminder", facts("eng")).text


def test_segment_counting_follows_gsm7_and_ucs2():
    assert segments("a" * 160) == 1 and segments("a" * 161) == 2 and segments("a" * 306) == 2
    assert segments("a" * 307) == 3
    assert segments("[" * 80) == 1 and segments("[" * 81) == 2  # extension characters count twice
    assert segments("á" * 70) == 1 and segments("á" * 71) == 2  # á is not GSM-7: UCS-2
    assert to_gsm7("deportación según día") == "deportacion segun dia"
    assert to_gsm7("8:30\u202fAM") == "8:30 AM"
    assert to_gsm7("¿Número? ñ é") == "¿Numero? ñ é"
