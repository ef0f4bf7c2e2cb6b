"""Follow-ups after a return: the organization's days and time, tasks for the worker, and the same
dates texted to the returnee through the reminder engine only when they agreed."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from casework.cases.models import Task
from casework.db import utcnow
from reintegration import followups, services
from reintegration.models import InCountrySettings
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    Channel,
    MessageKind,
    Outcome,
    Reminder,
    ReminderStatus,
)
from tests.factories import PASSWORD


def _dates(db_session, returnee):
    return sorted(followups.follow_up_dates(db_session, returnee).values(), key=lambda a: a.starts_at)


def test_the_organizations_days_and_time_shape_each_new_returnees_follow_ups(client, db_session, center, receive):
    client.sign_in(center["admin"].email, PASSWORD)
    form = {
        "country": "GT",
        "follow_up_days": "60, 14",
        "follow_up_time": "09:30",
        "follow_up_place": "Oficina de Huehue",
    }
    assert client.post("/reintegration/settings", form).status_code == 302
    returnee = receive(days_ago=1)
    returned = returnee.returned_on
    assert [t.due_on for t in services.follow_ups(db_session, returnee)] == [
        returned + timedelta(days=14),
        returned + timedelta(days=60),
    ]
    dates = _dates(db_session, returnee)
    assert [(a.local_date, a.local_time, a.timezone, a.location_note) for a in dates] == [
        (returned + timedelta(days=14), time(9, 30), "America/Guatemala", "Oficina de Huehue"),
        (returned + timedelta(days=60), time(9, 30), "America/Guatemala", "Oficina de Huehue"),
    ]
    # 09:30 in Guatemala (UTC-6, no daylight saving) is 15:30 UTC.
    assert dates[0].starts_at == datetime.combine(
        returned + timedelta(days=14), time(9, 30), ZoneInfo("America/Guatemala")
    ).astimezone(ZoneInfo("UTC"))


def test_bad_follow_up_days_are_refused_next_to_the_field_with_the_input_kept(client, db_session, center):
    client.sign_in(center["admin"].email, PASSWORD)
    for typed, message in (
        ("7 thirty", "whole numbers"),
        ("0 30", "between 1 and 730"),
        ("", "This field is required"),
    ):
        page = client.post(
            "/reintegration/settings",
            {"country": "GT", "follow_up_days": typed, "follow_up_time": "10:00", "follow_up_place": ""},
        ).get_data(as_text=True)
        assert 'id="follow_up_days-error"' in page and message in page, typed
        assert f'value="{typed}"' in page
    assert db_session.scalar(select(InCountrySettings.id)) is None


def test_only_admins_and_supervisors_change_the_settings(client, db_session, center):
    client.sign_in(center["worker"].email, PASSWORD)
    assert client.get("/reintegration/settings").status_code == 403


def test_with_consent_the_returnee_is_texted_about_each_upcoming_follow_up(db_session, center, receive):
    returnee = receive(days_ago=10, phone="5555 0123", reminders=True)
    rows = list(db_session.scalars(select(Reminder).where(Reminder.family_id == returnee.family_id)))
    upcoming = [a for a in _dates(db_session, returnee) if a.starts_at > utcnow()]
    assert len(upcoming) == 3  # the 7-day follow-up is already past
    assert rows and {r.recipient for r in rows} == {"+50255550123"} and {r.channel for r in rows} == {Channel.SMS}
    assert {r.appointment_id for r in rows} == {a.id for a in upcoming}
    assert all(r.language == "spa" and r.status is ReminderStatus.PLANNED for r in rows)


def test_without_consent_no_message_is_planned_and_agreeing_later_plans_them(client, db_session, center, receive):
    returnee = receive(days_ago=2, phone="+502 5555 0123")
    assert db_session.scalar(select(Reminder.id).where(Reminder.family_id == returnee.family_id)) is None
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}"
    assert "has not agreed" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/reminders", {"given_on": center["today"].isoformat()}, page=url)
    planned = list(db_session.scalars(select(Reminder).where(Reminder.family_id == returnee.family_id)))
    assert planned and all(r.status is ReminderStatus.PLANNED for r in planned)
    assert "Agreed on" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/reminders/withdraw", {}, page=url)
    db_session.expire_all()
    assert all(
        r.status is not ReminderStatus.PLANNED
        for r in db_session.scalars(select(Reminder).where(Reminder.family_id == returnee.family_id))
    )


def test_reminders_need_a_phone_in_the_country(client, db_session, center, receive):
    page = None
    client.sign_in(center["worker"].email, PASSWORD)
    page = client.post(
        "/reintegration/cases/new",
        {
            "given_names": "Ana",
            "first_surname": "Cux",
            "country": "GT",
            "returned_on": center["today"].isoformat(),
            "method": "flight",
            "phone": "",
            "reminders_consent": "y",
            "municipality": "Chiantla",
        },
    ).get_data(as_text=True)
    assert 'id="phone-error"' in page and 'value="Chiantla"' in page
    returnee = receive(days_ago=0)
    url = f"/reintegration/cases/{returnee.id}"
    assert "No phone in the country" in client.get(url).get_data(as_text=True)
    page = client.post(
        f"{url}/reminders", {"given_on": center["today"].isoformat()}, page=url, follow_redirects=True
    ).get_data(as_text=True)
    assert "Record the person&#39;s phone in the country first." in page


def test_marking_a_follow_up_done_closes_the_familys_date_too(client, db_session, center, receive):
    returnee = receive(days_ago=10, phone="5555 0123", reminders=True)
    tasks = services.follow_ups(db_session, returnee)
    past, future = tasks[0], tasks[1]
    by_task = followups.follow_up_dates(db_session, returnee)
    client.sign_in(center["worker"].email, PASSWORD)
    for task in (past, future):
        client.post(f"/reintegration/tasks/{task.id}/done", page=f"/reintegration/cases/{returnee.id}")
    db_session.expire_all()
    assert all(db_session.get(Task, t.id).completed_at is not None for t in (past, future))
    held, called_off = (
        db_session.get(Appointment, by_task[past.id].id),
        db_session.get(Appointment, by_task[future.id].id),
    )
    assert held.outcome is Outcome.ATTENDED
    assert called_off.status is AppointmentStatus.CANCELLED
    rows = list(db_session.scalars(select(Reminder).where(Reminder.appointment_id == called_off.id)))
    assert all(r.status is ReminderStatus.CANCELLED for r in rows if r.kind is MessageKind.REMINDER)
    assert [r.kind for r in rows if r.status is ReminderStatus.PLANNED] == [MessageKind.CANCELLED]
    again = client.post(
        f"/reintegration/tasks/{past.id}/done", page=f"/reintegration/cases/{returnee.id}", follow_redirects=True
    ).get_data(as_text=True)
    assert "already done" in again


def test_a_language_without_written_reminders_becomes_calls_with_an_interpreter(client, db_session, center, receive):
    returnee = receive(days_ago=1, phone="5555 0123", reminders=True, language="mam")
    assert db_session.scalar(select(Reminder.id).where(Reminder.family_id == returnee.family_id)) is None
    assert len(services.follow_ups(db_session, returnee)) == 4
    calls = services.other_open_tasks(db_session, returnee)
    assert len(calls) == 4 and all("Mam interpreter" in t.title for t in calls)
    client.sign_in(center["worker"].email, PASSWORD)
    page = client.get(f"/reintegration/cases/{returnee.id}").get_data(as_text=True)
    assert "no written reminder exists in Mam" in page and "Also to do" in page
    follow_ups = page[page.index('id="follow-h"') : page.index("Also to do")]
    assert follow_ups.count("days after return") == 4


def test_correcting_the_return_moves_the_follow_ups_still_to_come_and_reminds_the_new_phone(
    client, db_session, center, receive
):
    returnee = receive(days_ago=10, phone="5555 0123", reminders=True)
    tasks = services.follow_ups(db_session, returnee)
    done, *open_ones = tasks
    followups.complete(db_session, center["worker"], done)
    before = {t.id: t.due_on for t in tasks}
    client.sign_in(center["worker"].email, PASSWORD)
    url = f"/reintegration/cases/{returnee.id}/return"
    edit = client.get(url).get_data(as_text=True)
    assert 'value="+50255550123"' in edit and 'id="relative_name"' not in edit
    earlier = returnee.returned_on - timedelta(days=3)
    form = {
        "country": "GT",
        "returned_on": earlier.isoformat(),
        "method": "land",
        "arrival_point": "El Carmen",
        "reception_center": "",
        "division": "GT-13",
        "municipality": "Chiantla",
        "phone": "5555 0456",
        "notes": "",
    }
    page = client.post(url, dict(form, returned_on=(center["today"] + timedelta(days=1)).isoformat())).get_data(
        as_text=True
    )
    assert 'id="returned_on-error"' in page and 'value="El Carmen"' in page
    assert client.post(url, form).status_code == 302
    db_session.expire_all()
    assert (returnee.returned_on, returnee.phone, returnee.method.value) == (earlier, "+50255550456", "land")
    assert db_session.get(Task, done.id).due_on == before[done.id], "a follow-up already done stays where it was"
    for task in open_ones:
        assert db_session.get(Task, task.id).due_on == before[task.id] - timedelta(days=3)
    dates = followups.follow_up_dates(db_session, returnee)
    assert all(dates[t.id].local_date == before[t.id] - timedelta(days=3) for t in open_ones)
    planned = list(
        db_session.scalars(
            select(Reminder).where(Reminder.family_id == returnee.family_id, Reminder.status == ReminderStatus.PLANNED)
        )
    )
    assert planned and {r.recipient for r in planned} == {"+50255550456"}


def test_the_returnee_is_texted_in_spanish_with_the_place_and_a_link_to_their_page(
    app, client, db_session, center, receive
):
    from scheduling import dispatch

    client.sign_in(center["admin"].email, PASSWORD)
    client.post(
        "/reintegration/settings",
        {
            "country": "GT",
            "follow_up_days": "3",
            "follow_up_time": "10:00",
            "follow_up_place": "Oficina Demo de Chiantla",
        },
    )
    client.post("/sign-out", {}, page="/account")
    returnee = receive(days_ago=0, phone="5555 0123", reminders=True)
    first = min(
        db_session.scalars(select(Reminder).where(Reminder.family_id == returnee.family_id)), key=lambda r: r.due_at
    )
    with app.app_context():
        dispatch.dispatch_once(db_session, app.config, now=first.due_at + timedelta(minutes=1))
    db_session.expire_all()
    sent = db_session.get(Reminder, first.id)
    assert sent.status is ReminderStatus.SENT and sent.recipient == "+50255550123"
    assert "Oficina Demo de Chiantla" in sent.body and "Su cita" in sent.body and "STOP" in sent.body
    assert "deport" not in sent.body.lower(), "a follow-up is not a hearing: no removal warning"
    link = next(word for word in sent.body.split() if "/f/" in word)
    page = client.get(link[link.index("/f/") :].rstrip(".")).get_data(as_text=True)
    assert "Oficina Demo de Chiantla" in page, "the family's own page lists the follow-up"
