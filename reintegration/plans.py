"""From the reception assessment to action: the needs it shows, the service plan built from them,
and referrals to providers with their answer and outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.errors import Conflict, ValidationError
from casework.i18n import lazy_gettext as _l
from reintegration.models import (
    Answer,
    Assessment,
    PlanItem,
    PlanStatus,
    Provider,
    Referral,
    ReferralStatus,
    ReturneeCase,
    ReturneeStatus,
    Service,
)


@dataclass(frozen=True)
class Need:
    service: Service
    label: str


def needs(assessment: Assessment | None) -> list[Need]:
    """What the answers ask the worker to act on, most urgent first."""
    if assessment is None:
        return []
    a = assessment
    rules = [
        (
            a.safe_at_destination is Answer.NO,
            Service.PROTECTION,
            _l("Protection: it is not safe to go to the destination."),
        ),
        (
            a.persecutors_are_officials,
            Service.PROTECTION,
            _l("Protection: the persecutors are police or officials; refer to no public office."),
        ),
        (a.has_shelter is Answer.NO, Service.SHELTER, _l("Shelter")),
        (bool(a.health_needs), Service.HEALTH, _l("Health care")),
        (a.psychosocial_support is Answer.YES, Service.PSYCHOSOCIAL, _l("Psychosocial support")),
        (a.has_national_id is Answer.NO, Service.IDENTITY_DOCUMENTS, _l("National identity document")),
        (
            a.children_birth_certificates is Answer.NO or a.us_born_children,
            Service.BIRTH_REGISTRATION,
            _l("Children's birth certificates (and registration of US-born children)"),
        ),
        (a.children_enrolled is Answer.NO, Service.EDUCATION, _l("School enrollment for the children")),
        (a.us_school_records is Answer.NO, Service.US_SCHOOL_RECORDS, _l("US school records")),
        (bool(a.separation_or_custody), Service.FAMILY_REUNIFICATION, _l("Family separation or custody")),
        (a.cash_needs is Answer.YES, Service.CASH, _l("Cash assistance")),
        (bool(a.work_skills), Service.EMPLOYMENT, _l("Work: training or placement")),
        (bool(a.legal_remedies), Service.LEGAL, _l("Legal remedies after deportation")),
    ]
    return [Need(service, str(label)) for applies, service, label in rules if applies]


def plan_of(session: Session, returnee: ReturneeCase) -> list[PlanItem]:
    """The plan's lines, those still to do first."""
    return list(session.scalars(_plan_statement(), {"returnee_case_id": returnee.id}))


@cache  # built once and run with the returnee bound
def _plan_statement() -> Select[PlanItem]:
    return (
        select(PlanItem)
        .where(PlanItem.returnee_case_id == bindparam("returnee_case_id"))
        .order_by(PlanItem.status == PlanStatus.DONE, PlanItem.id)
    )


def build_plan(session: Session, user: User, returnee: ReturneeCase, assessment: Assessment | None) -> list[PlanItem]:
    """A plan line for each need the assessment shows that the plan does not have yet."""
    if assessment is None:
        raise Conflict(str(_l("Do the reception assessment first: the plan is built from its needs.")))
    have = {item.service for item in plan_of(session, returnee)}
    added = []
    for need in needs(assessment):
        if need.service in have:
            continue
        have.add(need.service)
        item = PlanItem(
            returnee_case_id=returnee.id, service=need.service, status=PlanStatus.OPEN, created_by_id=user.id
        )
        session.add(item)
        added.append(item)
    session.flush()
    record(
        session,
        user,
        AuditAction.CHANGE,
        "returnee_case",
        returnee.id,
        returnee.family_id,
        detail=f"plan built, {len(added)} lines",
    )
    session.flush()
    return added


def save_plan_item(
    session: Session,
    user: User,
    returnee: ReturneeCase,
    item: PlanItem | None,
    service: Service,
    action: str | None,
    status: PlanStatus,
    due_on: date | None,
    today: date,
) -> PlanItem:
    if item is None and due_on is not None and due_on < today:
        raise ValidationError(str(_l("A new line's target date cannot be in the past.")), "due_on")
    item = item or PlanItem(returnee_case_id=returnee.id, created_by_id=user.id)
    item.service, item.status, item.due_on = service, status, due_on
    item.action = (action or "").strip() or None
    session.add(item)
    session.flush()
    record(
        session,
        user,
        AuditAction.CHANGE,
        "returnee_case",
        returnee.id,
        returnee.family_id,
        detail=f"plan line {item.id}",
    )
    session.flush()
    return item


