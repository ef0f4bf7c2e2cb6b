"""Outcomes over time: where a returnee stands at each follow-up (documents, school, work, safety,
whether they migrated again), read as a timeline and as the latest state of each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.errors import ValidationError
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


def record_outcome(session: Session, user: User, returnee: ReturneeCase, data: OutcomeData,
                   today: date) -> OutcomeRecord:
    if data.recorded_on > today:
        raise ValidationError(str(_l("The date cannot be in the future.")), "recorded_on")
    if data.recorded_on < returnee.returned_on:
        raise ValidationError(str(_l("The date cannot be before the return.")), "recorded_on")
    row = OutcomeRecord(returnee_case_id=returnee.id, recorded_on=data.recorded_on,
                        documents_obtained=data.documents_obtained, children_in_school=data.children_in_school,
                        work=data.work, safety=data.safety, migrated_again=data.migrated_again,
                        note=(data.note or "").strip() or None, recorded_by_id=user.id)
    session.add(row)
    session.flush()
    record(session, user, AuditAction.CREATE, "returnee_outcome", row.id, returnee.family_id)
    session.commit()
    return row


def outcomes_of(session: Session, returnee: ReturneeCase) -> list[OutcomeRecord]:
    """Newest first."""
    return list(session.scalars(select(OutcomeRecord).where(OutcomeRecord.returnee_case_id == returnee.id)
                                .order_by(OutcomeRecord.recorded_on.desc(), OutcomeRecord.id.desc())))


def days_after_return(returnee: ReturneeCase, row: OutcomeRecord) -> int:
    return (row.recorded_on - returnee.returned_on).days
