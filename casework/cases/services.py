"""Cases: opening, status, assignment history, notes and tasks."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, bindparam, delete, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload

from casework.accounts.models import PROGRAM_ROLES, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases import closing as case_closing
from casework.cases.closing import AgainChoice, AheadChoice, AheadItem
from casework.cases.models import (
    ADDRESS_CHANGE_KINDS,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosedReason,
    Note,
    Task,
    TaskKind,
)
from casework.cases.titles import ADDRESS_CHANGE_COURT, ADDRESS_CHANGE_USCIS, TaskTitle
from casework.db import utcnow
from casework.errors import Conflict, ValidationError
from casework.extensions import CaseClosing
from casework.families.models import Family
from casework.i18n import lazy_gettext as _l

_REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

ADDRESS_TASK_TITLES = {
    TaskKind.ADDRESS_CHANGE_COURT: ADDRESS_CHANGE_COURT,
    TaskKind.ADDRESS_CHANGE_USCIS: ADDRESS_CHANGE_USCIS,
}


def new_reference() -> str:
    """A case reference that names no one: safe in calendars and messages."""
    return "C-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def _check_assignee(session: Session, program_id: int, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    assignee = session.get(User, user_id)
    if (
        assignee is None
        or assignee.organization_id != program_id
        or assignee.role not in PROGRAM_ROLES
        or not assignee.active
    ):
        raise ValidationError(str(_l("Choose an active member of this program's staff.")), "assigned_to_id")
    return assignee


def open_case(session: Session, user: User, family: Family, today: date, assign_to_id: int | None) -> Case:
    return open_cases(session, user, [(family, assign_to_id)], today)[0]


def open_cases(session: Session, user: User, families: Sequence[tuple[Family, int | None]], today: date) -> list[Case]:
    """A case for each family, assigned as given (each assignee checked first), in one flush."""
    assignees = [_check_assignee(session, family.program_id, assign_to_id) for family, assign_to_id in families]
    cases = [
        Case(
            family=family,
            reference=new_reference(),
            status=CaseStatus.INTAKE,
            opened_on=today,
            assigned_to_id=assignee.id if assignee else None,
        )
        for (family, _assign_to_id), assignee in zip(families, assignees, strict=True)
    ]
    session.add_all(cases)
    session.flush()
    for case, (family, _assign_to_id) in zip(cases, families, strict=True):
        session.add(CaseAssignment(case_id=case.id, user_id=case.assigned_to_id, assigned_by_id=user.id))
        record(session, user, AuditAction.CREATE, "case", case.id, family.id)
    return cases


def current_first() -> tuple[ColumnElement[Any], ...]:
    """A family's cases in the order that puts its current case first: the open one, else the most
    recently opened (the later id on a tie). Lists of families add `Case.family_id` before it."""
    return ((Case.status == CaseStatus.CLOSED).asc(), Case.opened_on.desc(), Case.id.desc())


def current_case(session: Session, family: Family) -> Case | None:
    """The family's open case, or else its most recent one."""
    stmt = select(Case).where(Case.family_id == family.id).order_by(*current_first()).limit(1)
    return session.scalars(stmt).first()


def current_cases(session: Session, family_ids: list[int]) -> dict[int, Case]:
    """`current_case` for many families in one statement."""
    if not family_ids:
        return {}
    stmt = (
        select(Case)
        .where(Case.family_id.in_(family_ids))
        .options(joinedload(Case.assigned_to))
        .order_by(Case.family_id, *current_first())
    )
    found: dict[int, Case] = {}
    for case in session.scalars(stmt).unique():
        found.setdefault(case.family_id, case)
    return found


def family_cases(session: Session, family: Family) -> list[Case]:
    """The family's cases, newest first, each with its manager, its assignments and its closings
    and reopenings (a case's few rows each)."""
    return list(session.scalars(_family_cases(), {"family_id": family.id}).unique())


@cache  # built once and run with bound values: not built and keyed again on every page
def _family_cases() -> Select[Case]:
    return (
        select(Case)
        .where(Case.family_id == bindparam("family_id"))
        .options(
            joinedload(Case.assigned_to),
            joinedload(Case.events),
            joinedload(Case.assignments).options(
                joinedload(CaseAssignment.user), joinedload(CaseAssignment.assigned_by)
            ),
        )
        .order_by(Case.opened_on.desc(), Case.id.desc())
    )


