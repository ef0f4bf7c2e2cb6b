"""The titles of the tasks scheduling raises: a key and values stored, the sentence written for the
reader (casework.cases.titles). Registered in `scheduling.init_app`."""

from __future__ import annotations

from typing import Any

from casework.cases.titles import TaskTitle
from casework.i18n import LANGUAGES
from casework.i18n import lazy_gettext as _l
from scheduling.labels import APPOINTMENT_KINDS
from scheduling.models import Channel, DeadlineKind

_KINDS = {kind.value: label for kind, label in APPOINTMENT_KINDS.items()}
_CHANNELS = {Channel.SMS.value: _l("text"), Channel.EMAIL.value: _l("email")}
# Deadlines the system computes are titled by their kind; custom ones keep the title typed.
COMPUTED_DEADLINE_TITLES = {
    DeadlineKind.ASYLUM_ONE_YEAR.value: _l("Asylum application (I-589) due one year after arrival"),
}


def _deadline_title(args: dict[str, Any]) -> dict[str, Any]:
    label = COMPUTED_DEADLINE_TITLES.get(args.get("kind") or "")
    if label is not None:
        args["title"] = str(label)
    return args


INTERPRETER_CALL = TaskTitle(
    "scheduling.interpreter_call",
    _l("Call the family with a %(language)s interpreter about the date of %(date)s"),
    dates=("date",),
    labels={"language": LANGUAGES},
)
DELIVERY_FAILED = TaskTitle(
    "scheduling.delivery_failed",
    _l("Reminders by %(channel)s to %(member)s failed twice: check the number or address"),
    labels={"channel": _CHANNELS},
)
NOT_GOING_OUT = TaskTitle(
    "scheduling.not_going_out",
    _l("Reminders for %(date)s are not going out yet: the message service keeps failing"),
    dates=("date",),
)
FAMILY_NEEDS_HELP = TaskTitle(
    "scheduling.family_needs_help",
    _l("The family needs a ride or an interpreter for the date of %(date)s: call them"),
    dates=("date",),
)
FAMILY_REPLIED = TaskTitle(
    "scheduling.family_replied",
    _l("The family answered a reminder for %(date)s: read the reply on the appointment"),
    dates=("date",),
)
RECORD_OUTCOME = TaskTitle(
    "scheduling.record_outcome",
    _l("Record what happened at the %(kind)s of %(date)s"),
    dates=("date",),
    labels={"kind": _KINDS},
)
DEADLINE = TaskTitle(
    "scheduling.deadline", _l("Deadline on %(date)s: %(title)s"), dates=("date",), prepare=_deadline_title
)

COURT_CLOSED = TaskTitle(
    "scheduling.court_closed",
    _l("%(court)s has closed: move the date of %(date)s to the court on the family's new hearing notice"),
    dates=("date",),
)

ALL = (
    INTERPRETER_CALL,
    COURT_CLOSED,
    DELIVERY_FAILED,
    NOT_GOING_OUT,
    FAMILY_NEEDS_HELP,
    FAMILY_REPLIED,
    RECORD_OUTCOME,
    DEADLINE,
)
