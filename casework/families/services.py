"""Families: intake, members, addresses, consents, duplicate detection and search."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from difflib import SequenceMatcher
from functools import cache, lru_cache
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session, immediateload, joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from casework.access import family_clause
from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record, record_now
from casework.cases import services as case_services
from casework.cases.models import Case, CaseStatus
from casework.crypto import field_keys
from casework.db import utcnow
from casework.errors import Conflict, ValidationError
from casework.extensions import RecordKind
from casework.families.identifiers import (
    fold,
    looks_like_a_number,
    looks_like_phone,
    name_tokens,
    parse_a_number,
    parse_phone,
    token_upper_bound,
)
from casework.families.models import (
    Address,
    Consent,
    ConsentKind,
    Family,
    Member,
    MemberLanguage,
    MemberVulnerability,
    NameToken,
    Phone,
    PhoneKind,
    Relationship,
    Vulnerability,
)
from casework.families.zones import US_ZONES, zone_for_state
from casework.forms_common import blank_to_none
from casework.i18n import LANGUAGES
from casework.i18n import lazy_gettext as _l
from casework.releases.models import Release

ADDRESS_FILING_DAYS = 5


def a_number_index(digits: str | None) -> str | None:
    """The keyed blind index of a normalized (9-digit) A-number: what search compares."""
    return field_keys().blind_index(digits) if digits else None


@dataclass
class MemberData:
    """A member's details as a form gives them, before parsing."""

    given_names: str
    first_surname: str
    relationship_to_head: Relationship = Relationship.HEAD
    second_surname: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    birth_date_estimated: bool = False
    a_number: str | None = None
    country_of_birth: str | None = None
    preferred_language: str | None = None
    languages: list[str] = field(default_factory=list)
    needs_interpreter: bool = False
    email: str | None = None
    phones: list[tuple[str, PhoneKind]] = field(default_factory=list)
    vulnerabilities: list[Vulnerability] = field(default_factory=list)
    vulnerabilities_confidential: bool = False


@dataclass
class AddressData:
    line1: str
    city: str
    state: str
    postal_code: str
    moved_in_on: date
    line2: str | None = None
    timezone: str | None = None  # blank: suggested from the state


def check_member(data: MemberData, today: date) -> tuple[str | None, list[tuple[str, PhoneKind]]]:
    """The rules every member meets, from a form or an imported row: the A-number and phones
    parsed, the date of birth plausible, the languages known."""
    a_number_text = blank_to_none(data.a_number)
    a_number = parse_a_number(a_number_text) if a_number_text else None
    phones = []
    for index, (text, kind) in enumerate(data.phones):
        if blank_to_none(text):
            phones.append((parse_phone(text, "phone" if index == 0 else "other_phone"), kind))
    if data.date_of_birth and data.date_of_birth > today:
        raise ValidationError(str(_l("A date of birth cannot be in the future.")), "date_of_birth")
    if data.date_of_birth and data.date_of_birth < date(today.year - 120, 1, 1):
        raise ValidationError(str(_l("Check the year of birth.")), "date_of_birth")
    for code in [data.preferred_language, *data.languages]:
        if code and code not in LANGUAGES:
            raise ValidationError(str(_l("Choose a language from the list.")), "languages")
    return a_number, phones


