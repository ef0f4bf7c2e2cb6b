"""A-numbers, phone numbers and names: parsing, normalizing and masking."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l

_A_NUMBER = re.compile(r"[Aa]?[\s-]*((?:\d[\s-]?){7,8}\d)")
_PHONE_LIKE = re.compile(r"[\d\s().+-]{7,}")
_TOKEN = re.compile(r"[a-z0-9]+")
TOKEN_MAX = 80


def parse_a_number(text: str, field: str = "a_number") -> str:
    """`A-012-345-678`, `A012345678` or `12345678` (older, 8 digits) -> '012345678'."""
    match = _A_NUMBER.fullmatch(text.strip())
    digits = re.sub(r"\D", "", match.group(1)) if match else ""
    if len(digits) not in (8, 9) or not digits.strip("0"):
        raise ValidationError(
            str(_l("An A-number has 9 digits (8 for older ones), like A-012-345-678 or 12345678.")), field
        )
    return digits.zfill(9)


def looks_like_a_number(text: str) -> bool:
    try:
        parse_a_number(text)
    except ValidationError:
        return False
    return True


def format_a_number(digits: str | None) -> str:
    if not digits:
        return ""
    return f"A-{digits[0:3]}-{digits[3:6]}-{digits[6:9]}"


def mask_a_number(digits: str | None) -> str:
    if not digits:
        return ""
    return f"A-•••-•••-{digits[6:9]}"


def parse_phone(text: str, field: str = "phone", region: str = "US") -> str:
    """Any written form of a phone number -> E.164; numbers outside the US need their country code."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            str(_l("Enter a valid phone number; for a number outside the US start with + and the country code.")), field
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_LIKE.fullmatch(text.strip())) and sum(c.isdigit() for c in text) >= 7


def format_phone(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def fold(text: str) -> str:
    """Lower case without accents: 'José Núñez' -> 'jose nunez'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_tokens(*names: str | None) -> set[str]:
    tokens: set[str] = set()
    for name in names:
        if name:
            tokens.update(t[:TOKEN_MAX] for t in _TOKEN.findall(fold(name).replace("'", "").replace("’", "")))
    return tokens


def token_upper_bound(prefix: str) -> str:
    """The greatest token that starts with `prefix` (tokens hold only a-z and 0-9)."""
    return prefix + "z" * (TOKEN_MAX - len(prefix))
