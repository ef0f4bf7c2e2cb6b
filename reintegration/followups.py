"""Follow-ups after a return: a task for the worker on each chosen day, and the same date as an
appointment of the household, so that the reminder engine texts the returnee about it when they
agreed to reminders and gave a mobile number. Marking the follow-up done closes both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.cases import services as case_services
from casework.cases.models import Case, Task
from casework.cases.titles import TaskTitle
from casework.db import utcnow
from casework.errors import Conflict, ValidationError
from casework.families import services as family_services
from casework.families.models import Consent, ConsentKind, Member, Relationship
from casework.i18n import lazy_gettext as _l
from reintegration.models import FOLLOW_UP_KEY, ReturneeCase
from reintegration.settings import settings_for
from scheduling import api as scheduling
from scheduling.api import Appointment, AppointmentKind, AppointmentStatus, Outcome

FOLLOW_UP = TaskTitle(FOLLOW_UP_KEY, _l("Follow-up %(days)d days after return"))


def follow_up_title(days: int) -> str:
    """The follow-up's title in the current language (the note of its appointment)."""
    return FOLLOW_UP.render({"days": days})


def head_of(returnee: ReturneeCase) -> Member:
    members = returnee.family.members
    return next((m for m in members if m.relationship_to_head is Relationship.HEAD), members[0])


def plan_follow_ups(session: Session, user: User, returnee: ReturneeCase, case: Case) -> None:
    """The organization's follow-up days after the return; the caller commits."""
    chosen = settings_for(session, returnee.family.program)
    head = head_of(returnee)
    for days in chosen.follow_up_days:
        on = returnee.returned_on + timedelta(days=days)
        task = case_services.add_follow_up_task(session, case, FOLLOW_UP, {"days": days}, on)
        appointment = scheduling.create_appointment(
            session,
            user,
            case,
            scheduling.AppointmentData(
                kind=AppointmentKind.OTHER,
                member_ids=[head.id],
                local_date=on,
                local_time=chosen.follow_up_time,
                location_note=chosen.follow_up_place,
                timezone=returnee.family.program.timezone,
                notes=follow_up_title(days),
            ),
        )
        appointment.follow_up_task_id = task.id
    session.flush()


@dataclass(frozen=True)
class CaseTasks:
    """The tasks of a returnee's case: the follow-ups (a task a date of the household points at) in
    due order with each one's date, and the other tasks still open (a call with an interpreter)."""

    follow_ups: list[Task]
    dates: dict[int, Appointment]
    others: list[Task]


NO_TASKS = CaseTasks([], {}, [])


def tasks_of(session: Session, returnee: ReturneeCase) -> CaseTasks:
    """In one statement: the case's tasks that are follow-ups or still open, each with its date."""
    if returnee.case_id is None:
        return NO_TASKS
    found = CaseTasks([], {}, [])
    for task, appointment in session.execute(_tasks_statement(), {"case_id": returnee.case_id}):
        if appointment is None:
            found.others.append(task)
        else:
            found.follow_ups.append(task)
            found.dates[task.id] = appointment
    return found


@cache  # built once and run with the case bound
def _tasks_statement() -> Select[Task, Appointment]:
    dated = and_(Appointment.follow_up_task_id == Task.id, Appointment.case_id == Task.case_id)
    return (
        select(Task, Appointment)
        .outerjoin(Appointment, dated)
        .where(Task.case_id == bindparam("case_id"), or_(Appointment.id.is_not(None), Task.completed_at.is_(None)))
        .order_by(Task.due_on, Task.id)
    )


def follow_up_dates(session: Session, returnee: ReturneeCase) -> dict[int, Appointment]:
    """Each follow-up task's appointment, by task id."""
    return tasks_of(session, returnee).dates


def complete(session: Session, user: User, task: Task) -> None:
    """The worker saw or reached the person: the task is done, and the family's date with it (held,
    or called off when done early, so no reminder goes out for a visit that already happened)."""
    if task.completed_at is not None:
        raise Conflict(str(_l("This follow-up is already done.")))
    appointment = session.scalars(select(Appointment).where(Appointment.follow_up_task_id == task.id)).first()
    if appointment is not None and appointment.status is AppointmentStatus.SCHEDULED and appointment.outcome is None:
        if appointment.starts_at <= utcnow():
            scheduling.record_outcome(session, user, appointment, scheduling.OutcomeData(outcome=Outcome.ATTENDED))
        else:
            scheduling.cancel_appointment(session, user, appointment)
    session.refresh(task)
    if task.completed_at is None:
        case_services.complete_task(session, user, task)


def shift(session: Session, user: User, returnee: ReturneeCase, by: timedelta) -> None:
    """The return date was corrected: open follow-ups keep their distance from it."""
    dates = follow_up_dates(session, returnee)
    for task in session.scalars(select(Task).where(Task.id.in_(list(dates)), Task.completed_at.is_(None))):
        task.due_on += by
        appointment = dates[task.id]
        if appointment.status is AppointmentStatus.SCHEDULED and appointment.outcome is None:
            scheduling.update_appointment(
                session,
                user,
                appointment,
                scheduling.AppointmentData(
                    kind=appointment.kind,
                    member_ids=[a.member_id for a in appointment.attendees],
                    local_date=appointment.local_date + by,
                    local_time=appointment.local_time,
                    location_note=appointment.location_note,
                    timezone=appointment.timezone,
                    notes=appointment.notes,
                ),
            )


# Reminders to the returnee ------------------------------------------------------------------------


def reminder_consent(returnee: ReturneeCase) -> Consent | None:
    head = head_of(returnee)
    return next((c for c in head.consents if c.kind is ConsentKind.SMS_REMINDERS and c.active), None)


def agree_to_reminders(session: Session, user: User, returnee: ReturneeCase, given_on: date, today: date) -> None:
    if not returnee.phone:
        raise ValidationError(str(_l("Record the person's phone in the country first.")), "given_on")
    family_services.record_consent(session, user, head_of(returnee), ConsentKind.SMS_REMINDERS, given_on, today)
    scheduling.replan_upcoming(session, [returnee.case_id] if returnee.case_id else [])


def withdraw_from_reminders(session: Session, user: User, returnee: ReturneeCase, today: date) -> None:
    consent = reminder_consent(returnee)
    if consent is None:
        raise Conflict(str(_l("No consent to text reminders is in force.")))
    family_services.revoke_consent(session, user, consent, today)
    scheduling.replan_upcoming(session, [returnee.case_id] if returnee.case_id else [])
