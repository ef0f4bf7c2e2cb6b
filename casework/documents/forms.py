"""The documents' forms: attaching a file, sharing it, removing it."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField
from wtforms.validators import InputRequired, Optional

from casework.documents.labels import DOCUMENT_TYPES
from casework.forms_common import Form, SelectField, enum_choices
from casework.i18n import lazy_gettext as _l

# What the picker offers: a phone opens its camera for images, and PDFs stay at hand.
ACCEPT = "image/*,application/pdf,.pdf,.jpg,.jpeg,.png,.heic,.heif,.webp,.docx"


class DocumentForm(Form):
    file = FileField(
        _l("File (PDF, photograph or Word document)"),
        validators=[FileRequired(_l("Choose the file, or take a photograph of the document."))],
        render_kw={"accept": ACCEPT},
    )
    document_type = SelectField(_l("Kind of document"), choices=enum_choices(DOCUMENT_TYPES))
    attached = SelectField(_l("About"), validators=[InputRequired()])
    member_id = SelectField(_l("Whose document"), coerce=int)
    document_date = DateField(_l("Date on the document"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    shared_with_partners = BooleanField(_l("Legal partners working on the case may download it"))


class ShareForm(Form):
    shared_with_partners = BooleanField(_l("Legal partners working on the case may download it"))


class RemoveForm(Form):
    pass
