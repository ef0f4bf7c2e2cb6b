"""The SMS gateway's webhooks: signed requests only; STOP/START/HELP in English and Spanish;
replies recorded on the appointment; delivery-status callbacks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.cases.models import Task
from casework.families.models import Consent, ConsentKind
from scheduling.channels import twilio_signature
from scheduling.models import Channel, InboundMessage, Reminder, ReminderStatus
from tests.scheduling.conftest import make_appointment, program_today

TOKEN = "sms-webhook-secret"
BASE = "https://casework.example.org"


@pytest.fixture()
def signed(app):
    previous = {k: app.config[k] for k in ("SMS_AUTH_TOKEN", "PUBLIC_BASE_URL")}
    app.config.update(SMS_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    yield
    app.config.update(previous)


def post_signed(client, path, fields, token=TOKEN):
    signature = twilio_signature(token, BASE + path, fields)
    return client.raw.post(path, data=fields, headers={"X-Twilio-Signature": signature})


@pytest.fixture()
def sent_reminder(db_session, manager, family_case, courts):
    _family, case = family_case
    hearing = make_appointment(db_session, manager, case, courts["chicago"], day=program_today() + timedelta(days=10))
    row = db_session.scalars(
        select(Reminder).where(Reminder.appointment_id == hearing.id, Reminder.channel == Channel.SMS)
    ).first()
    row.status, row.provider_id = ReminderStatus.SENT, "SM0001"
    row.sent_at = row.due_at
    db_session.commit()
    return row


def _sms_consents(db_session, family):
    return list(
        db_session.scalars(
            select(Consent).where(Consent.member_id == family.members[0].id, Consent.kind == ConsentKind.SMS_REMINDERS)
        )
    )


def test_an_unsigned_or_wrongly_signed_request_changes_nothing(client, db_session, signed, sent_reminder):
    fields = {"From": "+13125550143", "Body": "STOP", "MessageSid": "SMin1"}
    assert client.raw.post("/sms/inbound", data=fields).status_code == 403
    assert post_signed(client, "/sms/inbound", fields, token="wrong").status_code == 403
    forged = dict(fields, Body="START")  # signed for other content
    signature = twilio_signature(TOKEN, BASE + "/sms/inbound", fields)
    assert client.raw.post("/sms/inbound", data=forged, headers={"X-Twilio-Signature": signature}).status_code == 403
    assert db_session.scalar(select(InboundMessage.id)) is None


@pytest.mark.parametrize("word", ["STOP", "stop", "Parar", "ALTO", "baja."])
def test_stop_in_english_or_spanish_ends_text_consent_and_cancels_what_is_planned(
    client, db_session, signed, sent_reminder, family_case, word
):
    family, _case = family_case
    response = post_signed(client, "/sms/inbound", {"From": "+13125550143", "Body": word, "MessageSid": "SMin2"})
    assert response.status_code == 200 and "START" in response.get_data(as_text=True)
    assert all(not c.active for c in _sms_consents(db_session, family))
    planned_sms = db_session.scalars(
        select(Reminder).where(Reminder.recipient == "+13125550143", Reminder.status == ReminderStatus.PLANNED)
    ).all()
    assert planned_sms == []
    emails = db_session.scalars(
        select(Reminder).where(Reminder.channel == Channel.EMAIL, Reminder.status == ReminderStatus.PLANNED)
    ).all()
    assert emails, "STOP by text leaves email reminders alone"


def test_start_after_stop_records_consent_anew(client, db_session, signed, sent_reminder, family_case):
    family, _case = family_case
    post_signed(client, "/sms/inbound", {"From": "+13125550143", "Body": "STOP", "MessageSid": "SMa"})
    response = post_signed(client, "/sms/inbound", {"From": "+13125550143", "Body": "INICIAR", "MessageSid": "SMb"})
    assert response.status_code == 200
    consents = _sms_consents(db_session, family)
    assert len(consents) == 2 and sum(c.active for c in consents) == 1


def test_help_answers_with_help_in_both_languages(client, db_session, signed, sent_reminder):
    response = post_signed(client, "/sms/inbound", {"From": "+13125550143", "Body": "AYUDA", "MessageSid": "SMh"})
    body = response.get_data(as_text=True)
    assert "<Message>" in body and "Reply STOP" in body and "Responda STOP" in body


def test_a_reply_1_confirms_and_a_reply_2_becomes_a_task(client, db_session, signed, sent_reminder):
    post_signed(client, "/sms/inbound", {"From": "+13125550143", "Body": " 1 ", "MessageSid": "SM1"})
    db_session.expire_all()
    assert db_session.get(Reminder, sent_reminder.id).reply == "confirmed"
    post_signed(client, "/sms/inbound", {"From": "+13125550143", "Body": "2", "MessageSid": "SM2"})
    db_session.expire_all()
    assert db_session.get(Reminder, sent_reminder.id).reply == "needs_help"
    tasks = db_session.scalars(select(Task).where(Task.title.like("The family needs a ride or an interpreter%"))).all()
    assert len(tasks) == 1


def test_a_repeated_delivery_of_the_same_message_is_handled_once(client, db_session, signed, sent_reminder):
    for _ in range(2):
        assert (
            post_signed(
                client, "/sms/inbound", {"From": "+13125550143", "Body": "2", "MessageSid": "SMsame"}
            ).status_code
            == 200
        )
    assert len(db_session.scalars(select(InboundMessage)).all()) == 1


def test_delivery_callbacks_are_recorded_and_two_failures_alert(client, db_session, signed, sent_reminder, manager):
    response = post_signed(client, "/sms/status", {"MessageSid": "SM0001", "MessageStatus": "delivered"})
    assert response.status_code == 204
    db_session.expire_all()
    assert db_session.get(Reminder, sent_reminder.id).delivery_status == "delivered"
    other = db_session.scalars(
        select(Reminder).where(Reminder.channel == Channel.SMS, Reminder.id != sent_reminder.id)
    ).first()
    other.status, other.provider_id = ReminderStatus.SENT, "SM0002"
    db_session.commit()
    post_signed(client, "/sms/status", {"MessageSid": "SM0001", "MessageStatus": "undelivered"})
    assert db_session.scalar(select(Task.id).where(Task.title.like("Reminders by text%"))) is None
    post_signed(client, "/sms/status", {"MessageSid": "SM0002", "MessageStatus": "failed"})
    alerts = db_session.scalars(select(Task).where(Task.title.like("Reminders by text%failed twice%"))).all()
    assert len(alerts) == 1
    assert post_signed(client, "/sms/status", {"MessageSid": "SMunknown", "MessageStatus": "failed"}).status_code == 204