# Referrals ----------------------------------------------------------------------------------------

# Which answers may follow which: a referral that ended stays ended.
NEXT_STATUSES = {
    ReferralStatus.REFERRED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DROPPED},
    ReferralStatus.ACCEPTED: {ReferralStatus.COMPLETED, ReferralStatus.DROPPED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.DROPPED: set(),
}
ENDED = frozenset({ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.DROPPED})


def officials_persecute(assessment: Assessment | None) -> bool:
    return bool(assessment and assessment.persecutors_are_officials)


def refer(
    session: Session,
    user: User,
    returnee: ReturneeCase,
    provider: Provider | None,
    service: Service | None,
    plan_item: PlanItem | None,
    note: str | None,
    assessment: Assessment | None,
    today: date,
) -> Referral:
    """Refer the returnee to a provider of the directory for a service (none chosen: refused, as a service
    the provider does not offer)."""
    if returnee.status is ReturneeStatus.CLOSED:
        raise Conflict(str(_l("The case is closed; reopen it to refer the person.")))
    if provider is None or not provider.active:
        raise ValidationError(str(_l("Choose a provider from the directory.")), "provider_id")
    if service not in provider.offered:
        raise ValidationError(str(_l("This provider does not offer that service; choose another.")), "provider_id")
    if provider.is_public and officials_persecute(assessment):
        raise ValidationError(
            str(
                _l(
                    "The persecutors are police or officials: refer to no public office. "
                    "Choose a civil-society provider."
                )
            ),
            "provider_id",
        )
    if plan_item is not None and plan_item.returnee_case_id != returnee.id:
        raise ValidationError(str(_l("Choose a line of this person's plan.")), "plan_item_id")
    open_same = session.scalar(
        select(Referral.id).where(
            Referral.returnee_case_id == returnee.id,
            Referral.provider_id == provider.id,
            Referral.service == service,
            Referral.status.not_in(ENDED),
        )
    )
    if open_same is not None:
        raise Conflict(str(_l("This person is already referred to this provider for this service.")), "provider_id")
    referral = Referral(
        returnee_case_id=returnee.id,
        provider_id=provider.id,
        provider=provider,
        service=service,
        plan_item_id=plan_item.id if plan_item else None,
        status=ReferralStatus.REFERRED,
        referred_on=today,
        status_changed_on=today,
        note=(note or "").strip() or None,
        created_by_id=user.id,
    )
    session.add(referral)
    if plan_item is not None and plan_item.status is PlanStatus.OPEN:
        plan_item.status = PlanStatus.IN_PROGRESS
    session.flush()
    record(session, user, AuditAction.CREATE, "returnee_referral", referral.id, returnee.family_id)
    session.flush()
    return referral


def update_referral(
    session: Session,
    user: User,
    returnee: ReturneeCase,
    referral: Referral,
    status: ReferralStatus,
    outcome: str | None,
    today: date,
) -> None:
    if status is not referral.status and status not in NEXT_STATUSES[referral.status]:
        raise ValidationError(
            str(_l("A referral that has ended cannot change its answer; refer again instead."))
            if referral.status in ENDED
            else str(_l("That answer cannot follow the current one.")),
            "status",
        )
    outcome = (outcome or "").strip() or None
    if status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.DROPPED) and not outcome:
        raise ValidationError(str(_l("Say what came of the referral.")), "outcome")
    if status is not referral.status:
        referral.status, referral.status_changed_on = status, today
    referral.outcome = outcome
    if status is ReferralStatus.COMPLETED and referral.plan_item_id:
        item = session.get(PlanItem, referral.plan_item_id)
        if item is not None and item.status in (PlanStatus.OPEN, PlanStatus.IN_PROGRESS):
            item.status = PlanStatus.DONE
    session.flush()
    record(session, user, AuditAction.CHANGE, "returnee_referral", referral.id, returnee.family_id, detail=status.value)
    session.flush()


def referrals_of(session: Session, returnee: ReturneeCase) -> list[Referral]:
    """The returnee's referrals with their providers, newest first."""
    return list(session.scalars(_referrals_statement(), {"returnee_case_id": returnee.id}))


@cache  # built once and run with the returnee bound
def _referrals_statement() -> Select[Referral]:
    return (
        select(Referral)
        .where(Referral.returnee_case_id == bindparam("returnee_case_id"))
        .options(selectinload(Referral.provider))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    )