def _apply_member(
    session: Session, member: Member, data: MemberData, a_number: str | None, phones: list[tuple[str, PhoneKind]]
) -> list[str]:
    """Copy `data` onto `member`; returns the names of the fields that changed."""
    changed = []
    simple = {
        "given_names": data.given_names.strip(),
        "first_surname": data.first_surname.strip(),
        "second_surname": blank_to_none(data.second_surname),
        "preferred_name": blank_to_none(data.preferred_name),
        "date_of_birth": data.date_of_birth,
        "birth_date_estimated": bool(data.birth_date_estimated and data.date_of_birth),
        "relationship_to_head": data.relationship_to_head,
        "a_number": a_number,
        "a_number_index": a_number_index(a_number),
        "country_of_birth": data.country_of_birth or None,
        "preferred_language": data.preferred_language or None,
        "needs_interpreter": data.needs_interpreter,
        "email": (blank_to_none(data.email) or "").lower() or None,
    }
    for attr, value in simple.items():
        if getattr(member, attr, None) != value:
            setattr(member, attr, value)
            changed.append(attr)
    spoken = sorted(set(data.languages) | ({data.preferred_language} if data.preferred_language else set()))
    if [lang.code for lang in member.languages] != spoken:
        member.languages = [MemberLanguage(code=code) for code in spoken]
        changed.append("languages")
    if [(p.number, p.kind) for p in member.phones] != phones:
        member.phones = [Phone(number=number, kind=kind) for number, kind in phones]
        changed.append("phones")
    wanted = {(flag, data.vulnerabilities_confidential) for flag in data.vulnerabilities}
    if {(v.flag, v.confidential) for v in member.vulnerabilities} != wanted:
        member.vulnerabilities = [
            MemberVulnerability(flag=flag, confidential=conf) for flag, conf in sorted(wanted, key=lambda w: w[0].value)
        ]
        changed.append("vulnerabilities")
    return changed


def index_names(session: Session, member: Member, new: bool = False) -> None:
    """The member's name tokens, which name search reads (a domain that adds members calls it too);
    a `new` member has none to replace."""
    session.flush()
    if not new:
        session.execute(delete(NameToken).where(NameToken.member_id == member.id))
    session.add_all(_name_tokens(member))


def _name_tokens(member: Member) -> list[NameToken]:
    """The tokens of a member already flushed (it has its id)."""
    return [
        NameToken(member_id=member.id, family_id=member.family_id, program_id=member.family.program_id, token=token)
        for token in sorted(
            name_tokens(member.given_names, member.first_surname, member.second_surname, member.preferred_name)
        )
    ]


def refresh_family_name(family: Family) -> None:
    head = next(
        (m for m in family.members if m.relationship_to_head is Relationship.HEAD),
        family.members[0] if family.members else None,
    )
    if head is None:
        return
    surnames = " ".join(p for p in (head.first_surname, head.second_surname) if p)
    family.display_name = f"{surnames}, {head.given_names}"
    family.sort_key = fold(family.display_name)[:300]


# Duplicates ----------------------------------------------------------------------------------


@dataclass
class DuplicateCandidate:
    member: Member
    reason: str


def _name_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def find_duplicates(
    session: Session, user: User, data: MemberData, exclude_member_id: int | None = None
) -> list[DuplicateCandidate]:
    """Members in the user's reach sharing the A-number, or a close name and the same birth date."""
    a_number_text = blank_to_none(data.a_number)
    a_number = parse_a_number(a_number_text) if a_number_text else None
    conditions = []
    if a_number:
        conditions.append(Member.a_number_index == a_number_index(a_number))
    if data.date_of_birth:
        conditions.append(Member.date_of_birth == data.date_of_birth)
    if not conditions:
        return []
    stmt = (
        select(Member)
        .join(Family, Member.family_id == Family.id)
        .where(family_clause(user), or_(*conditions))
        .limit(50)
    )
    if exclude_member_id:
        stmt = stmt.where(Member.id != exclude_member_id)
    found = []
    for member in session.scalars(stmt):
        reason = duplicate_reason(member, data, a_number)
        if reason is not None:
            found.append(DuplicateCandidate(member, reason))
    return found


def duplicate_reason(member: Member, data: MemberData, a_number: str | None) -> str | None:
    """Why `member` looks like the person `data` describes (`a_number` parsed), or None: the same
    A-number, or a close name with the same date of birth."""
    if a_number and member.a_number == a_number:
        return str(_l("same A-number"))
    if data.date_of_birth is None or member.date_of_birth != data.date_of_birth:
        return None
    wanted_name = f"{data.given_names} {data.first_surname} {data.second_surname or ''}"
    if _name_similarity(wanted_name, member.full_name) >= 0.75 or (
        fold(member.first_surname) == fold(data.first_surname)
        and fold(member.given_names).split()[:1] == fold(data.given_names).split()[:1]
    ):
        return str(_l("similar name and same date of birth"))
    return None


def same_member(family: Family, data: MemberData) -> Member | None:
    """The member of `family` who is the person `data` describes (A-number already parsed)."""
    return next((m for m in family.members if duplicate_reason(m, data, data.a_number) is not None), None)


