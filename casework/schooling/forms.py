from __future__ import annotations

from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l
from casework.schooling.models import Barrier, EnrollmentStatus

STATUS_LABELS = {
    EnrollmentStatus.NOT_STARTED: _l("Not started"),
    EnrollmentStatus.DOCUMENTS_REQUESTED: _l("Documents requested"),
    EnrollmentStatus.ENROLLED: _l("Enrolled"),
    EnrollmentStatus.BARRIER: _l("Barrier"),
}

BARRIER_LABELS = {
    Barrier.PROOF_OF_RESIDENCY: _l("Proof of residency"),
    Barrier.VACCINATION_RECORDS: _l("Vaccination records"),
    Barrier.BIRTH_CERTIFICATE: _l("Birth certificate"),
    Barrier.PRIOR_SCHOOL_RECORDS: _l("Records from earlier schools"),
    Barrier.LANGUAGE: _l("Language"),
    Barrier.AGE_OR_GRADE_PLACEMENT: _l("Age or grade placement"),
    Barrier.TRANSPORTATION: _l("Transportation"),
    Barrier.OTHER: _l("Other barrier"),
}


class EnrollmentForm(Form):
    status = SelectField(_l("Status"), choices=enum_choices(STATUS_LABELS))
    barrier = SelectField(_l("Barrier"), choices=[("", "—"), *enum_choices(BARRIER_LABELS)], validators=[Optional()])
    barrier_notes = TextAreaField(_l("About the barrier"), validators=[Optional(), Length(max=2000)])
    district = StringField(_l("School district"), validators=[Optional(), Length(max=200)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=20)])
    enrolled_on = DateField(_l("Enrolled on"), validators=[Optional()])
    english_learner_services = BooleanField(_l("Receives English-learner services"))
