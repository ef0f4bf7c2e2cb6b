"""Households whose every case closed more than the retention period ago are anonymized by a daily
job, but only after they have stood on the supervisors' warning list for the warning period."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, and_, exists, func, select
from sqlalchemy.orm import Session, selectinload

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases import services as case_services
from casework.cases.models import Case, CaseStatus
from casework.community import services as community_services
from casework.families import services as family_services
from casework.families.models import Family
from casework.releases import services as release_services
from casework.schooling import services as school_services
from casework.timeutil import add_years


@dataclass(frozen=True)
class RetentionPolicy:
    years: int
    warning_days: int


@dataclass
class Listed:
    family: Family
    last_closed_on: date
    due_on: date


def _last_closed() -> ScalarSelect[date | None]:
    return select(func.max(Case.closed_on)).where(Case.family_id == Family.id).correlate(Family).scalar_subquery()


def _all_closed() -> ColumnElement[bool]:
    return and_(
        ~exists().where(Case.family_id == Family.id, Case.status != CaseStatus.CLOSED),
        exists().where(Case.family_id == Family.id),
    )


def warning_list(
    session: Session, scope: ColumnElement[bool], today: date, policy: RetentionPolicy, limit: int = 200
) -> list[Listed]:
    """Households to be anonymized within the warning period (or already due), soonest first."""
    last_closed = _last_closed()
    cutoff = add_years(today + timedelta(days=policy.warning_days), -policy.years)
    stmt = (
        select(Family, last_closed.label("last_closed_on"))
        .where(scope, Family.anonymized_at.is_(None), _all_closed(), last_closed <= cutoff)
        .order_by(last_closed, Family.id)
        .limit(limit)
    )
    return [
        Listed(family, closed, add_years(closed, policy.years))
        for family, closed in session.execute(stmt)
        if closed is not None
    ]  # always: a household whose every case closed has a last closing


def _anonymize(session: Session, family: Family, extra: Iterable[Callable[..., None]]) -> None:
    case_ids = list(session.scalars(select(Case.id).where(Case.family_id == family.id)))
    for anonymize in extra:  # the other domains' records of this household
        anonymize(session, family.id, case_ids)
    school_services.anonymize_enrollments(session, [m.id for m in family.members])
    community_services.anonymize_referrals(session, case_ids)
    case_services.anonymize_case_records(session, case_ids)
    release_services.anonymize_releases(session, family.id)
    family_services.anonymize_household(session, family)
    record(
        session, None, AuditAction.CHANGE, "family", family.id, family.id, detail="anonymized: retention period over"
    )


def run(
    session: Session, today: date, policy: RetentionPolicy, extra: Iterable[Callable[..., None]] = ()
) -> tuple[int, int]:
    """The daily job: put newly due households on the warning list, anonymize those listed long enough.
    Returns (newly listed, anonymized)."""
    listed = 0
    for entry in warning_list(session, Family.id.is_not(None), today, policy, limit=10_000):
        if entry.family.retention_warned_on is None:
            entry.family.retention_warned_on = today
            record(
                session,
                None,
                AuditAction.CHANGE,
                "family",
                entry.family.id,
                entry.family.id,
                detail=f"retention warning: anonymized from {entry.due_on.isoformat()}",
            )
            listed += 1
    session.flush()
    last_closed = _last_closed()
    due = session.scalars(
        select(Family)
        .where(
            Family.anonymized_at.is_(None),
            _all_closed(),
            last_closed <= add_years(today, -policy.years),
            Family.retention_warned_on <= today - timedelta(days=policy.warning_days),
        )
        .options(selectinload(Family.members), selectinload(Family.addresses))
        .limit(10_000)
    ).all()
    for family in due:
        _anonymize(session, family, extra)
        session.flush()
    return listed, len(due)
