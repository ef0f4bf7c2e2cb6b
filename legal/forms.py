from __future__ import annotations

from wtforms import DateField, EmailField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from casework.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from casework.families.forms import US_STATES, MultiCheckboxField
from casework.families.zones import US_ZONES
from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l
from legal.models import PartnerKind, ReferralEventKind, ReferralStatus, Representation

PARTNER_KINDS = {
    PartnerKind.NONPROFIT: _l("Nonprofit legal services"),
    PartnerKind.LAW_SCHOOL_CLINIC: _l("Law school clinic"),
    PartnerKind.PRO_BONO_FIRM: _l("Pro bono firm"),
    PartnerKind.OTHER: _l("Other"),
}

REFERRAL_STATUSES = {
    ReferralStatus.SENT: _l("Waiting for an answer"),
    ReferralStatus.ACCEPTED: _l("Accepted"),
    ReferralStatus.DECLINED: _l("Declined"),
    ReferralStatus.CLOSED: _l("Closed"),
}

REFERRAL_EVENTS = {
    ReferralEventKind.SENT: _l("Referral sent"),
    ReferralEventKind.ACCEPTED: _l("Accepted"),
    ReferralEventKind.DECLINED: _l("Declined"),
    ReferralEventKind.REPRESENTATION: _l("Representation updated"),
    ReferralEventKind.CLOSED: _l("Closed"),
}

REPRESENTATIONS = {
    Representation.NONE: _l("Not yet decided"),
    Representation.CONSULTATION: _l("Consultation only"),
    Representation.REPRESENTING: _l("Representing (notice of appearance filed)"),
    Representation.WITHDRAWN: _l("Withdrawn"),
}


class ReferralForm(Form):
    partner_id = SelectField(_l("Legal partner"), coerce=int)
    member_ids = MultiCheckboxField(_l("Who is referred"), coerce=int)
    message = TextAreaField(
        _l("Message to the partner"),
        validators=[Optional(), Length(max=5000)],
        description=_l("What the partner needs to know: the next hearing, the relief sought. The partner sees it."),
    )


class DeclineForm(Form):
    reason = TextAreaField(_l("Why you decline"), validators=[DataRequired(), Length(max=500)])


class RepresentationForm(Form):
    representation = SelectField(_l("Representation"), choices=enum_choices(REPRESENTATIONS))
    appearance_filed_on = DateField(_l("Notice of appearance (EOIR-28) filed on"), validators=[Optional()])


class CloseForm(Form):
    reason = StringField(_l("Why it closes"), validators=[Optional(), Length(max=500)])


class LegalNoteForm(Form):
    body = TextAreaField(
        _l("Legal note"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("Seen by the program and by the partner working on the case."),
    )


class ProfileForm(Form):
    kind = SelectField(_l("Kind"), choices=enum_choices(PARTNER_KINDS))
    capacity = IntegerField(_l("Open cases they can take"), validators=[InputRequired(), NumberRange(min=0, max=10000)])
    states = MultiCheckboxField(_l("States covered"), choices=[(s, s) for s in US_STATES])
    court_ids = MultiCheckboxField(_l("Courts covered"), coerce=int)
    languages = MultiCheckboxField(_l("Languages"))
    contact_name = StringField(_l("Contact name"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(_l("Contact email"), validators=[Optional(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])


class ColleagueForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=256)],
        description=_l("At least 8 characters; a long phrase is best."),
    )


class NewPartnerForm(Form):
    name = StringField(_l("Organization's name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=enum_choices(PARTNER_KINDS))
    timezone = SelectField(
        _l("Time zone"), choices=[(z, z) for z in US_ZONES], description=_l("The clock its dates are shown on.")
    )
    capacity = IntegerField(_l("Open cases they can take"), validators=[InputRequired(), NumberRange(min=0, max=10000)])
    full_name = StringField(_l("First account: full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("First account: email"),
        validators=[DataRequired(), Email(), Length(max=254)],
        description=_l("This person manages their organization's accounts."),
    )
    password = PasswordField(
        _l("First account: password"),
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
        description=_l("At least 8 characters; a long phrase is best."),
    )
