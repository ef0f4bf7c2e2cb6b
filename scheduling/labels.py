"""Names of the scheduling enums as staff read them."""

from casework.i18n import lazy_gettext as _l
from scheduling.models import (
    AppointmentKind,
    AttendanceMode,
    Channel,
    Decision,
    MessageKind,
    OfficeKind,
    Outcome,
    ReminderStatus,
)

APPOINTMENT_KINDS = {
    AppointmentKind.MASTER_HEARING: _l("Master calendar hearing"),
    AppointmentKind.INDIVIDUAL_HEARING: _l("Individual (merits) hearing"),
    AppointmentKind.STATUS_HEARING: _l("Status hearing"),
    AppointmentKind.ICE_CHECK_IN: _l("ICE check-in"),
    AppointmentKind.ATD_CHECK_IN: _l("ATD check-in"),
    AppointmentKind.USCIS_BIOMETRICS: _l("USCIS biometrics"),
    AppointmentKind.USCIS_INTERVIEW: _l("USCIS interview"),
    AppointmentKind.OTHER: _l("Other appointment"),
}

OFFICE_KINDS = {
    OfficeKind.ICE: _l("ICE office"),
    OfficeKind.ATD: _l("ATD office"),
    OfficeKind.USCIS: _l("USCIS office"),
    OfficeKind.OTHER: _l("Other office"),
}

MODES = {
    AttendanceMode.IN_PERSON: _l("In person"),
    AttendanceMode.VIDEO: _l("By video"),
}

OUTCOMES = {
    Outcome.ATTENDED: _l("Attended"),
    Outcome.MISSED: _l("Missed"),
    Outcome.RESCHEDULED: _l("Rescheduled"),
    Outcome.ADJOURNED: _l("Adjourned"),
    Outcome.DECISION: _l("Decision"),
}

DECISIONS = {
    Decision.GRANTED: _l("Granted"),
    Decision.DENIED: _l("Denied"),
    Decision.REMOVAL_ORDER: _l("Removal order"),
    Decision.IN_ABSENTIA_ORDER: _l("In absentia order"),
    Decision.TERMINATED: _l("Terminated"),
    Decision.CONTINUED: _l("Continued"),
}

CHANNELS = {Channel.SMS: _l("Text (SMS)"), Channel.EMAIL: _l("Email")}

MESSAGE_KINDS = {
    MessageKind.REMINDER: _l("Reminder"),
    MessageKind.DATE_CHANGED: _l("Date changed"),
    MessageKind.CANCELLED: _l("Cancellation"),
}

REMINDER_STATUSES = {
    ReminderStatus.PLANNED: _l("Planned"),
    ReminderStatus.SENDING: _l("Sending"),
    ReminderStatus.SENT: _l("Sent"),
    ReminderStatus.FAILED: _l("Failed"),
    ReminderStatus.CANCELLED: _l("Cancelled"),
    ReminderStatus.SKIPPED: _l("Not sent"),
}

REPLIES = {"confirmed": _l("Confirmed"), "needs_help": _l("Needs a ride or an interpreter"), "other": _l("Other reply")}

DELIVERY = {
    "delivered": _l("Delivered"),
    "failed": _l("Delivery failed"),
    "undelivered": _l("Not delivered"),
    "sent": _l("Handed to the carrier"),
    "queued": _l("Queued"),
}

# Added to the audit log's names of things when the package is registered.
AUDIT_OBJECT_TYPES = {
    "appointment": _l("court date or appointment"),
    "deadline": _l("deadline"),
    "reminder_log": _l("reminder log"),
    "reminder_policy": _l("reminder times"),
    "family_link": _l("family's own page"),
    "calendar_feed": _l("calendar address"),
    "court": _l("immigration court"),
    "office": _l("office"),
    "organization": _l("program settings"),
}
