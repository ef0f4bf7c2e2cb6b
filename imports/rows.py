"""A spreadsheet row read as a person of a household, with the same rules as the forms; rows
grouped into households. Nothing here touches the database: what the rows need to know of the
program (courts, offices, case managers) comes in a `Lookups`."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email

from casework.errors import ValidationError
from casework.exports import FORMULA_STARTS
from casework.families.models import PhoneKind, Relationship
from casework.families.services import AddressData, MemberData, check_address, check_member
from casework.i18n import lazy_gettext as _l
from casework.releases.models import ReleaseType, ReleasingAgency
from imports import places, values
from imports.columns import LABELS
from scheduling.api import AppointmentKind

HEARING_KIND_WORDS = {
    AppointmentKind.MASTER_HEARING: ("master", "mch", "maestra", "inicial", "preliminar", "calendario"),
    AppointmentKind.INDIVIDUAL_HEARING: ("individual", "merits", "ih", "fondo", "final"),
    AppointmentKind.STATUS_HEARING: ("status", "estado", "estatus", "seguimiento"),
}


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    value: str
    message: str


@dataclass(frozen=True)
class DateRow:
    """An appointment a row announces."""

    kind: AppointmentKind
    local_date: date
    local_time: time
    court_id: int | None = None
    office_id: int | None = None
    past: bool = False


@dataclass
class PersonRow:
    row: int
    cells: list[str]
    household_key: str
    member: MemberData
    relationship_given: bool = False
    address: AddressData | None = None
    sms_consent: bool = False
    email_consent: bool = False
    released_on: date | None = None
    release_agency: ReleasingAgency | None = None
    release_type: ReleaseType | None = None
    case_manager_id: int | None = None
    dates: list[DateRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    member_id: int | None = None  # once imported


@dataclass
class Household:
    index: int  # its place among the file's households, from 0
    people: list[PersonRow]

    @property
    def head(self) -> PersonRow:
        return next(
            (p for p in self.people if p.member.relationship_to_head is Relationship.HEAD),
            self.people[0],
        )

    @property
    def problems(self) -> list[Problem]:
        return [problem for person in self.people for problem in person.problems]

    @property
    def label(self) -> str:
        head = self.head.member
        return " ".join(p for p in (head.given_names, head.first_surname, head.second_surname) if p)

    def fingerprint(self, blind_index: Callable[[str], str]) -> str:
        """Who is in the household, keyed (never readable): the same rows give the same print."""
        people = sorted(
            "|".join(
                (
                    values.fold_key(p.member.given_names),
                    values.fold_key(p.member.first_surname),
                    values.fold_key(p.member.second_surname or ""),
                    p.member.date_of_birth.isoformat() if p.member.date_of_birth else "",
                    p.member.a_number or "",
                )
            )
            for p in self.people
        )
        return blind_index("import-household:" + hashlib.sha256("\n".join(people).encode()).hexdigest())

    def earliest_release(self) -> date | None:
        dates = [p.released_on for p in self.people if p.released_on]
        return min(dates) if dates else None


@dataclass
class Lookups:
    """What rows are checked against: the day, the order of day and month in the file's dates,
    the courts (id, name, city), the program's offices for check-ins (id, name) and its staff
    by email."""

    today: date
    date_order: str | None
    courts: list[tuple[int, str, str]]
    check_in_offices: list[tuple[int, str]]
    staff_by_email: dict[str, int]
    region: str = "US"


def _unquoted(cell: str) -> str:
    """A cell as typed: the quote our failed-rows CSV puts before a formula-like value comes off."""
    text = cell.strip()
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_STARTS else text


def _message(error: ValidationError) -> str:
    return error.message


class _Reader:
    def __init__(self, number: int, cells: list[str], mapping: dict[int, str], lookups: Lookups) -> None:
        self.number = number
        self.cells = cells
        self.lookups = lookups
        self.text = {key: _unquoted(cells[index]) for index, key in mapping.items() if index < len(cells)}
        self.problems: list[Problem] = []

    def get(self, key: str) -> str:
        return self.text.get(key, "")

    def parse(self, key: str, parser: Callable[[str], Any]) -> Any:
        text = self.get(key)
        if not text:
            return None
        try:
            return parser(text)
        except ValidationError as error:
            self.fail(key, _message(error))
            return None

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.number, key, self.get(key), message))


def read_person(number: int, cells: list[str], mapping: dict[int, str], lookups: Lookups) -> PersonRow:
    """One row as a person, with every problem found (not only the first)."""
    r = _Reader(number, cells, mapping, lookups)
    for key, limit in (("given_names", 120), ("first_surname", 80), ("second_surname", 80)):
        if len(r.get(key)) > limit:
            r.fail(key, str(_l("Keep this under %(limit)d characters.", limit=limit)))
    for key in ("given_names", "first_surname"):
        if not r.get(key):
            r.fail(key, str(_l("%(field)s is required.", field=LABELS[key])))
    relationship = r.parse("relationship", values.parse_relationship)
    language = r.parse("language", values.parse_language)
    phone = r.parse("phone", lambda t: values.parse_phone_number(t, lookups.region))
    email = r.parse("email", _email)
    member = MemberData(
        given_names=r.get("given_names")[:120],
        first_surname=r.get("first_surname")[:80],
        second_surname=r.get("second_surname")[:80] or None,
        relationship_to_head=relationship or Relationship.HEAD,
        date_of_birth=r.parse("date_of_birth", lambda t: values.parse_date(t, lookups.date_order)),
        a_number=r.parse("a_number", values.parse_a_number_text),
        country_of_birth=r.parse("country_of_birth", values.parse_country),
        preferred_language=language,
        languages=[language] if language else [],
        needs_interpreter=bool(r.parse("needs_interpreter", values.parse_yes_no)),
        email=email,
        phones=[(phone, PhoneKind.MOBILE)] if phone else [],
    )
    if not any(p.field in ("date_of_birth", "a_number", "phone") for p in r.problems):
        try:
            check_member(member, lookups.today)
        except ValidationError as error:
            r.fail(_field_of(error.field), _message(error))
    person = PersonRow(
        row=number,
        cells=cells,
        household_key=r.get("household") or _family_key(r),
        member=member,
        relationship_given=relationship is not None,
        address=_address(r),
        sms_consent=bool(r.parse("sms_consent", values.parse_yes_no)),
        email_consent=bool(r.parse("email_consent", values.parse_yes_no)),
        released_on=_released_on(r),
        release_agency=r.parse("release_agency", release_agency),
        release_type=r.parse("release_type", release_type),
        case_manager_id=_case_manager(r),
        dates=[d for d in (_hearing(r), _check_in(r)) if d is not None],
    )
    if person.released_on and not (person.release_agency and person.release_type):
        r.fail(
            "released_on",
            str(_l("A release date needs the agency (ICE, CBP or ORR) and the kind of release in their columns.")),
        )
    if person.email_consent and not member.email:
        r.fail("email_consent", str(_l("Consent to email reminders needs an email address.")))
    if person.sms_consent and not phone:
        r.fail("sms_consent", str(_l("Consent to text reminders needs a mobile number.")))
    person.problems = r.problems
    return person


def _family_key(r: _Reader) -> str:
    """Without a household column, the head's A-number each member's row repeats (a family unit's
    lead A-number, in any of its writings) groups the rows."""
    lead = r.parse("lead_a_number", values.parse_a_number_text)
    return f"A{lead}" if lead else ""


def _field_of(form_field: str | None) -> str:
    return {"languages": "language", "other_phone": "phone"}.get(form_field or "", form_field or "given_names")


def _email(text: str) -> str:
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(str(_l("Enter a valid email address.")), "email") from error


def _address(r: _Reader) -> AddressData | None:
    parts = [r.get(key) for key in ("address", "city", "state", "postal_code")]
    if not any(parts):
        return None
    missing = [key for key in ("address", "city", "state", "postal_code") if not r.get(key)]
    for key in missing:
        r.fail(key, str(_l("An address needs its street, city, state and ZIP code.")))
    state = places.parse_state(r.get("state")) if r.get("state") else None
    if r.get("state") and state is None:
        r.fail("state", str(_l("Write the state as its two letters, like TX, or its name.")))
    postal_code = places.zip_code(r.get("postal_code")) if r.get("postal_code") else None
    if r.get("postal_code") and postal_code is None:
        r.fail("postal_code", str(_l("A ZIP code has 5 digits (or 5 and 4).")))
    if missing or state is None or postal_code is None:
        return None
    data = AddressData(
        line1=r.get("address")[:200],
        city=r.get("city")[:100],
        state=state,
        postal_code=postal_code,
        moved_in_on=r.lookups.today,
    )
    try:
        check_address(data, r.lookups.today)
    except ValidationError as error:
        r.fail("address", _message(error))
        return None
    return data


def _released_on(r: _Reader) -> date | None:
    released = r.parse("released_on", lambda t: values.parse_date(t, r.lookups.date_order))
    if released and released > r.lookups.today:
        r.fail("released_on", str(_l("The release date cannot be in the future.")))
        return None
    return released


def _case_manager(r: _Reader) -> int | None:
    text = r.get("case_manager")
    if not text:
        return None
    found = r.lookups.staff_by_email.get(text.strip().lower())
    if found is None:
        r.fail("case_manager", str(_l("No one of your program signs in with this email.")))
    return found


def _when(r: _Reader, date_key: str, time_key: str) -> tuple[date, time] | None:
    if not r.get(date_key):
        if r.get(time_key):
            r.fail(date_key, str(_l("A time was given without its date.")))
        return None
    day = r.parse(date_key, lambda t: values.parse_date(t, r.lookups.date_order))
    if not r.get(time_key):
        r.fail(time_key, str(_l("Give the time of this date; reminders need it.")))
        return None
    at = r.parse(time_key, values.parse_time)
    if day is None or at is None:
        return None
    return day, at


AGENCY_WORDS = {
    ReleasingAgency.ICE: ("ice", "ero"),
    ReleasingAgency.CBP: ("cbp", "borderpatrol", "patrullafronteriza", "usbp"),
    ReleasingAgency.ORR: ("orr", "refugeeresettlement", "reasentamiento"),
}
RELEASE_TYPE_WORDS = {
    ReleaseType.PAROLE: ("parole", "parol", "libertadcondicional"),
    ReleaseType.RECOGNIZANCE: ("recognizance", "orec", "or", "i220a", "reconocimiento", "palabra"),
    ReleaseType.NOTICE_TO_APPEAR: ("noticetoappear", "nta", "i862", "avisodecomparecencia", "aviso"),
    ReleaseType.ATD_ENROLLMENT: ("atd", "alternatives", "alternativas", "isap", "grillete", "smartlink"),
}


E = TypeVar("E", bound=enum.Enum)


def _word_match(text: str, words: dict[E, tuple[str, ...]], message: str, field_key: str) -> E:
    folded = values.fold_key(text)
    for value, options in words.items():
        if folded in options or any(len(w) > 3 and folded.startswith(w) for w in options):
            return value
    raise ValidationError(message, field_key)


def release_agency(text: str) -> ReleasingAgency:
    return _word_match(text, AGENCY_WORDS, str(_l("Write the agency as ICE, CBP or ORR.")), "release_agency")


def release_type(text: str) -> ReleaseType:
    return _word_match(
        text,
        RELEASE_TYPE_WORDS,
        str(_l("Write the kind of release as parole, recognizance, notice to appear or ATD.")),
        "release_type",
    )


def hearing_kind(text: str) -> AppointmentKind:
    folded = values.fold_key(text)
    for kind, words in HEARING_KIND_WORDS.items():
        if any(word in folded for word in words):
            return kind
    raise ValidationError(
        str(_l("Write the hearing type as master, individual (merits) or status.")),
        "hearing_kind",
    )


def _hearing(r: _Reader) -> DateRow | None:
    kind = r.parse("hearing_kind", hearing_kind) or AppointmentKind.MASTER_HEARING
    when = _when(r, "hearing_date", "hearing_time")
    if when is None:
        return None
    court_text = r.get("court")
    if not court_text:
        r.fail("court", str(_l("A hearing needs its immigration court.")))
        return None
    match = values.match_court(court_text, r.lookups.courts)
    if match.court_id is None:
        names = {court_id: name for court_id, name, _city in r.lookups.courts}
        if match.suggestion_id is not None:
            r.fail(
                "court", str(_l("No court is called this; did you mean %(court)s?", court=names[match.suggestion_id]))
            )
        else:
            r.fail("court", str(_l("No immigration court is called this; write its name as on the hearing notice.")))
        return None
    return DateRow(kind, when[0], when[1], court_id=match.court_id, past=when[0] < r.lookups.today)


def _check_in(r: _Reader) -> DateRow | None:
    when = _when(r, "check_in_date", "check_in_time")
    if when is None:
        return None
    offices = r.lookups.check_in_offices
    office_text = values.fold_key(r.get("office"))
    if office_text:
        chosen = [office_id for office_id, name in offices if values.fold_key(name) == office_text]
    else:
        chosen = [office_id for office_id, _name in offices] if len(offices) == 1 else []
    if not chosen:
        r.fail(
            "office" if office_text else "check_in_date",
            str(_l("Say which of your program's ICE offices the check-in is at (an Office column).")),
        )
        return None
    return DateRow(AppointmentKind.ICE_CHECK_IN, when[0], when[1], office_id=chosen[0], past=when[0] < r.lookups.today)


def group_households(people: Iterable[PersonRow]) -> Iterator[Household]:
    """Rows of one household are side by side in the file: the rows sharing a value of the
    household column, or, without one, a head's row and the rows below it that are not a head's.
    Streams: one household is held at a time. A household whose rows are apart is split, and its
    later rows say so (they would otherwise become a second household)."""
    current: Household | None = None
    current_key = ""
    seen: set[str] = set()
    count = 0
    for person in people:
        key = person.household_key
        starts = (
            current is None
            or (key and key != current_key)
            or (not key and (bool(current_key) or person.member.relationship_to_head is Relationship.HEAD))
        )
        if starts:
            if current is not None:
                yield current
            if key and key in seen:
                person.problems.append(
                    Problem(
                        person.row,
                        "household",
                        key,
                        str(_l("The other rows of this household are higher up in the file: put its rows together.")),
                    )
                )
            seen.add(key)
            current, current_key = Household(count, []), key
            count += 1
        assert current is not None
        current.people.append(person)
    if current is not None:
        yield current


def check_household(household: Household) -> None:
    """Problems of the household as a whole, added to the row they concern. Rows that give no
    relationship: the first is the head, the others relatives."""
    first = household.people[0]
    for person in household.people[1:]:
        if not person.relationship_given:
            person.member.relationship_to_head = Relationship.OTHER_RELATIVE
    heads = [p for p in household.people if p.member.relationship_to_head is Relationship.HEAD]
    if not heads:
        first.problems.append(
            Problem(
                first.row, "relationship", "", str(_l("No one in this household is its head: mark one row as head."))
            )
        )
    for person in heads[1:]:
        person.problems.append(
            Problem(
                person.row,
                "relationship",
                "",
                str(_l("This household already has a head; give this person's relationship to them.")),
            )
        )
