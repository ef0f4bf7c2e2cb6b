"""One cell's text to a value, and the message a wrong one gets."""

from __future__ import annotations

from datetime import date, time

import pytest

from casework.errors import ValidationError
from casework.families.models import Relationship
from casework.i18n import LANGUAGES
from imports.values import (
    DATE_ORDERS,
    CourtMatch,
    date_orders_of,
    fold_key,
    match_court,
    parse_a_number_text,
    parse_country,
    parse_date,
    parse_language,
    parse_phone_number,
    parse_relationship,
    parse_time,
    parse_yes_no,
)


def message_of(call, *args) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args)
    return caught.value


def test_fold_key():
    assert fold_key("K'iche'") == "kiche"
    assert fold_key("No. de Familia") == "nodefamilia"
    assert fold_key("  Núñez-Chávez ") == "nunezchavez"


# ---------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2026-03-07", None, date(2026, 3, 7)),
        ("2026/03/07", "mdy", date(2026, 3, 7)),
        ("7/3/2026", "dmy", date(2026, 3, 7)),
        ("7/3/2026", "mdy", date(2026, 7, 3)),
        ("07-03-2026", "dmy", date(2026, 3, 7)),
        ("7.3.26", "dmy", date(2026, 3, 7)),
        ("7.3.75", "dmy", date(1975, 3, 7)),
        ("1/2/69", "mdy", date(2069, 1, 2)),
        ("1/2/70", "mdy", date(1970, 1, 2)),
        ("13/3/2026", None, date(2026, 3, 13)),  # unambiguous: read whatever the order
        ("13/3/2026", "mdy", date(2026, 3, 13)),
        ("3/13/2026", "dmy", date(2026, 3, 13)),
        ("5/5/2026", None, date(2026, 5, 5)),  # the same either way
        ("2026-03-07 00:00", None, date(2026, 3, 7)),
        ("2026-03-07T09:30", None, date(2026, 3, 7)),
        ("2026-03-07 09:30:15", None, date(2026, 3, 7)),
        ("45358", None, date(2024, 3, 7)),
        ("45358.0", "mdy", date(2024, 3, 7)),
        ("7 de marzo de 2026", None, date(2026, 3, 7)),
        ("sábado, 7 de marzo del 2026", None, date(2026, 3, 7)),
        ("March 7, 2026", None, date(2026, 3, 7)),
        ("March 7th, 2026", None, date(2026, 3, 7)),
        ("7-mar-2026", None, date(2026, 3, 7)),
        ("07-Dic-25", None, date(2025, 12, 7)),
        ("1 ene 2026", None, date(2026, 1, 1)),
        ("Aug 15 2019", None, date(2019, 8, 15)),
        ("2026 abril 9", None, date(2026, 4, 9)),
        ("  2026-03-07  ", None, date(2026, 3, 7)),
    ],
)
def test_parse_date(text, order, expected):
    assert parse_date(text, order) == expected


def test_ambiguous_date_without_order_asks_for_the_order():
    error = message_of(parse_date, "7/3/2026")
    assert error.message == (
        "“7/3/2026” could be day/month/year or month/day/year: choose how the dates in this file are written."
    )
    assert error.field == "date"


def test_impossible_date():
    assert message_of(parse_date, "31/02/2026").message == (
        "“31/02/2026” is not a date that exists: check the day and the month."
    )
    assert "not a date that exists" in message_of(parse_date, "2026-02-30").message
    assert "not a date that exists" in message_of(parse_date, "13/13/2026", "dmy").message
    assert "not a date that exists" in message_of(parse_date, "31 de febrero de 2026").message


@pytest.mark.parametrize("text", ["pronto", "7/3", "2026", "45358 days", "1/2/3/4", "March 2026", "12345"])
def test_unreadable_date(text):
    error = message_of(parse_date, text)
    assert error.message.startswith(f"“{text}” is not a date we can read: write it as year-month-day (2026-03-07)")


def test_blank_date_and_out_of_range_year():
    assert message_of(parse_date, " ").message == "Enter a date, for example 2026-03-07."
    assert "year" in message_of(parse_date, "7/3/0026", "dmy").message


