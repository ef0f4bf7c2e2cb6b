"""The due-reminder sweep against a real local SMTP server and a fake SMS gateway: what is sent,
what waits, what is retried, and that an outage or a dead dispatcher loses nothing."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from casework.cases.models import Task
from casework.families.models import Consent, ConsentKind
from scheduling import dispatch, outbox
from scheduling.messages import is_gsm7, segments
from scheduling.models import Channel, Reminder, ReminderStatus
from tests.fake_servers import SmsGateway, SmtpServer, free_port
from tests.scheduling.conftest import make_appointment, program_today


@pytest.fixture()
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture()
def gateway():
    server = SmsGateway().start()
    yield server
    server.stop()


@pytest.fixture()
def config(app, smtp, gateway):
    return {
        **app.config,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_USE_TLS": False,
        "MAIL_USERNAME": None,
        "MAIL_DEFAULT_SENDER": "reminders@example.org",
        "SMS_BACKEND": "twilio",
        "SMS_BASE_URL": gateway.url,
        "SMS_ACCOUNT_SID": "AC123",
        "SMS_AUTH_TOKEN": "sms-secret",
        "SMS_FROM": "+13125550199",
        "PUBLIC_BASE_URL": "https://casework.example.org",
        "MAIL_TIMEOUT": 5,
        "SMS_TIMEOUT": 5,
    }


def _rows(db_session, appointment):
    return list(
        db_session.scalars(
            select(Reminder).where(Reminder.appointment_id == appointment.id).order_by(Reminder.due_at, Reminder.id)
        )
    )


def _sweep(app, db_session, config, now):
    with app.app_context():
        return dispatch.dispatch_once(db_session, config, now=now)


@pytest.fixture()
def hearing(db_session, manager, family_case, courts):
    _family, case = family_case
    return make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=30))


def test_the_first_reminder_goes_by_text_and_email_once(app, db_session, config, smtp, gateway, hearing):
    first_due = _rows(db_session, hearing)[0].due_at
    result = _sweep(app, db_session, config, first_due + timedelta(minutes=1))
    assert (result.sent, result.failed, result.retried) == (2, 0, 0)
    assert len(gateway.sent) == 1 and len(smtp.messages) == 1

    text = gateway.sent[0]
    assert text["To"] == "+13125550143" and text["From"] == "+13125550199"
    body = text["Body"]
    assert is_gsm7(body) and segments(body) <= 2
    assert "deportacion" in body  # the first reminder names the consequence
    assert "1-800-898-7180" in body and "STOP" in body and "(312) 555-0100" in body
    assert "https://casework.example.org/f/" in body
    assert "525 West Van Buren Street" in body
    for private in ("José", "Garcia", "García", "asylum", "asilo"):
        assert private not in body

    email = smtp.messages[0]
    assert email["To"] == "familia.garcia@example.org"
    attachment = next(part for part in email.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    ics = attachment.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and "TZID=America/Chicago" in ics and "BEGIN:VTIMEZONE" in ics
    assert "García" not in email.get_body(("plain",)).get_content()

    statuses = [r.status for r in _rows(db_session, hearing)]
    assert statuses.count(ReminderStatus.SENT) == 2 and statuses.count(ReminderStatus.PLANNED) == 6
    again = _sweep(app, db_session, config, first_due + timedelta(minutes=2))
    assert again.handled == 0 and len(gateway.sent) == 1, "a sent reminder is never sent again"


def test_the_day_before_reminder_prompts_a_plan(app, db_session, config, gateway, hearing):
    rows = _rows(db_session, hearing)
    _sweep(app, db_session, config, rows[0].due_at + timedelta(minutes=1))
    day_before = next(r for r in rows if r.step.startswith("1d"))
    _sweep(app, db_session, config, day_before.due_at + timedelta(minutes=1))
    bodies = [m["Body"] for m in gateway.sent]
    assert "¿A qué hora va a salir para llegar a las 8:30?" in bodies[-1]
    assert "deportacion" not in bodies[-1]
    assert "Responda 1 si va, 2 si necesita transporte" in bodies[1]


def test_an_smtp_outage_delays_the_email_and_loses_nothing(app, db_session, config, smtp, gateway, hearing):
    down = {**config, "MAIL_PORT": free_port()}
    due = _rows(db_session, hearing)[0].due_at
    result = _sweep(app, db_session, down, due + timedelta(minutes=1))
    assert result.sent == 1 and result.retried == 1
    email_row = next(r for r in _rows(db_session, hearing) if r.channel is Channel.EMAIL and r.attempts)
    assert email_row.status is ReminderStatus.PLANNED and email_row.due_at > due + timedelta(minutes=1)
    assert "SMTP unavailable" in email_row.last_error
    result = _sweep(app, db_session, config, email_row.due_at + timedelta(seconds=1))
    assert result.sent == 1 and len(smtp.messages) == 1


def test_a_gateway_outage_retries_with_growing_waits_and_then_alerts_the_case_manager(
    app, db_session, config, gateway, hearing
):
    gateway.fail_with = 503
    now = _rows(db_session, hearing)[0].due_at + timedelta(minutes=1)
    waits = []
    for _ in range(dispatch.ATTEMPTS_BEFORE_ALERT):
        _sweep(app, db_session, config, now)
        row = next(r for r in _rows(db_session, hearing) if r.channel is Channel.SMS and r.attempts)
        assert row.status is ReminderStatus.PLANNED
        waits.append(row.due_at - now)
        now = row.due_at + timedelta(seconds=1)
    assert waits == sorted(waits) and waits[0] < waits[-1]
    tasks = list(db_session.scalars(select(Task).where(Task.title.like("Reminders for % are not going out%"))))
    assert len(tasks) == 1
    gateway.fail_with = None
    assert _sweep(app, db_session, config, now).sent == 1


def test_a_refused_number_fails_at_once_and_two_failures_alert_the_case_manager(
    app, db_session, config, gateway, hearing
):
    gateway.fail_with = 400
    rows = _rows(db_session, hearing)
    sms = [r for r in rows if r.channel is Channel.SMS]
    _sweep(app, db_session, config, sms[0].due_at + timedelta(minutes=1))
    assert sms[0].status is ReminderStatus.FAILED
    assert db_session.scalar(select(Task.id).where(Task.title.like("Reminders by text%"))) is None
    _sweep(app, db_session, config, sms[1].due_at + timedelta(minutes=1))
    alerts = list(db_session.scalars(select(Task).where(Task.title.like("Reminders by text%failed twice%"))))
    assert len(alerts) == 1 and alerts[0].assignee_id == hearing.case.assigned_to_id


def test_a_dispatcher_killed_mid_send_leaves_its_rows_to_the_next_after_the_lease(
    app, db_session, config, gateway, smtp, hearing
):
    now = _rows(db_session, hearing)[0].due_at + timedelta(minutes=1)
    claimed = outbox.claim(db_session, now, 10)  # ... and the process dies here
    assert len(claimed) == 2
    assert _sweep(app, db_session, config, now + timedelta(minutes=1)).handled == 0, "the lease still holds"
    result = _sweep(app, db_session, config, now + outbox.LEASE + timedelta(seconds=1))
    assert result.sent == 2 and len(gateway.sent) == 1 and len(smtp.messages) == 1


def test_consent_withdrawn_after_planning_stops_the_message(app, db_session, config, gateway, family_case, hearing):
    family, _case = family_case
    consent = db_session.scalars(
        select(Consent).where(Consent.member_id == family.members[0].id, Consent.kind == ConsentKind.SMS_REMINDERS)
    ).one()
    consent.revoked_on = program_today()
    db_session.commit()
    result = _sweep(app, db_session, config, _rows(db_session, hearing)[0].due_at + timedelta(minutes=1))
    assert result.skipped == 1 and gateway.sent == []
    skipped = next(r for r in _rows(db_session, hearing) if r.status is ReminderStatus.SKIPPED)
    assert skipped.last_error == "consent withdrawn"


def test_a_late_sweep_at_night_waits_for_the_morning(app, db_session, config, gateway, hearing):
    due = _rows(db_session, hearing)[0].due_at
    chicago = ZoneInfo("America/Chicago")
    night = due.astimezone(chicago).replace(hour=23, minute=30).astimezone(due.tzinfo)
    result = _sweep(app, db_session, config, night)
    assert result.deferred == 2 and gateway.sent == []
    waiting = _rows(db_session, hearing)[0]
    assert waiting.status is ReminderStatus.PLANNED
    assert waiting.due_at.astimezone(chicago).hour == 8 and waiting.attempts == 0


def test_after_the_hearing_a_delayed_reminder_is_not_sent(app, db_session, config, gateway, hearing):
    result = _sweep(app, db_session, config, hearing.starts_at + timedelta(minutes=5))
    assert result.sent == 0 and result.skipped == 8 and gateway.sent == []


def test_closing_the_case_stops_its_reminders(app, db_session, config, gateway, smtp, hearing):
    from casework.cases.models import CaseStatus, ClosedReason

    case = hearing.case
    case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, program_today(), ClosedReason.REMOVED
    db_session.commit()
    result = _sweep(app, db_session, config, _rows(db_session, hearing)[0].due_at + timedelta(minutes=1))
    assert result.sent == 0 and result.skipped == 2 and gateway.sent == [] and smtp.count == 0
    assert {r.last_error for r in _rows(db_session, hearing) if r.status is ReminderStatus.SKIPPED} == {
        "case closed: the program no longer follows the family"
    }


def test_no_reminder_sends_a_family_to_a_closed_court(app, db_session, config, smtp, gateway, manager, hearing, courts):
    from scheduling import planning, services
    from scheduling.task_titles import COURT_CLOSED

    planned = _rows(db_session, hearing)
    assert planned, "the hearing had its reminders before the court closed"
    court = courts["chicago"]
    court.active, court.closed_on = False, program_today() - timedelta(days=1)
    db_session.commit()
    for now in (planned[0].due_at, planned[1].due_at):
        _sweep(app, db_session, config, now)
    db_session.expire_all()
    assert smtp.messages == [] and gateway.sent == [], "nothing went out with the closed building's address"
    skipped = [r for r in _rows(db_session, hearing) if r.status is ReminderStatus.SKIPPED]
    assert skipped and all(r.last_error == dispatch.COURT_CLOSED for r in skipped)
    tasks = [
        t
        for t in db_session.scalars(select(Task).where(Task.case_id == hearing.case_id))
        if t.title_key == COURT_CLOSED.key
    ]
    assert len(tasks) == 1, "one task to move the date, however many reminders were held back"
    assert tasks[0].title_values == {"court": court.name, "date": hearing.local_date.isoformat()}
    assert planning.plan(db_session, hearing) == [], "nothing is planned for a date at a closed court"

    # Moved to an open court, the date is reminded again.
    services.update_appointment(
        db_session,
        manager,
        hearing,
        services.AppointmentData(
            kind=hearing.kind,
            member_ids=[a.member_id for a in hearing.attendees],
            local_date=hearing.local_date,
            local_time=hearing.local_time,
            court_id=courts["phoenix"].id,
        ),
    )
    assert any(r.status is ReminderStatus.PLANNED for r in _rows(db_session, hearing))


def test_a_message_is_recorded_sent_as_soon_as_it_is_accepted(app, db_session, config, gateway, smtp, hearing):
    """Killed right after the gateway took the text (before the email), the dispatcher leaves the
    text recorded as sent: the next dispatcher, after the lease, sends the email only."""
    from scheduling.channels import email_channel, sms_channel

    class Killed(BaseException):  # what SIGKILL is to the process: nothing after it runs
        pass

    class DiesAfterTheText:
        def __init__(self, inner):
            self.inner = inner

        def send(self, message):
            raise Killed

        def close(self):
            self.inner.close()

    now = _rows(db_session, hearing)[0].due_at + timedelta(minutes=1)
    senders = {Channel.SMS: sms_channel(config), Channel.EMAIL: DiesAfterTheText(email_channel(config))}
    with app.app_context(), pytest.raises(Killed):
        dispatch.dispatch_once(db_session, config, now=now, senders=senders)
    db_session.rollback()
    db_session.expire_all()
    first = {r.channel: r for r in _rows(db_session, hearing) if r.due_at == _rows(db_session, hearing)[0].due_at}
    assert len(gateway.sent) == 1 and first[Channel.SMS].status is ReminderStatus.SENT
    assert first[Channel.EMAIL].status is ReminderStatus.SENDING  # in flight when it died
    result = _sweep(app, db_session, config, now + outbox.LEASE + timedelta(seconds=1))
    assert result.sent == 1 and len(gateway.sent) == 1 and len(smtp.messages) == 1