K = TypeVar("K")


def existing_duplicates(
    session: Session, program_id: int, households: list[tuple[K, list[MemberData]]]
) -> list[tuple[K, list[tuple[Family, str]]]]:
    """For households described by their members' data (A-numbers already parsed), the families
    of `program_id` they seem to be already: two statements for the whole list, whatever its length."""
    indexes = {a_number_index(d.a_number) for _k, people in households for d in people if d.a_number}
    births = {d.date_of_birth for _k, people in households for d in people if d.date_of_birth}
    if not (indexes or births):
        return []
    candidates: list[Member] = []
    for condition in (
        Member.a_number_index.in_(sorted(i for i in indexes if i)) if indexes else None,
        Member.date_of_birth.in_(sorted(births)) if births else None,
    ):
        if condition is None:
            continue
        candidates.extend(
            session.scalars(
                select(Member)
                .join(Family, Member.family_id == Family.id)
                .where(Family.program_id == program_id, Family.anonymized_at.is_(None), condition)
                .options(selectinload(Member.family))
            )
        )
    by_index: dict[str | None, list[Member]] = {}
    by_birth: dict[date | None, list[Member]] = {}
    for member in {m.id: m for m in candidates}.values():
        by_index.setdefault(member.a_number_index, []).append(member)
        by_birth.setdefault(member.date_of_birth, []).append(member)
    found = []
    for key, people in households:
        families: dict[int, tuple[Family, str]] = {}
        for data in people:
            near = by_index.get(a_number_index(data.a_number), []) if data.a_number else []
            for member in [*near, *by_birth.get(data.date_of_birth, [])] if data.date_of_birth else near:
                reason = duplicate_reason(member, data, data.a_number)
                if reason is not None:
                    families.setdefault(member.family_id, (member.family, reason))
        if families:
            found.append((key, list(families.values())))
    return found


# Intake and members ---------------------------------------------------------------------------


def start_household(session: Session, user: User, program_id: int, head: MemberData, today: date) -> Family:
    """A new household of `program_id` with its head, named and indexed for search: what an intake,
    an in-country reception and an import begin with. The caller opens the case and audits."""
    head.relationship_to_head = Relationship.HEAD
    a_number, phones = check_member(head, today)
    family = Family(program_id=program_id, created_by_id=user.id)
    session.add(family)
    member = Member(consents=[])
    _apply_member(session, member, head, a_number, phones)
    family.members.append(member)
    refresh_family_name(family)
    session.flush()
    index_names(session, member, new=True)
    return family


def copy_household(session: Session, user: User, source: Family, program_id: int) -> Family:
    """The household as it crosses to another organization when the family is removed: who they
    are, how they are related, the languages they speak and their vulnerabilities. Never A-numbers,
    contact details, addresses, consents or notes."""
    family = Family(program_id=program_id, created_by_id=user.id)
    session.add(family)
    for member in source.members:
        copy = Member(
            given_names=member.given_names,
            first_surname=member.first_surname,
            second_surname=member.second_surname,
            preferred_name=member.preferred_name,
            date_of_birth=member.date_of_birth,
            birth_date_estimated=member.birth_date_estimated,
            relationship_to_head=member.relationship_to_head,
            country_of_birth=member.country_of_birth,
            preferred_language=member.preferred_language,
            needs_interpreter=member.needs_interpreter,
        )
        copy.languages = [MemberLanguage(code=lang.code) for lang in member.languages]
        copy.vulnerabilities = [
            MemberVulnerability(flag=v.flag, confidential=v.confidential) for v in member.vulnerabilities
        ]
        family.members.append(copy)
    refresh_family_name(family)
    session.flush()
    for copy in family.members:
        index_names(session, copy, new=True)
    return family


def replace_mobile(member: Member, number: str | None) -> None:
    """`number` (E.164, already checked) becomes the member's one mobile, where reminders go."""
    member.phones = [p for p in member.phones if p.kind is not PhoneKind.MOBILE]
    if number:
        member.phones.append(Phone(number=number, kind=PhoneKind.MOBILE))