def test_date_orders_of():
    assert set(DATE_ORDERS) == {"dmy", "mdy"}
    assert date_orders_of(["7/3/2026", "", "2026-01-02", "45358", "13/3/2026"]) == {"dmy"}
    assert date_orders_of(["7/3/2026", "3/13/2026"]) == {"mdy"}
    assert date_orders_of(["7/3/2026", "8/4/2026", "7 de marzo de 2026"]) == {"dmy", "mdy"}
    # A bad date decides nothing; contradicting dates ask; nothing to ask when no date reads both ways.
    assert date_orders_of(["7/3/2026", "31/02/1991", "14/3/1988"]) == {"dmy"}
    assert date_orders_of(["7/3/2026", "13/3/2026", "3/13/2026"]) == {"dmy", "mdy"}
    assert date_orders_of(["13/3/2026", "3/13/2026"]) == set()
    assert date_orders_of(["13/3/2026", "pronto", "2026-01-02", "45358"]) == set()
    assert date_orders_of(["1/1/2026"]) == set()
    assert date_orders_of(iter([])) == set()


# ---------------------------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", time(9, 0)),
        ("09:00", time(9, 0)),
        ("9:00 AM", time(9, 0)),
        ("9am", time(9, 0)),
        ("12 pm", time(12, 0)),
        ("12:15 a.m.", time(0, 15)),
        ("1:30 p.m.", time(13, 30)),
        ("1:30 p. m.", time(13, 30)),
        ("13.30", time(13, 30)),
        ("13:30 h", time(13, 30)),
        ("8:30:00", time(8, 30)),
        ("0.375", time(9, 0)),  # an Excel time typed as a fraction of a day
        ("2026-03-07 09:30", time(9, 30)),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["0930", "9", "25:00", "9:75", "13:00 pm", "mañana", ""])
def test_unreadable_time(text):
    error = message_of(parse_time, text)
    assert error.message == f"“{text}” is not a time we can read: write it like 9:30, 9:30 AM or 14:00."
    assert error.field == "time"


# ---------------------------------------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("spa", "spa"),
        ("quc", "quc"),
        ("es", "spa"),
        ("en", "eng"),
        ("fr", "fra"),
        ("pt", "por"),
        ("ht", "hat"),
        ("ar", "arb"),
        ("ru", "rus"),
        ("zh", "cmn"),
        ("hi", "hin"),
        ("pa", "pan"),
        ("ti", "tir"),
        ("am", "amh"),
        ("wo", "wol"),
        ("tr", "tur"),
        ("uk", "ukr"),
        ("Español", "spa"),
        ("Spanish", "spa"),
        ("ESPAÑOL", "spa"),
        ("K'iche'", "quc"),
        ("K’iche’", "quc"),
        ("Kiche", "quc"),
        ("Quiché", "quc"),
        ("Mam", "mam"),
        ("Q'anjob'al", "kjb"),
        ("Kanjobal", "kjb"),
        ("Creole", "hat"),
        ("Criollo haitiano", "hat"),
        ("Kreyòl", "hat"),
        ("Portugués", "por"),
        ("Garífuna", "cab"),
        ("Mixteco", "mxt"),
        ("Náhuatl", "nhe"),
        ("Q'eqchi'", "kek"),
        ("Kekchí", "kek"),
        ("Cakchiquel", "cak"),
        ("Jakalteko", "jac"),
        ("Popti", "jac"),
        ("Tz'utujil", "tzj"),
        ("Chino mandarín", "cmn"),
        ("Árabe", "arb"),
        ("Tigriña", "tir"),
        ("Ucraniano", "ukr"),
    ],
)
def test_parse_language(text, code):
    assert parse_language(text) == code


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_language_by_code_and_english_name(code):
    assert parse_language(code) == code
    assert parse_language(str(LANGUAGES[code])) == code
    assert parse_language(str(LANGUAGES[code]).upper()) == code


def test_unknown_language():
    error = message_of(parse_language, "Klingon")
    assert error.message.startswith("“Klingon” is not a language we know: write its name, like Spanish")
    assert error.field == "language"


# ---------------------------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("text", ["yes", "Yes", "sí", "SI", "y", "s", "x", "X", "1", "true", "TRUE", "verdadero"])
def test_yes(text):
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["no", "NO", "n", "0", "false", "FALSE", "falso", "", "  "])
def test_no(text):
    assert parse_yes_no(text) is False


