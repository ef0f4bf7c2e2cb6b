"""Locale choice, translation helpers and the language and country lists used in forms."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_datetime_format, get_time_format, parse_pattern
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, LazyString, format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from wtforms.i18n import messages_path

SUPPORTED_LOCALES = ("en", "es", "fr")
LOCALE_NAMES = {"en": "English", "es": "Español", "fr": "Français"}

babel = Babel()


def catalogue() -> NullTranslations:
    """The catalogue of the current locale, kept beside the locale in Flask-Babel's per-request
    namespace: Flask-Babel looks it up again for every string (a page's templates ask for
    hundreds), and clears that attribute itself when `force_locale` or `refresh` change the
    locale, so a text written in another language still reads that language's catalogue."""
    try:
        namespace = g.get("_flask_babel")
    except RuntimeError:  # outside an app context: Flask-Babel answers with no catalogue
        return get_translations()
    found = getattr(namespace, "babel_translations", None)
    if found is None:
        found = get_translations()
        if namespace is None:
            namespace = g.get("_flask_babel")  # made by the look-up above, inside an app context
        if namespace is not None:
            namespace.babel_translations = found
    return found


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's `gettext`, reading the request's catalogue once (see `catalogue`)."""
    translated = catalogue().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


@pass_eval_context
def template_gettext(eval_context: EvalContext, string: str, /, **variables: Any) -> str:
    """Jinja's newstyle gettext (`_` and `{% trans %}` in templates), with the same result: in an
    escaped template the translation is markup and only the variables are escaped; a translation
    is always a format string, `%%` written as `%`."""
    return _written(catalogue(), eval_context, string, variables)


def _written(found: NullTranslations, eval_context: EvalContext, string: str, variables: dict[str, Any]) -> str:
    translated = found.ugettext(string)
    if eval_context.autoescape:
        translated = Markup(translated)  # noqa: S704 - the catalogue is ours; variables are escaped by %
    return translated % variables if variables or "%" in translated else translated


def template_translations() -> dict[str, Any]:
    """A context processor: a page's `_` and `gettext`, `template_gettext` with the request's
    catalogue found once when the page is rendered, not again for each of its hundred strings.
    Templates imported without context, and those rendered outside a request, use the global."""
    if not has_request_context():
        return {}
    found: list[NullTranslations] = []  # at the page's first string: a page without any asks nothing

    @pass_eval_context
    def translated(eval_context: EvalContext, string: str, /, **variables: Any) -> str:
        if not found:
            found.append(catalogue())
        return _written(found[0], eval_context, string, variables)

    return {"_": translated, "gettext": translated}


@pass_eval_context
def template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    variables.setdefault("num", num)
    translated = catalogue().ungettext(singular, plural, num)
    if eval_context.autoescape:
        translated = Markup(translated)  # noqa: S704 - the catalogue is ours; variables are escaped by %
    return translated % variables


class WTFormsMessages:
    """WTForms' own messages ("Not a valid choice.", "Not a valid date value.") in the reader's
    language, each language's catalogue read once per process: Flask-WTF reads the file again at
    every request that asks for one, and a report's filters ask at every request (a select left
    empty is checked against its choices before its Optional validator clears the error)."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(reader_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(reader_locale())).ungettext(singular, plural, n)


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


wtforms_messages = WTFormsMessages()


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A text translated each time it is written, in the locale of that moment."""
    return LazyString(gettext, string, **variables)


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
    return _language_names(str(reader_locale())).get(code, code)


@lru_cache(maxsize=8)
def _language_names(locale: str) -> dict[str, str]:
    # Each name is a lazy string, a catalogue look-up at every str(): the same for every request of a locale.
    return {code: str(name) for code, name in LANGUAGES.items()}


def reader_locale() -> Locale | None:
    """Flask-Babel's `get_locale`, read in one look-up once the request has chosen its locale: a
    page writes a hundred dates and country names, and Flask-Babel's goes through `g` four times
    for each. Until it has chosen, and outside a request, Flask-Babel's own."""
    try:
        chosen = g._flask_babel.babel_locale
    except (AttributeError, RuntimeError):
        chosen = None
    return chosen if chosen is not None else get_locale()


