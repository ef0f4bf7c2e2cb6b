"""One spreadsheet cell's text to a value: dates, times, languages, yes/no, relationships, phone and
A-numbers, countries and courts, each raising ValidationError with what is expected."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from babel import Locale
from babel.core import get_global

from casework.errors import ValidationError
from casework.families.identifiers import fold, parse_a_number, parse_phone
from casework.families.models import Relationship
from casework.i18n import LANGUAGES
from casework.i18n import lazy_gettext as _l

DATE_ORDERS = ("dmy", "mdy")
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (20000, 80000)  # 1954-10-03 .. 2119-01-10
YEAR_RANGE = (1900, 2199)

_NON_KEY = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")


def fold_key(text: str) -> str:
    """Lower case, no accents, only a-z and 0-9: "K'iche'" -> 'kiche', 'No. de familia' -> 'nodefamilia'."""
    return _NON_KEY.sub("", fold(text))


def fold_words(text: str) -> list[str]:
    """The words of `text`, folded: 'Fecha de audiencia (EOIR)' -> ['fecha', 'de', 'audiencia', 'eoir']."""
    return _WORD.findall(fold(text).replace("'", "").replace("’", ""))


# ---------------------------------------------------------------------------------------------- dates

_TIME_TAIL = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:[ap]\.?\s*m\.?))?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME_TAIL, re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME_TAIL, re.IGNORECASE)
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")

_MONTHS = {
    1: ("january", "jan", "enero", "ene"),
    2: ("february", "feb", "febrero"),
    3: ("march", "mar", "marzo"),
    4: ("april", "apr", "abril", "abr"),
    5: ("may", "mayo"),
    6: ("june", "jun", "junio"),
    7: ("july", "jul", "julio"),
    8: ("august", "aug", "agosto", "ago"),
    9: ("september", "sep", "sept", "septiembre", "setiembre", "set"),
    10: ("october", "oct", "octubre"),
    11: ("november", "nov", "noviembre"),
    12: ("december", "dec", "diciembre", "dic"),
}
_MONTH_OF = {name: number for number, names in _MONTHS.items() for name in names}
# Words a written-out date may carry around its day, month and year.
_DATE_FILLER = {
    "de", "del", "of", "the", "el", "st", "nd", "rd", "th",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
}  # fmt: skip


def _date_error(text: str) -> ValidationError:
    return ValidationError(
        str(
            _l(
                "“%(text)s” is not a date we can read: write it as year-month-day (2026-03-07), as day/month/year or month/day/year (7/3/2026), or as 7 March 2026.",
                text=text,
            )
        ),
        "date",
    )


def _make_date(text: str, year: int, month: int, day: int) -> date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError(
            str(_l("The year of “%(text)s” is out of range: check it and write all four digits.", text=text)), "date"
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            str(_l("“%(text)s” is not a date that exists: check the day and the month.", text=text)), "date"
        ) from None


def _full_year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _serial_date(text: str) -> date | None:
    match = _SERIAL.fullmatch(text)
    if match is None:
        return None
    days = int(match.group(1))
    if not SERIAL_RANGE[0] <= days <= SERIAL_RANGE[1]:
        return None
    return EXCEL_EPOCH + timedelta(days=days)


def _written_date(text: str) -> date | None:
    """'7 de marzo de 2026', 'March 7, 2026', '7-mar-2026', 'sábado 7 de marzo del 2026'; None if no month name."""
    words = [w for w in re.findall(r"[a-z]+|\d+", fold(text)) if w not in _DATE_FILLER]
    months = [w for w in words if w in _MONTH_OF]
    numbers = [w for w in words if w.isdigit()]
    if len(months) != 1 or len(numbers) + 1 != len(words):
        return None
    if len(numbers) != 2:
        raise _date_error(text)
    first, second = numbers
    if len(first) == 4 and len(second) <= 2:
        year_digits, day_digits = first, second
    elif len(second) in (2, 4) and len(first) <= 2:
        year_digits, day_digits = second, first
    else:
        raise _date_error(text)
    return _make_date(text, _full_year(year_digits), _MONTH_OF[months[0]], int(day_digits))


def _order_fits(first: int, second: int, year: int, order: str) -> bool:
    day, month = (first, second) if order == "dmy" else (second, first)
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def parse_date(text: str, order: str | None = None) -> date:
    """A date as typed in a spreadsheet; `order` ('dmy' or 'mdy') reads dates like 7/3/2026."""
    if order is not None and order not in DATE_ORDERS:
        raise ValueError(f"unknown date order {order!r}")
    text = text.strip()
    if not text:
        raise ValidationError(str(_l("Enter a date, for example 2026-03-07.")), "date")
    if match := _ISO.fullmatch(text):
        return _make_date(text, int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if (serial := _serial_date(text)) is not None:
        return serial
    if match := _NUMERIC.fullmatch(text):
        first, second, year = int(match.group(1)), int(match.group(2)), _full_year(match.group(3))
        if first > 12 or first == second:
            chosen = "dmy"
        elif second > 12:
            chosen = "mdy"
        elif order is None:
            raise ValidationError(
                str(
                    _l(
                        "“%(text)s” could be day/month/year or month/day/year: choose how the dates in this file are written.",
                        text=text,
                    )
                ),
                "date",
            )
        else:
            chosen = order
        day, month = (first, second) if chosen == "dmy" else (second, first)
        return _make_date(text, year, month, day)
    written = _written_date(text)
    if written is None:
        raise _date_error(text)
    return written


def date_orders_of(texts: Iterable[str]) -> set[str]:
    """Whether the file's dates need their order said. Empty when no date could be read both ways
    (every date reads alone: ISO, serials, 13/3/2026, written months); one order when some dates
    could be either and the others decide it (13/3/2026 beside 7/3/2026); both when nothing
    decides it, or the file's dates contradict each other: then the person says which. Dates that
    fit neither order are left to the rows, which say so one by one."""
    ambiguous = False
    decided: set[str] = set()
    for raw in texts:
        match = _NUMERIC.fullmatch(raw.strip())
        if not match:
            continue
        first, second, year = int(match.group(1)), int(match.group(2)), _full_year(match.group(3))
        fits = {order for order in DATE_ORDERS if _order_fits(first, second, year, order)}
        if fits == set(DATE_ORDERS) and first != second:
            ambiguous = True
        elif len(fits) == 1:
            decided |= fits
    if not ambiguous:
        return set()
    return decided if len(decided) == 1 else set(DATE_ORDERS)


# ---------------------------------------------------------------------------------------------- times

_TIME = re.compile(
    r"(\d{1,2})(?:\s*[:.h]\s*(\d{2})(?:\s*:\s*(\d{2})(?:\.\d+)?)?)?\s*(?:([ap])\.?\s*m\.?)?\s*(?:h|hs|hrs|horas)?\.?"
)
_DAY_FRACTION = re.compile(r"0?\.\d+")


def parse_time(text: str) -> time:
    """'9:00', '9:00 AM', '9am', '1:30 p.m.', '13.30', '13:30 h', '8:30:00', an Excel day fraction ('0.375')."""
    cleaned = fold(text).strip()
    if " " in cleaned and _ISO.fullmatch(cleaned):  # a date and time in one cell: keep the time
        cleaned = cleaned.split(" ", 1)[1]
    if _DAY_FRACTION.fullmatch(cleaned):
        minutes = round(float(cleaned) * 24 * 60)
        if minutes < 24 * 60:
            return time(minutes // 60, minutes % 60)
    match = _TIME.fullmatch(cleaned)
    if match is not None and (match.group(2) or match.group(4)):
        hour, minute, second = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
        meridiem = match.group(4)
        if meridiem and 1 <= hour <= 12:
            hour = hour % 12 + (12 if meridiem == "p" else 0)
        elif meridiem:
            hour = 99
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    raise ValidationError(
        str(_l("“%(text)s” is not a time we can read: write it like 9:30, 9:30 AM or 14:00.", text=text)), "time"
    )


# ---------------------------------------------------------------------------------------------- languages

# Besides its code, the ISO 639-1 code and the usual English and Spanish names and spellings.
_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "spa": ("es", "Spanish", "Español", "Castellano", "Castilian", "Espanol"),
    "eng": ("en", "English", "Inglés"),
    "hat": ("ht", "Haitian Creole", "Haitian", "Creole", "Kreyòl", "Kreyòl ayisyen", "Criollo haitiano", "Criollo",
            "Creole haitiano", "Haitiano", "Créole haïtien", "Créole"),
    "fra": ("fr", "fre", "French", "Francés", "Français"),
    "por": ("pt", "Portuguese", "Portugués", "Português", "Brazilian Portuguese", "Portugués brasileño"),
    "quc": ("K'iche'", "Kiche", "K'iche", "Quiché", "Quiche", "K\u02bciche\u02bc", "Kiché", "Qatzijob'al"),
    "mam": ("Mam",),
    "kjb": ("Q'anjob'al", "Qanjobal", "Kanjobal", "Q'anjobal", "Kanjob'al", "Canjobal"),
    "cak": ("Kaqchikel", "Cakchiquel", "Kakchiquel", "Kaqchiquel", "Cachiquel"),
    "kek": ("Q'eqchi'", "Qeqchi", "Kekchi", "Kekchí", "Q'eqchi", "Quekchí", "Kekchí maya"),
    "ixl": ("Ixil",),
    "jac": ("Popti'", "Popti", "Jakaltek", "Jakalteko", "Jacalteco", "Jacaltec", "Popti' (Jakaltek)"),
    "acr": ("Achi", "Achí", "Achi'"),
    "poh": ("Poqomchi'", "Poqomchi", "Pocomchí", "Pokomchi", "Pocomchi"),
    "tzh": ("Tzeltal", "Tseltal"),
    "tzo": ("Tzotzil", "Tsotsil"),
    "cab": ("Garifuna", "Garífuna", "Garifuna language"),
    "mis": ("Miskito", "Mískito", "Misquito", "Miskitu", "Mosquito"),
    "mxt": ("Mixtec", "Mixteco", "Mixteca", "Tu'un savi"),
    "zap": ("Zapotec", "Zapoteco", "Zapoteca"),
    "nhe": ("Nahuatl", "Náhuatl", "Nahua", "Nawat"),
    "tzj": ("Tz'utujil", "Tzutujil", "Tzutuhil", "Zutuhil"),
    "arb": ("ar", "ara", "Arabic", "Árabe"),
    "rus": ("ru", "Russian", "Ruso"),
    "cmn": ("zh", "zho", "chi", "Mandarin Chinese", "Mandarin", "Chinese", "Chino", "Mandarín", "Chino mandarín"),
    "hin": ("hi", "Hindi", "Hindú"),
    "pan": ("pa", "Punjabi", "Panjabi", "Panyabí", "Punyabí", "Penyabí"),
    "tir": ("ti", "Tigrinya", "Tigrigna", "Tigriña", "Tigrinia", "Tigrino"),
    "amh": ("am", "Amharic", "Amárico", "Amhárico"),
    "wol": ("wo", "Wolof", "Uolof"),
    "tur": ("tr", "Turkish", "Turco"),
    "ukr": ("uk", "Ukrainian", "Ucraniano"),
}  # fmt: skip


@cache
def _language_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for code, english in LANGUAGES.items():
        for name in (code, str(english), *_LANGUAGE_NAMES.get(code, ())):
            codes.setdefault(fold_key(name), code)
    return codes


def parse_language(text: str) -> str:
    """A language code of casework.i18n.LANGUAGES from its code or its English or Spanish name."""
    code = _language_codes().get(fold_key(text))
    if code is None:
        raise ValidationError(
            str(
                _l(
                    "“%(text)s” is not a language we know: write its name, like Spanish, K'iche' or Haitian Creole, or its code, like spa.",
                    text=text,
                )
            ),
            "language",
        )
    return code


# ---------------------------------------------------------------------------------------------- yes / no

_YES = {"yes", "y", "si", "s", "x", "1", "true", "verdadero", "v", "ok"}
_NO = {"no", "n", "0", "false", "falso", "f"}


def parse_yes_no(text: str) -> bool:
    """yes/no, sí/no, y/n, s/n, x, 1/0, true/false, verdadero/falso; blank is no."""
    cleaned = text.strip()
    key = fold_key(cleaned)
    if not cleaned:
        return False
    if key in _YES or cleaned in {"✓", "✔", "☑"}:
        return True
    if key in _NO:
        return False
    raise ValidationError(str(_l("“%(text)s” is not yes or no: write yes or no (sí or no).", text=text)), "yes_no")


# ---------------------------------------------------------------------------------------------- relationships

_RELATIONSHIP_NAMES: dict[Relationship, tuple[str, ...]] = {
    Relationship.HEAD: ("head", "head of household", "household head", "self", "principal", "jefe", "jefa",
                        "jefe de familia", "jefa de familia", "jefe de hogar", "jefa de hogar", "titular",
                        "cabeza de familia", "jefe/a"),
    Relationship.SPOUSE: ("spouse", "partner", "wife", "husband", "spouse/partner", "esposo", "esposa", "esposo/a",
                          "cónyuge", "pareja", "compañero", "compañera", "conviviente"),
    Relationship.CHILD: ("child", "son", "daughter", "hijo", "hija", "hijo/a", "hijos", "niño", "niña"),
    Relationship.STEPCHILD: ("stepchild", "stepson", "stepdaughter", "step child", "hijastro", "hijastra", "hijastro/a"),
    Relationship.GRANDCHILD: ("grandchild", "grandson", "granddaughter", "nieto", "nieta", "nieto/a"),
    Relationship.PARENT: ("parent", "mother", "father", "mom", "dad", "madre", "padre", "mamá", "papá", "mama",
                          "papa"),
    Relationship.SIBLING: ("sibling", "brother", "sister", "hermano", "hermana", "hermano/a"),
    Relationship.NIECE_NEPHEW: ("niece", "nephew", "niece/nephew", "niece_nephew", "sobrino", "sobrina",
                                "sobrino/a"),
    Relationship.OTHER_RELATIVE: ("other relative", "relative", "other_relative", "otro familiar", "otra familiar",
                                  "familiar", "pariente", "otro pariente", "tío", "tía", "tio/a", "primo", "prima",
                                  "abuelo", "abuela", "uncle", "aunt", "cousin", "grandparent", "grandmother",
                                  "grandfather", "cuñado", "cuñada", "suegro", "suegra", "in-law", "yerno", "nuera"),
    Relationship.NOT_RELATED: ("not related", "not_related", "unrelated", "no familiar", "no es familiar",
                               "sin parentesco", "ninguno", "amigo", "amiga", "amigo/a", "friend", "non-relative"),
}  # fmt: skip
_RELATIONSHIP_OF = {fold_key(name): kind for kind, names in _RELATIONSHIP_NAMES.items() for name in names}


def parse_relationship(text: str) -> Relationship:
    """The relationship to the head of the household, in English or Spanish."""
    kind = _RELATIONSHIP_OF.get(fold_key(text))
    if kind is None:
        raise ValidationError(
            str(
                _l(
                    "“%(text)s” is not a relationship we know: write the relationship to the head of the household, like head, spouse, child, sibling, other relative or not related.",
                    text=text,
                )
            ),
            "relationship",
        )
    return kind


# ---------------------------------------------------------------------------------------------- phones

# Country codes often written without "+": Central America, Mexico and Haiti -> national digits.
_CALLING_CODES = {
    "501": (7,), "502": (8,), "503": (8,), "504": (8,), "505": (8,), "506": (8,), "507": (7, 8), "509": (8,),
    "52": (10, 11),
}  # fmt: skip


def parse_phone_number(text: str, region: str = "US") -> str:
    """E.164 from any writing of a US number, or a number with its country code (with '+', '00' or
    '011' before it, or, for Central America, Mexico and Haiti, without anything)."""
    cleaned = text.strip()
    digits = re.sub(r"\D", "", cleaned)
    if cleaned.startswith("+"):
        return parse_phone(cleaned, region=region)
    for exit_code in ("00", "011"):
        if digits.startswith(exit_code) and len(digits) - len(exit_code) >= 8:
            return parse_phone("+" + digits[len(exit_code) :], region=region)
    try:
        return parse_phone(cleaned, region=region)
    except ValidationError:
        for code, lengths in _CALLING_CODES.items():
            if digits.startswith(code) and len(digits) - len(code) in lengths:
                try:
                    return parse_phone("+" + digits, region=region)
                except ValidationError:
                    continue
        raise


# ---------------------------------------------------------------------------------------------- A-numbers

_A_NUMBER_PREFIX = re.compile(
    r"^(?:(?:no|n[º°o]|num|numero|number|nr)\b\.?\s*(?:de\s+)?)?(?:a(?:lien)?\b)?[\s-]*(?:no\b\.?|num\b\.?|number\b|numero\b)?\s*[-#:.]*\s*#?\s*[-:]?\s*",
)


def parse_a_number_text(text: str) -> str:
    """9 digits from 'A-012-345-678', 'A#123456789', 'A-#123-456-789', 'No. A 123 456 789', '123.456.789'."""
    folded = fold(text).strip()
    rest = _A_NUMBER_PREFIX.sub("", folded, count=1)
    rest = re.sub(r"(?<=\d)[.\s/_]+(?=\d)", "-", rest)
    return parse_a_number(rest, field="a_number")


# ---------------------------------------------------------------------------------------------- countries

_NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO"}
_COUNTRY_EXTRA = {
    "US": ("USA", "EEUU", "EE. UU.", "EUA", "United States of America", "Estados Unidos de América", "American",
           "Estadounidense"),
    "GT": ("Guatemalan", "Guatemalteco", "Guatemalteca", "Guate"),
    "HN": ("Honduran", "Hondureño", "Hondureña"),
    "SV": ("Salvadoran", "Salvadorean", "Salvadoreño", "Salvadoreña", "Salvador"),
    "MX": ("Mexican", "Mexicano", "Mexicana", "Méjico"),
    "HT": ("Haitian", "Haitiano", "Haitiana", "Ayiti"),
    "VE": ("Venezuelan", "Venezolano", "Venezolana"),
    "NI": ("Nicaraguan", "Nicaragüense"),
    "CO": ("Colombian", "Colombiano", "Colombiana"),
    "EC": ("Ecuadorian", "Ecuadorean", "Ecuatoriano", "Ecuatoriana"),
    "CU": ("Cuban", "Cubano", "Cubana"),
    "PE": ("Peruvian", "Peruano", "Peruana"),
    "DO": ("Dominican Republic", "Dominicano", "Dominicana", "Rep. Dominicana", "RD"),
    "BR": ("Brazilian", "Brasileño", "Brasileña", "Brasil"),
    "CR": ("Costa Rican", "Costarricense"),
    "PA": ("Panamanian", "Panameño", "Panameña"),
    "CN": ("Chinese", "Chino", "China"),
    "IN": ("Indian", "Indio", "Hindú"),
    "RU": ("Russian", "Ruso", "Rusa"),
    "UA": ("Ukrainian", "Ucraniano", "Ucraniana"),
}  # fmt: skip


@cache
def _country_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    known: set[str] = set()
    for locale in ("en", "es"):
        for code, name in Locale(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                known.add(code)
                codes.setdefault(fold_key(name), code)
    for code in known:
        codes.setdefault(code.lower(), code)
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in known:
            codes.setdefault(alias.lower(), targets[0])
    for code, names in _COUNTRY_EXTRA.items():
        for name in names:
            codes.setdefault(fold_key(name), code)
    return codes


def parse_country(text: str) -> str:
    """ISO 3166 alpha-2 code from 'GT', 'GTM', 'Guatemala', 'México', 'Haití', 'Guatemalteca'."""
    code = _country_codes().get(fold_key(text))
    if code is None:
        raise ValidationError(
            str(
                _l(
                    "“%(text)s” is not a country we know: write its name, like Guatemala, or its two-letter code, like GT.",
                    text=text,
                )
            ),
            "country",
        )
    return code


# ---------------------------------------------------------------------------------------------- courts

_COURT_WORDS = {"immigration", "court", "corte", "tribunal", "de", "del", "la", "el", "the", "inmigracion", "eoir",
                "of", "in", "en"}  # fmt: skip
SUGGESTION_THRESHOLD = 0.6


@dataclass(frozen=True)
class CourtMatch:
    court_id: int | None
    suggestion_id: int | None


def _court_core(text: str) -> str:
    return "".join(w for w in fold_words(text) if w not in _COURT_WORDS)


def _prefix_match(words: list[str], name_words: list[str]) -> bool:
    """Every word is the start of a later word of the name, in order: 'hou s gessner' in 'houston s gessner road'."""
    position = 0
    for word in words:
        while position < len(name_words) and not name_words[position].startswith(word):
            position += 1
        if position == len(name_words):
            return False
        position += 1
    return bool(words)


def match_court(text: str, courts: Sequence[tuple[int, str, str]]) -> CourtMatch:
    """The court `text` names among `courts` ((id, name, city)): by its name (with or without
    'Immigration Court', in English or Spanish) or by its city when the city has one court; else the
    closest one as a suggestion, or none."""
    core = _court_core(text)
    if not core:
        return CourtMatch(None, None)
    by_city: dict[str, list[int]] = {}
    for court_id, _name, city in courts:
        by_city.setdefault(fold_key(city), []).append(court_id)
    for court_id, name, _city in courts:
        if core in (_court_core(name), fold_key(name)):
            return CourtMatch(court_id, None)
    if len(by_city.get(core, [])) == 1:
        return CourtMatch(by_city[core][0], None)
    words = [w for w in fold_words(text) if w not in _COURT_WORDS]
    best_id, best_score = None, 0.0
    for court_id, name, _city in courts:
        name_core = _court_core(name)
        score = difflib.SequenceMatcher(None, core, name_core).ratio()
        if _prefix_match(words, [w for w in fold_words(name) if w not in _COURT_WORDS]):
            score = max(score, 0.9)
        if score > best_score:
            best_id, best_score = court_id, score
    if best_score >= SUGGESTION_THRESHOLD:
        return CourtMatch(None, best_id)
    return CourtMatch(None, None)


__all__ = [
    "DATE_ORDERS",
    "CourtMatch",
    "date_orders_of",
    "fold_key",
    "match_court",
    "parse_a_number_text",
    "parse_country",
    "parse_date",
    "parse_language",
    "parse_phone_number",
    "parse_relationship",
    "parse_time",
    "parse_yes_no",
]