def create_family(
    session: Session,
    user: User,
    head: MemberData,
    address: AddressData | None,
    consents: Iterable[ConsentKind],
    today: date,
    assign_to_id: int | None,
) -> Family:
    """Intake: a household with its head member, current address, consents and an open case."""
    household = NewHousehold(people=[head], consents=[list(consents)], address=address, assign_to_id=assign_to_id)
    family, _case = create_households(session, user, [household], today)[0]
    return family


@dataclass
class NewHousehold:
    """A household as an intake (or an import's rows) gives it: its people, the head first, and
    the consents each of them gave, its current address and who follows its case."""

    people: list[MemberData]
    consents: list[list[ConsentKind]]
    address: AddressData | None = None
    assign_to_id: int | None = None


def create_households(
    session: Session, user: User, households: Sequence[NewHousehold], today: date
) -> list[tuple[Family, Case]]:
    """Intakes of the user's program, each household whole: every member, the address, the
    consents and an open case, audited as an intake and `add_member` audit them (the family, each
    further member and each consent they gave). Every person and address is checked before
    anything is added; then the rows of all the households go in a few batched statements, which
    is what lets an import of a caseload run at hundreds of rows a second."""
    checked = []
    for household in households:
        people = []
        for index, data in enumerate(household.people):
            if index == 0:
                data.relationship_to_head = Relationship.HEAD
            elif data.relationship_to_head is Relationship.HEAD:
                raise ValidationError(
                    str(_l("This household already has a head; choose the relationship to them.")),
                    "relationship_to_head",
                )
            people.append(check_member(data, today))
        if household.address is not None:
            check_address(household.address, today)
        checked.append(people)
    families = []
    for household, people in zip(households, checked, strict=True):
        family = Family(program_id=user.organization_id, created_by_id=user.id)
        for data, (a_number, phones), kinds in zip(household.people, people, household.consents, strict=True):
            member = Member()
            _apply_member(session, member, data, a_number, phones)
            member.consents = [Consent(kind=kind, given_on=today, recorded_by_id=user.id) for kind in kinds]
            family.members.append(member)
        if household.address is not None:
            family.addresses.append(_new_address(household.address, user))
        refresh_family_name(family)
        families.append(family)
    session.add_all(families)
    session.flush()
    session.add_all(token for family in families for member in family.members for token in _name_tokens(member))
    cases = case_services.open_cases(
        session, user, [(f, h.assign_to_id) for f, h in zip(families, households, strict=True)], today
    )
    for family in families:
        record(session, user, AuditAction.CREATE, "family", family.id, family.id)
        for member in family.members[1:]:
            record(session, user, AuditAction.CREATE, "member", member.id, family.id)
            for consent in member.consents:
                record(session, user, AuditAction.CREATE, "consent", consent.id, family.id, detail=consent.kind.value)
    session.flush()
    return list(zip(families, cases, strict=True))


def add_member(session: Session, user: User, family: Family, data: MemberData, today: date) -> Member:
    if data.relationship_to_head is Relationship.HEAD and any(
        m.relationship_to_head is Relationship.HEAD for m in family.members
    ):
        raise ValidationError(
            str(_l("This household already has a head; choose the relationship to them.")), "relationship_to_head"
        )
    a_number, phones = check_member(data, today)
    member = Member(consents=[])
    _apply_member(session, member, data, a_number, phones)
    family.members.append(member)
    refresh_family_name(family)
    session.flush()
    index_names(session, member, new=True)
    family.updated_at = utcnow()
    record(session, user, AuditAction.CREATE, "member", member.id, family.id)
    session.flush()
    return member


def update_member(session: Session, user: User, member: Member, data: MemberData, today: date) -> Member:
    family = member.family
    if data.relationship_to_head is Relationship.HEAD and any(
        m.relationship_to_head is Relationship.HEAD and m.id != member.id for m in family.members
    ):
        raise ValidationError(
            str(_l("This household already has a head; choose the relationship to them.")), "relationship_to_head"
        )
    a_number, phones = check_member(data, today)
    changed = _apply_member(session, member, data, a_number, phones)
    if changed:
        refresh_family_name(family)
        index_names(session, member)
        family.updated_at = utcnow()
        record(session, user, AuditAction.CHANGE, "member", member.id, family.id, detail=", ".join(changed))
    session.flush()
    return member