def test_neither_yes_nor_no():
    error = message_of(parse_yes_no, "tal vez")
    assert error.message == "“tal vez” is not yes or no: write yes or no (sí or no)."


# ---------------------------------------------------------------------------------------------- relationships


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("head", Relationship.HEAD),
        ("Jefe", Relationship.HEAD),
        ("jefa", Relationship.HEAD),
        ("Titular", Relationship.HEAD),
        ("principal", Relationship.HEAD),
        ("Spouse", Relationship.SPOUSE),
        ("esposo", Relationship.SPOUSE),
        ("Esposa", Relationship.SPOUSE),
        ("Cónyuge", Relationship.SPOUSE),
        ("pareja", Relationship.SPOUSE),
        ("partner", Relationship.SPOUSE),
        ("child", Relationship.CHILD),
        ("Son", Relationship.CHILD),
        ("daughter", Relationship.CHILD),
        ("Hijo", Relationship.CHILD),
        ("hija", Relationship.CHILD),
        ("stepchild", Relationship.STEPCHILD),
        ("Hijastro", Relationship.STEPCHILD),
        ("hijastra", Relationship.STEPCHILD),
        ("grandchild", Relationship.GRANDCHILD),
        ("nieto", Relationship.GRANDCHILD),
        ("Nieta", Relationship.GRANDCHILD),
        ("parent", Relationship.PARENT),
        ("Mother", Relationship.PARENT),
        ("father", Relationship.PARENT),
        ("madre", Relationship.PARENT),
        ("padre", Relationship.PARENT),
        ("mamá", Relationship.PARENT),
        ("Papá", Relationship.PARENT),
        ("sibling", Relationship.SIBLING),
        ("brother", Relationship.SIBLING),
        ("sister", Relationship.SIBLING),
        ("hermano", Relationship.SIBLING),
        ("Hermana", Relationship.SIBLING),
        ("niece", Relationship.NIECE_NEPHEW),
        ("nephew", Relationship.NIECE_NEPHEW),
        ("sobrino", Relationship.NIECE_NEPHEW),
        ("sobrina", Relationship.NIECE_NEPHEW),
        ("other relative", Relationship.OTHER_RELATIVE),
        ("Otro familiar", Relationship.OTHER_RELATIVE),
        ("tío", Relationship.OTHER_RELATIVE),
        ("Tía", Relationship.OTHER_RELATIVE),
        ("primo", Relationship.OTHER_RELATIVE),
        ("prima", Relationship.OTHER_RELATIVE),
        ("abuelo", Relationship.OTHER_RELATIVE),
        ("abuela", Relationship.OTHER_RELATIVE),
        ("not related", Relationship.NOT_RELATED),
        ("No familiar", Relationship.NOT_RELATED),
        ("amigo", Relationship.NOT_RELATED),
        ("Amiga", Relationship.NOT_RELATED),
    ],
)
def test_parse_relationship(text, expected):
    assert parse_relationship(text) is expected


def test_every_relationship_by_its_value():
    for kind in Relationship:
        assert parse_relationship(kind.value) is kind


def test_unknown_relationship():
    error = message_of(parse_relationship, "vecino lejano")
    assert error.message.startswith("“vecino lejano” is not a relationship we know: write the relationship")
    assert error.field == "relationship"


# ---------------------------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(212) 555-0142", "+12125550142"),
        ("212.555.0142", "+12125550142"),
        ("1-212-555-0142", "+12125550142"),
        ("+1 212 555 0142", "+12125550142"),
        ("502 5555 1234", "+50255551234"),
        ("00502 5555-1234", "+50255551234"),
        ("011 504 9999 1234", "+50499991234"),
        ("+502 5555-1234", "+50255551234"),
        ("503 7012 3456", "+50370123456"),
        ("509 3456 7890", "+50934567890"),
        ("52 55 1234 5678", "+525512345678"),
        ("502-555-0142", "+15025550142"),  # 10 digits: Louisville, not Guatemala
    ],
)
def test_parse_phone_number(text, expected):
    assert parse_phone_number(text) == expected