def dates_ahead(
    session: Session, case: Case, now: datetime | None = None, closing: Sequence[CaseClosing] | None = None
) -> list[AheadItem]:
    """What is still ahead of an open case (future appointments...), as closing would list it."""
    if case.status is CaseStatus.CLOSED:
        return []
    now = now or utcnow()
    return [item for provider in case_closing.providers(closing) for item in provider.ahead(session, case, now)]


def last_closing(session: Session, case: Case) -> CaseEvent | None:
    return session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == CaseEventKind.CLOSED)
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        .limit(1)
    ).first()


def dates_to_plan_again(
    session: Session, case: Case, now: datetime | None = None, closing: Sequence[CaseClosing] | None = None
) -> list[AheadItem]:
    """What reopening a closed case could plan again: the dates still ahead that closing kept or cancelled."""
    if case.status is not CaseStatus.CLOSED:
        return []
    now = now or utcnow()
    event = last_closing(session, case)
    facts = (event.facts or {}) if event is not None else {}
    return [
        item
        for provider in case_closing.providers(closing)
        for item in provider.again(session, case, facts.get(provider.name) or {}, now)
    ]


def _summary(facts: dict[str, Any]) -> str:
    """The audit's short account of what closing or reopening did: counts, never names."""
    parts = []
    for domain, values in sorted(facts.items()):
        counts = " ".join(f"{k}={len(v) if isinstance(v, list) else v}" for k, v in sorted(values.items()))
        parts.append(f"{domain}: {counts}")
    return "; ".join(parts)


def change_status(
    session: Session,
    user: User,
    case: Case,
    status: CaseStatus,
    reason: ClosedReason | None,
    today: date,
    ahead_choice: AheadChoice | None = None,
    again_choice: AgainChoice | None = None,
    now: datetime | None = None,
    closing: Sequence[CaseClosing] | None = None,
) -> CaseEvent | None:
    """Change a case's status. Closing a case with dates still ahead needs `ahead_choice` (cancel
    them, or keep them for another program); either way its unsent reminders are cancelled.
    Reopening a case whose dates closing kept or cancelled needs `again_choice`. What was done is
    recorded as a CaseEvent (returned) and audited. Adds and flushes; the caller commits once."""
    now = now or utcnow()
    taking_part = case_closing.providers(closing)
    reopening = case.status is CaseStatus.CLOSED and status is not CaseStatus.CLOSED
    if status is CaseStatus.CLOSED:
        if reason is None:
            raise ValidationError(str(_l("Say why the case is closed.")), "closed_reason")
        if case.status is CaseStatus.CLOSED:
            raise Conflict(str(_l("This case is already closed.")))
        if ahead_choice is None and dates_ahead(session, case, now, taking_part):
            raise ValidationError(str(_l("Choose what becomes of the appointments still ahead.")), "ahead_choice")
    else:
        if reason is not None:
            raise ValidationError(str(_l("A reason is only given when closing.")), "closed_reason")
        if reopening and again_choice is None and dates_to_plan_again(session, case, now, taking_part):
            raise ValidationError(
                str(_l("Choose whether reminders are planned again for the dates still ahead.")), "again_choice"
            )
    if case.status is status:
        return None
    previous = case.status
    event = None
    if status is CaseStatus.CLOSED:
        case.status, case.closed_on, case.closed_reason = status, today, reason
        facts = {p.name: p.close(session, user, case, ahead_choice, now) for p in taking_part}
        event = CaseEvent(
            case_id=case.id,
            kind=CaseEventKind.CLOSED,
            happened_on=today,
            user_id=user.id,
            facts={name: f for name, f in facts.items() if f},
        )
    else:
        case.status, case.closed_on, case.closed_reason = status, None, None
        if reopening:
            facts = {}
            if again_choice is AgainChoice.PLAN:
                closed = last_closing(session, case)
                earlier = (closed.facts or {}) if closed is not None else {}
                facts = {p.name: p.reopen(session, user, case, earlier.get(p.name) or {}, now) for p in taking_part}
            event = CaseEvent(
                case_id=case.id,
                kind=CaseEventKind.REOPENED,
                happened_on=today,
                user_id=user.id,
                facts={name: f for name, f in facts.items() if f},
            )
    if event is not None:
        session.add(event)
    detail = f"status {previous.value} -> {status.value}"
    if event is not None and event.facts:
        detail += f"; {_summary(event.facts)}"
    record(session, user, AuditAction.CHANGE, "case", case.id, case.family_id, detail=detail)
    session.flush()
    return event


