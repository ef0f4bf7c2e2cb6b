"""Outcomes over time: where a returnee stands at each follow-up (documents, school, work, safety,
whether they migrated again), read as a timeline and as the latest state of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l
from reintegration.models import Answer, OutcomeRecord, ReturneeCase, SafetyStatus, WorkStatus


@dataclass
class OutcomeData:
    recorded_on: date
    documents_obtained: Answer = Answer.UNKNOWN
    children_in_school: Answer = Answer.UNKNOWN
    work: WorkStatus = WorkStatus.UNKNOWN
    safety: SafetyStatus = SafetyStatus.UNKNOWN
    migrated_again: Answer = Answer.UNKNOWN
    note: str | None = None


def record_outcome(
    session: Session, user: User, returnee: ReturneeCase, data: OutcomeData, today: date
) -> OutcomeRecord:
    if data.recorded_on > today:
        raise ValidationError(str(_l("The date cannot be in the future.")), "recorded_on")
    if data.recorded_on < returnee.returned_on:
        raise ValidationError(str(_l("The date cannot be before the return.")), "recorded_on")
    row = OutcomeRecord(
        returnee_case_id=returnee.id,
        recorded_on=data.recorded_on,
        documents_obtained=data.documents_obtained,
        children_in_school=data.children_in_school,
        work=data.work,
        safety=data.safety,
        migrated_again=data.migrated_again,
        note=(data.note or "").strip() or None,
        recorded_by_id=user.id,
    )
    session.add(row)
    session.flush()
    record(session, user, AuditAction.CREATE, "returnee_outcome", row.id, returnee.family_id)
    session.flush()
    return row


def outcomes_of(session: Session, returnee: ReturneeCase) -> list[OutcomeRecord]:
    """Newest first."""
    return list(
        session.scalars(
            select(OutcomeRecord)
            .where(OutcomeRecord.returnee_case_id == returnee.id)
            .order_by(OutcomeRecord.recorded_on.desc(), OutcomeRecord.id.desc())
        )
    )


def days_after_return(returnee: ReturneeCase, row: OutcomeRecord) -> int:
    return (row.recorded_on - returnee.returned_on).days


@dataclass(frozen=True)
class Figures:
    """Of the returnees whose situation was recorded, where the latest record finds them."""

    recorded: int
    documents_obtained: int
    children_in_school: int
    working_or_training: int
    at_risk: int
    migrated_again: int


def latest_figures(session: Session, returnee_scope: Select) -> Figures:
    """One query: each returnee's newest record (none recorded later, nor later the same day),
    counted. Asked of each record by index rather than ranking all of them."""
    in_reach = returnee_scope.with_only_columns(ReturneeCase.id).scalar_subquery()
    newer = aliased(OutcomeRecord)
    later = or_(
        newer.recorded_on > OutcomeRecord.recorded_on,
        and_(newer.recorded_on == OutcomeRecord.recorded_on, newer.id > OutcomeRecord.id),
    )
    latest = (
        select(OutcomeRecord)
        .where(
            OutcomeRecord.returnee_case_id.in_(in_reach),
            ~exists().where(newer.returnee_case_id == OutcomeRecord.returnee_case_id, later),
        )
        .subquery()
    )

    def count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            func.count(),
            count(latest.c.documents_obtained == Answer.YES.value),
            count(latest.c.children_in_school == Answer.YES.value),
            count(
                latest.c.work.in_(
                    [WorkStatus.EMPLOYED.value, WorkStatus.SELF_EMPLOYED.value, WorkStatus.IN_TRAINING.value]
                )
            ),
            count(latest.c.safety.in_([SafetyStatus.AT_RISK.value, SafetyStatus.DISPLACED.value])),
            count(latest.c.migrated_again == Answer.YES.value),
        ).select_from(latest)
    ).one()
    return Figures(*(int(v) for v in row))
