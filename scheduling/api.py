"""Scheduling's public face: what legal, reintegration and reports may use. The rest of the
package is scheduling's own and may change without notice; the import contracts in
pyproject.toml hold that line."""

from __future__ import annotations

from scheduling.dispatch import CONSENT_WITHDRAWN_REASON
from scheduling.forms import OutcomeForm
from scheduling.labels import APPOINTMENT_KINDS
from scheduling.messages import has_texts
from scheduling.models import (
    HEARING_KINDS,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Channel,
    Court,
    Deadline,
    DeadlineKind,
    Decision,
    MessageKind,
    Office,
    Outcome,
    Reminder,
    ReminderStatus,
)
from scheduling.notify import queue_email
from scheduling.outcome_form import save_outcome
from scheduling.services import (
    OFFICE_FOR_KIND,
    AppointmentData,
    OutcomeData,
    active_courts,
    cancel_appointment,
    create_appointment,
    create_appointments,
    family_appointments,
    program_offices,
    record_outcome,
    replan_upcoming,
    update_appointment,
)
from scheduling.task_titles import INTERPRETER_CALL
from scheduling.timing import is_zone

__all__ = [
    "APPOINTMENT_KINDS",
    "CONSENT_WITHDRAWN_REASON",
    "HEARING_KINDS",
    "INTERPRETER_CALL",
    "OFFICE_FOR_KIND",
    "Appointment",
    "AppointmentData",
    "AppointmentKind",
    "AppointmentStatus",
    "Channel",
    "Court",
    "Deadline",
    "DeadlineKind",
    "Decision",
    "MessageKind",
    "Office",
    "Outcome",
    "OutcomeData",
    "OutcomeForm",
    "Reminder",
    "ReminderStatus",
    "active_courts",
    "cancel_appointment",
    "create_appointment",
    "create_appointments",
    "family_appointments",
    "has_texts",
    "is_zone",
    "program_offices",
    "queue_email",
    "record_outcome",
    "replan_upcoming",
    "save_outcome",
    "update_appointment",
]
