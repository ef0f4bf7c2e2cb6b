"""What comes back from the SMS gateway: replies from families and delivery-status callbacks."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from casework.cases.models import Case
from casework.db import utcnow
from casework.families import services as family_services
from casework.timeutil import today_in
from scheduling import planning, task_titles
from scheduling.dispatch import alert_once, note_failed_delivery
from scheduling.models import Appointment, Channel, InboundMessage, Reminder, ReminderStatus

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "PARAR", "ALTO", "BAJA", "CANCELAR"}
START_WORDS = {"START", "UNSTOP", "YES", "INICIAR", "COMENZAR", "ALTA", "SI"}
HELP_WORDS = {"HELP", "INFO", "AYUDA"}
CONFIRM_WORDS = {"1"}
NEED_WORDS = {"2"}

# Answers sent back in the gateway's reply, in English and Spanish since we may not know who writes.
ANSWERS = {
    "stop": "You will get no more texts from us. Reply START to get them again. / "
    "No recibira mas mensajes. Responda START para recibirlos de nuevo.",
    "start": "Texts are on again. Reply STOP to end them. / "
    "Los mensajes estan activos. Responda STOP para terminarlos.",
    "help": "Appointment reminders from your case manager. Reply STOP to end them. / "
    "Recordatorios de sus citas. Responda STOP para terminarlos.",
    "confirmed": "Thank you. / Gracias.",
    "need": "Thank you, your case manager will call you. / Gracias, su encargado de caso le llamara.",
}


def keyword(body: str) -> str:
    folded = unicodedata.normalize("NFD", body.strip()).encode("ascii", "ignore").decode().upper()
    return folded.strip(" .!¡?¿").split(" ")[0] if folded else ""


@dataclass(frozen=True)
class InboundResult:
    handled_as: str
    answer: str | None


def _latest_sent(session: Session, sender: str) -> Reminder | None:
    stmt = (
        select(Reminder)
        .where(Reminder.recipient == sender, Reminder.channel == Channel.SMS, Reminder.status == ReminderStatus.SENT)
        .options(joinedload(Reminder.appointment).joinedload(Appointment.case).joinedload(Case.family))
        .order_by(Reminder.sent_at.desc(), Reminder.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def receive(
    session: Session, sender: str, body: str, provider_id: str | None, zone: str, now: datetime | None = None
) -> InboundResult:
    """Record an incoming text and act on it. A gateway may post the same message twice: a
    repeated provider id is acknowledged and ignored."""
    now = now or utcnow()
    if provider_id and session.scalar(select(InboundMessage.id).where(InboundMessage.provider_id == provider_id)):
        return InboundResult("duplicate", None)
    word = keyword(body)
    reminder = _latest_sent(session, sender)
    today = today_in(zone, now)
    if word in STOP_WORDS:
        family_services.opt_out_by_text(session, sender, today)
        planning.stop_channel(session, sender, Channel.SMS)
        handled, answer = "stop", ANSWERS["stop"]
    elif word in START_WORDS and word not in CONFIRM_WORDS:
        family_services.opt_in_by_text(session, sender, today)
        handled, answer = "start", ANSWERS["start"]
    elif word in HELP_WORDS:
        handled, answer = "help", ANSWERS["help"]
    elif word in CONFIRM_WORDS and reminder is not None:
        reminder.reply = "confirmed"
        handled, answer = "confirmed", ANSWERS["confirmed"]
    elif word in NEED_WORDS and reminder is not None:
        reminder.reply = "needs_help"
        appointment = reminder.appointment
        alert_once(
            session, appointment.case, task_titles.FAMILY_NEEDS_HELP, {"date": appointment.local_date.isoformat()}, now
        )
        handled, answer = "need", ANSWERS["need"]
    else:
        if reminder is not None:
            reminder.reply = "other"
            alert_once(
                session,
                reminder.appointment.case,
                task_titles.FAMILY_REPLIED,
                {"date": reminder.appointment.local_date.isoformat()},
                now,
            )
        handled, answer = "other", None
    session.add(
        InboundMessage(
            provider_id=provider_id,
            sender=sender,
            body=body[:1600],
            received_at=now,
            reminder_id=reminder.id if reminder else None,
            handled_as=handled,
        )
    )
    session.flush()
    return InboundResult(handled, answer)


DELIVERY_STATES = {
    "queued",
    "sending",
    "sent",
    "delivered",
    "undelivered",
    "failed",
    "read",
    "accepted",
    "scheduled",
    "canceled",
    "receiving",
    "received",
}


def delivery_status(session: Session, provider_id: str, status: str, now: datetime | None = None) -> bool:
    """A delivery-status callback. Unknown message ids are ignored (answered, not an error)."""
    status = status.lower()
    if status not in DELIVERY_STATES:
        return False
    reminder = session.scalars(select(Reminder).where(Reminder.provider_id == provider_id)).first()
    if reminder is None:
        return False
    reminder.delivery_status = status
    reminder.delivery_updated_at = now or utcnow()
    session.flush()
    if status in ("failed", "undelivered"):
        note_failed_delivery(session, reminder, now or utcnow())
    return True


def replies_for(session: Session, reminder_ids: list[int]) -> list[InboundMessage]:
    if not reminder_ids:
        return []
    return list(
        session.scalars(
            select(InboundMessage)
            .where(InboundMessage.reminder_id.in_(reminder_ids))
            .order_by(InboundMessage.received_at)
        )
    )
