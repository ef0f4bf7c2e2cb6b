"""Returnee cases: reception intake, the hand-over of a removed family from a US case, reading."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Date, Row, Select, bindparam, exists, false, select
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from casework import access
from casework.accounts.models import PROGRAM_ROLES, Organization, OrganizationKind, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases import services as case_services
from casework.cases.closing import AgainChoice, AheadChoice
from casework.cases.models import Case, CaseStatus, ClosedReason, Task
from casework.db import AnySelect
from casework.errors import Conflict, NotAllowed, ValidationError
from casework.families import services as family_services
from casework.families.identifiers import parse_phone
from casework.families.models import (
    ConsentKind,
    Family,
    Member,
    Relationship,
)
from casework.families.services import MemberData
from casework.i18n import lazy_gettext as _l
from reintegration import followups, outcomes
from reintegration.divisions import DIVISIONS, resolve_place
from reintegration.models import (
    FOLLOW_UP_KEY,
    Answer,
    Assessment,
    OutcomeRecord,
    PlanItem,
    Referral,
    RelativeInUS,
    ReturneeCase,
    ReturneeClosedReason,
    ReturneeStatus,
    ReturnMethod,
)

_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def is_reintegration_staff(user: User) -> bool:
    return user.role in PROGRAM_ROLES and user.organization.kind is OrganizationKind.REINTEGRATION


def new_reference() -> str:
    return "R-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


@dataclass
class ReturnData:
    country: str
    returned_on: date
    method: ReturnMethod
    arrival_point: str | None = None
    reception_center: str | None = None
    division: str | None = None
    municipality: str | None = None  # as typed: a municipality, or in El Salvador a district
    district: str | None = None  # set from the municipality typed, never typed itself
    phone: str | None = None
    notes: str | None = None
    relatives: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # name, relationship, phone


def _check(data: ReturnData, today: date) -> str | None:
    if len(data.country or "") != 2:
        raise ValidationError(str(_l("Choose the country.")), "country")
    if data.returned_on > today:
        raise ValidationError(str(_l("The return date cannot be in the future.")), "returned_on")
    known = DIVISIONS.get(data.country)
    if known and data.division and data.division not in {code for code, _ in known}:
        raise ValidationError(str(_l("Choose the department or state from the list.")), "division")
    place = resolve_place(data.country, data.division, data.municipality)
    data.division, data.municipality, data.district = place.division, place.municipality, place.district
    return parse_phone(data.phone, "phone", region=data.country) if data.phone else None


def _apply(case: ReturneeCase, data: ReturnData, phone: str | None, with_relatives: bool = True) -> None:
    case.country, case.returned_on, case.method = data.country, data.returned_on, data.method
    for name in ("arrival_point", "reception_center", "division", "municipality", "district", "notes"):
        setattr(case, name, (getattr(data, name) or "").strip() or None)
    case.phone = phone
    family_services.replace_mobile(followups.head_of(case), phone)
    if not with_relatives:
        return
    case.relatives = [
        RelativeInUS(
            name=name.strip(),
            relationship_to_returnee=(rel or "").strip() or None,
            phone=parse_phone(tel, "relatives") if tel else None,
        )
        for name, rel, tel in data.relatives
        if name and name.strip()
    ]


def receive(session: Session, user: User, head: Mapping[str, Any], data: ReturnData, today: date) -> ReturneeCase:
    """Reception of someone returned who was not followed in the US: the household and its return."""
    if not is_reintegration_staff(user):
        raise NotAllowed(str(_l("Only an in-country organization's staff receive returnees.")))
    if not (head.get("given_names") or "").strip() or not (head.get("first_surname") or "").strip():
        raise ValidationError(str(_l("Give the person's given names and first surname.")), "given_names")
    phone = _check(data, today)
    if head.get("reminders_consent") and phone is None:
        raise ValidationError(str(_l("Give the phone in the country to send text reminders to.")), "phone")
    person = MemberData(
        given_names=head["given_names"],
        first_surname=head["first_surname"],
        second_surname=head.get("second_surname"),
        date_of_birth=head.get("date_of_birth"),
        country_of_birth=data.country,
        preferred_language=head.get("preferred_language") or None,
    )
    family = family_services.start_household(session, user, user.organization_id, person, today)
    case = ReturneeCase(
        family=family,
        organization_id=user.organization_id,
        reference=new_reference(),
        status=ReturneeStatus.OPEN,
        assigned_to_id=user.id,
        created_by_id=user.id,
    )
    _apply(case, data, phone)
    if head.get("reminders_consent"):
        family_services.record_consent(session, user, family.members[0], ConsentKind.SMS_REMINDERS, today, today)
    session.add(case)
    session.flush()
    _open_case(session, user, case, user.id, today)
    record(session, user, AuditAction.CREATE, "returnee_case", case.id, family.id)
    session.flush()
    return case


def _open_case(session: Session, user: User, returnee: ReturneeCase, assign_to_id: int | None, today: date) -> None:
    """The organization's own case for the household, with its follow-ups after the return."""
    case = case_services.open_case(session, user, returnee.family, today, assign_to_id)
    returnee.case_id = case.id
    followups.plan_follow_ups(session, user, returnee, case)