@pytest.mark.parametrize("text", ["12345", "555-0142", "teléfono", "502 555"])
def test_invalid_phone_number(text):
    error = message_of(parse_phone_number, text)
    assert error.message == (
        "Enter a valid phone number; for a number outside the US start with + and the country code."
    )
    assert error.field == "phone"


# ---------------------------------------------------------------------------------------------- A-numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A#123456789", "123456789"),
        ("A-#123-456-789", "123456789"),
        ("No. A 123 456 789", "123456789"),
        ("A-012-345-678", "012345678"),
        ("A012345678", "012345678"),
        ("12345678", "012345678"),
        ("123.456.789", "123456789"),
        ("a# 123-456-789", "123456789"),
        ("Alien No. 123456789", "123456789"),
        ("A-number: 123 456 789", "123456789"),
        ("Nº A-123456789", "123456789"),
    ],
)
def test_parse_a_number_text(text, expected):
    assert parse_a_number_text(text) == expected


@pytest.mark.parametrize("text", ["A-12", "1234567890", "000000000", "ninguno", "B123456789"])
def test_invalid_a_number(text):
    error = message_of(parse_a_number_text, text)
    assert error.message == "An A-number has 9 digits (8 for older ones), like A-012-345-678 or 12345678."
    assert error.field == "a_number"


# ---------------------------------------------------------------------------------------------- countries


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("GT", "GT"),
        ("gt", "GT"),
        ("GTM", "GT"),
        ("HND", "HN"),
        ("Guatemala", "GT"),
        ("Honduras", "HN"),
        ("El Salvador", "SV"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Haití", "HT"),
        ("Haiti", "HT"),
        ("Nicaragua", "NI"),
        ("Venezuela", "VE"),
        ("Estados Unidos", "US"),
        ("EE. UU.", "US"),
        ("Brasil", "BR"),
        ("Perú", "PE"),
        ("República Dominicana", "DO"),
        ("Guatemalteca", "GT"),
        ("hondureño", "HN"),
    ],
)
def test_parse_country(text, code):
    assert parse_country(text) == code


def test_unknown_country():
    error = message_of(parse_country, "Narnia")
    assert error.message == (
        "“Narnia” is not a country we know: write its name, like Guatemala, or its two-letter code, like GT."
    )
    assert error.field == "country"


# ---------------------------------------------------------------------------------------------- courts

COURTS = [
    (1, "Houston - S. Gessner Road Immigration Court", "Houston"),
    (2, "Houston - Jefferson Street Immigration Court", "Houston"),
    (3, "Eloy Immigration Court", "Eloy"),
    (4, "Dallas Immigration Court", "Dallas"),
]
SINGLE_HOUSTON = [(7, "Houston Immigration Court", "Houston"), (4, "Dallas Immigration Court", "Dallas")]


@pytest.mark.parametrize(
    ("text", "courts", "expected"),
    [
        ("Houston", SINGLE_HOUSTON, CourtMatch(7, None)),
        ("Houston Immigration Court", SINGLE_HOUSTON, CourtMatch(7, None)),
        ("Corte de Inmigración de Houston", SINGLE_HOUSTON, CourtMatch(7, None)),
        ("HOUSTON IMMIGRATION COURT", SINGLE_HOUSTON, CourtMatch(7, None)),
        ("Houston - S. Gessner Road Immigration Court", COURTS, CourtMatch(1, None)),
        ("houston s gessner road", COURTS, CourtMatch(1, None)),
        ("Eloy", COURTS, CourtMatch(3, None)),
        ("Corte de Eloy", COURTS, CourtMatch(3, None)),
        ("HOU S Gessner", COURTS, CourtMatch(None, 1)),  # an abbreviation: suggested, not chosen
        ("Houston Jeferson St", COURTS, CourtMatch(None, 2)),
        ("Dalas", COURTS, CourtMatch(None, 4)),
        ("Chicago", COURTS, CourtMatch(None, None)),
        ("", COURTS, CourtMatch(None, None)),
    ],
)
def test_match_court(text, courts, expected):
    assert match_court(text, courts) == expected


def test_a_city_with_several_courts_is_not_an_exact_match():
    match = match_court("Houston", COURTS)
    assert match.court_id is None
    assert match.suggestion_id in (1, 2)
