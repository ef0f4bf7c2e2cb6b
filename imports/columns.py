"""Which column of a caseload spreadsheet holds which field: a guess from the headers, and the check
of the mapping the person confirms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import LazyString

from casework.errors import ValidationError
from casework.exports import csv_lines
from casework.i18n import lazy_gettext as _l
from imports.values import fold_key, fold_words

CONTAINS_MIN_LETTERS = 4
# Words that qualify other things too often to map a longer header on their own ("Estado civil",
# "Estado migratorio" are not the US state).
_NOT_ALONE = frozenset({"estado", "state"})


@dataclass(frozen=True)
class Field:
    key: str
    label: LazyString
    synonyms: tuple[str, ...]  # as people write them; compared folded with values.fold_key


FIELDS: tuple[Field, ...] = (
    Field("household", _l("Household"),
          ("Household", "Household ID", "Household number", "Family", "Family ID", "Family number", "Familia",
           "Hogar", "No. de familia", "Número de familia", "ID de familia", "Grupo familiar")),
    Field("lead_a_number", _l("A-number of the head of household"),
          ("Lead A-number", "Lead A number", "Family A-number", "Head's A-number", "A-number of the head",
           "Número A del titular", "Número A principal", "A# principal", "Número A del jefe de familia")),
    Field("relationship", _l("Relationship"),
          ("Relationship", "Relationship to head", "Relación", "Parentesco")),
    Field("given_names", _l("Given names"),
          ("Given names", "Given name", "First name", "First names", "Nombre", "Nombres", "Primer nombre")),
    Field("first_surname", _l("First surname"),
          ("Last name", "Surname", "Family name", "First surname", "Apellido", "Apellidos", "Primer apellido",
           "Apellido paterno")),
    Field("second_surname", _l("Second surname"),
          ("Second surname", "Second last name", "Segundo apellido", "Apellido materno")),
    Field("date_of_birth", _l("Date of birth"),
          ("Date of birth", "DOB", "Birth date", "Birthdate", "Fecha de nacimiento", "F. nacimiento", "Nacimiento",
           "Fecha nac")),
    Field("a_number", _l("A-number"),
          ("A-number", "A number", "A#", "A no", "Alien number", "Alien no", "Número A", "Numero de extranjero",
           "No. A", "Número de extranjero")),
    Field("country_of_birth", _l("Country of birth"),
          ("Country of birth", "Country", "Birth country", "País", "País de nacimiento", "País de origen",
           "Nacionalidad", "Nationality")),
    Field("language", _l("Language"),
          ("Language", "Preferred language", "Primary language", "Idioma", "Lengua", "Idioma preferido",
           "Idioma principal")),
    Field("needs_interpreter", _l("Needs an interpreter"),
          ("Interpreter", "Needs interpreter", "Interpreter needed", "Intérprete", "Necesita intérprete")),
    Field("phone", _l("Phone"),
          ("Phone", "Phone number", "Mobile", "Cell", "Cell phone", "Teléfono", "Celular", "Tel", "Móvil",
           "Número de teléfono")),
    Field("email", _l("Email"),
          ("Email", "E-mail", "Email address", "Correo", "Correo electrónico", "Email personal")),
    Field("sms_consent", _l("Text message reminders"),
          ("SMS consent", "Text reminders", "Consent SMS", "SMS", "Consentimiento SMS", "Acepta mensajes",
           "Recordatorios por texto", "Recordatorios por SMS")),
    Field("email_consent", _l("Email reminders"),
          ("Email consent", "Email reminders", "Consentimiento correo", "Consentimiento de correo",
           "Recordatorios por correo")),
    Field("address", _l("Address"),
          ("Address", "Street", "Street address", "Dirección", "Calle", "Domicilio")),
    Field("city", _l("City"), ("City", "Town", "Ciudad")),
    Field("state", _l("State"), ("State", "Estado")),
    Field("postal_code", _l("ZIP code"),
          ("ZIP", "ZIP code", "Zipcode", "Postal code", "Código postal", "CP")),
    Field("released_on", _l("Release date"),
          ("Release date", "Released", "Released on", "Date of release", "Fecha de liberación", "Fecha de salida",
           "Liberación")),
    Field("release_agency", _l("Releasing agency"),
          ("Releasing agency", "Release agency", "Agency", "Released by", "Agencia", "Agencia que liberó",
           "Liberado por")),
    Field("release_type", _l("Kind of release"),
          ("Release type", "Kind of release", "Type of release", "Tipo de liberación", "Tipo de salida")),
    Field("case_manager", _l("Case manager"),
          ("Case manager", "Case manager email", "Gestor de casos", "Gestor", "Manejador de caso",
           "Manejadora de caso", "Trabajador social", "Trabajadora social", "Correo del gestor")),
    Field("hearing_date", _l("Hearing date"),
          ("Hearing date", "Next hearing", "Court date", "Fecha de audiencia", "Próxima audiencia",
           "Fecha de corte")),
    Field("hearing_time", _l("Hearing time"),
          ("Hearing time", "Hora de audiencia", "Hora de corte")),
    Field("hearing_kind", _l("Hearing type"),
          ("Hearing type", "Hearing kind", "Tipo de audiencia")),
    Field("court", _l("Immigration court"),
          ("Court", "Immigration court", "Corte", "Corte de inmigración", "Tribunal")),
    Field("check_in_date", _l("Check-in date"),
          ("Check-in date", "ICE check-in", "Next check-in", "Check-in", "Fecha de presentación", "Cita con ICE",
           "Fecha de reporte")),
    Field("check_in_time", _l("Check-in time"),
          ("Check-in time", "Hora de presentación", "Hora de cita", "Hora de reporte")),
    Field("office", _l("ICE office"),
          ("ICE office", "Office", "Field office", "Check-in office", "Oficina", "Oficina de ICE",
           "Oficina de presentación")),
)  # fmt: skip
FIELDS_BY_KEY = {field.key: field for field in FIELDS}
LABELS: dict[str, LazyString] = {field.key: field.label for field in FIELDS}
REQUIRED = ("given_names", "first_surname")

_EXACT = {fold_key(synonym): field.key for field in FIELDS for synonym in field.synonyms}


def _contains(words: list[str], part: list[str]) -> bool:
    """`part` appears in `words` as consecutive whole words."""
    size = len(part)
    return any(words[start : start + size] == part for start in range(len(words) - size + 1))


def guess_mapping(headers: Sequence[str]) -> dict[int, str]:
    """Column index -> field key: headers equal to a synonym (folded), or with a half before or after
    " / " equal to one, first; then headers holding a
    synonym of 4 letters or more as whole words; each field goes to the first, best column only."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        # A bilingual header ("State / Estado") is recognised by either of its halves.
        keys = [_EXACT.get(fold_key(part)) for part in (header, *header.split(" / "))]
        key = next((k for k in keys if k is not None and k not in used), None)
        if key is not None:
            mapping[index] = key
            used.add(key)
    candidates: list[tuple[int, int, str]] = []  # (-letters of the synonym, column, field)
    for index, header in enumerate(headers):
        if index in mapping:
            continue
        words = fold_words(header)
        for field in FIELDS:
            for synonym in field.synonyms:
                letters = len(fold_key(synonym))
                part = fold_words(synonym)
                if letters < CONTAINS_MIN_LETTERS or part == [] or " ".join(part) in _NOT_ALONE:
                    continue
                if _contains(words, part):
                    candidates.append((-letters, index, field.key))
    for _letters, index, key in sorted(candidates):
        if index not in mapping and key not in used:
            mapping[index] = key
            used.add(key)
    return dict(sorted(mapping.items()))