def can_hand_over(case: Case) -> bool:
    return case.status is CaseStatus.CLOSED and case.closed_reason is ClosedReason.REMOVED


def hand_over(
    session: Session,
    user: User,
    us_case: Case,
    organization_id: int,
    consent_on: date | None,
    data: ReturnData,
    today: date,
) -> ReturneeCase:
    """A US case closed because the family was removed goes to an in-country organization in one
    step: with the family's consent, its identity, household, languages and vulnerabilities cross
    (never A-numbers, notes or US addresses) and the two records are linked. Without consent
    nothing crosses."""
    if not can_hand_over(us_case):
        raise Conflict(str(_l("Only a case closed because the family was removed can be handed over.")))
    if session.scalar(select(ReturneeCase.id).where(ReturneeCase.us_case_id == us_case.id)):
        raise Conflict(str(_l("This case was already handed over.")))
    if consent_on is None:
        raise ValidationError(
            str(_l("Record the family's consent to the hand-over; without it nothing is sent.")), "consent_on"
        )
    if consent_on > today:
        raise ValidationError(str(_l("Consent cannot be dated in the future.")), "consent_on")
    organization = session.get(Organization, organization_id)
    if organization is None or organization.kind is not OrganizationKind.REINTEGRATION:
        raise ValidationError(str(_l("Choose an in-country organization from the list.")), "organization_id")
    phone = _check(data, today)
    source = us_case.family
    family = family_services.copy_household(session, user, source, organization.id)
    case = ReturneeCase(
        family=family,
        organization_id=organization.id,
        reference=new_reference(),
        status=ReturneeStatus.OPEN,
        us_case_id=us_case.id,
        consent_on=consent_on,
        created_by_id=user.id,
    )
    _apply(case, data, phone)
    session.add(case)
    session.flush()
    _open_case(session, user, case, None, today)
    record(session, user, AuditAction.CREATE, "returnee_case", case.id, family.id, detail="handed over")
    record(
        session, user, AuditAction.CHANGE, "case", us_case.id, source.id, detail=f"handed over to {organization.name}"
    )
    session.flush()
    return case


def handed_over_to(session: Session, us_case_id: int) -> ReturneeCase | None:
    return session.scalars(select(ReturneeCase).where(ReturneeCase.us_case_id == us_case_id)).first()


def in_country_organizations(session: Session) -> list[Organization]:
    return list(
        session.scalars(
            select(Organization).where(Organization.kind == OrganizationKind.REINTEGRATION).order_by(Organization.name)
        )
    )


REFERENCE = re.compile(r"R-[A-Z0-9]{8}")


def search(scope: Select[ReturneeCase], query: str | None, organization_id: int) -> Select[ReturneeCase]:
    """Returnee cases in `scope` matching a reference (R-XXXXXXXX), a name (accents and case
    ignored; the organization's own name tokens) or the phone in the country; the scope itself
    when the query is empty."""
    query = (query or "").strip()
    if REFERENCE.fullmatch(query.upper()):
        return scope.where(ReturneeCase.reference == query.upper())
    mode, matching = family_services.matching_families(query, organization_id)
    if mode == "all":
        return scope
    if matching is None:
        return scope.where(false())
    return scope.where(ReturneeCase.family_id.in_(matching))


