from datetime import date

import pytest

from casework.errors import ValidationError
from casework.families.identifiers import (
    fold,
    format_a_number,
    looks_like_a_number,
    looks_like_phone,
    mask_a_number,
    name_tokens,
    parse_a_number,
    parse_phone,
    token_upper_bound,
)
from casework.timeutil import add_years, age_on


@pytest.mark.parametrize(
    "text", ["A-012-345-678", "A012345678", "a 012 345 678", "012345678", "12345678", " A-12345678 "]
)
def test_accepted_a_number_forms_store_nine_digits(text):
    assert parse_a_number(text) == "012345678"


@pytest.mark.parametrize(
    "text", ["", "A-12-34", "1234567", "1234567890", "B012345678", "A-000-000-000", "A-012-345-67X", "012-345-678-9"]
)
def test_other_a_numbers_are_refused(text):
    with pytest.raises(ValidationError) as refused:
        parse_a_number(text)
    assert refused.value.field == "a_number"
    assert "9 digits" in refused.value.message


def test_a_number_display_and_mask():
    assert format_a_number("012345678") == "A-012-345-678"
    assert mask_a_number("012345678") == "A-•••-•••-678"
    assert "012" not in mask_a_number("012345678")


def test_phones_are_stored_in_e164():
    assert parse_phone("(312) 555-0143") == "+13125550143"
    assert parse_phone("+502 5555 1234") == "+50255551234"
    assert parse_phone("+509 3412 3456") == "+50934123456"
    with pytest.raises(ValidationError):
        parse_phone("555")
    with pytest.raises(ValidationError):
        parse_phone("5555 1234")  # a Guatemalan number without its country code is not a US number


def test_query_kinds():
    assert looks_like_a_number("A-012-345-678") and not looks_like_a_number("jose")
    assert looks_like_phone("(312) 555-0143") and not looks_like_phone("José 12")


def test_name_tokens_ignore_accents_case_and_apostrophes():
    assert fold("José NÚÑEZ Peña") == "jose nunez pena"
    assert name_tokens("María José", "Pérez-Núñez", None, "K'iche'") == {"maria", "jose", "perez", "nunez", "kiche"}


def test_token_upper_bound_covers_every_continuation():
    bound = token_upper_bound("gar")
    assert bound >= "garcia" and bound >= "garzon" and bound < "gas"
    assert bound >= "gar" and bound >= "gar9"


def test_ages_and_leap_days():
    assert age_on(date(2010, 11, 24), date(2026, 11, 24)) == 16
    assert age_on(date(2010, 11, 25), date(2026, 11, 24)) == 15
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
