"""Scheduling's side of closing and reopening a case (registered as a casework.extensions.CaseClosing).

Closing: the appointments still ahead are either cancelled on record or kept (another program
follows the family, so they stay scheduled), and in both cases every unsent reminder of the case
is cancelled: the program stops reminding a family it no longer follows. Nothing is sent to the
family: a court date stands until the court changes it, and telling a family their hearing is
"cancelled" because our case closed would be a harmful lie. Rows are changed, never deleted.

Reopening: the appointments closing cancelled whose date is still ahead are scheduled again, and
reminders are planned for them and for the kept ones, as for any appointment (none for a date
already past).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.cases.closing import AheadChoice, AheadItem
from casework.cases.models import Case
from casework.extensions import CaseClosing
from casework.i18n import gettext, ngettext
from scheduling import planning
from scheduling.labels import APPOINTMENT_KINDS
from scheduling.models import Appointment, AppointmentStatus
from scheduling.sections import local_when

NAME = "scheduling"


def _loaded(stmt: Select[Appointment]) -> Select[Appointment]:
    return stmt.options(joinedload(Appointment.court), joinedload(Appointment.office)).order_by(
        Appointment.starts_at, Appointment.id
    )


def _still_ahead(session: Session, case: Case, now: datetime) -> list[Appointment]:
    """Scheduled, no outcome yet, and not begun."""
    return list(
        session.scalars(
            _loaded(
                select(Appointment).where(
                    Appointment.case_id == case.id,
                    Appointment.status == AppointmentStatus.SCHEDULED,
                    Appointment.outcome.is_(None),
                    Appointment.starts_at > now,
                )
            )
        )
    )


def _cancelled_by_closing(session: Session, case: Case, facts: dict[str, Any], now: datetime) -> list[Appointment]:
    """The appointments the last closing cancelled whose date is still ahead (and that nobody changed since)."""
    ids = [i for i in facts.get("cancelled") or [] if isinstance(i, int)]
    if not ids:
        return []
    return list(
        session.scalars(
            _loaded(
                select(Appointment).where(
                    Appointment.case_id == case.id,
                    Appointment.id.in_(ids),
                    Appointment.status == AppointmentStatus.CANCELLED,
                    Appointment.outcome.is_(None),
                    Appointment.starts_at > now,
                )
            )
        )
    )


def _item(appointment: Appointment) -> AheadItem:
    place = appointment.place
    where = f"{place.name}, {place.city}" if place is not None else appointment.location_note
    return AheadItem(label=str(APPOINTMENT_KINDS[appointment.kind]), when=local_when(appointment), place=where)


def ahead(session: Session, case: Case, now: datetime) -> list[AheadItem]:
    return [_item(a) for a in _still_ahead(session, case, now)]


def close(session: Session, user: User, case: Case, choice: AheadChoice | None, now: datetime) -> dict[str, Any]:
    cancelled, kept = [], []
    for appointment in _still_ahead(session, case, now):
        if choice is AheadChoice.KEEP:
            kept.append(appointment.id)
            continue
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        appointment.sequence += 1
        record(
            session,
            user,
            AuditAction.CHANGE,
            "appointment",
            appointment.id,
            case.family_id,
            detail="cancelled: the case closed",
        )
        cancelled.append(appointment.id)
    session.flush()
    reminders = planning.stop_case(session, case.id)
    facts: dict[str, Any] = {}
    if cancelled:
        facts["cancelled"] = cancelled
    if kept:
        facts["kept"] = kept
    if reminders:
        facts["reminders_cancelled"] = reminders
    return facts


def again(session: Session, case: Case, facts: dict[str, Any], now: datetime) -> list[AheadItem]:
    rows = _cancelled_by_closing(session, case, facts, now) + _still_ahead(session, case, now)
    return [_item(a) for a in sorted(rows, key=lambda a: (a.starts_at, a.id))]


def reopen(session: Session, user: User, case: Case, facts: dict[str, Any], now: datetime) -> dict[str, Any]:
    restored = _cancelled_by_closing(session, case, facts, now)
    for appointment in restored:
        appointment.status = AppointmentStatus.SCHEDULED
        appointment.cancelled_at = None
        appointment.sequence += 1
        record(
            session,
            user,
            AuditAction.CHANGE,
            "appointment",
            appointment.id,
            case.family_id,
            detail="scheduled again: the case reopened",
        )
    session.flush()
    dates = sorted(restored + _still_ahead(session, case, now), key=lambda a: (a.starts_at, a.id))
    dates = list({a.id: a for a in dates}.values())
    planned = sum(len(planning.plan(session, appointment, now)) for appointment in dates)
    result: dict[str, Any] = {}
    if restored:
        result["restored"] = [a.id for a in restored]
    if dates:
        result["planned_for"] = [a.id for a in dates]
    if planned:
        result["reminders_planned"] = planned
    return result


def describe(facts: dict[str, Any]) -> list[str]:
    """What closing or reopening did, in the reader's language."""
    phrases = []
    if facts.get("cancelled"):
        phrases.append(
            ngettext("%(num)d appointment cancelled", "%(num)d appointments cancelled", len(facts["cancelled"]))
        )
    if facts.get("kept"):
        phrases.append(
            ngettext(
                "%(num)d appointment kept for another program",
                "%(num)d appointments kept for another program",
                len(facts["kept"]),
            )
        )
    if facts.get("reminders_cancelled"):
        phrases.append(
            ngettext("%(num)d reminder cancelled", "%(num)d reminders cancelled", int(facts["reminders_cancelled"]))
        )
    if facts.get("restored"):
        phrases.append(
            ngettext(
                "%(num)d cancelled appointment scheduled again",
                "%(num)d cancelled appointments scheduled again",
                len(facts["restored"]),
            )
        )
    if facts.get("reminders_planned"):
        phrases.append(
            ngettext("%(num)d reminder planned", "%(num)d reminders planned", int(facts["reminders_planned"]))
        )
    elif facts.get("planned_for"):  # e.g. no one in the household agreed to reminders
        phrases.append(gettext("no reminder planned"))
    return phrases


PROVIDER = CaseClosing(name=NAME, ahead=ahead, close=close, again=again, reopen=reopen, describe=describe)
