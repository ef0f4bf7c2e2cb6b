"""The import's forms: the file, the columns, the start."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Length, Optional

from casework.forms_common import Form, SelectField
from casework.i18n import lazy_gettext as _l
from imports.columns import FIELDS
from imports.models import ImportStatus

STATUS_LABELS = {
    ImportStatus.MAPPING: _l("Columns to map"),
    ImportStatus.CHECKED: _l("Checked, waiting to start"),
    ImportStatus.QUEUED: _l("Waiting to run"),
    ImportStatus.IMPORTING: _l("Importing"),
    ImportStatus.DONE: _l("Import finished"),
    ImportStatus.CANCELLED: _l("Import cancelled"),
    ImportStatus.STOPPED: _l("Import stopped by an error"),
}

DATE_ORDER_CHOICES = [
    ("", _l("Recognise them (ask when unsure)")),
    ("dmy", _l("Day/month/year (31/12/2026)")),
    ("mdy", _l("Month/day/year (12/31/2026)")),
]


class UploadForm(Form):
    file = FileField(
        _l("Spreadsheet (CSV or Excel .xlsx)"),
        validators=[FileRequired(_l("Choose the file to import."))],
        render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )


class MappingForm(Form):
    """One select per column of the file (added by `mapping_form`), and how dates are written."""

    date_order = SelectField(_l("How the file writes dates"), choices=DATE_ORDER_CHOICES, validators=[Optional()])
    mapping_name = StringField(_l("Save this mapping as"), default="default", validators=[Length(max=100)])


def field_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Not imported")))] + [(f.key, str(f.label)) for f in FIELDS]


def mapping_form(headers: list[str], mapping: dict[int, str], formdata: object = None) -> MappingForm:
    class Form(MappingForm):
        pass

    for index, header in enumerate(headers):
        setattr(
            Form,
            f"col_{index}",
            SelectField(
                header or str(_l("Column %(n)d", n=index + 1)), validators=[Optional()], default=mapping.get(index, "")
            ),
        )
    form = Form(formdata=formdata) if formdata is not None else Form()
    for index in range(len(headers)):
        form[f"col_{index}"].choices = field_choices()
    return form


class StartForm(Form):
    """The decisions on duplicates come as `decision-<household>` and `family-<household>`."""
