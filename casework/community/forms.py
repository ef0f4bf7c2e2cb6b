from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.community.models import ReferralStatus, ServiceCategory
from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l

CATEGORY_LABELS = {
    ServiceCategory.MEDICAL: _l("Medical care"),
    ServiceCategory.MENTAL_HEALTH: _l("Mental health"),
    ServiceCategory.HOUSING: _l("Housing"),
    ServiceCategory.FOOD: _l("Food"),
    ServiceCategory.ENGLISH_CLASSES: _l("English classes"),
    ServiceCategory.EMPLOYMENT: _l("Employment"),
    ServiceCategory.OTHER: _l("Other service"),
}

REFERRAL_STATUS_LABELS = {
    ReferralStatus.REFERRED: _l("Referred"),
    ReferralStatus.APPOINTMENT_SET: _l("Appointment set"),
    ReferralStatus.RECEIVING_SERVICES: _l("Receiving services"),
    ReferralStatus.COMPLETED: _l("Completed"),
    ReferralStatus.DECLINED: _l("Declined"),
    ReferralStatus.NO_RESPONSE: _l("No response"),
}


class ServiceReferralForm(Form):
    category = SelectField(_l("Service"), choices=enum_choices(CATEGORY_LABELS))
    provider = StringField(_l("Provider"), validators=[DataRequired(), Length(max=200)])
    member_id = SelectField(_l("For"), coerce=int)
    referred_on = DateField(_l("Referred on"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class ReferralStatusForm(Form):
    status = SelectField(_l("Status"), choices=enum_choices(REFERRAL_STATUS_LABELS))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
