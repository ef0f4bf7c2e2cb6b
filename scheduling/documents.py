"""Documents about an appointment (the hearing notice): the appointment as a subject of documents."""

from __future__ import annotations

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cases.models import Case
from casework.documents.subjects import already_loaded
from casework.extensions import DocumentSubject
from casework.i18n import gettext as _
from casework.i18n import lazy_gettext as _l
from scheduling.labels import APPOINTMENT_KINDS
from scheduling.models import Appointment


def _label(appointment: Appointment) -> str:
    return _(
        "%(kind)s on %(date)s",
        kind=APPOINTMENT_KINDS[appointment.kind],
        date=format_date(appointment.local_date, "medium"),
    )


def _choices(session: Session, family_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Appointment)
        .join(Case, Appointment.case_id == Case.id)
        .where(Case.family_id == family_id)
        .order_by(Appointment.local_date.desc(), Appointment.id)
    )
    return [(a.id, _label(a)) for a in session.scalars(stmt)]


def _labels(session: Session, ids: list[int]) -> dict[int, str]:
    return {a.id: _label(a) for a in already_loaded(session, Appointment, ids)}


APPOINTMENT = DocumentSubject("appointment", _l("An appointment"), "program_staff", _choices, _labels)