def cases_page(
    session: Session,
    listed: Select[ReturneeCase],
    values: dict[str, int],
    organization_id: int,
    status: ReturneeStatus | None,
    page: int,
    per_page: int,
) -> tuple[list[Any], bool]:
    """One page of the returnee cases `listed` (the reader's reach as `access.reach` gives it, with
    `values`, or a search in it), of one status or all, with what the list shows of each:
    reference, status, household, return and destination (the household from the join the scope
    makes). The statement of the reach itself is built once; a search's, for its request."""
    build = _page_statement if listed is access.program_scoped(ReturneeCase) else _page_statement.__wrapped__
    bound = {
        **values,
        "organization_id": organization_id,
        "status": status,
        "offset": (page - 1) * per_page,
        "limit": per_page + 1,
    }
    rows = list(session.execute(build(listed, status is not None), bound))
    return rows[:per_page], len(rows) > per_page


@lru_cache(maxsize=4)
def _page_statement(listed: Select[ReturneeCase], of_one_status: bool) -> AnySelect:
    # A returnee case is its household's organization's (the reader's): said on the case as well,
    # so that the list is read in order from its index, backwards (open cases before closed ones).
    stmt = listed.where(ReturneeCase.organization_id == bindparam("organization_id"))
    if of_one_status:
        stmt = stmt.where(ReturneeCase.status == bindparam("status"))
    return (
        stmt.with_only_columns(
            ReturneeCase.id,
            ReturneeCase.reference,
            ReturneeCase.us_case_id,
            ReturneeCase.status,
            Family.display_name.label("household"),
            ReturneeCase.returned_on,
            ReturneeCase.country,
            ReturneeCase.division,
            ReturneeCase.municipality,
            ReturneeCase.district,
        )
        .order_by(ReturneeCase.status.desc(), ReturneeCase.returned_on.desc(), ReturneeCase.id.desc())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def follow_ups(session: Session, returnee: ReturneeCase) -> list[Task]:
    """The follow-up tasks after the return (each has its date of the household), in due order."""
    return followups.tasks_of(session, returnee).follow_ups


def other_open_tasks(session: Session, returnee: ReturneeCase) -> list[Task]:
    """What else the system asks of the worker: a call with an interpreter, a reply to follow up."""
    return followups.tasks_of(session, returnee).others


def anonymize_returnee(session: Session, family_id: int, case_ids: list[int]) -> None:
    """Retention: contact details, notes and relatives go; the country, dates and division stay."""
    from sqlalchemy import delete, update

    returnee_ids = select(ReturneeCase.id).where(ReturneeCase.family_id == family_id).scalar_subquery()
    session.execute(
        delete(RelativeInUS)
        .where(RelativeInUS.returnee_case_id.in_(returnee_ids))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ReturneeCase)
        .where(ReturneeCase.family_id == family_id)
        .values(phone=None, notes=None, municipality=None, district=None, arrival_point=None)
        .execution_options(synchronize_session=False)
    )
    # What was said about the person in free text: threats, health, custody, plans, referrals.
    erased: dict[type[Assessment | PlanItem | Referral | OutcomeRecord], dict[str, None]] = {
        Assessment: dict.fromkeys(TEXT_FIELDS),
        PlanItem: {"action": None},
        Referral: {"note": None, "outcome": None},
        OutcomeRecord: {"note": None},
    }
    for model, values in erased.items():
        session.execute(
            update(model)
            .where(model.returnee_case_id.in_(returnee_ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


ANSWER_FIELDS = (
    "has_national_id",
    "children_birth_certificates",
    "has_shelter",
    "psychosocial_support",
    "safe_at_destination",
    "children_enrolled",
    "us_school_records",
    "cash_needs",
)
TEXT_FIELDS = ("health_needs", "threatened_by", "separation_or_custody", "work_skills", "legal_remedies")


def assessment_of(session: Session, returnee: ReturneeCase) -> Assessment | None:
    return session.scalars(select(Assessment).where(Assessment.returnee_case_id == returnee.id)).first()


def save_assessment(session: Session, user: User, returnee: ReturneeCase, answers: Mapping[str, Any]) -> Assessment:
    """Record or update the reception assessment. Persecutors who are police or officials must be
    said explicitly, so that no referral goes to them."""
    assessment = assessment_of(session, returnee) or Assessment(returnee_case_id=returnee.id)
    for name in ANSWER_FIELDS:
        setattr(assessment, name, Answer(answers.get(name) or Answer.UNKNOWN.value))
    for name in TEXT_FIELDS:
        setattr(assessment, name, (answers.get(name) or "").strip() or None)
    assessment.us_born_children = bool(answers.get("us_born_children"))
    assessment.persecutors_are_officials = bool(answers.get("persecutors_are_officials"))
    if assessment.persecutors_are_officials and not assessment.threatened_by:
        raise ValidationError(str(_l("Say who threatens them, so that no referral goes to them.")), "threatened_by")
    assessment.assessed_by_id = user.id
    session.add(assessment)
    session.flush()
    record(session, user, AuditAction.CHANGE, "returnee_case", returnee.id, returnee.family_id, detail="assessment")
    session.flush()
    return assessment


# Closing ------------------------------------------------------------------------------------------

# How the organization's own case closes for each reason (its retention clock starts then).
CASE_CLOSED_REASON = {
    ReturneeClosedReason.SERVICES_COMPLETED: ClosedReason.SERVICES_COMPLETED,
    ReturneeClosedReason.MIGRATED_AGAIN: ClosedReason.MOVED_AWAY,
    ReturneeClosedReason.MOVED_AWAY: ClosedReason.MOVED_AWAY,
    ReturneeClosedReason.LOST_CONTACT: ClosedReason.LOST_CONTACT,
    ReturneeClosedReason.DECLINED_SERVICES: ClosedReason.DECLINED_SERVICES,
}


def close(
    session: Session, user: User, returnee: ReturneeCase, reason: ReturneeClosedReason | None, today: date
) -> None:
    """The follow-up ends: no more reminders go out (the case is closed) and retention's clock starts.
    Someone who migrated again is recorded as such in their situation over time."""
    if returnee.status is ReturneeStatus.CLOSED:
        raise Conflict(str(_l("This case is already closed.")))
    if reason is None:
        raise ValidationError(str(_l("Say why the case is closed.")), "closed_reason")
    returnee.status, returnee.closed_on, returnee.closed_reason = ReturneeStatus.CLOSED, today, reason
    if reason is ReturneeClosedReason.MIGRATED_AGAIN:
        outcomes.add_record(
            session, returnee, OutcomeRecord(recorded_on=today, migrated_again=Answer.YES, recorded_by_id=user.id)
        )
    record(
        session,
        user,
        AuditAction.CHANGE,
        "returnee_case",
        returnee.id,
        returnee.family_id,
        detail=f"closed {reason.value}",
    )
    if returnee.case is not None and returnee.case.status is not CaseStatus.CLOSED:
        # The follow-up visits still ahead are the organization's own: they are called off with their reminders.
        case_services.change_status(
            session,
            user,
            returnee.case,
            CaseStatus.CLOSED,
            CASE_CLOSED_REASON[reason],
            today,
            ahead_choice=AheadChoice.CANCEL,
        )
    session.flush()


def reopen(session: Session, user: User, returnee: ReturneeCase, today: date) -> None:
    if returnee.status is not ReturneeStatus.CLOSED:
        raise Conflict(str(_l("This case is open.")))
    returnee.status, returnee.closed_on, returnee.closed_reason = ReturneeStatus.OPEN, None, None
    record(session, user, AuditAction.CHANGE, "returnee_case", returnee.id, returnee.family_id, detail="reopened")
    if returnee.case is not None and returnee.case.status is CaseStatus.CLOSED:
        # Follow-up visits still ahead are held again, with their reminders.
        case_services.change_status(
            session, user, returnee.case, CaseStatus.ACTIVE, None, today, again_choice=AgainChoice.PLAN
        )
    session.flush()


def due_follow_ups(
    session: Session,
    scope: Select[ReturneeCase],
    values: dict[str, int],
    today: date,
    horizon_days: int = 7,
    limit: int = 50,
) -> list[Row[Any]]:
    """Open follow-ups of open cases, overdue or due within the horizon, soonest first: each one's
    day, returnee case, household and return (what the list shows). Read in due order from the
    index of open follow-ups (its conditions written as its own, the key inline for the planner
    to match it), up to the first `limit` of the reader's organization. `scope` and `values` as
    `access.reach` gives them; the statement of a kept scope is built once."""
    build = _due_statement if scope is access.program_scoped(ReturneeCase) else _due_statement.__wrapped__
    bound = {**values, "until": today + timedelta(days=horizon_days), "limit": limit}
    return list(session.execute(build(scope), bound))


@lru_cache(maxsize=2)
def _due_statement(scope: Select[ReturneeCase]) -> AnySelect:
    from scheduling.api import Appointment

    return (
        scope.join(Task, Task.case_id == ReturneeCase.case_id)
        .where(
            ReturneeCase.status == ReturneeStatus.OPEN,
            Task.completed_at.is_(None),
            Task.title_key == bindparam("follow_up_key", FOLLOW_UP_KEY, literal_execute=True),
            Task.due_on <= bindparam("until", type_=Date),
            exists().where(Appointment.follow_up_task_id == Task.id),
        )
        .with_only_columns(
            Task.due_on,
            ReturneeCase.id.label("returnee_id"),
            Family.display_name.label("household"),
            ReturneeCase.returned_on,
        )
        .order_by(Task.due_on, Task.id)
        .limit(bindparam("limit"))
    )


def load_household(session: Session, returnee: ReturneeCase) -> Family:
    """The household with what its page shows of each member: its members with their few
    languages, flags and consents joined, in one statement (the household itself is the
    returnee's, loaded with it by `SHOWN_WITH_RETURNEE`)."""
    members = session.scalars(_members_statement(), {"family_id": returnee.family_id}).unique().all()
    family = returnee.family
    set_committed_value(family, "members", list(members))
    return family


# What the returnee page loads with the returnee, in its statement: the household (which the
# access scope joins already), the reception assessment and the family members in the United States.
SHOWN_WITH_RETURNEE = (
    contains_eager(ReturneeCase.family),
    joinedload(ReturneeCase.assessment),
    joinedload(ReturneeCase.relatives),
)


@cache  # built once and run with the household bound
def _members_statement() -> Select[Member]:
    return (
        select(Member)
        .where(Member.family_id == bindparam("family_id"))
        .order_by(Member.id)  # as the household's members are ordered
        .options(joinedload(Member.languages), joinedload(Member.vulnerabilities), joinedload(Member.consents))
    )


def update_return(session: Session, user: User, returnee: ReturneeCase, data: ReturnData, today: date) -> None:
    """Correct the return as recorded. A corrected return date moves the follow-ups still to come by
    as much (the household is told if it was already reminded); a new phone gets the reminders."""
    phone = _check(data, today)
    moved_by = data.returned_on - returnee.returned_on
    phone_changed = phone != returnee.phone
    _apply(returnee, data, phone, with_relatives=False)
    session.flush()
    record(session, user, AuditAction.CHANGE, "returnee_case", returnee.id, returnee.family_id, detail="return")
    if moved_by:
        followups.shift(session, user, returnee, moved_by)
    if phone_changed:
        from scheduling import api as scheduling

        scheduling.replan_upcoming(session, [returnee.case_id] if returnee.case_id else [])
    session.flush()


def add_relative(
    session: Session,
    user: User,
    returnee: ReturneeCase,
    name: str,
    relationship: str | None,
    phone: str | None,
    us_state: str | None,
) -> RelativeInUS:
    if not (name or "").strip():
        raise ValidationError(str(_l("Give the family member's name.")), "name")
    relative = RelativeInUS(
        returnee_case_id=returnee.id,
        name=name.strip(),
        relationship_to_returnee=(relationship or "").strip() or None,
        phone=parse_phone(phone, "phone") if phone and phone.strip() else None,
        us_state=us_state or None,
    )
    session.add(relative)
    session.flush()
    record(session, user, AuditAction.CHANGE, "returnee_case", returnee.id, returnee.family_id, detail="relative added")
    session.flush()
    return relative


def remove_relative(session: Session, user: User, returnee: ReturneeCase, relative: RelativeInUS) -> None:
    session.delete(relative)
    record(
        session, user, AuditAction.CHANGE, "returnee_case", returnee.id, returnee.family_id, detail="relative removed"
    )
    session.flush()


def add_household_member(session: Session, user: User, returnee: ReturneeCase, data: MemberData, today: date) -> Member:
    """Someone returned with the person (a child, a partner), through the core's one way to add a member."""
    if data.relationship_to_head is Relationship.HEAD:
        raise ValidationError(str(_l("Choose their relationship to the person received.")), "relationship_to_head")
    return family_services.add_member(session, user, returnee.family, data, today)
