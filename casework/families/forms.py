from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectMultipleField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from casework.families.models import ConsentKind, PhoneKind, Relationship, Vulnerability
from casework.families.zones import US_ZONES
from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l

RELATIONSHIP_LABELS = {
    Relationship.HEAD: _l("Head of household"),
    Relationship.SPOUSE: _l("Spouse or partner"),
    Relationship.CHILD: _l("Child"),
    Relationship.STEPCHILD: _l("Stepchild"),
    Relationship.GRANDCHILD: _l("Grandchild"),
    Relationship.PARENT: _l("Parent"),
    Relationship.SIBLING: _l("Sibling"),
    Relationship.NIECE_NEPHEW: _l("Niece or nephew"),
    Relationship.OTHER_RELATIVE: _l("Other relative"),
    Relationship.NOT_RELATED: _l("Not related"),
}

VULNERABILITY_LABELS = {
    Vulnerability.UNACCOMPANIED_CHILD: _l("Unaccompanied child"),
    Vulnerability.SEPARATED_CHILD: _l("Separated child"),
    Vulnerability.SINGLE_FEMALE_HEAD: _l("Single female head of household"),
    Vulnerability.PREGNANCY: _l("Pregnancy"),
    Vulnerability.DISABILITY_OR_MEDICAL: _l("Disability or medical need"),
    Vulnerability.GBV_SURVIVOR: _l("Survivor of gender-based violence"),
    Vulnerability.TRAFFICKING_INDICATORS: _l("Trafficking indicators"),
    Vulnerability.INDIGENOUS: _l("Indigenous"),
    Vulnerability.AFRO_DESCENDANT: _l("Afro-descendant"),
    Vulnerability.LGBTQI: _l("LGBTQI+"),
}

PHONE_KIND_LABELS = {
    PhoneKind.MOBILE: _l("Mobile"),
    PhoneKind.HOME: _l("Home"),
    PhoneKind.WORK: _l("Work"),
    PhoneKind.SPONSOR: _l("Sponsor's phone"),
    PhoneKind.OTHER: _l("Other"),
}

CONSENT_LABELS = {
    ConsentKind.SMS_REMINDERS: _l("SMS reminders"),
    ConsentKind.EMAIL_REMINDERS: _l("Email reminders"),
    ConsentKind.LEGAL_SHARING: _l("Sharing with a legal partner"),
}

US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "PR",
    "GU",
    "VI",
    "AS",
    "MP",
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MemberFields(Form):
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=120)])
    first_surname = StringField(_l("First surname"), validators=[DataRequired(), Length(max=80)])
    second_surname = StringField(_l("Second surname"), validators=[Optional(), Length(max=80)])
    preferred_name = StringField(_l("Preferred name"), validators=[Optional(), Length(max=120)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    birth_date_estimated = BooleanField(_l("The date of birth is estimated"))
    a_number = StringField(
        _l("A-number"),
        validators=[Optional(), Length(max=20)],
        description=_l("Like A-012-345-678, A012345678 or 12345678."),
    )
    country_of_birth = SelectField(_l("Country of birth"), validators=[Optional()])
    preferred_language = SelectField(_l("Preferred language for communication"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages spoken"), validators=[Optional()])
    needs_interpreter = BooleanField(_l("Needs an interpreter"))
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=40)])
    phone_kind = SelectField(_l("Kind of phone"), choices=enum_choices(PHONE_KIND_LABELS))
    other_phone = TelField(_l("Other phone"), validators=[Optional(), Length(max=40)])
    other_phone_kind = SelectField(
        _l("Kind of other phone"), choices=enum_choices(PHONE_KIND_LABELS), default=PhoneKind.HOME.value
    )
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    vulnerabilities = MultiCheckboxField(
        _l("Vulnerabilities"), choices=enum_choices(VULNERABILITY_LABELS), validators=[Optional()]
    )
    vulnerabilities_confidential = BooleanField(
        _l("Vulnerability details are confidential (not shared with legal partners)")
    )


class MemberForm(MemberFields):
    relationship_to_head = SelectField(
        _l("Relationship to the head of household"),
        choices=enum_choices(RELATIONSHIP_LABELS),
        default=Relationship.CHILD.value,
    )
    confirm_not_duplicate = HiddenField(default="")


class AddressFields(Form):
    line1 = StringField(_l("Street address"), validators=[DataRequired(), Length(max=200)])
    line2 = StringField(_l("Apartment, unit"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    state = SelectField(_l("State"), choices=[(s, s) for s in US_STATES], validators=[DataRequired()])
    postal_code = StringField(
        _l("ZIP code"),
        validators=[DataRequired(), Regexp(r"^\d{5}(-\d{4})?$", message=_l("A ZIP code has 5 digits (or 5+4)."))],
    )
    moved_in_on = DateField(_l("Living there since"), validators=[DataRequired()])
    timezone = SelectField(
        _l("Time zone"),
        choices=[("", _l("As usual for the state"))] + [(z, z.replace("_", " ")) for z in US_ZONES],
        validators=[Optional()],
        description=_l(
            "Reminders arrive on this clock. Change it where a state has two zones (El Paso, the "
            "Florida panhandle, western Kentucky and Tennessee...)."
        ),
    )


class AddressForm(AddressFields):
    pass


class IntakeForm(MemberFields, AddressFields):
    """A new household: its head, where they live now, consents given at intake, who follows them."""

    line1 = StringField(_l("Street address"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    state = SelectField(_l("State"), choices=[("", "—")] + [(s, s) for s in US_STATES], validators=[Optional()])
    postal_code = StringField(
        _l("ZIP code"),
        validators=[Optional(), Regexp(r"^\d{5}(-\d{4})?$", message=_l("A ZIP code has 5 digits (or 5+4)."))],
    )
    moved_in_on = DateField(_l("Living there since"), validators=[Optional()])
    consents = MultiCheckboxField(
        _l("Consents given today"), choices=enum_choices(CONSENT_LABELS), validators=[Optional()]
    )
    assigned_to_id = SelectField(_l("Case manager"), coerce=int, validators=[Optional()])
    confirm_not_duplicate = HiddenField(default="")

    ADDRESS_FIELDS = ("line1", "line2", "city", "state", "postal_code", "moved_in_on")

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        given = [name for name in self.ADDRESS_FIELDS if self[name].data]
        if given:
            for name in ("line1", "city", "state", "postal_code", "moved_in_on"):
                if not self[name].data and not self[name].errors:
                    self[name].errors.append(str(_l("Needed when an address is given.")))
                    valid = False
        return valid


class ConsentForm(Form):
    kind = SelectField(_l("Consent to"), choices=enum_choices(CONSENT_LABELS))
    given_on = DateField(_l("Given on"), validators=[DataRequired()])


class SearchForm(Form):
    q = StringField(_l("Name, A-number or phone"), validators=[Optional(), Length(max=200)])
