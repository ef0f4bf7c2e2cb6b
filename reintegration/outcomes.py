"""Outcomes over time: where a returnee stands at each follow-up (documents, school, work, safety,
whether they migrated again), read as a timeline and as the latest state of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

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
    add_record(session, returnee, row)
    record(session, user, AuditAction.CREATE, "returnee_outcome", row.id, returnee.family_id)
    session.flush()
    return row


def add_record(session: Session, returnee: ReturneeCase, row: OutcomeRecord) -> None:
    """Adds `row` to the returnee's records, marked as their latest unless one is dated later (the
    same day, the newer record is the latest). A returnee's records are added one at a time: the
    returnee case is locked first, so that two at once cannot both be marked."""
    session.execute(select(ReturneeCase.id).where(ReturneeCase.id == returnee.id).with_for_update())
    latest = session.scalars(
        select(OutcomeRecord).where(OutcomeRecord.returnee_case_id == returnee.id, OutcomeRecord.is_latest)
    ).first()
    row.returnee_case_id = returnee.id
    row.is_latest = latest is None or row.recorded_on >= latest.recorded_on
    if latest is not None and row.is_latest:
        latest.is_latest = False
        session.flush()  # unmarked before the new record is written: the index allows one latest
    session.add(row)
    session.flush()


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
    """One query: the latest record of each returnee in `returnee_scope` (marked when recorded), counted."""
    row = session.execute(
        returnee_scope.join(
            OutcomeRecord, and_(OutcomeRecord.returnee_case_id == ReturneeCase.id, OutcomeRecord.is_latest)
        ).with_only_columns(*_FIGURES)
    ).one()
    return Figures(*(int(v) for v in row))


def _count(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


_FIGURES = (
    func.count(),
    _count(OutcomeRecord.documents_obtained == Answer.YES),
    _count(OutcomeRecord.children_in_school == Answer.YES),
    _count(OutcomeRecord.work.in_([WorkStatus.EMPLOYED, WorkStatus.SELF_EMPLOYED, WorkStatus.IN_TRAINING])),
    _count(OutcomeRecord.safety.in_([SafetyStatus.AT_RISK, SafetyStatus.DISPLACED])),
    _count(OutcomeRecord.migrated_again == Answer.YES),
)
