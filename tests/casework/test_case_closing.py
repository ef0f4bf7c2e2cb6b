"""Closing a case with appointments still ahead: staff choose to cancel them or keep them for another
program; either way the program's unsent reminders are cancelled (never deleted), the case says what
was done, and reopening offers to plan the dates still ahead again. One transaction: a failure midway
saves nothing."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.cases.closing import AgainChoice, AheadChoice
from casework.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus, ClosedReason
from casework.extensions import registry
from casework.timeutil import today_in
from scheduling import dispatch, planning
from scheduling import services as scheduling_services
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Channel,
    MessageKind,
    Reminder,
    ReminderStatus,
)
from tests.factories import PASSWORD
from tests.reintegration.conftest import center, receive  # noqa: F401  (shared fixtures)
from tests.scheduling.conftest import courts, household, ice_office, make_appointment, manager, program  # noqa: F401


class Sent:
    """A sender that records what it would send (nothing should be)."""

    def __init__(self) -> None:
        self.messages: list = []

    def send(self, outgoing) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(outgoing)
        return f"id-{len(self.messages)}"

    def close(self) -> None:
        pass


@pytest.fixture()
def dated_case(db_session, manager, courts, ice_office):
    """An active case with a hearing and a check-in ahead (reminders planned) and a date already past."""
    family, case = household(db_session, manager)
    case.status = CaseStatus.ACTIVE
    today = today_in(manager.organization.timezone)
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=today + timedelta(days=30))
    check_in = make_appointment(
        db_session,
        manager,
        case,
        kind=AppointmentKind.ICE_CHECK_IN,
        day=today + timedelta(days=12),
        at=time(9, 0),
        office_id=ice_office.id,
    )
    past = make_appointment(db_session, manager, case, courts["chicago"], day=today - timedelta(days=20))
    db_session.commit()
    return family, case, hearing, check_in, past


def _reminders(db_session, case, status=None) -> list[Reminder]:
    stmt = (
        select(Reminder)
        .join(Appointment, Reminder.appointment_id == Appointment.id)
        .where(Appointment.case_id == case.id)
        .order_by(Reminder.id)
    )
    rows = list(db_session.scalars(stmt))
    return [r for r in rows if status is None or r.status is status]


def _status(client, case, family, data, page=None):
    return client.post(f"/cases/{case.id}/status", data, page=page or f"/families/{family.id}")


def test_closing_asks_about_the_appointments_ahead_then_cancels_them_and_their_reminders(
    app, client, db_session, manager, dated_case
):
    family, case, hearing, check_in, past = dated_case
    planned = _reminders(db_session, case, ReminderStatus.PLANNED)
    assert len(planned) == 16, "two dates ahead, 4 steps, text and email"
    client.sign_in(manager.email, PASSWORD)

    asked = _status(client, case, family, {"status": "closed", "closed_reason": "moved_away"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Choose what becomes of the appointments still ahead." in page
    assert "Master calendar hearing" in page and "ICE check-in" in page and "Chicago ICE field office" in page
    assert "Cancel these appointments and their reminders" in page
    assert "Keep them (another program follows the family): stop our reminders only" in page
    assert '<option selected value="moved_away">' in page  # the typed reason is kept
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.ACTIVE
    assert len(_reminders(db_session, case, ReminderStatus.PLANNED)) == 16

    done = _status(
        client,
        case,
        family,
        {"status": "closed", "closed_reason": "moved_away", "ahead_choice": "cancel"},
        page=f"/cases/{case.id}/status",
    )
    assert done.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status is CaseStatus.CLOSED and case.closed_reason is ClosedReason.MOVED_AWAY
    for appointment in (hearing, check_in):
        row = db_session.get(Appointment, appointment.id)
        assert row.status is AppointmentStatus.CANCELLED and row.cancelled_at is not None
    assert db_session.get(Appointment, past.id).status is AppointmentStatus.SCHEDULED
    # The same rows, cancelled, none deleted; and no message to the family about it (a court date stands).
    rows = _reminders(db_session, case)
    assert [r.id for r in rows] == [r.id for r in planned]
    assert all(r.status is ReminderStatus.CANCELLED for r in rows)
    assert all(r.kind is MessageKind.REMINDER for r in rows)

    event = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert event.kind is CaseEventKind.CLOSED and event.user_id == manager.id
    assert event.facts == {"scheduling": {"cancelled": [check_in.id, hearing.id], "reminders_cancelled": 16}}
    audit = db_session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "case", AuditEvent.object_id == case.id)
        .order_by(AuditEvent.id.desc())
    ).first()
    assert audit.detail == "status active -> closed; scheduling: cancelled=2 reminders_cancelled=16"
    cancelled_audits = db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.object_type == "appointment", AuditEvent.detail == "cancelled: the case closed")
    )
    assert cancelled_audits == 2

    family_page = client.get(f"/families/{family.id}").get_data(as_text=True)
    on = format_date(today_in(manager.organization.timezone), "medium", locale="en")
    assert f"Closed on {on}: 2 appointments cancelled and 16 reminders cancelled" in family_page

    sender = Sent()
    with app.app_context():
        result = dispatch.dispatch_once(
            db_session,
            app.config,
            now=planned[0].due_at + timedelta(minutes=1),
            senders={Channel.SMS: sender, Channel.EMAIL: sender},
        )
    assert result.sent == 0 and sender.messages == []


def test_a_choice_that_is_not_offered_is_asked_again(client, db_session, manager, dated_case):
    family, case, *_ = dated_case
    client.sign_in(manager.email, PASSWORD)
    response = _status(
        client, case, family, {"status": "closed", "closed_reason": "transferred", "ahead_choice": "delete"}
    )
    assert response.status_code == 200
    assert "Choose what becomes of the appointments still ahead." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.ACTIVE


def test_keeping_them_stops_only_our_reminders_and_reopening_plans_them_again(client, db_session, manager, dated_case):
    family, case, hearing, check_in, _past = dated_case
    planned = _reminders(db_session, case, ReminderStatus.PLANNED)
    client.sign_in(manager.email, PASSWORD)
    assert (
        _status(
            client, case, family, {"status": "closed", "closed_reason": "transferred", "ahead_choice": "keep"}
        ).status_code
        == 302
    )
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.CLOSED
    assert {db_session.get(Appointment, a.id).status for a in (hearing, check_in)} == {AppointmentStatus.SCHEDULED}
    assert all(r.status is ReminderStatus.CANCELLED for r in _reminders(db_session, case))
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "2 appointments kept for another program and 16 reminders cancelled" in page
    # A closed case's kept dates get no reminders from us, whatever re-plans them.
    assert planning.plan(db_session, db_session.get(Appointment, hearing.id)) == []

    asked = _status(client, case, family, {"status": "active"})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "Choose whether reminders are planned again for the dates still ahead." in text
    assert "Plan reminders again for the 2 dates still ahead" in text
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.CLOSED

    assert (
        _status(
            client, case, family, {"status": "active", "again_choice": "plan"}, page=f"/cases/{case.id}/status"
        ).status_code
        == 302
    )
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.ACTIVE
    again = _reminders(db_session, case, ReminderStatus.PLANNED)
    assert len(again) == 16 and not {r.id for r in again} & {r.id for r in planned}
    assert sorted(r.due_at for r in again) == sorted(r.due_at for r in planned)
    events = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [e.kind for e in events] == [CaseEventKind.CLOSED, CaseEventKind.REOPENED]
    assert events[1].facts["scheduling"]["reminders_planned"] == 16
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    on = format_date(today_in(manager.organization.timezone), "medium", locale="en")
    assert f"Reopened on {on}: 16 reminders planned" in page


def test_reopening_without_planning_again_leaves_the_dates_alone(client, db_session, manager, dated_case):
    family, case, hearing, *_ = dated_case
    client.sign_in(manager.email, PASSWORD)
    _status(client, case, family, {"status": "closed", "closed_reason": "transferred", "ahead_choice": "cancel"})
    assert (
        _status(
            client, case, family, {"status": "active", "again_choice": "leave"}, page=f"/cases/{case.id}/status"
        ).status_code
        == 302
    )
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.ACTIVE
    assert db_session.get(Appointment, hearing.id).status is AppointmentStatus.CANCELLED
    assert _reminders(db_session, case, ReminderStatus.PLANNED) == []


def test_reopening_schedules_again_only_what_closing_cancelled_and_is_still_ahead(app, db_session, manager, courts):
    _family, case = household(db_session, manager)
    case.status = CaseStatus.ACTIVE
    today = today_in(manager.organization.timezone)
    later = make_appointment(db_session, manager, case, courts["chicago"], day=today + timedelta(days=40))
    soon = make_appointment(db_session, manager, case, courts["chicago"], day=today + timedelta(days=3))
    called_off = make_appointment(db_session, manager, case, courts["chicago"], day=today + timedelta(days=20))
    scheduling_services.cancel_appointment(db_session, manager, called_off)  # cancelled by the court, before closing
    closing = registry(app).case_closing
    case_services.change_status(
        db_session,
        manager,
        case,
        CaseStatus.CLOSED,
        ClosedReason.LOST_CONTACT,
        today,
        ahead_choice=AheadChoice.CANCEL,
        closing=closing,
    )
    db_session.commit()
    assert {a.status for a in (later, soon, called_off)} == {AppointmentStatus.CANCELLED}

    # Reopened after `soon` has passed: only `later` comes back, with reminders from then on.
    then = soon.starts_at + timedelta(hours=2)
    with app.app_context():
        offered = case_services.dates_to_plan_again(db_session, case, then, closing)
    assert len(offered) == 1
    event = case_services.change_status(
        db_session,
        manager,
        case,
        CaseStatus.ACTIVE,
        None,
        today,
        again_choice=AgainChoice.PLAN,
        now=then,
        closing=closing,
    )
    db_session.commit()
    assert later.status is AppointmentStatus.SCHEDULED and later.cancelled_at is None
    assert soon.status is AppointmentStatus.CANCELLED and called_off.status is AppointmentStatus.CANCELLED
    assert event.facts["scheduling"]["restored"] == [later.id]
    rows = list(_reminders(db_session, case, ReminderStatus.PLANNED))
    assert rows and {r.appointment_id for r in rows} == {later.id} and all(r.due_at >= then for r in rows)


def test_a_failure_midway_saves_nothing(client, db_session, manager, dated_case, monkeypatch):
    family, case, hearing, check_in, _past = dated_case
    before = [(r.id, r.status, r.dedupe_key) for r in _reminders(db_session, case)]
    client.sign_in(manager.email, PASSWORD)

    def broken(session, appointment_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away while cancelling reminders")

    monkeypatch.setattr(planning, "_cancel_unsent", broken)
    with pytest.raises(RuntimeError):
        _status(client, case, family, {"status": "closed", "closed_reason": "moved_away", "ahead_choice": "cancel"})
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status is CaseStatus.ACTIVE and case.closed_on is None and case.closed_reason is None
    assert {db_session.get(Appointment, a.id).status for a in (hearing, check_in)} == {AppointmentStatus.SCHEDULED}
    assert [(r.id, r.status, r.dedupe_key) for r in _reminders(db_session, case)] == before
    assert db_session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id)) is None
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.detail == "cancelled: the case closed")) is None


def test_closing_with_nothing_ahead_asks_nothing(client, db_session, manager):
    family, case = household(db_session, manager)
    db_session.commit()
    client.sign_in(manager.email, PASSWORD)
    assert _status(client, case, family, {"status": "closed", "closed_reason": "relief_granted"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Case, case.id).status is CaseStatus.CLOSED
    on = format_date(today_in(manager.organization.timezone), "medium", locale="en")
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert f"Closed on {on}" in page
    assert _status(client, case, family, {"status": "active"}).status_code == 302  # nothing to plan again


def test_closing_a_returnee_case_calls_off_its_follow_ups_and_reopening_holds_them_again(
    client, db_session, center, receive
):
    returnee = receive(days_ago=3, phone="5555 0123", reminders=True)
    visits = list(db_session.scalars(select(Appointment).where(Appointment.case_id == returnee.case_id)))
    ahead = [a for a in visits if a.status is AppointmentStatus.SCHEDULED and a.local_date > center["today"]]
    planned = [
        r.id
        for r in db_session.scalars(
            select(Reminder).where(Reminder.family_id == returnee.family_id, Reminder.status == ReminderStatus.PLANNED)
        )
    ]
    assert ahead and planned
    client.sign_in(center["worker"].email, PASSWORD)
    show = f"/reintegration/cases/{returnee.id}"
    assert client.post(f"{show}/close", {"closed_reason": "services_completed"}, page=show).status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, returnee.case_id)
    assert case.status is CaseStatus.CLOSED
    assert {db_session.get(Appointment, a.id).status for a in ahead} == {AppointmentStatus.CANCELLED}
    assert {db_session.get(Reminder, i).status for i in planned} == {ReminderStatus.CANCELLED}
    closed = db_session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
    assert sorted(closed.facts["scheduling"]["cancelled"]) == sorted(a.id for a in ahead)

    assert client.post(f"{show}/reopen", {}, page=show).status_code == 302
    db_session.expire_all()
    assert db_session.get(Case, returnee.case_id).status is CaseStatus.ACTIVE
    assert {db_session.get(Appointment, a.id).status for a in ahead} == {AppointmentStatus.SCHEDULED}
    replanned = db_session.scalars(
        select(Reminder).where(Reminder.family_id == returnee.family_id, Reminder.status == ReminderStatus.PLANNED)
    ).all()
    assert len(replanned) == len(planned) and not {r.id for r in replanned} & set(planned)
