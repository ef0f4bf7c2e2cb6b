"""Guessing which column holds which field, and checking the mapping a person confirms."""

from __future__ import annotations

import pytest

from casework.errors import ValidationError
from imports.columns import FIELDS, REQUIRED, check_mapping, guess_mapping
from imports.values import fold_key

KEYS = (
    "household",
    "lead_a_number",
    "relationship",
    "given_names",
    "first_surname",
    "second_surname",
    "date_of_birth",
    "a_number",
    "country_of_birth",
    "language",
    "needs_interpreter",
    "phone",
    "email",
    "sms_consent",
    "email_consent",
    "address",
    "city",
    "state",
    "postal_code",
    "released_on",
    "release_agency",
    "release_type",
    "case_manager",
    "hearing_date",
    "hearing_time",
    "hearing_kind",
    "court",
    "check_in_date",
    "check_in_time",
    "office",
)


def test_fields_in_order_with_labels_and_no_notes():
    assert tuple(field.key for field in FIELDS) == KEYS
    assert REQUIRED == ("given_names", "first_surname")
    assert str(FIELDS[3].label) == "Given names"
    assert all(str(field.label) for field in FIELDS)
    assert "notes" not in KEYS


def test_no_synonym_belongs_to_two_fields():
    owner: dict[str, str] = {}
    for field in FIELDS:
        for synonym in field.synonyms:
            assert owner.setdefault(fold_key(synonym), field.key) == field.key, synonym


def test_spanish_headers_map_fully():
    headers = [
        "No. de familia",
        "Número A del titular",
        "Parentesco",
        "Nombres",
        "Apellido paterno",
        "Apellido materno",
        "Fecha de nacimiento",
        "Número A",
        "País de nacimiento",
        "Idioma preferido",
        "¿Necesita intérprete?",
        "Teléfono",
        "Correo electrónico",
        "Consentimiento SMS",
        "Consentimiento correo",
        "Dirección",
        "Ciudad",
        "Estado",
        "Código postal",
        "Fecha de liberación",
        "Agencia que liberó",
        "Tipo de liberación",
        "Gestor de casos",
        "Próxima audiencia",
        "Hora de audiencia",
        "Tipo de audiencia",
        "Corte de inmigración",
        "Cita con ICE",
        "Hora de cita",
        "Oficina de ICE",
    ]
    assert guess_mapping(headers) == dict(enumerate(KEYS))


def test_english_headers_map_fully():
    headers = [
        "Family ID",
        "Lead A-number",
        "Relationship",
        "First name",
        "Last name",
        "Second surname",
        "DOB",
        "A#",
        "Country of birth",
        "Language",
        "Needs interpreter",
        "Mobile",
        "E-mail",
        "Text reminders",
        "Email consent",
        "Street",
        "City",
        "State",
        "ZIP",
        "Release date",
        "Releasing agency",
        "Release type",
        "Case manager email",
        "Court date",
        "Hearing time",
        "Hearing type",
        "Immigration court",
        "ICE check-in",
        "Check-in time",
        "ICE office",
    ]
    assert guess_mapping(headers) == dict(enumerate(KEYS))


def test_mixed_headers_with_words_around_a_synonym():
    headers = [
        "Nombre",
        "Last name",
        "Notas",  # free text is never imported
        "Fecha de audiencia (EOIR)",
        "Teléfono celular de contacto",
        "Estado civil",  # not the US state
        "Idioma",
        "DOB",
        "Hogar",
        "Court",
    ]
    assert guess_mapping(headers) == {
        0: "given_names",
        1: "first_surname",
        3: "hearing_date",
        4: "phone",
        6: "language",
        7: "date_of_birth",
        8: "household",
        9: "court",
    }


def test_each_field_goes_to_the_first_column_and_exact_beats_contains():
    headers = ["Teléfono del trabajo", "Nombre", "Teléfono", "Nombre", "Tel"]
    assert guess_mapping(headers) == {1: "given_names", 2: "phone"}


def test_short_synonyms_only_match_whole_headers():
    # "CP", "Tel", "DOB" and "A#" are too short to be looked for inside longer headers.
    assert guess_mapping(["CP del trabajo", "Tel fijo", "DOB mother", "Notas A#"]) == {}
    assert guess_mapping(["C.P.", "TEL", "d.o.b."]) == {0: "postal_code", 1: "phone", 2: "date_of_birth"}


def test_unknown_headers_stay_unmapped():
    assert guess_mapping(["Color favorito", "", "Observaciones"]) == {}


def test_check_mapping_accepts_a_good_mapping():
    check_mapping({0: "given_names", 1: "first_surname", 3: "phone"}, 4)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({0: "given_names"}, "Choose the column that holds First surname: the import needs it for every person."),
        ({1: "first_surname"}, "Choose the column that holds Given names: the import needs it for every person."),
        (
            {0: "given_names", 1: "first_surname", 2: "phone", 3: "phone"},
            "Phone is chosen for more than one column: choose it for one column only.",
        ),
        (
            {0: "given_names", 1: "first_surname", 2: "notes"},
            "“notes” is not a field of the import: choose one of the fields listed.",
        ),
        (
            {0: "given_names", 1: "first_surname", 4: "phone"},
            "The file has no column 5 for Phone: choose one of its 4 columns.",
        ),
        (
            {-1: "given_names", 1: "first_surname"},
            "The file has no column 0 for Given names: choose one of its 4 columns.",
        ),
    ],
)
def test_check_mapping_refuses(mapping, message):
    with pytest.raises(ValidationError) as caught:
        check_mapping(mapping, 4)
    assert caught.value.field == "mapping"
    assert caught.value.message == message


def test_the_template_maps_every_field_from_its_bilingual_headers():
    from imports.columns import template_csv, template_headers

    headers = template_headers()
    assert "State / Estado" in headers and "Given names / Nombres" in headers
    mapping = guess_mapping(headers)
    assert [mapping.get(i) for i in range(len(headers))] == [field.key for field in FIELDS]
    text = template_csv()
    lines = text.splitlines()
    assert len(lines) == 2 and "María José" in lines[1]
