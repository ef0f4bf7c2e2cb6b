"""Locale choice, translation helpers and the language and country lists used in forms."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext
from flask_login import current_user

SUPPORTED_LOCALES = ("en", "es", "fr")
LOCALE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}

babel = Babel()

# ISO 639-3 codes a program meets, with their names; indigenous languages of Mexico and
# Central America are named as their speakers' communities know them.
LANGUAGES: dict[str, str] = {
    "spa": lazy_gettext("Spanish"),
    "eng": lazy_gettext("English"),
    "hat": lazy_gettext("Haitian Creole"),
    "fra": lazy_gettext("French"),
    "por": lazy_gettext("Portuguese"),
    "quc": lazy_gettext("K'iche'"),
    "mam": lazy_gettext("Mam"),
    "kjb": lazy_gettext("Q'anjob'al"),
    "cak": lazy_gettext("Kaqchikel"),
    "kek": lazy_gettext("Q'eqchi'"),
    "ixl": lazy_gettext("Ixil"),
    "jac": lazy_gettext("Popti' (Jakaltek)"),
    "acr": lazy_gettext("Achi"),
    "poh": lazy_gettext("Poqomchi'"),
    "tzh": lazy_gettext("Tzeltal"),
    "tzo": lazy_gettext("Tzotzil"),
    "cab": lazy_gettext("Garifuna"),
    "mis": lazy_gettext("Miskito"),
    "mxt": lazy_gettext("Mixtec"),
    "zap": lazy_gettext("Zapotec"),
    "nhe": lazy_gettext("Nahuatl"),
    "tzj": lazy_gettext("Tz'utujil"),
    "arb": lazy_gettext("Arabic"),
    "rus": lazy_gettext("Russian"),
    "cmn": lazy_gettext("Mandarin Chinese"),
    "hin": lazy_gettext("Hindi"),
    "pan": lazy_gettext("Punjabi"),
    "tir": lazy_gettext("Tigrinya"),
    "amh": lazy_gettext("Amharic"),
    "wol": lazy_gettext("Wolof"),
    "tur": lazy_gettext("Turkish"),
    "ukr": lazy_gettext("Ukrainian"),
}

# The countries most families come from, listed first in country fields.
FREQUENT_COUNTRIES = ("GT", "HN", "SV", "MX", "HT", "VE", "NI", "CO", "EC", "CU", "US")


def select_locale() -> str:
    if not has_request_context():
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    signed_in = getattr(current_user, "is_authenticated", False)
    if signed_in and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    if signed_in:
        from casework.db import db
        from casework.extensions import registry

        for default_for in registry(current_app).default_locales:
            chosen_by_domain = default_for(db.session, current_user)
            if chosen_by_domain in SUPPORTED_LOCALES:
                return chosen_by_domain
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def select_timezone() -> str:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.organization.timezone
    return "America/New_York"


def language_name(code: str | None) -> str:
    if not code:
        return ""
    return str(LANGUAGES.get(code, code))


def language_choices() -> list[tuple[str, str]]:
    """The languages as select choices, sorted by name in the reader's language."""
    return list(_language_choices(str(get_locale())))


@lru_cache(maxsize=8)
def _language_choices(locale: str) -> tuple[tuple[str, str], ...]:
    # The names are lazy strings: each str() is a catalog look-up, the same for every request of a locale.
    return tuple(sorted(((code, str(name)) for code, name in LANGUAGES.items()), key=lambda c: c[1]))


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return Locale.parse(str(get_locale())).territories.get(code, code)


def country_choices() -> list[tuple[str, str]]:
    territories = Locale.parse(str(get_locale())).territories
    frequent = [(code, territories[code]) for code in FREQUENT_COUNTRIES]
    others = sorted(
        (
            (code, name)
            for code, name in territories.items()
            if len(code) == 2
            and code.isalpha()
            and code not in FREQUENT_COUNTRIES
            and (not code.startswith("X") or code == "XK")
            and code not in {"ZZ", "EU", "EZ", "UN", "QO"}
        ),
        key=lambda c: c[1],
    )
    return frequent + others


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(
        language_name=language_name,
        country_name=country_name,
        LOCALE_NAMES=LOCALE_NAMES,
        get_locale=get_locale,
    )


__all__ = ["LANGUAGES", "SUPPORTED_LOCALES", "gettext", "init_app", "lazy_gettext"]
