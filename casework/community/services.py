"""Referrals to community services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Exists, Select, select, update
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases.models import Case, CaseStatus
from casework.cases.services import held_through_cases, of_family_cases
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.errors import Conflict, ValidationError
from casework.forms_common import blank_to_none
from casework.i18n import lazy_gettext as _l


@dataclass
class ReferralData:
    category: ServiceCategory
    provider: str
    referred_on: date
    member_id: int | None = None
    notes: str | None = None


def family_has_referrals() -> Exists:
    return held_through_cases(ServiceReferral.case_id)


def for_family(session: Session, family_id: int) -> list[ServiceReferral]:
    """The referrals of the household's cases, the latest first."""
    return list(session.scalars(_for_family(), {"family_id": family_id}))


@cache  # built once and run with bound values: not built and keyed again on every page
def _for_family() -> Select[ServiceReferral]:
    return (
        select(ServiceReferral)
        .where(of_family_cases(ServiceReferral.case_id))
        .order_by(ServiceReferral.referred_on.desc(), ServiceReferral.id.desc())
    )


def create_referral(session: Session, user: User, case: Case, data: ReferralData, today: date) -> ServiceReferral:
    if case.status is CaseStatus.CLOSED:
        raise Conflict(str(_l("The case is closed; reopen it before referring.")), "category")
    if data.member_id is not None and data.member_id not in {m.id for m in case.family.members}:
        raise ValidationError(str(_l("Choose a member of this household.")), "member_id")
    if data.referred_on > today:
        raise ValidationError(str(_l("The referral date cannot be in the future.")), "referred_on")
    provider = blank_to_none(data.provider)
    if provider is None:
        raise ValidationError(str(_l("Name the provider.")), "provider")
    referral = ServiceReferral(
        case_id=case.id,
        member_id=data.member_id,
        category=data.category,
        provider=provider,
        status=ReferralStatus.REFERRED,
        referred_on=data.referred_on,
        status_changed_on=data.referred_on,
        notes=blank_to_none(data.notes),
    )
    session.add(referral)
    session.flush()
    record(
        session, user, AuditAction.CREATE, "service_referral", referral.id, case.family_id, detail=data.category.value
    )
    session.flush()
    return referral


def change_status(
    session: Session, user: User, referral: ServiceReferral, status: ReferralStatus, notes: str | None, today: date
) -> None:
    changed = []
    if referral.status is not status:
        referral.status = status
        referral.status_changed_on = today
        changed.append(f"status {status.value}")
    if blank_to_none(notes) != referral.notes:
        referral.notes = blank_to_none(notes)
        changed.append("notes")
    if changed:
        case = session.get(Case, referral.case_id)
        record(
            session,
            user,
            AuditAction.CHANGE,
            "service_referral",
            referral.id,
            case.family_id if case else None,
            detail=", ".join(changed),
        )
    session.flush()


def anonymize_referrals(session: Session, case_ids: list[int]) -> None:
    if case_ids:
        session.execute(update(ServiceReferral).where(ServiceReferral.case_id.in_(case_ids)).values(notes=None))