def check_mapping(mapping: dict[int, str], column_count: int) -> None:
    """ValidationError (field 'mapping') unless every key is a field, every index a column, no field
    is chosen twice and every REQUIRED field has a column."""
    seen: set[str] = set()
    for index, key in sorted(mapping.items()):
        field = FIELDS_BY_KEY.get(key)
        if field is None:
            raise ValidationError(
                str(_l("“%(key)s” is not a field of the import: choose one of the fields listed.", key=key)),
                "mapping",
            )
        if not 0 <= index < column_count:
            raise ValidationError(
                str(
                    _l(
                        "The file has no column %(column)d for %(field)s: choose one of its %(count)d columns.",
                        column=index + 1,
                        field=str(field.label),
                        count=column_count,
                    )
                ),
                "mapping",
            )
        if key in seen:
            raise ValidationError(
                str(
                    _l(
                        "%(field)s is chosen for more than one column: choose it for one column only.",
                        field=str(field.label),
                    )
                ),
                "mapping",
            )
        seen.add(key)
    for key in REQUIRED:
        if key not in seen:
            raise ValidationError(
                str(
                    _l(
                        "Choose the column that holds %(field)s: the import needs it for every person.",
                        field=str(FIELDS_BY_KEY[key].label),
                    )
                ),
                "mapping",
            )


# The downloadable template: each field's header in English and Spanish, and one fictional row.
TEMPLATE_EXAMPLE = {
    "household": "F-001",
    "lead_a_number": "",
    "relationship": "Jefa",
    "given_names": "María José",
    "first_surname": "Pérez",
    "second_surname": "Ramírez",
    "date_of_birth": "1988-03-14",
    "a_number": "A 012-345-678",
    "country_of_birth": "Guatemala",
    "language": "K'iche'",
    "needs_interpreter": "Sí",
    "phone": "(312) 555-0143",
    "email": "maria.perez@example.org",
    "sms_consent": "Sí",
    "email_consent": "No",
    "address": "1450 W Cermak Rd",
    "city": "Chicago",
    "state": "IL",
    "postal_code": "60608",
    "released_on": "2026-10-02",
    "release_agency": "ICE",
    "release_type": "Parole",
    "case_manager": "",
    "hearing_date": "2027-01-15",
    "hearing_time": "9:00 AM",
    "hearing_kind": "Master",
    "court": "Chicago",
    "check_in_date": "",
    "check_in_time": "",
    "office": "",
}


def template_headers() -> list[str]:
    """'English / Español' for each field, as guess_mapping recognises them."""
    return [f"{field.synonyms[0]} / {_spanish(field)}" for field in FIELDS]


def _spanish(field: Field) -> str:
    return next(s for s in field.synonyms if fold_key(s) != fold_key(field.synonyms[0]) and _looks_spanish(s))


def _looks_spanish(text: str) -> bool:
    words = set(fold_words(text))
    return bool(words & _SPANISH_WORDS) or text != text.encode("ascii", "ignore").decode()


_SPANISH_WORDS = frozenset(
    [
        "familia",
        "parentesco",
        "nombres",
        "primer",
        "segundo",
        "apellido",
        "fecha",
        "numero",
        "pais",
        "idioma",
        "interprete",
        "telefono",
        "correo",
        "recordatorios",
        "direccion",
        "ciudad",
        "estado",
        "codigo",
        "liberacion",
        "agencia",
        "tipo",
        "gestor",
        "audiencia",
        "hora",
        "corte",
        "presentacion",
        "oficina",
        "consentimiento",
        "acepta",
    ]
)


def template_csv() -> str:
    return "".join(csv_lines(template_headers(), [[TEMPLATE_EXAMPLE[field.key] for field in FIELDS]]))


__all__ = ["FIELDS", "LABELS", "REQUIRED", "Field", "check_mapping", "guess_mapping", "template_csv"]
