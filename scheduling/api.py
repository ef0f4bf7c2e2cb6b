"""Scheduling's public face: what legal, reintegration and reports may use. The rest of the
package is scheduling's own and may change without notice; the import contracts in
pyproject.toml hold that line."""

from __future__ import annotations

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
from scheduling.services import (
    AppointmentData,
    OutcomeData,
    active_courts,
    cancel_appointment,
    create_appointment,
    family_appointments,
    program_offices,
    record_outcome,
    replan_upcoming,
    update_appointment,
)
from scheduling.timing import is_zone
from scheduling.views import save_outcome  # the outcome form's handling, shared with the partner portal

__all__ = [
    "APPOINTMENT_KINDS",
    "HEARING_KINDS",
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
