"""Titles the system gives tasks are stored as a key and values and read in each reader's language;
tasks typed by a person keep their text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from babel.dates import format_date
from sqlalchemy import select

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.cases.models import Task, TaskKind
from casework.cases.titles import display_title
from casework.db import utcnow
from casework.timeutil import today_in
from scheduling import dispatch, task_titles
from tests.factories import PASSWORD, make_user
from tests.scheduling.conftest import courts, household, make_appointment, manager, program  # noqa: F401


def test_the_same_generated_task_reads_in_each_readers_language(client, other_client, db_session, manager, courts):
    manager.locale = "en"
    colleague = make_user(db_session, manager.organization, Role.SUPERVISOR, name="Rosa Supervisora")
    colleague.locale = "es"
    family, case = household(db_session, manager, language="mam")  # no written reminder in Mam: a call instead
    day = today_in(manager.organization.timezone) + timedelta(days=60)
    make_appointment(db_session, manager, case, courts["chicago"], day=day)
    case_services.add_task(db_session, manager, case, "Pedir los expedientes escolares", day, manager.id)
    db_session.commit()
    task = db_session.scalars(
        select(Task).where(Task.case_id == case.id, Task.title_key == task_titles.INTERPRETER_CALL.key)
    ).one()
    assert task.title_values == {"language": "mam", "date": day.isoformat()}
    english = f"Call the family with a Mam interpreter about the date of {format_date(day, 'medium', locale='en')}"
    spanish = f"Llamar a la familia con intérprete de Mam por la fecha del {format_date(day, 'medium', locale='es')}"
    assert task.title == english  # the stored text, for search and exports

    client.sign_in(manager.email, PASSWORD)
    other_client.sign_in(colleague.email, PASSWORD)
    for url in (f"/families/{family.id}", "/tasks"):
        page = client.get(url).get_data(as_text=True)
        assert english in page and spanish not in page, url
    page = other_client.get(f"/families/{family.id}").get_data(as_text=True)
    assert spanish in page and english not in page
    # A task a person typed reads as typed, for everyone.
    assert "Pedir los expedientes escolares" in page
    assert "Pedir los expedientes escolares" in client.get(f"/families/{family.id}").get_data(as_text=True)


def test_change_of_address_tasks_carry_their_key(client, db_session, manager):
    manager.locale = "es"
    family, case = household(db_session, manager)
    today = today_in(manager.organization.timezone)
    tasks = case_services.plan_address_change_tasks(db_session, manager, case, today + timedelta(days=5))
    db_session.commit()
    assert {t.kind for t in tasks} == {TaskKind.ADDRESS_CHANGE_COURT, TaskKind.ADDRESS_CHANGE_USCIS}
    assert all(t.title_key and t.title_values == {} for t in tasks)
    assert "File the change of address with USCIS (AR-11)" in {t.title for t in tasks}
    client.sign_in(manager.email, PASSWORD)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "File the change of address with USCIS (AR-11)" not in page
    assert "AR-11" in page


def test_the_same_alert_is_one_task_and_another_date_is_another(app, db_session, manager, courts):
    _family, case = household(db_session, manager)
    now = utcnow()
    first = {"date": "2027-01-12"}
    dispatch.alert_once(db_session, case, task_titles.NOT_GOING_OUT, first, now)
    dispatch.alert_once(db_session, case, task_titles.NOT_GOING_OUT, dict(first), now)
    dispatch.alert_once(db_session, case, task_titles.NOT_GOING_OUT, {"date": "2027-01-19"}, now)
    rows = db_session.scalars(select(Task).where(Task.case_id == case.id)).all()
    assert sorted(t.title_values["date"] for t in rows) == ["2027-01-12", "2027-01-19"]
    # Once done, the same problem again is a new task.
    rows[0].completed_at = now
    dispatch.alert_once(db_session, case, task_titles.NOT_GOING_OUT, rows[0].title_values, now)
    assert len(db_session.scalars(select(Task).where(Task.case_id == case.id)).all()) == 3


def test_unknown_keys_and_values_that_do_not_fit_show_the_stored_text(app, db_session, manager):
    _family, case = household(db_session, manager)
    task = Task(
        case_id=case.id,
        title="Stored words",
        title_key="nobody.registered_this",
        title_values={},
        due_on=date(2027, 1, 5),
    )
    broken = Task(
        case_id=case.id,
        title="Stored too",
        title_key=task_titles.INTERPRETER_CALL.key,
        title_values={"language": "mam", "date": "not a date"},
        due_on=date(2027, 1, 5),
    )
    with app.test_request_context():
        assert display_title(task) == "Stored words"
        assert display_title(broken) == "Stored too"


def test_retention_clears_the_values_of_generated_titles(db_session, manager):
    _family, case = household(db_session, manager)
    dispatch.alert_once(
        db_session, case, task_titles.DELIVERY_FAILED, {"channel": "sms", "member": "José Luis García"}, utcnow()
    )
    case_services.anonymize_case_records(db_session, [case.id])
    db_session.expire_all()
    task = db_session.scalars(select(Task).where(Task.case_id == case.id)).one()
    assert (task.title, task.title_key, task.title_values) == ("—", None, None)


def test_an_alert_in_the_evening_is_due_on_the_programs_day_not_utcs(app, db_session, manager, courts):
    _family, case = household(db_session, manager)
    evening_in_chicago = datetime(2027, 1, 12, 3, 30, tzinfo=UTC)  # 21:30 on the 11th in Chicago
    dispatch.alert_once(db_session, case, task_titles.NOT_GOING_OUT, {"date": "2027-01-12"}, evening_in_chicago)
    task = db_session.scalars(select(Task).where(Task.case_id == case.id)).one()
    assert case.family.program.timezone == "America/Chicago"
    assert task.due_on == date(2027, 1, 11)
