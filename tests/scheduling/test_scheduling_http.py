"""The scheduling pages over HTTP with CSRF on: forms, bad input kept and explained, lists."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from casework.accounts.models import Role
from casework.cases.models import Task
from casework.timeutil import today_in
from scheduling import dispatch, services
from scheduling.models import Appointment, Deadline, Outcome, Reminder, ReminderStatus
from tests.factories import PASSWORD, make_user
from tests.scheduling.conftest import make_appointment, program_today


@pytest.fixture()
def signed_in(client, manager):
    client.sign_in(manager.email, PASSWORD)
    return client


def _form(case, court, **overrides):
    data = {
        "kind": "master_hearing",
        "member_ids": [m.id for m in case.family.members],
        "local_date": (program_today() + timedelta(days=21)).isoformat(),
        "local_time": "08:30",
        "fold": "",
        "court_id": str(court.id),
        "office_id": "0",
        "location_note": "",
        "timezone": "America/Chicago",
        "mode": "in_person",
        "video_link": "",
        "interpreter_language": "spa",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_a_case_manager_adds_a_hearing_and_sees_it_with_its_zone(signed_in, db_session, family_case, courts):
    family, case = family_case
    url = f"/cases/{case.id}/appointments/new"
    response = signed_in.post(url, _form(case, courts["phoenix"]))
    assert response.status_code == 302
    appointment = db_session.scalars(select(Appointment).where(Appointment.case_id == case.id)).one()
    assert appointment.timezone == "America/Phoenix" and appointment.local_time == time(8, 30)
    assert appointment.starts_at.astimezone(UTC).time() == time(15, 30)
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phoenix Immigration Court" in page and "08:30 MST" in page and "Planned" in page
    family_page = signed_in.get(f"/families/{family.id}").get_data(as_text=True)
    assert "Court dates and appointments" in family_page and "Master calendar hearing" in family_page


def test_a_hearing_without_a_court_is_refused_next_to_the_field_with_the_input_kept(
    signed_in, db_session, family_case, courts
):
    _family, case = family_case
    response = signed_in.post(
        f"/cases/{case.id}/appointments/new", _form(case, courts["chicago"], court_id="0", notes="Bring the NTA")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="court_id-error"' in page and "Choose the immigration court." in page
    assert "Bring the NTA" in page and 'value="08:30"' in page
    assert db_session.scalar(select(Appointment.id)) is None


def test_a_time_in_the_spring_gap_is_explained_not_shifted(signed_in, db_session, family_case, courts):
    _family, case = family_case
    response = signed_in.post(
        f"/cases/{case.id}/appointments/new",
        _form(case, courts["chicago"], local_date="2027-03-14", local_time="02:30"),
    )
    page = response.get_data(as_text=True)
    assert 'id="local_time-error"' in page and "does not exist" in page and 'value="2027-03-14"' in page
    assert db_session.scalar(select(Appointment.id)) is None


def test_an_ambiguous_time_asks_which_and_then_saves_the_chosen_instant(signed_in, db_session, family_case, courts):
    _family, case = family_case
    url = f"/cases/{case.id}/appointments/new"
    form = _form(case, courts["new-york"], local_date="2027-11-07", local_time="01:30")
    page = signed_in.post(url, form).get_data(as_text=True)
    assert 'id="fold-error"' in page and "happens twice" in page
    assert signed_in.post(url, dict(form, fold="1")).status_code == 302
    appointment = db_session.scalars(select(Appointment)).one()
    assert appointment.starts_at == datetime(2027, 11, 7, 6, 30, tzinfo=UTC) and appointment.fold == 1


def test_a_video_hearing_needs_an_https_link(signed_in, db_session, family_case, courts):
    _family, case = family_case
    page = signed_in.post(
        f"/cases/{case.id}/appointments/new",
        _form(case, courts["chicago"], mode="video", video_link="meet.example.org/abc"),
    ).get_data(as_text=True)
    assert 'id="video_link-error"' in page and 'value="meet.example.org/abc"' in page


def test_an_ice_check_in_uses_the_programs_office(signed_in, db_session, family_case, courts, ice_office):
    _family, case = family_case
    response = signed_in.post(
        f"/cases/{case.id}/appointments/new",
        _form(case, courts["chicago"], kind="ice_check_in", court_id="0", office_id=str(ice_office.id)),
    )
    assert response.status_code == 302
    appointment = db_session.scalars(select(Appointment)).one()
    assert appointment.office_id == ice_office.id and appointment.court_id is None


def test_an_outcome_cannot_be_recorded_before_the_date(signed_in, db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    page = signed_in.post(
        f"/appointments/{hearing.id}/outcome", {"outcome": "attended", "decision": "", "note": "went well"}
    ).get_data(as_text=True)
    assert "This date has not happened yet." in page and "went well" in page


def test_rescheduling_links_the_new_date_and_tells_a_reminded_family(
    signed_in, db_session, manager, family_case, courts
):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=3))
    sms = db_session.scalars(select(Reminder).where(Reminder.appointment_id == hearing.id)).first()
    sms.status = ReminderStatus.SENT
    db_session.commit()
    new_day = program_today() + timedelta(days=60)
    response = signed_in.post(
        f"/appointments/{hearing.id}/outcome",
        {
            "outcome": "rescheduled",
            "decision": "",
            "note": "",
            "new_local_date": new_day.isoformat(),
            "new_local_time": "13:00",
            "new_fold": "",
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    old = db_session.get(Appointment, hearing.id)
    new = db_session.get(Appointment, old.rescheduled_to_id)
    assert old.outcome is Outcome.RESCHEDULED and new.local_date == new_day and new.court_id == old.court_id
    notices = db_session.scalars(
        select(Reminder).where(Reminder.appointment_id == new.id, Reminder.kind == "date_changed")
    ).all()
    assert len(notices) == 2
    assert (
        db_session.scalars(
            select(Reminder).where(Reminder.appointment_id == old.id, Reminder.status == ReminderStatus.PLANNED)
        ).all()
        == []
    )
    page = signed_in.get(f"/appointments/{old.id}").get_data(as_text=True)
    assert f"/appointments/{new.id}" in page


def test_a_past_date_without_outcome_becomes_one_task_and_shows_in_follow_up(
    signed_in, db_session, manager, family_case, courts
):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=2))
    later = hearing.starts_at + timedelta(days=1)
    assert services.follow_up_missing_outcomes(db_session, now=later) == 1
    assert services.follow_up_missing_outcomes(db_session, now=later) == 0
    task = db_session.get(Task, hearing.follow_up_task_id)
    assert task.assignee_id == manager.id and "Record what happened" in task.title
    hearing.starts_at = datetime.now(UTC) - timedelta(days=1)  # as if the date had passed
    db_session.commit()
    page = signed_in.get("/follow-up").get_data(as_text=True)
    assert f"/appointments/{hearing.id}" in page
    signed_in.post(f"/appointments/{hearing.id}/outcome", {"outcome": "missed", "decision": "", "note": ""})
    db_session.expire_all()
    assert db_session.get(Task, task.id).completed_at is not None
    assert f"/appointments/{hearing.id}" in signed_in.get("/follow-up").get_data(as_text=True), (
        "a missed date with no new one stays on the follow-up list"
    )


def test_the_agenda_shows_my_next_14_days_and_the_whole_program_on_request(
    signed_in, db_session, manager, program, family_case, courts
):
    _family, case = family_case
    soon = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=5))
    later = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=20))
    colleague = make_user(db_session, program, Role.CASE_MANAGER)
    from tests.scheduling.conftest import household

    _f2, other_case = household(db_session, colleague, phone="(312) 555-0177")
    theirs = make_appointment(
        db_session, colleague, other_case, courts["chicago"], day=program_today() + timedelta(days=6)
    )
    page = signed_in.get("/agenda").get_data(as_text=True)
    assert f"/appointments/{soon.id}" in page and f"/appointments/{later.id}" not in page
    line = page.split(f"/appointments/{soon.id}")[1].split("</tr>")[0]  # the household, and where
    assert f'href="/families/{soon.case.family_id}">{soon.case.family.display_name}</a>' in line
    assert courts["chicago"].name in line
    assert f"/appointments/{theirs.id}" not in page
    assert f"/appointments/{theirs.id}" in signed_in.get("/agenda?who=all").get_data(as_text=True)
    month = soon.local_date.strftime("%Y-%m")
    assert f"/appointments/{soon.id}" in signed_in.get(f"/calendar?month={month}").get_data(as_text=True)
    assert signed_in.get("/calendar?month=not-a-month").status_code == 200
    dashboard = signed_in.get("/dashboard").get_data(as_text=True)
    assert "Dates in the next 7 days" in dashboard and f"/appointments/{soon.id}" in dashboard
    assert f"/appointments/{later.id}" not in dashboard and f"/appointments/{theirs.id}" not in dashboard
    week = dashboard.split('id="week-h"')[1].split('id="follow-h"')[0]
    household = soon.case.family
    assert f'<a href="/families/{household.id}">{household.display_name}</a>' in week


def test_the_dashboard_lists_the_soonest_dates_of_the_week_and_the_latest_to_follow_up(
    signed_in, db_session, manager, program, family_case, courts
):
    _family, case = family_case
    today = program_today()
    # Nine dates in the next days, made out of order, and nine past ones with no outcome.
    coming = [
        make_appointment(
            db_session, manager, case, courts["chicago"], day=today + timedelta(days=1 + n % 5), at=time(8 + n)
        )
        for n in (4, 0, 8, 2, 6, 1, 7, 3, 5)
    ]
    past = []
    for n in (3, 8, 1, 6, 0, 5, 2, 7, 4):
        appointment = make_appointment(db_session, manager, case, courts["chicago"], day=today + timedelta(days=9))
        appointment.starts_at = datetime.now(UTC) - timedelta(days=2 + n)
        past.append(appointment)
    db_session.commit()

    dashboard = signed_in.get("/dashboard").get_data(as_text=True)
    week = dashboard.split('id="week-h"')[1].split('id="follow-h"')[0]
    follow = dashboard.split('id="follow-h"')[1].split("</section>")[0]

    def shown(html: str) -> list[int]:
        return [int(part.split('"')[0]) for part in html.split('href="/appointments/')[1:]]

    soonest = sorted(coming, key=lambda a: (a.starts_at, a.id))
    assert shown(week) == [a.id for a in soonest[:8]] and "More…" in week
    latest = sorted(past, key=lambda a: a.starts_at, reverse=True)
    assert shown(follow) == [a.id for a in latest[:8]] and "More…" in follow


def test_reminder_times_are_for_supervisors_and_refuse_what_they_cannot_read(
    client, other_client, db_session, program, manager
):
    client.sign_in(manager.email, PASSWORD)
    assert client.get("/reminder-policy").status_code == 403
    supervisor = make_user(db_session, program, Role.SUPERVISOR)
    db_session.commit()
    client = other_client
    client.sign_in(supervisor.email, PASSWORD)
    page = client.post(
        "/reminder-policy",
        {"steps": "7@10:00 2@25:00", "quiet_start": "21:00", "quiet_end": "08:00", "phone": "(312) 555-0100"},
    ).get_data(as_text=True)
    assert 'id="steps-error"' in page and "2@25:00" in page
    response = client.post(
        "/reminder-policy",
        {"steps": "3@09:00 1@17:00", "quiet_start": "20:00", "quiet_end": "09:00", "phone": "(312) 555-0111"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert services.policy_row(db_session, program_id=program.id).steps == "3@09:00 1@17:00"
    assert program.phone == "+13125550111"


def test_deadlines_are_added_met_and_remind_the_case_manager_once_per_mark(signed_in, db_session, manager, family_case):
    _family, case = family_case
    due = today_in(case.family.program.timezone) + timedelta(days=40)  # the program's day, not UTC's
    page = signed_in.post(
        f"/cases/{case.id}/deadlines/new", {"title": "", "due_on": due.isoformat(), "member_id": "0"}
    ).get_data(as_text=True)
    assert 'id="title-error"' in page
    assert (
        signed_in.post(
            f"/cases/{case.id}/deadlines/new",
            {"title": "Send the FOIA request", "due_on": due.isoformat(), "member_id": "0"},
        ).status_code
        == 302
    )
    deadline = db_session.scalars(select(Deadline)).one()
    start = datetime.now(UTC)
    counts = [services.remind_deadlines(db_session, now=start + timedelta(days=d)) for d in (0, 10, 11, 33, 34, 39, 40)]
    assert counts == [0, 1, 0, 1, 0, 1, 1]  # 30 days, 7 days, 1 day before, and on the day
    signed_in.post(f"/deadlines/{deadline.id}/met", page="/account")
    db_session.expire_all()
    assert db_session.get(Deadline, deadline.id).met_on is not None


def test_the_asylum_deadline_is_one_year_after_arrival_and_never_duplicated(db_session, manager, family_case):
    from casework.releases.models import Release, ReleaseType, ReleasingAgency

    family, case = family_case
    db_session.add(
        Release(
            family_id=family.id,
            arrived_on=date(2026, 2, 28),
            released_on=date(2026, 3, 3),
            agency=ReleasingAgency.CBP,
            release_type=ReleaseType.PAROLE,
        )
    )
    db_session.flush()
    services.refresh_computed_deadlines(db_session, case)
    services.refresh_computed_deadlines(db_session, case)
    deadlines = db_session.scalars(select(Deadline).where(Deadline.case_id == case.id)).all()
    assert len(deadlines) == len(family.members) and {d.due_on for d in deadlines} == {date(2027, 2, 28)}


def test_the_outbox_shows_what_the_demo_set_up_kept(app, signed_in, db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    first = db_session.scalars(
        select(Reminder).where(Reminder.appointment_id == hearing.id).order_by(Reminder.due_at)
    ).first()
    with app.app_context():
        result = dispatch.dispatch_once(
            db_session,
            {**app.config, "MAIL_BACKEND": "outbox", "SMS_BACKEND": "outbox"},
            now=first.due_at + timedelta(minutes=1),
        )
    assert result.sent == 2
    page = signed_in.get("/outbox").get_data(as_text=True)
    assert "Su cita en la corte" in page and "+13125550143" in page
    log = signed_in.get(f"/families/{case.family_id}/reminders").get_data(as_text=True)
    assert log.count("Sent") >= 2


def test_offices_are_added_with_a_clear_message_for_bad_input(signed_in, db_session):
    page = signed_in.post(
        "/offices/new",
        {
            "kind": "ice",
            "name": "",
            "street": "1 Main St",
            "city": "Chicago",
            "state": "IL",
            "postal_code": "60601",
            "timezone": "America/Chicago",
            "phone": "",
            "active": "y",
        },
    ).get_data(as_text=True)
    assert 'id="name-error"' in page and "1 Main St" in page
    response = signed_in.post(
        "/offices/new",
        {
            "kind": "atd",
            "name": "ATD office",
            "street": "1 Main St",
            "city": "Chicago",
            "state": "IL",
            "postal_code": "60601",
            "timezone": "America/Chicago",
            "phone": "(312) 555-0123",
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert "ATD office" in signed_in.get("/courts").get_data(as_text=True)


def test_a_closed_cases_dates_leave_the_agenda(signed_in, db_session, manager, family_case, courts):
    from casework.cases.models import CaseStatus, ClosedReason

    _family, case = family_case
    soon = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=4))
    assert f"/appointments/{soon.id}" in signed_in.get("/agenda").get_data(as_text=True)
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, program_today(), ClosedReason.MOVED_AWAY
    db_session.commit()
    assert f"/appointments/{soon.id}" not in signed_in.get("/agenda").get_data(as_text=True)
    assert f"/appointments/{soon.id}" not in signed_in.get(
        f"/calendar?month={soon.local_date.strftime('%Y-%m')}"
    ).get_data(as_text=True)


def test_a_new_date_without_a_time_is_asked_for_not_a_server_error(signed_in, db_session, manager, family_case, courts):
    """Found by mypy: the time's own check does not run on an empty time, so the form must catch it."""
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() - timedelta(days=3))
    response = signed_in.post(
        f"/appointments/{hearing.id}/outcome",
        {
            "outcome": "rescheduled",
            "decision": "",
            "note": "moved",
            "new_local_time": "",
            "new_fold": "",
            "new_local_date": (program_today() + timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Give both the new date and the new time." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Appointment, hearing.id).outcome is None
