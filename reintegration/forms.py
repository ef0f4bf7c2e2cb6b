from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms_common import enum_choices
from reintegration.models import Answer, ReturnMethod, ReturneeStatus

RETURN_METHODS = {ReturnMethod.FLIGHT: _l("Flight"), ReturnMethod.LAND: _l("By land"), ReturnMethod.OTHER: _l("Other")}
STATUSES = {ReturneeStatus.OPEN: _l("Open"), ReturneeStatus.CLOSED: _l("Closed")}
COUNTRIES = ("GT", "HN", "SV", "MX", "HT")


class ReturnFields(FlaskForm):
    country = SelectField(_l("Country of return"), validators=[DataRequired()])
    returned_on = DateField(_l("Returned on"), validators=[DataRequired()])
    method = SelectField(_l("How"), choices=enum_choices(RETURN_METHODS))
    arrival_point = StringField(_l("Arrival point"), validators=[Optional(), Length(max=200)],
                                description=_l("Airport or border crossing."))
    reception_center = StringField(_l("Reception center"), validators=[Optional(), Length(max=200)])
    division = SelectField(_l("Department or state of destination"), validators=[Optional()])
    municipality = StringField(_l("Municipality of destination"), validators=[Optional(), Length(max=120)])
    phone = StringField(_l("Phone in the country"), validators=[Optional(), Length(max=30)],
                        description=_l("With the country code if it is not the country of return."))
    relative_name = StringField(_l("Family member who stayed in the US"), validators=[Optional(), Length(max=200)])
    relative_relationship = StringField(_l("Their relationship"), validators=[Optional(), Length(max=100)])
    relative_phone = StringField(_l("Their phone in the US"), validators=[Optional(), Length(max=30)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class ReceptionForm(ReturnFields):
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=120)])
    first_surname = StringField(_l("First surname"), validators=[DataRequired(), Length(max=80)])
    second_surname = StringField(_l("Second surname"), validators=[Optional(), Length(max=80)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    preferred_language = SelectField(_l("Preferred language"), validators=[Optional()])


class HandoverForm(ReturnFields):
    organization_id = SelectField(_l("In-country organization"), coerce=int)
    consent_on = DateField(_l("The family consented to the hand-over on"), validators=[Optional()],
                           description=_l("Without the family's consent nothing is sent."))

ANSWERS = {Answer.UNKNOWN: _l("Not known yet"), Answer.YES: _l("Yes"), Answer.NO: _l("No")}


def _answer(label):  # type: ignore[no-untyped-def]
    return SelectField(label, choices=enum_choices(ANSWERS))


class AssessmentForm(FlaskForm):
    has_national_id = _answer(_l("Has a national identity document"))
    children_birth_certificates = _answer(_l("The children have their birth certificates"))
    us_born_children = BooleanField(_l("Some children were born in the US"))
    has_shelter = _answer(_l("Has somewhere safe to stay"))
    health_needs = TextAreaField(_l("Health needs"), validators=[Optional(), Length(max=2000)])
    psychosocial_support = _answer(_l("Wants psychosocial support"))
    safe_at_destination = _answer(_l("It is safe to go to the destination"))
    threatened_by = TextAreaField(_l("Who threatens them"), validators=[Optional(), Length(max=2000)])
    persecutors_are_officials = BooleanField(_l("The persecutors are police or officials"),
                                             description=_l("Then no referral goes to a public office."))
    separation_or_custody = TextAreaField(_l("Family separation or custody questions"),
                                          validators=[Optional(), Length(max=2000)])
    children_enrolled = _answer(_l("The children are enrolled in school"))
    us_school_records = _answer(_l("US school records are in hand"))
    work_skills = TextAreaField(_l("Work skills and certifications"), validators=[Optional(), Length(max=2000)])
    cash_needs = _answer(_l("Needs cash assistance"))
    legal_remedies = TextAreaField(_l("Legal remedies after deportation"), validators=[Optional(), Length(max=2000)])
