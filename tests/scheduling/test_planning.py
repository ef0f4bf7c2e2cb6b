"""Planning the outbox: one household, one message per step and channel; re-planning; cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from casework.cases.models import Task
from casework.families.models import ConsentKind
from scheduling import planning, services
from scheduling.models import Channel, MessageKind, Reminder, ReminderStatus
from tests.scheduling.conftest import household, make_appointment, program_today


def _rows(db_session, appointment, status=None):
    stmt = select(Reminder).where(Reminder.appointment_id == appointment.id).order_by(Reminder.due_at, Reminder.id)
    rows = list(db_session.scalars(stmt))
    return [r for r in rows if status is None or r.status is status]


def test_a_new_hearing_plans_each_step_once_per_channel_for_the_household(db_session, manager, family_case, courts):
    family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=30))
    rows = _rows(db_session, hearing)
    # Two people on the hearing, one household: 4 steps × (SMS + email), addressed to the head.
    assert len(rows) == 8
    assert {r.channel for r in rows} == {Channel.SMS, Channel.EMAIL}
    assert {r.member_id for r in rows} == {family.members[0].id}
    assert {r.recipient for r in rows if r.channel is Channel.SMS} == {"+13125550143"}
    assert all(r.language == "spa" and r.kind is MessageKind.REMINDER for r in rows)
    chicago = ZoneInfo("America/Chicago")
    local = sorted({r.due_at.astimezone(chicago).replace(tzinfo=None) for r in rows})
    day = hearing.local_date
    assert local == [
        datetime.combine(day - timedelta(days=7), time(10)),
        datetime.combine(day - timedelta(days=2), time(10)),
        datetime.combine(day - timedelta(days=1), time(18)),
        datetime.combine(day, time(8)),
    ]


def test_planning_twice_creates_nothing_new(db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    before = len(_rows(db_session, hearing))
    assert planning.plan(db_session, hearing) == []
    assert len(_rows(db_session, hearing)) == before


def test_the_morning_of_reminder_is_dropped_when_too_close_to_an_early_hearing(
    db_session, manager, family_case, courts
):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], at=time(8, 15))
    assert {r.step for r in _rows(db_session, hearing)} == {"7d1000", "2d1000", "1d1800"}


def test_steps_that_fall_in_quiet_hours_wait_for_the_morning(db_session, manager, family_case, courts):
    _family, case = family_case
    services.save_policy(db_session, manager, "3@22:30 1@10:00", time(21, 0), time(8, 0), case=case)
    hearing = make_appointment(db_session, manager, case, courts["chicago"], at=time(13, 0))
    chicago = ZoneInfo("America/Chicago")
    times = sorted({r.due_at.astimezone(chicago).replace(tzinfo=None) for r in _rows(db_session, hearing)})
    assert times[0] == datetime.combine(hearing.local_date - timedelta(days=2), time(8, 0))


def test_a_date_set_at_short_notice_gets_one_reminder_now(db_session, manager, family_case, courts):
    _family, case = family_case
    now = datetime.now(UTC)
    tomorrow = (now + timedelta(hours=30)).astimezone(ZoneInfo("America/Chicago"))
    services.save_policy(db_session, manager, "7@10:00", time(0, 0), time(0, 0), case=case)
    hearing = make_appointment(
        db_session, manager, case, courts["chicago"], day=tomorrow.date(), at=time(tomorrow.hour, 0)
    )
    rows = _rows(db_session, hearing)
    assert {r.step for r in rows} == {"now"} and len(rows) == 2


def test_only_consented_channels_are_planned(db_session, manager, courts):
    _family, case = household(db_session, manager, consents=(ConsentKind.EMAIL_REMINDERS,))
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    assert {r.channel for r in _rows(db_session, hearing)} == {Channel.EMAIL}
    warnings = planning.channel_warnings(hearing)
    assert any("No text reminders" in w for w in warnings)


def test_a_language_without_written_texts_becomes_a_call_task_not_a_silent_fallback(db_session, manager, courts):
    _family, case = household(db_session, manager, language="mam")
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    assert _rows(db_session, hearing) == []
    tasks = list(db_session.scalars(select(Task).where(Task.case_id == case.id, Task.title.like("Call the family%"))))
    assert len(tasks) == 1 and "Mam" in tasks[0].title
    planning.plan(db_session, hearing)
    assert (
        db_session.scalar(select(Task.id).where(Task.case_id == case.id, Task.title.like("Call the family%")).offset(1))
        is None
    )


def test_changing_the_date_replans_unsent_and_announces_the_change_if_reminded(
    db_session, manager, family_case, courts
):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=5))
    first = _rows(db_session, hearing, ReminderStatus.PLANNED)[0]
    first.status = ReminderStatus.SENT  # the family was already reminded of the old date
    db_session.commit()
    data = services.AppointmentData(
        kind=hearing.kind,
        member_ids=[a.member_id for a in hearing.attendees],
        local_date=program_today() + timedelta(days=40),
        local_time=time(13, 0),
        court_id=courts["chicago"].id,
    )
    assert services.update_appointment(db_session, manager, hearing, data) is True
    rows = _rows(db_session, hearing)
    notices = [r for r in rows if r.kind is MessageKind.DATE_CHANGED]
    assert len(notices) == 2 and all(r.status is ReminderStatus.PLANNED for r in notices)
    planned_reminders = [r for r in rows if r.kind is MessageKind.REMINDER and r.status is ReminderStatus.PLANNED]
    chicago = ZoneInfo("America/Chicago")
    assert all(r.due_at.astimezone(chicago).date() >= program_today() + timedelta(days=33) for r in planned_reminders)
    assert len(planned_reminders) == 8
    assert hearing.sequence == 1


def test_a_change_of_notes_only_neither_replans_nor_notifies(db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    before = [(r.id, r.status) for r in _rows(db_session, hearing)]
    data = services.AppointmentData(
        kind=hearing.kind,
        member_ids=[a.member_id for a in hearing.attendees],
        local_date=hearing.local_date,
        local_time=hearing.local_time,
        court_id=hearing.court_id,
        notes="Bring the school letter",
    )
    assert services.update_appointment(db_session, manager, hearing, data) is False
    assert [(r.id, r.status) for r in _rows(db_session, hearing)] == before


def test_moving_a_date_and_back_plans_the_old_steps_again(db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    original = hearing.local_date
    for day in (original + timedelta(days=3), original):
        services.update_appointment(
            db_session,
            manager,
            hearing,
            services.AppointmentData(
                kind=hearing.kind,
                member_ids=[a.member_id for a in hearing.attendees],
                local_date=day,
                local_time=hearing.local_time,
                court_id=hearing.court_id,
            ),
        )
    assert len(_rows(db_session, hearing, ReminderStatus.PLANNED)) == 8


def test_cancelling_drops_reminders_and_plans_a_cancellation_notice(db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    services.cancel_appointment(db_session, manager, hearing)
    rows = _rows(db_session, hearing)
    planned = [r for r in rows if r.status is ReminderStatus.PLANNED]
    assert {(r.kind, r.channel) for r in planned} == {
        (MessageKind.CANCELLED, Channel.SMS),
        (MessageKind.CANCELLED, Channel.EMAIL),
    }
    assert sum(r.status is ReminderStatus.CANCELLED for r in rows) == 8


def test_a_stop_cancels_everything_planned_for_that_number(db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"])
    assert planning.stop_channel(db_session, "+13125550143", Channel.SMS) == 4
    assert all(r.status is ReminderStatus.CANCELLED for r in _rows(db_session, hearing) if r.channel is Channel.SMS)


def test_reminders_follow_the_clock_of_the_familys_address(db_session, manager, family_case, courts):
    """A Chicago program's family who moved to El Paso gets its 10:00 reminders at 10:00 Mountain time."""
    from casework.families import services as family_services

    family, case = family_case
    family_services.change_address(
        db_session,
        manager,
        family,
        family_services.AddressData(
            line1="1200 E Yandell Dr",
            city="El Paso",
            state="TX",
            postal_code="79902",
            moved_in_on=program_today() - timedelta(days=1),
            timezone="America/Denver",
        ),
        program_today(),
    )
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=30))
    denver = ZoneInfo("America/Denver")
    first = _rows(db_session, hearing)[0]
    assert first.due_at.astimezone(denver).hour == 10


def test_an_address_gets_its_states_usual_zone_unless_told_otherwise(db_session, manager, family_case):
    from casework.families import services as family_services

    family, _case = family_case
    address = family_services.change_address(
        db_session,
        manager,
        family,
        family_services.AddressData(
            line1="250 N 7th Ave",
            city="Phoenix",
            state="AZ",
            postal_code="85007",
            moved_in_on=program_today() - timedelta(days=1),
        ),
        program_today(),
    )
    assert address.timezone == "America/Phoenix"
