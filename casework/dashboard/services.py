"""The caseload dashboard: each panel is one bounded query, whatever the caseload's size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Date, Row, bindparam, exists, func, select
from sqlalchemy.orm import Session

from casework import access
from casework.accounts.models import User
from casework.cases.models import ADDRESS_CHANGE_KINDS, Case, CaseStatus, Task
from casework.db import AnySelect, AnyUnion, lists_in_one_statement, read_lists
from casework.documents import services as document_services
from casework.families.models import Consent, Family, Member, joined_name
from casework.releases.models import Release
from casework.schooling.models import EnrollmentStatus, SchoolEnrollment
from casework.schooling.services import birth_date_range

PANEL_SIZE = 20
UPCOMING_DAYS = 14


T = TypeVar("T")
# A task panel's line: its list, id, due date, title, title key and values, household id and name,
# assignee's name, its place in the list.
TaskLine = Row[str, int, date, str, str | None, dict[str, Any] | None, int, str, str | None, int]


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


def _values(user: User, **values: Any) -> dict[str, Any]:
    """The bound values of a panel's statement: the reader's program (the access scope's) and the
    reader (whose caseload it is, unless the whole program is asked for)."""
    return {**access.program_scope(user), "user_id": user.id, **values}


def _open_cases(whole_program: bool) -> list[ColumnElement[bool]]:
    conditions = [Case.status != CaseStatus.CLOSED]
    if not whole_program:
        conditions.append(Case.assigned_to_id == bindparam("user_id"))
    return conditions


def counts(session: Session, user: User, whole_program: bool) -> dict[str, int]:
    row = session.execute(_counts(whole_program), _values(user)).one()
    return {"families": row[0], "in_intake": row[1]}


# Each panel's statement is built once (for a caseload, and for the whole program) and run with the
# reader's values: the program through the access scope (access.program_scoped), the reader, the day.


@cache
def _counts(whole_program: bool) -> AnySelect:
    return (
        access.program_scoped(Case)
        .where(*_open_cases(whole_program))
        .with_only_columns(
            func.count(func.distinct(Case.family_id)),
            func.count(func.distinct(Case.id)).filter(Case.status == CaseStatus.INTAKE),
        )
    )


# A family panel's line: its list, the household's id and name, its case's status, its place in the list.
FamilyLine = Row[str, int, str, CaseStatus, int]


def family_panels(session: Session, user: User, whole_program: bool) -> dict[str, Panel[FamilyLine]]:
    """The panels of households, read in one statement: the ones whose records changed last
    ("families"), and the open cases whose household has no consent in force for reminders or
    sharing, oldest case first ("no_consent")."""
    lines = read_lists(session, _family_panels(whole_program), _values(user))
    return {name: _panel(lines.get(name, [])) for name in ("families", "no_consent")}


@cache
def _family_panels(whole_program: bool) -> AnyUnion:
    any_consent = exists().where(
        Consent.member_id == Member.id, Consent.revoked_on.is_(None), Member.family_id == Family.id
    )
    households = (
        access.program_scoped(Family)
        .join(Case, Case.family_id == Family.id)
        .where(*_open_cases(whole_program))
        .with_only_columns(Family.id, Family.display_name, Case.status)
        .limit(PANEL_SIZE + 1)
    )
    return lists_in_one_statement(
        {
            "families": (households, (Family.updated_at.desc(), Family.id.desc())),
            "no_consent": (households.where(~any_consent), (Case.opened_on, Family.id)),
        }
    )


# The task panels: which open tasks each shows.
TASK_PANELS: dict[str, Callable[[], list[ColumnElement[bool]]]] = {
    "overdue": lambda: [Task.due_on < bindparam("today", type_=Date)],
    "upcoming": lambda: [
        Task.due_on >= bindparam("today", type_=Date),
        Task.due_on <= bindparam("until", type_=Date),
    ],
    "address": lambda: [Task.kind.in_(ADDRESS_CHANGE_KINDS)],
}


def task_panels(session: Session, user: User, whole_program: bool, today: date) -> dict[str, Panel[TaskLine]]:
    """The panels of open tasks, read in one statement: the columns their lines show (a title is
    written from its key and values, see casework.cases.titles), not the tasks, cases, households
    and assignees whole."""
    values = _values(user, today=today, until=today + timedelta(days=UPCOMING_DAYS))
    lines = read_lists(session, _task_panels(whole_program), values)
    return {panel: _panel(lines.get(panel, [])) for panel in TASK_PANELS}


@cache
def _task_panels(whole_program: bool) -> AnyUnion:
    tasks = (
        access.program_scoped(Task)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(Task.completed_at.is_(None))
        .with_only_columns(
            Task.id,
            Task.due_on,
            Task.title,
            Task.title_key,
            Task.title_values,
            Case.family_id,
            Family.display_name,
            User.full_name.label("assignee_name"),
        )
        .limit(PANEL_SIZE + 1)
    )
    if not whole_program:
        tasks = tasks.where(Task.assignee_id == bindparam("user_id"))
    soonest = (Task.due_on, Task.id)
    return lists_in_one_statement(
        {name: (tasks.where(*conditions()), soonest) for name, conditions in TASK_PANELS.items()}
    )


def unenrolled_children(session: Session, user: User, whole_program: bool, today: date) -> Panel[UnenrolledChild]:
    """School-age children not enrolled N days after the household's release (or case opening)."""
    oldest, youngest = birth_date_range(today)
    deadline = today - timedelta(days=user.organization.enrollment_alert_days)
    values = _values(user, oldest=oldest, youngest=youngest, deadline=deadline)
    return _panel(
        [
            UnenrolledChild(
                row.family_id, joined_name(row.given_names, row.first_surname, row.second_surname), row.started_on
            )
            for row in session.execute(_unenrolled(whole_program), values)
        ]
    )


@cache
def _unenrolled(whole_program: bool) -> AnySelect:
    first_release = (
        select(func.min(Release.released_on)).where(Release.family_id == Family.id).correlate(Family).scalar_subquery()
    )
    started = func.coalesce(first_release, Case.opened_on)
    enrolled = exists().where(
        SchoolEnrollment.member_id == Member.id, SchoolEnrollment.status == EnrollmentStatus.ENROLLED
    )
    return (
        access.program_scoped(Member)
        .join(Case, Case.family_id == Family.id)
        .where(
            *_open_cases(whole_program),
            Member.date_of_birth >= bindparam("oldest", type_=Date),
            Member.date_of_birth <= bindparam("youngest", type_=Date),
            ~enrolled,
            started <= bindparam("deadline", type_=Date),
        )
        .with_only_columns(
            Member.given_names,
            Member.first_surname,
            Member.second_surname,
            Member.family_id,
            started.label("started_on"),
        )
        .order_by(started, Member.id)
        .limit(PANEL_SIZE + 1)
    )


def expiring_documents(
    session: Session, user: User, whole_program: bool, today: date, within_days: int
) -> Panel[document_services.ExpiringPaper]:
    """Permits, parole and TPS papers of open cases that end within the first expiry alert."""
    return _panel(
        document_services.expiring_for_dashboard(session, user, whole_program, today, within_days, PANEL_SIZE + 1)
    )


__all__ = [
    "counts",
    "expiring_documents",
    "family_panels",
    "task_panels",
    "unenrolled_children",
]
