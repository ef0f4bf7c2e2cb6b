from __future__ import annotations

from wtforms import BooleanField, DateField, Field, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from casework.families.forms import US_STATES, MultiCheckboxField
from casework.families.zones import US_ZONES
from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l
from scheduling.labels import APPOINTMENT_KINDS, DECISIONS, MODES, OFFICE_KINDS, OUTCOMES

# The zones of US courts and offices, Arizona's and the territories' included; any other IANA
# name is accepted from the reference data but these are what people choose from.
ZONE_CHOICES = [(zone, zone.replace("_", " ")) for zone in US_ZONES]

FOLD_CHOICES = [
    ("", _l("Not needed")),
    ("0", _l("The first time (still daylight time)")),
    ("1", _l("The second time (standard time)")),
]


def _fold(value: str | None) -> int | None:
    return int(value) if value in ("0", "1") else None


class AppointmentForm(Form):
    kind = SelectField(_l("Kind"), choices=enum_choices(APPOINTMENT_KINDS))
    member_ids = MultiCheckboxField(_l("Who must attend"), coerce=int)
    local_date = DateField(_l("Date"), validators=[DataRequired()])
    local_time = TimeField(
        _l("Time"),
        validators=[DataRequired()],
        description=_l("The local time at the court or office, as written on the notice."),
    )
    fold = SelectField(
        _l("If the clocks move back that night, which one"), choices=FOLD_CHOICES, validators=[Optional()], coerce=_fold
    )
    # The service checks the court, open or closed (it may have closed since the form was shown),
    # and says which; a stale choice is not merely "not valid".
    court_id = SelectField(_l("Immigration court"), coerce=int, validators=[Optional()], validate_choice=False)
    office_id = SelectField(_l("Office"), coerce=int, validators=[Optional()])
    location_note = StringField(
        _l("Other place"),
        validators=[Optional(), Length(max=300)],
        description=_l("Only for an appointment at neither a court nor a listed office."),
    )
    timezone = SelectField(_l("Time zone of the other place"), choices=ZONE_CHOICES, validators=[Optional()])
    mode = SelectField(_l("Attendance"), choices=enum_choices(MODES))
    video_link = StringField(_l("Video link"), validators=[Optional(), Length(max=500)])
    interpreter_language = SelectField(_l("Interpreter language"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class OutcomeForm(Form):
    outcome = SelectField(_l("What happened"), choices=enum_choices(OUTCOMES))
    decision = SelectField(_l("Decision"), choices=[("", "—"), *enum_choices(DECISIONS)], validators=[Optional()])
    note = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    new_local_date = DateField(_l("New date"), validators=[Optional()])
    new_local_time = TimeField(_l("New time"), validators=[Optional()])
    new_fold = SelectField(
        _l("If the clocks move back that night, which one"), choices=FOLD_CHOICES, validators=[Optional()], coerce=_fold
    )

    def validate_new_local_date(self, field: Field) -> None:
        # A date without a time: the check below does not run on an empty time (Optional stops it).
        if field.data and not self.new_local_time.data:
            raise ValidationError(_l("Give both the new date and the new time."))

    def validate_new_local_time(self, field: Field) -> None:
        if bool(self.new_local_date.data) != bool(field.data):
            raise ValidationError(_l("Give both the new date and the new time."))


class DeadlineForm(Form):
    title = StringField(_l("What is due"), validators=[DataRequired(), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    member_id = SelectField(_l("For"), coerce=int)


class PlaceForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    street = StringField(_l("Street address"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    state = SelectField(_l("State"), choices=[(s, s) for s in US_STATES], validators=[DataRequired()])
    postal_code = StringField(_l("ZIP code"), validators=[DataRequired(), Length(max=10)])
    timezone = SelectField(_l("Time zone"), choices=ZONE_CHOICES, validators=[DataRequired()])
    active = BooleanField(_l("In use"), default=True)


class CourtForm(PlaceForm):
    """An admin's correction of a court. For a court, not in use means closed by EOIR."""

    active = None  # type: ignore[assignment]
    closed = BooleanField(
        _l("This court has closed"),
        description=_l(
            "EOIR has closed this court: it is no longer offered for new dates, and the dates still set "
            "there are listed for case managers to move. Untick to reopen it."
        ),
    )
    closed_on = DateField(
        _l("Closed on"), validators=[Optional()], description=_l("The day the court closed, if you know it.")
    )
    source_url = StringField(
        _l("Checked against"),
        validators=[Optional(), Length(max=300)],
        description=_l("The address of the page you checked the court against, such as its page on justice.gov/eoir."),
    )

    def validate_closed_on(self, field: Field) -> None:
        if field.data and not self.closed.data:
            raise ValidationError(_l("An open court has no closing date; tick “Closed” or clear the date."))


class OfficeForm(PlaceForm):
    kind = SelectField(_l("Kind"), choices=enum_choices(OFFICE_KINDS))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])


class PolicyForm(Form):
    steps = StringField(
        _l("Reminders"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            "Days before @ local time, separated by spaces: 7@10:00 2@10:00 1@18:00 "
            "0@08:00 means a week, two days and the evening before, and the morning of."
        ),
    )
    quiet_start = TimeField(_l("No messages after"), validators=[DataRequired()])
    quiet_end = TimeField(_l("No messages before"), validators=[DataRequired()])


class ProgramPolicyForm(PolicyForm):
    phone = StringField(_l("Phone number families are told to call"), validators=[Optional(), Length(max=30)])
