from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l
from casework.releases.models import DocumentKind, ReleaseType, ReleasingAgency

AGENCY_LABELS = {
    ReleasingAgency.CBP: _l("CBP (Border Patrol)"),
    ReleasingAgency.ICE: _l("ICE"),
    ReleasingAgency.ORR: _l("ORR (unaccompanied children)"),
}

RELEASE_TYPE_LABELS = {
    ReleaseType.PAROLE: _l("Parole"),
    ReleaseType.RECOGNIZANCE: _l("Order of recognizance"),
    ReleaseType.NOTICE_TO_APPEAR: _l("Notice to Appear"),
    ReleaseType.ATD_ENROLLMENT: _l("Alternatives to Detention enrollment"),
}

DOCUMENT_LABELS = {
    DocumentKind.NOTICE_TO_APPEAR: _l("Notice to Appear (I-862)"),
    DocumentKind.ORDER_OF_RECOGNIZANCE: _l("Order of recognizance (I-220A)"),
    DocumentKind.PAROLE_DOCUMENT: _l("Parole document"),
    DocumentKind.I94: _l("I-94 arrival record"),
    DocumentKind.ATD_ENROLLMENT: _l("ATD enrollment papers"),
    DocumentKind.ORR_RELEASE: _l("ORR release papers"),
    DocumentKind.OTHER: _l("Other document"),
}


class ReleaseForm(Form):
    member_id = SelectField(_l("Who was released"), coerce=int)
    arrived_on = DateField(_l("Arrived in the US on"), validators=[Optional()])
    released_on = DateField(_l("Released on"), validators=[DataRequired()])
    agency = SelectField(_l("Releasing agency"), choices=enum_choices(AGENCY_LABELS))
    release_type = SelectField(_l("Kind of release"), choices=enum_choices(RELEASE_TYPE_LABELS))
    facility = StringField(_l("Facility"), validators=[Optional(), Length(max=200)])
    destination = StringField(_l("Destination"), validators=[Optional(), Length(max=200)])
    sponsor_name = StringField(_l("Sponsor"), validators=[Optional(), Length(max=200)])
    sponsor_relationship = StringField(_l("Sponsor's relationship"), validators=[Optional(), Length(max=100)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class DocumentForm(Form):
    kind = SelectField(_l("Document"), choices=enum_choices(DOCUMENT_LABELS))
    received_on = DateField(_l("Received on"), validators=[Optional()])