# Addresses ------------------------------------------------------------------------------------


def check_address(data: AddressData, today: date) -> None:
    if data.moved_in_on > today + timedelta(days=60):
        raise ValidationError(str(_l("The move-in date is too far in the future.")), "moved_in_on")


def _new_address(data: AddressData, user: User) -> Address:
    state = data.state.strip().upper()
    zone = data.timezone if data.timezone in US_ZONES else zone_for_state(state)
    return Address(
        line1=data.line1.strip(),
        line2=blank_to_none(data.line2),
        city=data.city.strip(),
        state=state,
        postal_code=data.postal_code.strip(),
        moved_in_on=data.moved_in_on,
        timezone=zone,
        recorded_by_id=user.id,
    )


def current_address(family: Family) -> Address | None:
    return next((a for a in family.addresses if a.moved_out_on is None), None)


def change_address(session: Session, user: User, family: Family, data: AddressData, today: date) -> Address:
    """Record a move; the court and USCIS must be told within 5 days, so two tasks are due then."""
    check_address(data, today)
    previous = current_address(family)
    if previous is not None:
        if data.moved_in_on < previous.moved_in_on:
            raise ValidationError(str(_l("The move cannot be before the current address began.")), "moved_in_on")
        previous.moved_out_on = data.moved_in_on
    address = _new_address(data, user)
    family.addresses.append(address)
    session.flush()
    case = case_services.current_case(session, family)
    if case is not None:
        case_services.plan_address_change_tasks(
            session, user, case, data.moved_in_on + timedelta(days=ADDRESS_FILING_DAYS)
        )
    family.updated_at = utcnow()
    record(session, user, AuditAction.CHANGE, "address", address.id, family.id, detail="moved")
    session.flush()
    return address


# Consents -------------------------------------------------------------------------------------


def record_consent(
    session: Session, user: User, member: Member, kind: ConsentKind, given_on: date, today: date
) -> Consent:
    if given_on > today:
        raise ValidationError(str(_l("Consent cannot be dated in the future.")), "given_on")
    if any(c.kind is kind and c.active for c in member.consents):
        raise Conflict(str(_l("This consent is already recorded and in force.")), "kind")
    consent = Consent(kind=kind, given_on=given_on, recorded_by_id=user.id)
    member.consents.append(consent)
    session.flush()
    record(session, user, AuditAction.CREATE, "consent", consent.id, member.family_id, detail=kind.value)
    session.flush()
    return consent


def revoke_consent(session: Session, user: User, consent: Consent, today: date) -> None:
    if consent.revoked_on is not None:
        raise Conflict(str(_l("This consent was already revoked.")))
    consent.revoked_on = today
    consent.revoked_by_id = user.id
    member = session.get(Member, consent.member_id)
    record(
        session,
        user,
        AuditAction.CHANGE,
        "consent",
        consent.id,
        member.family_id if member else None,
        detail=f"revoked {consent.kind.value}",
    )
    session.flush()


def members_with_mobile(session: Session, number: str) -> list[Member]:
    stmt = (
        select(Member)
        .join(Phone, Phone.member_id == Member.id)
        .where(Phone.number == number, Phone.kind == PhoneKind.MOBILE)
        .options(selectinload(Member.consents))
        .distinct()
    )
    return list(session.scalars(stmt))


def opt_out_by_text(session: Session, number: str, today: date) -> list[Member]:
    """The person at `number` replied STOP: every text-reminder consent on that number ends now."""
    members = members_with_mobile(session, number)
    for member in members:
        for consent in member.consents:
            if consent.kind is ConsentKind.SMS_REMINDERS and consent.active:
                consent.revoked_on = today
                record(
                    session,
                    None,
                    AuditAction.CHANGE,
                    "consent",
                    consent.id,
                    member.family_id,
                    detail="revoked sms_reminders by STOP",
                )
    session.flush()
    return members


