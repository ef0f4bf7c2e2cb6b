"""The call with an interpreter, for a family without written reminders in their language, is due on
the family's calendar: as long before the date as the first reminder would go, never before their
tomorrow, never after the date."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from casework.cases.models import Task
from casework.timeutil import today_in
from scheduling import planning, services
from scheduling.task_titles import INTERPRETER_CALL
from tests.scheduling.conftest import household, make_appointment

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def _call_tasks(db_session, case) -> list[Task]:
    return list(db_session.scalars(select(Task).where(Task.case_id == case.id, Task.title_key == INTERPRETER_CALL.key)))


def _mam_family_in_los_angeles(db_session, manager):
    """A household that reads Spanish when the date is set, then says it speaks Mam (no written text)."""
    family, case = household(db_session, manager)
    family.addresses[0].timezone = "America/Los_Angeles"
    return family, case


def test_due_on_the_familys_tomorrow_across_the_utc_day_boundary(db_session, manager, courts):
    family, case = _mam_family_in_los_angeles(db_session, manager)
    day = today_in("America/Chicago") + timedelta(days=3)
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=day, at=time(13, 0))
    family.members[0].preferred_language = "mam"
    # 23:30 in Los Angeles two days before: already the next day in UTC.
    now = datetime.combine(day - timedelta(days=2), time(23, 30), tzinfo=LOS_ANGELES)
    assert now.astimezone(ZoneInfo("UTC")).date() == day - timedelta(days=1)
    planning.plan(db_session, hearing, now)
    (task,) = _call_tasks(db_session, case)
    # The first reminder's lead (7 days) is past: the family's tomorrow, not UTC's.
    assert task.due_on == day - timedelta(days=1)
    assert task.title_values == {"language": "mam", "date": day.isoformat()}


def test_a_far_date_is_called_about_a_week_before_not_tomorrow(db_session, manager, courts):
    family, case = _mam_family_in_los_angeles(db_session, manager)
    day = today_in("America/Chicago") + timedelta(days=180)
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=day)
    family.members[0].preferred_language = "mam"
    planning.plan(db_session, hearing)
    (task,) = _call_tasks(db_session, case)
    assert task.due_on == day - timedelta(days=7)
    planning.plan(db_session, hearing)  # planning again asks nothing twice
    assert len(_call_tasks(db_session, case)) == 1


def test_the_lead_follows_the_cases_first_reminder(db_session, manager, courts):
    family, case = _mam_family_in_los_angeles(db_session, manager)
    services.save_policy(db_session, manager, "3@10:00 1@18:00", time(21, 0), time(8, 0), case=case)
    day = today_in("America/Chicago") + timedelta(days=40)
    family.members[0].preferred_language = "mam"
    make_appointment(db_session, manager, case, courts["chicago"], day=day)
    (task,) = _call_tasks(db_session, case)
    assert task.due_on == day - timedelta(days=3)


def test_a_date_tomorrow_is_called_about_by_then_at_the_latest(db_session, manager, courts):
    family, case = _mam_family_in_los_angeles(db_session, manager)
    day = today_in("America/Chicago") + timedelta(days=5)
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=day, at=time(15, 0))
    family.members[0].preferred_language = "mam"
    # The evening before the date, in Los Angeles: due on the date itself, not after it.
    now = datetime.combine(day - timedelta(days=1), time(20, 0), tzinfo=LOS_ANGELES)
    planning.plan(db_session, hearing, now)
    (task,) = _call_tasks(db_session, case)
    assert task.due_on == day
