"""Outcomes over time: where a returnee stands at each follow-up (documents, school, work, safety,
whether they migrated again), read as a timeline and as the latest state of each."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.db import insert_for
from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l
from reintegration.models import Answer, OutcomeFigures, OutcomeRecord, ReturneeCase, SafetyStatus, WorkStatus


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
    same day, the newer record is the latest), and the organization's figures with it. A returnee's
    records are added one at a time: the returnee case is locked first, so that two at once cannot
    both be marked."""
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
    session.flush()  # its answers' defaults filled in
    if row.is_latest:
        before = _counted(latest) if latest is not None else (0,) * len(FIGURES)
        _add_to_figures(session, returnee.organization_id, [n - b for n, b in zip(_counted(row), before, strict=True)])


def outcomes_of(session: Session, returnee: ReturneeCase) -> list[OutcomeRecord]:
    """Newest first."""
    return list(session.scalars(_outcomes_statement(), {"returnee_case_id": returnee.id}))


@cache  # built once and run with the returnee bound
def _outcomes_statement() -> Select[OutcomeRecord]:
    return (
        select(OutcomeRecord)
        .where(OutcomeRecord.returnee_case_id == bindparam("returnee_case_id"))
        .order_by(OutcomeRecord.recorded_on.desc(), OutcomeRecord.id.desc())
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


def latest_figures(session: Session, organization_id: int) -> Figures:
    """Of the organization's returnees, where their latest recorded situation finds them: the
    counts kept as records are added, all of them the reader's own organization's households."""
    row = session.execute(_figures_statement(), {"organization_id": organization_id}).first()
    return Figures(*row) if row is not None else Figures(0, 0, 0, 0, 0, 0)


# The figures (the columns of OutcomeFigures), and what a latest record adds to each, in that order.
FIGURES = tuple(field.name for field in fields(Figures))
WORKING = frozenset({WorkStatus.EMPLOYED, WorkStatus.SELF_EMPLOYED, WorkStatus.IN_TRAINING})
AT_RISK = frozenset({SafetyStatus.AT_RISK, SafetyStatus.DISPLACED})


def _counted(row: OutcomeRecord) -> tuple[int, ...]:
    return (
        1,
        int(row.documents_obtained is Answer.YES),
        int(row.children_in_school is Answer.YES),
        int(row.work in WORKING),
        int(row.safety in AT_RISK),
        int(row.migrated_again is Answer.YES),
    )


def _add_to_figures(session: Session, organization_id: int, change: list[int]) -> None:
    """Adds `change` to the organization's figures, its row made at its first record (the addition
    is done by the database, so that two workers' records at once both count)."""
    insert = insert_for(session, OutcomeFigures).values(
        organization_id=organization_id, **dict(zip(FIGURES, change, strict=True))
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["organization_id"],
            set_={name: getattr(OutcomeFigures, name) + getattr(insert.excluded, name) for name in FIGURES},
        )
    )


@cache  # built once and run with the organization bound
def _figures_statement() -> Select[Any]:
    return select(*(getattr(OutcomeFigures, name) for name in FIGURES)).where(
        OutcomeFigures.organization_id == bindparam("organization_id")
    )
