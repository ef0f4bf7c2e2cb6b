from __future__ import annotations

from wtforms import BooleanField, DateField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, Length, Optional

from casework.families.forms import US_STATES, MultiCheckboxField
from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l
from reintegration.models import (
    Answer,
    PlanStatus,
    ProviderKind,
    ReferralStatus,
    ReturneeClosedReason,
    ReturneeStatus,
    ReturnMethod,
    SafetyStatus,
    Service,
    WorkStatus,
)

RETURN_METHODS = {ReturnMethod.FLIGHT: _l("Flight"), ReturnMethod.LAND: _l("By land"), ReturnMethod.OTHER: _l("Other")}
STATUSES = {ReturneeStatus.OPEN: _l("Open"), ReturneeStatus.CLOSED: _l("Closed")}
COUNTRIES = ("GT", "HN", "SV", "MX", "HT")
# The municipality field's help where the country's list has two levels.
MUNICIPALITY_HELP = {
    "SV": _l(
        "A municipality of 2024 (San Salvador Centro) or one of its districts, the municipalities before "
        "2024 (Mejicanos): a district is kept with its municipality."
    ),
}


class ReturnFields(Form):
    country = SelectField(_l("Country of return"), validators=[DataRequired()])
    returned_on = DateField(_l("Returned on"), validators=[DataRequired()])
    method = SelectField(_l("How"), choices=enum_choices(RETURN_METHODS))
    arrival_point = StringField(
        _l("Arrival point"), validators=[Optional(), Length(max=200)], description=_l("Airport or border crossing.")
    )
    reception_center = StringField(_l("Reception center"), validators=[Optional(), Length(max=200)])
    division = SelectField(_l("Department or state of destination"), validators=[Optional()])
    municipality = StringField(_l("Municipality of destination"), validators=[Optional(), Length(max=120)])
    phone = StringField(
        _l("Phone in the country"),
        validators=[Optional(), Length(max=30)],
        description=_l("With the country code if it is not the country of return."),
    )
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
    reminders_consent = BooleanField(
        _l("Agrees to text reminders of the follow-ups"),
        description=_l("Sent to the phone in the country, in their language."),
    )


class HandoverForm(ReturnFields):
    organization_id = SelectField(_l("In-country organization"), coerce=int)
    consent_on = DateField(
        _l("The family consented to the hand-over on"),
        validators=[Optional()],
        description=_l("Without the family's consent nothing is sent."),
    )


ANSWERS = {Answer.UNKNOWN: _l("Not known yet"), Answer.YES: _l("Yes"), Answer.NO: _l("No")}


def _answer(label: str) -> SelectField:
    return SelectField(label, choices=enum_choices(ANSWERS))


class AssessmentForm(Form):
    has_national_id = _answer(_l("Has a national identity document"))
    children_birth_certificates = _answer(_l("The children have their birth certificates"))
    us_born_children = BooleanField(_l("Some children were born in the US"))
    has_shelter = _answer(_l("Has somewhere safe to stay"))
    health_needs = TextAreaField(_l("Health needs"), validators=[Optional(), Length(max=2000)])
    psychosocial_support = _answer(_l("Wants psychosocial support"))
    safe_at_destination = _answer(_l("It is safe to go to the destination"))
    threatened_by = TextAreaField(_l("Who threatens them"), validators=[Optional(), Length(max=2000)])
    persecutors_are_officials = BooleanField(
        _l("The persecutors are police or officials"), description=_l("Then no referral goes to a public office.")
    )
    separation_or_custody = TextAreaField(
        _l("Family separation or custody questions"), validators=[Optional(), Length(max=2000)]
    )
    children_enrolled = _answer(_l("The children are enrolled in school"))
    us_school_records = _answer(_l("US school records are in hand"))
    work_skills = TextAreaField(_l("Work skills and certifications"), validators=[Optional(), Length(max=2000)])
    cash_needs = _answer(_l("Needs cash assistance"))
    legal_remedies = TextAreaField(_l("Legal remedies after deportation"), validators=[Optional(), Length(max=2000)])