def opt_in_by_text(session: Session, number: str, today: date) -> list[Member]:
    """START after STOP: the person asks for texts again, so consent is recorded anew from today;
    a number that never consented stays without consent."""
    members = members_with_mobile(session, number)
    for member in members:
        kinds = [c for c in member.consents if c.kind is ConsentKind.SMS_REMINDERS]
        if kinds and not any(c.active for c in kinds):
            consent = Consent(kind=ConsentKind.SMS_REMINDERS, given_on=today)
            member.consents.append(consent)
            session.flush()
            record(
                session,
                None,
                AuditAction.CREATE,
                "consent",
                consent.id,
                member.family_id,
                detail="sms_reminders by START",
            )
    session.flush()
    return members


# Reading --------------------------------------------------------------------------------------


@cache  # the same option objects each time: SQLAlchemy keeps their cache keys on them, and
# access.get_or_404 builds the page's statement once
def family_page_options() -> tuple[ORMOption, ...]:
    """What the family page shows of the household, loaded with it: the addresses and the releases
    with their papers in the family's statement, the members in one more with their phones, languages, flags, consents and school
    enrollment (a household's few rows each, joined rather than fetched one kind at a time)."""
    return (
        immediateload(Family.members).options(
            joinedload(Member.phones),
            joinedload(Member.languages),
            joinedload(Member.vulnerabilities),
            joinedload(Member.consents),
            joinedload(Member.school_enrollment),
        ),
        joinedload(Family.addresses),
        joinedload(Family.releases).joinedload(Release.documents),
    )


def records_held(session: Session, family_id: int, kinds: tuple[RecordKind, ...]) -> frozenset[str]:
    """Which of `kinds` the household has, asked in one statement: the family page then reads
    only those (a household without legal notes or deadlines costs no statement for them)."""
    row = session.execute(_records_held(kinds), {"family_id": family_id}).one()
    return frozenset(name for (name, _), held in zip(kinds, row, strict=True) if held)


@lru_cache(maxsize=16)  # the same kinds at every view: built once
def _records_held(kinds: tuple[RecordKind, ...]) -> Select[Any]:
    return select(*(exists_of().label(name) for name, exists_of in kinds))


def record_view(session: Session, user: User, family: Family) -> None:
    record_now(session, user, AuditAction.VIEW, "family", family.id, family.id)


@dataclass
class SearchResult:
    families: list[Family]
    has_next: bool
    mode: str  # "name", "a_number", "phone" or "all"


SEARCH_CONTEXT = b"family search"


def search_token(query: str) -> str:
    """The query sealed into an opaque token, so that names, A-numbers and phones stay out of URLs,
    server logs and browser history."""
    return field_keys().encrypt(query.strip()[:200], SEARCH_CONTEXT)


def query_of(token: str | None) -> str:
    """The query inside a search token; an altered or foreign token reads as no query."""
    if not token:
        return ""
    try:
        return field_keys().decrypt(token, SEARCH_CONTEXT) if ":" in token else ""
    except (ValueError, KeyError, InvalidTag):  # a tampered, truncated or old-key token: search nothing
        return ""


def _token_range(token: str, program_id: int | None) -> ColumnElement[bool]:
    in_range = and_(NameToken.token >= token, NameToken.token <= token_upper_bound(token))
    return in_range if program_id is None else and_(NameToken.program_id == program_id, in_range)


def _name_matches(tokens: list[str], program_id: int | None) -> Select[int]:
    """Families with a member whose names start with every token (longest token first: the rarest)."""
    first, *rest = tokens
    matching = select(NameToken.family_id.label("family_id")).where(_token_range(first, program_id))
    for token in rest:
        matching = matching.where(
            NameToken.member_id.in_(select(NameToken.member_id).where(_token_range(token, program_id)))
        )
    return matching


def matching_families(query: str, program_id: int | None = None) -> tuple[str, Select[int] | None]:
    """What a query searches for ("name", "a_number", "phone"; "all" when empty) and a SELECT of the
    matching families' ids, before any access scope (the caller narrows to its reach); None when
    nothing can match. With `program_id` (the searcher's own program or organization), a name
    search reads that program's tokens only."""
    query = (query or "").strip()[:200]
    if not query:
        return "all", None
    if looks_like_a_number(query):
        return "a_number", select(Member.family_id.label("family_id")).where(
            Member.a_number_index == a_number_index(parse_a_number(query))
        )
    if looks_like_phone(query):
        try:
            number = parse_phone(query)
        except ValidationError:
            return "phone", None
        return "phone", (
            select(Member.family_id.label("family_id"))
            .join(Phone, Phone.member_id == Member.id)
            .where(Phone.number == number)
        )
    tokens = sorted(name_tokens(query), key=len, reverse=True)[:5]
    return "name", _name_matches(tokens, program_id) if tokens else None


