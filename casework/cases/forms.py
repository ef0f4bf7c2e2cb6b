from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.cases.models import CaseStatus, ClosedReason

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


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s.value, label) for s, label in STATUS_LABELS.items()])
    closed_reason = SelectField(_l("Reason for closing"), validators=[Optional()],
                                choices=[("", "—")] + [(r.value, label) for r, label in CLOSED_REASON_LABELS.items()])


class AssignForm(FlaskForm):
    assigned_to_id = SelectField(_l("Case manager"), coerce=int)


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=20_000)])


class TaskForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    assignee_id = SelectField(_l("Assigned to"), coerce=int)
