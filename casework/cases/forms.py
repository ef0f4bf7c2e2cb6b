from __future__ import annotations

from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.cases.closing import AgainChoice, AheadChoice
from casework.cases.models import CaseStatus, ClosedReason
from casework.forms_common import Form, SelectField
from casework.i18n import lazy_gettext as _l
from casework.i18n import ngettext

STATUS_LABELS = {
    CaseStatus.INTAKE: _l("Intake"),
    CaseStatus.ACTIVE: _l("Active"),
    CaseStatus.CLOSED: _l("Closed"),
}

CLOSED_REASON_LABELS = {
    ClosedReason.RELIEF_GRANTED: _l("Relief granted"),
    ClosedReason.MOVED_AWAY: _l("Moved away"),
    ClosedReason.TRANSFERRED: _l("Transferred"),
    ClosedReason.LOST_CONTACT: _l("Lost contact"),
    ClosedReason.REMOVED: _l("Removed"),
    ClosedReason.SERVICES_COMPLETED: _l("Services completed"),
    ClosedReason.DECLINED_SERVICES: _l("Declined further services"),
}


AHEAD_CHOICE_LABELS = {
    AheadChoice.CANCEL: _l("Cancel these appointments and their reminders"),
    AheadChoice.KEEP: _l("Keep them (another program follows the family): stop our reminders only"),
}


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()])
    closed_reason = SelectField(
        _l("Reason for closing"),
        validators=[Optional()],
        choices=[("", "—")] + [(r.value, label) for r, label in CLOSED_REASON_LABELS.items()],
    )
    # Asked only when closing a case with appointments still ahead, or reopening one whose
    # appointments closing kept or cancelled; the service says when an answer is missing.
    ahead_choice = RadioField(
        _l("When the case closes"),
        validate_choice=False,
        choices=[(c.value, label) for c, label in AHEAD_CHOICE_LABELS.items()],
        description=_l("Neither choice sends the family a message: a court date stands until the court changes it."),
    )
    again_choice = RadioField(
        _l("When the case reopens"),
        validate_choice=False,
        choices=[
            (AgainChoice.PLAN.value, ""),  # its label names how many: see plan_again_label
            (AgainChoice.LEAVE.value, _l("Leave them as they are, without reminders")),
        ],
        description=_l(
            "Appointments cancelled when the case closed are scheduled again; "
            "no reminder is planned for a date already past."
        ),
    )

    def choice_of_ahead(self) -> AheadChoice | None:
        return {c.value: c for c in AheadChoice}.get(self.ahead_choice.data or "")

    def choice_of_again(self) -> AgainChoice | None:
        return {c.value: c for c in AgainChoice}.get(self.again_choice.data or "")

    def plan_again_label(self, count: int) -> None:
        self.again_choice.choices = [
            (
                AgainChoice.PLAN.value,
                ngettext(
                    "Plan reminders again for the %(num)d date still ahead",
                    "Plan reminders again for the %(num)d dates still ahead",
                    count,
                ),
            ),
            (AgainChoice.LEAVE.value, _l("Leave them as they are, without reminders")),
        ]


class AssignForm(Form):
    assigned_to_id = SelectField(_l("Case manager"), coerce=int)


class NoteForm(Form):
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20_000)])


class TaskForm(Form):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    assignee_id = SelectField(_l("Assigned to"), coerce=int)
