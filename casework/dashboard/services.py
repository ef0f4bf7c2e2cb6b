"""The caseload dashboard: each panel is one bounded query, whatever the caseload's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, and_, exists, func, select
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.cases.models import ADDRESS_CHANGE_KINDS, Case, CaseStatus, Task
from casework.documents import services as document_services
from casework.documents.models import Document
from casework.families.models import Consent, Family, Member, joined_name
from casework.releases.models import Release
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from casework.schooling.services import birth_date_range

PANEL_SIZE = 20
UPCOMING_DAYS = 14


T = TypeVar("T")
# A task panel's line: id, due date, title, title key and values, household id and name, assignee's name.
TaskLine = Row[int, date, str, str | None, dict[str, Any] | None, int, str, str | None]


@dataclass(frozen=True)
class UnenrolledChild:
    family_id: int
    name: str
    started_on: date


@dataclass
class Panel(Generic[T]):
    rows: list[T]
    more: bool


def _panel(rows: list[T]) -> Panel[T]:
    return Panel(rows[:PANEL_SIZE], len(rows) > PANEL_SIZE)


def _open_cases(user: User, whole_program: bool, scope: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    conditions = [scope, Case.status != CaseStatus.CLOSED]
    if not whole_program:
        conditions.append(Case.assigned_to_id == user.id)
    return conditions


def counts(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date
) -> dict[str, int]:
    caseload = and_(*_open_cases(user, whole_program, scope))
    row = session.execute(
        select(
            func.count(func.distinct(Case.family_id)),
            func.count(func.distinct(Case.id)).filter(Case.status == CaseStatus.INTAKE),
        )
        .select_from(Case)
        .join(Family, Case.family_id == Family.id)
        .where(caseload)
    ).one()
    return {"families": row[0], "in_intake": row[1]}


def my_families(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool]
) -> Panel[Row[int, str, CaseStatus]]:
    stmt = (
        select(Family.id, Family.display_name, Case.status)
        .join(Case, Case.family_id == Family.id)
        .where(*_open_cases(user, whole_program, scope))
        .order_by(Family.updated_at.desc(), Family.id.desc())
        .limit(PANEL_SIZE + 1)
    )
    return _panel(list(session.execute(stmt).all()))


def _tasks(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], *conditions: ColumnElement[bool]
) -> Panel[TaskLine]:
    """A panel of open tasks: the columns its lines show (a title is written from its key and
    values, see casework.cases.titles), not the tasks, cases, households and assignees whole."""
    stmt = (
        select(
            Task.id,
            Task.due_on,
            Task.title,
            Task.title_key,
            Task.title_values,
            Case.family_id,
            Family.display_name,
            User.full_name.label("assignee_name"),
        )
        .join(Case, Task.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(scope, Task.completed_at.is_(None), *conditions)
        .order_by(Task.due_on, Task.id)
        .limit(PANEL_SIZE + 1)
    )
    if not whole_program:
        stmt = stmt.where(Task.assignee_id == user.id)
    return _panel(list(session.execute(stmt).all()))


def overdue_tasks(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date
) -> Panel[TaskLine]:
    return _tasks(session, user, whole_program, scope, Task.due_on < today)


def upcoming_tasks(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date
) -> Panel[TaskLine]:
    return _tasks(
        session, user, whole_program, scope, Task.due_on >= today, Task.due_on <= today + timedelta(days=UPCOMING_DAYS)
    )


def unfiled_address_changes(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date
) -> Panel[TaskLine]:
    return _tasks(session, user, whole_program, scope, Task.kind.in_(ADDRESS_CHANGE_KINDS))


def unenrolled_children(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date
) -> Panel[UnenrolledChild]:
    """School-age children not enrolled N days after the household's release (or case opening)."""
    oldest, youngest = birth_date_range(today)
    first_release = (
        select(func.min(Release.released_on)).where(Release.family_id == Family.id).correlate(Family).scalar_subquery()
    )
    started = func.coalesce(first_release, Case.opened_on)
    enrolled = exists().where(
        SchoolEnrollment.member_id == Member.id, SchoolEnrollment.status == EnrollmentStatus.ENROLLED
    )
    deadline = today - timedelta(days=user.organization.enrollment_alert_days)
    stmt = (
        select(
            Member.given_names,
            Member.first_surname,
            Member.second_surname,
            Member.family_id,
            started.label("started_on"),
        )
        .join(Family, Member.family_id == Family.id)
        .join(Case, Case.family_id == Family.id)
        .where(
            *_open_cases(user, whole_program, scope),
            Member.date_of_birth >= oldest,
            Member.date_of_birth <= youngest,
            ~enrolled,
            started <= deadline,
        )
        .order_by(started, Member.id)
        .limit(PANEL_SIZE + 1)
    )
    return _panel(
        [
            UnenrolledChild(
                row.family_id, joined_name(row.given_names, row.first_surname, row.second_surname), row.started_on
            )
            for row in session.execute(stmt)
        ]
    )


def missing_consent(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date
) -> Panel[Row[int, str]]:
    """Open cases whose household has no consent in force for reminders or sharing."""
    any_consent = exists().where(
        Consent.member_id == Member.id, Consent.revoked_on.is_(None), Member.family_id == Family.id
    )
    stmt = (
        select(Family.id, Family.display_name)
        .join(Case, Case.family_id == Family.id)
        .where(*_open_cases(user, whole_program, scope), ~any_consent)
        .order_by(Case.opened_on, Family.id)
        .limit(PANEL_SIZE + 1)
    )
    return _panel(list(session.execute(stmt).all()))


def expiring_documents(
    session: Session, user: User, whole_program: bool, scope: ColumnElement[bool], today: date, within_days: int
) -> Panel[Document]:
    """Permits, parole and TPS papers of open cases that end within the first expiry alert."""
    return _panel(
        document_services.expiring_for_dashboard(
            session, user, whole_program, scope, today, within_days, PANEL_SIZE + 1
        )
    )


__all__ = [
    "counts",
    "expiring_documents",
    "missing_consent",
    "my_families",
    "overdue_tasks",
    "unenrolled_children",
    "unfiled_address_changes",
    "upcoming_tasks",
]