SERVICES = {
    Service.PROTECTION: _l("Protection"),
    Service.SHELTER: _l("Shelter"),
    Service.HEALTH: _l("Health care"),
    Service.PSYCHOSOCIAL: _l("Psychosocial support"),
    Service.IDENTITY_DOCUMENTS: _l("Identity documents"),
    Service.BIRTH_REGISTRATION: _l("Birth certificates and registration"),
    Service.EDUCATION: _l("School enrollment"),
    Service.US_SCHOOL_RECORDS: _l("US school records"),
    Service.FAMILY_REUNIFICATION: _l("Family separation and custody"),
    Service.CASH: _l("Cash assistance"),
    Service.EMPLOYMENT: _l("Job training, certification and placement"),
    Service.LEGAL: _l("Legal help"),
}
PROVIDER_KINDS = {
    ProviderKind.NGO: _l("Non-governmental organization"),
    ProviderKind.MUNICIPAL_OFFICE: _l("Municipal office"),
    ProviderKind.GOVERNMENT_PROGRAM: _l("Government program"),
    ProviderKind.COMMUNITY_OR_FAITH: _l("Community or faith group"),
    ProviderKind.INTERNATIONAL: _l("International organization"),
}
PLAN_STATUSES = {
    PlanStatus.OPEN: _l("To do"),
    PlanStatus.IN_PROGRESS: _l("In progress"),
    PlanStatus.DONE: _l("Done"),
    PlanStatus.NOT_NEEDED: _l("No longer needed"),
}
REFERRAL_STATUSES = {
    ReferralStatus.REFERRED: _l("Referred"),
    ReferralStatus.ACCEPTED: _l("Accepted"),
    ReferralStatus.DECLINED: _l("Declined"),
    ReferralStatus.COMPLETED: _l("Service received"),
    ReferralStatus.DROPPED: _l("Did not go through"),
}
WORK_STATUSES = {
    WorkStatus.UNKNOWN: _l("Not known"),
    WorkStatus.EMPLOYED: _l("Employed"),
    WorkStatus.SELF_EMPLOYED: _l("Self-employed"),
    WorkStatus.IN_TRAINING: _l("In training"),
    WorkStatus.LOOKING: _l("Looking for work"),
    WorkStatus.NOT_WORKING: _l("Not working"),
}
SAFETY_STATUSES = {
    SafetyStatus.UNKNOWN: _l("Not known"),
    SafetyStatus.SAFE: _l("Safe"),
    SafetyStatus.AT_RISK: _l("At risk"),
    SafetyStatus.DISPLACED: _l("Had to move for safety"),
}


class ProviderForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=enum_choices(PROVIDER_KINDS))
    services = MultiCheckboxField(_l("Services offered"), choices=enum_choices(SERVICES), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    division = SelectField(_l("Department or state"), validators=[Optional()])
    municipality = StringField(
        _l("Municipality"),
        validators=[Optional(), Length(max=120)],
        description=_l("Leave empty for a provider that serves the whole department."),
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    contact_person = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    languages = MultiCheckboxField(_l("Languages spoken"), validators=[Optional()])
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Opening hours, what to bring, whom to ask for."),
    )
    active = BooleanField(_l("Takes referrals"), default=True)


class DirectoryFilterForm(Form):
    class Meta:
        csrf = False

    country = SelectField(_l("Country"), validators=[Optional()])
    division = SelectField(_l("Department or state"), validators=[Optional()])
    service = SelectField(_l("Service"), choices=[("", "—"), *enum_choices(SERVICES)], validators=[Optional()])


class PlanItemForm(Form):
    service = SelectField(_l("Need"), choices=enum_choices(SERVICES))
    action = TextAreaField(_l("What will be done"), validators=[Optional(), Length(max=2000)])
    status = SelectField(_l("Status"), choices=enum_choices(PLAN_STATUSES))
    due_on = DateField(_l("Target date"), validators=[Optional()])


class ReferralForm(Form):
    service = SelectField(_l("Service"), choices=enum_choices(SERVICES))
    provider_id = SelectField(_l("Provider"), coerce=int, validate_choice=False)  # the service checks it
    plan_item_id = SelectField(_l("Plan line"), coerce=int)
    note = TextAreaField(_l("Note for the referral"), validators=[Optional(), Length(max=2000)])


class ReferralUpdateForm(Form):
    status = SelectField(_l("Answer"), choices=enum_choices(REFERRAL_STATUSES))
    outcome = TextAreaField(_l("What came of it"), validators=[Optional(), Length(max=2000)])


class OutcomeForm(Form):
    recorded_on = DateField(_l("Date"), validators=[DataRequired()])
    documents_obtained = _answer(_l("Identity documents obtained"))
    children_in_school = _answer(_l("The children are in school"))
    work = SelectField(_l("Work or training"), choices=enum_choices(WORK_STATUSES))
    safety = SelectField(_l("Safety"), choices=enum_choices(SAFETY_STATUSES))
    migrated_again = _answer(_l("Migrated again"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RemindersConsentForm(Form):
    given_on = DateField(_l("Agreed on"), validators=[DataRequired()])


class SettingsForm(Form):
    country = SelectField(
        _l("Country of the organization"),
        validators=[Optional()],
        description=_l(
            "Sets the staff's language until each person chooses: Spanish in "
            "Central America and Mexico, French in Haiti."
        ),
    )
    follow_up_days = StringField(
        _l("Follow-ups, in days after the return"),
        validators=[DataRequired()],
        description=_l("For example 7 30 90 180. Applies to people received from now on."),
    )
    follow_up_time = TimeField(_l("Time of the follow-ups"), validators=[DataRequired()])
    follow_up_place = StringField(
        _l("Where the follow-ups are held"),
        validators=[Optional(), Length(max=300)],
        description=_l("Named in the reminders; the organization's name if empty."),
    )


CLOSED_REASONS = {
    ReturneeClosedReason.SERVICES_COMPLETED: _l("Services completed"),
    ReturneeClosedReason.MIGRATED_AGAIN: _l("Migrated again"),
    ReturneeClosedReason.MOVED_AWAY: _l("Moved out of the organization's area"),
    ReturneeClosedReason.LOST_CONTACT: _l("Lost contact"),
    ReturneeClosedReason.DECLINED_SERVICES: _l("Declined further services"),
}


class CloseForm(Form):
    closed_reason = SelectField(
        _l("Reason for closing"), choices=[("", "—"), *enum_choices(CLOSED_REASONS)], validators=[Optional()]
    )


class RelativeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    relationship = StringField(_l("Their relationship"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Their phone in the US"), validators=[Optional(), Length(max=30)])
    us_state = SelectField(_l("State"), choices=[("", "—")] + [(s, s) for s in US_STATES], validators=[Optional()])


class SearchForm(Form):
    q = StringField(
        _l("Find a returnee"),
        validators=[Optional(), Length(max=200)],
        description=_l("A name, the reference (R-…) or the phone in the country."),
    )


class HouseholdMemberForm(Form):
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=120)])
    first_surname = StringField(_l("First surname"), validators=[DataRequired(), Length(max=80)])
    second_surname = StringField(_l("Second surname"), validators=[Optional(), Length(max=80)])
    relationship_to_head = SelectField(_l("Relationship to the person received"))
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    born_in_us = BooleanField(
        _l("Born in the United States"),
        description=_l("US-born children may need their birth registered in the country."),
    )
    preferred_language = SelectField(_l("Preferred language"), validators=[Optional()])