def search_families(session: Session, user: User, query: str, page: int, per_page: int) -> SearchResult:
    """Families in reach matching a name (accents and case ignored), an A-number or a phone."""
    base = select(Family).where(family_clause(user))
    mode, matching = matching_families(query, user.organization_id if user.in_program else None)
    if mode != "all":
        if matching is None:
            return SearchResult([], False, mode)
        # A join on the distinct matches lets the database start from the few matching families
        # rather than walk the whole program in list order.
        found = matching.distinct().subquery()
        base = base.join(found, Family.id == found.c.family_id)
    stmt = base.order_by(Family.sort_key, Family.id).offset((page - 1) * per_page).limit(per_page + 1)
    families = list(session.scalars(stmt))
    return SearchResult(families[:per_page], len(families) > per_page, mode)


@dataclass(frozen=True)
class ListDetails:
    """What a list page shows of a household beside its name: how many members, its current case
    (the open one, else the latest) and that case's manager."""

    members: int
    case_reference: str | None
    case_status: CaseStatus | None
    manager: str | None


def family_list_details(session: Session, families: list[Family]) -> dict[int, ListDetails]:
    """`ListDetails` of each family of a list page, in one statement: every case of each, the
    current one first, with the member count beside it."""
    ids = [f.id for f in families]
    if not ids:
        return {}
    members = select(func.count()).where(Member.family_id == Family.id).correlate(Family).scalar_subquery()
    stmt = (
        select(Family.id, members, Case.reference, Case.status, User.full_name)
        .select_from(Family)
        .outerjoin(Case, Case.family_id == Family.id)
        .outerjoin(User, User.id == Case.assigned_to_id)
        .where(Family.id.in_(ids))
        .order_by(Family.id, *case_services.current_first())
    )
    found: dict[int, ListDetails] = {}
    for family_id, count, reference, status, manager in session.execute(stmt):
        found.setdefault(family_id, ListDetails(int(count), reference, status, manager))
    return found


def anonymize_household(session: Session, family: Family) -> None:
    """Erase what identifies the household's people; keep what the program's figures need
    (languages, countries, relationships, consents given and their dates)."""
    for index, member in enumerate(family.members, start=1):
        member.given_names, member.first_surname = "—", f"{index}"
        member.second_surname = member.preferred_name = member.email = None
        member.a_number = member.a_number_index = None
        member.date_of_birth = date(member.date_of_birth.year, 1, 1) if member.date_of_birth else None
        member.birth_date_estimated = member.date_of_birth is not None
        member.phones = []
        member.vulnerabilities = []
    session.execute(delete(NameToken).where(NameToken.family_id == family.id))
    for address in list(family.addresses):
        session.delete(address)
    family.display_name = family.sort_key = f"#{family.id}"
    family.anonymized_at = utcnow()


def export_rows(session: Session, user: User, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
    """One row per case of a household in reach, in batches of ordinary queries (no server-side
    cursor: the rows are streamed to the browser): reference, household, members, case status,
    case manager, opened, closed."""
    member_count = select(func.count()).where(Member.family_id == Family.id).correlate(Family).scalar_subquery()
    last_id = 0
    while True:
        stmt = (
            select(
                Case.id,
                Case.reference,
                Family.display_name,
                member_count,
                Case.status,
                User.full_name,
                Case.opened_on,
                Case.closed_on,
            )
            .join(Case, Case.family_id == Family.id)
            .outerjoin(User, User.id == Case.assigned_to_id)
            .where(family_clause(user), Family.anonymized_at.is_(None), Case.id > last_id)
            .order_by(Case.id)
            .limit(batch)
        )
        rows = session.execute(stmt).all()
        if not rows:
            return
        for row in rows:
            yield row[1:]
        last_id = rows[-1][0]