def language_choices() -> list[tuple[str, str]]:
    """The languages as select choices, sorted by name in the reader's language."""
    return list(_language_choices(str(reader_locale())))


@lru_cache(maxsize=8)
def _language_choices(locale: str) -> tuple[tuple[str, str], ...]:
    # The names are lazy strings: each str() is a catalog look-up, the same for every request of a locale.
    return tuple(sorted(((code, str(name)) for code, name in LANGUAGES.items()), key=lambda c: c[1]))


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return _territories(str(reader_locale())).get(code, code)


@lru_cache(maxsize=8)  # Babel parses the locale again at every call: a list of returnees names 50 countries
def _territories(locale: str) -> Mapping[str, str]:
    return Locale.parse(locale).territories


def country_choices() -> list[tuple[str, str]]:
    """The countries for a select in the reader's language: the frequent ones first, then the rest
    by name. A new list each time (callers add to it); the sorting is done once per language."""
    return list(_country_choices(str(reader_locale())))


@lru_cache(maxsize=8)
def _country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(locale).territories
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
    return tuple(frequent + others)


@lru_cache(maxsize=64)
def _date_pattern(locale: Locale, format: str) -> DateTimePattern:
    named = format in ("short", "medium", "long", "full")
    return parse_pattern(get_date_format(format, locale=locale) if named else format)  # type: ignore[arg-type]


def format_day(value: date | datetime | None, format: str = "medium") -> str:
    """The `dateformat` filter: Flask-Babel's, with each language's pattern parsed once rather
    than looked up in the locale data for every date of a page, and each day written once. A datetime, which Flask-Babel
    first converts to the reader's zone, goes to Flask-Babel."""
    if type(value) is not date:
        return format_date(value, format)
    locale = reader_locale()
    if locale is None:  # outside a request, as Flask-Babel
        return format_date(value, format)
    return _formatted_day(value, format, locale)


@lru_cache(maxsize=4096)
def _formatted_day(value: date, format: str, locale: Locale) -> str:
    """A calendar day as a language writes it, kept: a page writes the same few days many times
    (a dashboard's due dates). A day on its own says nothing of anyone."""
    return _date_pattern(locale, format).apply(value, locale)


NAMED_FORMATS = ("short", "medium", "long", "full")


def format_moment(value: datetime | None, format: str = "medium") -> str:
    """The `datetimeformat` filter: Flask-Babel's (an instant, written at the reader's zone in their
    language), with each language's patterns parsed once rather than looked up in the locale data
    for every instant of a page (a list's "sent" column). A naive datetime, a pattern of one's own
    and a call outside a request go to Flask-Babel."""
    if not isinstance(value, datetime) or value.tzinfo is None or format not in NAMED_FORMATS:
        return format_datetime(value, format)
    locale = reader_locale()
    if locale is None:
        return format_datetime(value, format)
    local = value.astimezone(get_timezone())
    hour, joined = _moment_patterns(locale, format)
    # The day as `dateformat` writes it, kept (a list's instants fall on a few days); the time each time.
    return joined.replace("{0}", hour.apply(local, locale)).replace("{1}", _formatted_day(local.date(), format, locale))


@lru_cache(maxsize=64)
def _moment_patterns(locale: Locale, format: str) -> tuple[DateTimePattern, str]:
    """A language's time pattern of a named length, and how it joins it to the date (as Babel's
    format_datetime does)."""
    joined = str(get_datetime_format(format, locale=locale)).replace("'", "")  # type: ignore[arg-type]
    return parse_pattern(get_time_format(format, locale=locale)), joined  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters["dateformat"] = format_day
    app.jinja_env.filters["datetimeformat"] = format_moment
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # Jinja's newstyle `_` resolves `gettext` and calls it through the context, which calls the
    # catalogue through the context again: three template calls per string, hundreds of strings a page.
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
    app.context_processor(template_translations)
    app.jinja_env.globals.update(
        language_name=language_name,
        country_name=country_name,
        LOCALE_NAMES=LOCALE_NAMES,
        get_locale=get_locale,
    )


__all__ = ["LANGUAGES", "SUPPORTED_LOCALES", "catalogue", "gettext", "init_app", "lazy_gettext", "ngettext"]