def reassign(session: Session, user: User, case: Case, assignee_id: int | None) -> None:
    assignee = _check_assignee(session, case.family.program_id, assignee_id)
    new_id = assignee.id if assignee else None
    if new_id == case.assigned_to_id:
        return
    case.assigned_to_id = new_id
    session.add(CaseAssignment(case_id=case.id, user_id=new_id, assigned_by_id=user.id))
    record(session, user, AuditAction.CHANGE, "case", case.id, case.family_id, detail="reassigned")
    session.flush()


# Notes ----------------------------------------------------------------------------------------

NOTE_MAX = 20_000


def add_note(session: Session, user: User, case: Case, body: str) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError(str(_l("Write the note before saving it.")), "body")
    if len(body) > NOTE_MAX:
        raise ValidationError(str(_l("A note holds at most %(n)d characters.", n=NOTE_MAX)), "body")
    note = Note(case_id=case.id, author_id=user.id, body=body)
    session.add(note)
    session.flush()
    record(session, user, AuditAction.CREATE, "note", note.id, case.family_id)
    session.flush()
    return note


def of_family_cases(case_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """`case_id` is one of the household's cases, the household bound as `family_id`: for the
    statements built once that read what the family page shows. A subquery rather than a list
    of the cases' ids, which SQLAlchemy would write into the statement's text again at every
    execution."""
    return case_id.in_(select(Case.id).where(Case.family_id == bindparam("family_id")))


def held_through_cases(case_id: InstrumentedAttribute[int]) -> Exists:
    """Whether the household (bound as `family_id`) has a row whose `case_id` is one of its cases."""
    return select(case_id).where(of_family_cases(case_id)).exists()


def family_has_tasks() -> Exists:
    return held_through_cases(Task.case_id)


def family_has_notes() -> Exists:
    return held_through_cases(Note.case_id)


def family_notes(session: Session, family_id: int) -> list[Any]:
    """The household's cases' latest 50 notes as the family page shows them: when, by whom, what."""
    return list(session.execute(_family_notes(), {"family_id": family_id}))


@cache  # built once and run with bound values: not built and keyed again on every page
def _family_notes() -> Select[int, datetime, str, str]:
    return (
        select(Note.id, Note.created_at, Note.body, User.full_name.label("author_name"))
        .outerjoin(User, User.id == Note.author_id)
        .where(of_family_cases(Note.case_id))
        .order_by(Note.created_at.desc(), Note.id.desc())
        .limit(50)
    )


# Tasks ----------------------------------------------------------------------------------------


def add_task(
    session: Session,
    user: User,
    case: Case,
    title: str,
    due_on: date,
    assignee_id: int | None,
    kind: TaskKind = TaskKind.GENERAL,
) -> Task:
    title = (title or "").strip()
    if not title:
        raise ValidationError(str(_l("Say what is to be done.")), "title")
    assignee = _check_assignee(session, case.family.program_id, assignee_id)
    task = Task(
        case_id=case.id,
        title=title[:200],
        due_on=due_on,
        kind=kind,
        assignee_id=assignee.id if assignee else None,
        created_by_id=user.id,
    )
    session.add(task)
    session.flush()
    record(session, user, AuditAction.CREATE, "task", task.id, case.family_id)
    session.flush()
    return task


def add_follow_up_task(session: Session, case: Case, title: TaskTitle, values: dict[str, Any], due_on: date) -> Task:
    """A task the system raises for the case's manager (a missed date, a failed reminder, a
    family's request), titled by `title` and its `values` so each reader reads it in their
    language; the caller commits with the change that caused it."""
    task = Task(
        case_id=case.id,
        title=title.english(values),
        title_key=title.key,
        title_values=dict(values),
        due_on=due_on,
        kind=TaskKind.GENERAL,
        assignee_id=case.assigned_to_id,
    )
    session.add(task)
    session.flush()
    record(session, None, AuditAction.CREATE, "task", task.id, case.family_id, detail="follow-up")
    return task


def has_titled_task(
    session: Session, case_id: int, title: TaskTitle, values: dict[str, Any], open_only: bool = False
) -> bool:
    """Whether the case already has a task with this title and these values (the same question
    asked twice is one task)."""
    stmt = select(Task.title_values).where(Task.case_id == case_id, Task.title_key == title.key)
    if open_only:
        stmt = stmt.where(Task.completed_at.is_(None))
    return any((found or {}) == values for found in session.scalars(stmt))


def plan_address_change_tasks(session: Session, user: User, case: Case, due_on: date) -> list[Task]:
    """Tasks to file a change of address, unless such tasks are still open from an earlier move."""
    tasks = []
    existing = {
        t.kind
        for t in session.scalars(
            select(Task).where(
                Task.case_id == case.id, Task.kind.in_(ADDRESS_CHANGE_KINDS), Task.completed_at.is_(None)
            )
        )
    }
    for kind, title in ADDRESS_TASK_TITLES.items():
        if kind in existing:
            continue
        task = Task(
            case_id=case.id,
            kind=kind,
            title=title.english({}),
            title_key=title.key,
            title_values={},
            due_on=due_on,
            assignee_id=case.assigned_to_id or user.id,
            created_by_id=user.id,
        )
        session.add(task)
        tasks.append(task)
    session.flush()
    return tasks


def complete_task(session: Session, user: User, task: Task) -> None:
    if task.completed_at is not None:
        raise Conflict(str(_l("This task is already done.")))
    task.completed_at = utcnow()
    task.completed_by_id = user.id
    record(session, user, AuditAction.CHANGE, "task", task.id, task.case.family_id, detail="completed")
    session.flush()


def reopen_task(session: Session, user: User, task: Task) -> None:
    if task.completed_at is None:
        raise Conflict(str(_l("This task is still open.")))
    task.completed_at = None
    task.completed_by_id = None
    record(session, user, AuditAction.CHANGE, "task", task.id, task.case.family_id, detail="reopened")
    session.flush()


def family_tasks(session: Session, family_id: int) -> list[Any]:
    """The household's cases' tasks as the family page shows them (open ones first by date, 200
    at most): the columns of a title (see casework.cases.titles), the date, whether done, the
    assignee's name."""
    return list(session.execute(_family_tasks(), {"family_id": family_id}))


@cache  # built once and run with bound values: not built and keyed again on every page
def _family_tasks() -> Select[Any]:
    return (
        select(
            Task.id,
            Task.kind,
            Task.title,
            Task.title_key,
            Task.title_values,
            Task.due_on,
            Task.completed_at,
            User.full_name.label("assignee_name"),
        )
        .outerjoin(User, User.id == Task.assignee_id)
        .where(of_family_cases(Task.case_id))
        .order_by(Task.completed_at.is_not(None), Task.due_on, Task.id)
        .limit(200)
    )


def open_tasks_for(
    session: Session, user: User, page: int, per_page: int, scope: ColumnElement[bool]
) -> tuple[list[Task], bool]:
    """The user's open tasks, soonest due first, within the access scope `scope` (a clause on Family)."""
    stmt = (
        select(Task)
        .join(Case, Task.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .where(scope, Task.assignee_id == user.id, Task.completed_at.is_(None))
        .options(joinedload(Task.case).joinedload(Case.family))
        .order_by(Task.due_on, Task.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    tasks = list(session.scalars(stmt).unique())
    return tasks[:per_page], len(tasks) > per_page


def count_open_tasks(session: Session, case_ids: list[int]) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Task).where(Task.case_id.in_(case_ids), Task.completed_at.is_(None))
        )
        or 0
    )


def anonymize_case_records(session: Session, case_ids: list[int]) -> None:
    """Notes are free text about people: they go; tasks keep their dates but lose their titles and
    the values of generated ones (a name, a deadline's typed title)."""
    if not case_ids:
        return
    session.execute(delete(Note).where(Note.case_id.in_(case_ids)))
    session.execute(
        update(Task)
        .where(Task.case_id.in_(case_ids), Task.kind == TaskKind.GENERAL)
        .values(title="—", title_key=None, title_values=None)
    )
