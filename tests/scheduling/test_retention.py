"""Retention reaches scheduling: numbers, message texts, replies, notes and the family link go."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from casework.cases.models import CaseStatus, ClosedReason
from casework.extensions import registry
from casework.retention import services as retention
from casework.timeutil import add_years
from scheduling import links
from scheduling.models import Appointment, CalendarFeed, InboundMessage, Reminder, ReminderStatus
from tests.scheduling.conftest import make_appointment

TODAY = date(2026, 11, 24)


def test_an_anonymized_household_keeps_no_contact_or_message_text(
    app, client, db_session, manager, family_case, courts
):
    family, case = family_case
    hearing = make_appointment(
        db_session,
        manager,
        case,
        courts["chicago"],
        day=TODAY + timedelta(days=400),
        notes="Mother works nights; call after 10",
    )
    row = db_session.scalars(select(Reminder).where(Reminder.appointment_id == hearing.id)).first()
    row.status, row.body = ReminderStatus.SENT, "Su cita en la corte es el ..."
    db_session.add(
        InboundMessage(sender="+13125550143", body="2 necesito transporte", reminder_id=row.id, handled_as="need")
    )
    token = links.family_link(db_session, "test-secret-key", family)
    case.status, case.closed_on, case.closed_reason = (
        CaseStatus.CLOSED,
        add_years(TODAY, -3) - timedelta(days=1),
        ClosedReason.MOVED_AWAY,
    )
    db_session.commit()
    policy = retention.RetentionPolicy(years=3, warning_days=30)
    with app.app_context():
        hooks = registry(app).anonymizers
        retention.run(db_session, TODAY, policy, hooks)
        assert retention.run(db_session, TODAY + timedelta(days=30), policy, hooks) == (0, 1)
    db_session.expire_all()
    reminders = db_session.scalars(select(Reminder).where(Reminder.family_id == family.id)).all()
    assert reminders and all(r.recipient == "" and r.body is None for r in reminders)
    reply = db_session.scalars(select(InboundMessage)).one()
    assert (reply.sender, reply.body) == ("", "")
    assert db_session.get(Appointment, hearing.id).notes is None
    assert all(
        f.revoked_at is not None
        for f in db_session.scalars(select(CalendarFeed).where(CalendarFeed.family_id == family.id))
    )
    assert client.get(f"/f/{token}").status_code == 404
