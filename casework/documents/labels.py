"""What documents are called on the page, in the reader's language."""

from __future__ import annotations

from flask_babel import format_decimal

from casework.documents.models import DocumentType
from casework.i18n import gettext, ngettext
from casework.i18n import lazy_gettext as _l

DOCUMENT_TYPES = {
    DocumentType.NOTICE_TO_APPEAR: _l("Notice to Appear (I-862)"),
    DocumentType.RELEASE_ORDER: _l("Release order (I-220A or I-220B)"),
    DocumentType.PAROLE: _l("Parole document"),
    DocumentType.WORK_PERMIT: _l("Work permit (EAD)"),
    DocumentType.TPS: _l("TPS approval"),
    DocumentType.ASYLUM_RECEIPT: _l("Asylum application receipt (I-589)"),
    DocumentType.HEARING_NOTICE: _l("Hearing notice"),
    DocumentType.SCHOOL_RECORD: _l("School record"),
    DocumentType.NATIONAL_ID: _l("National identity card"),
    DocumentType.BIRTH_CERTIFICATE: _l("Birth certificate"),
    DocumentType.PASSPORT: _l("Passport"),
    DocumentType.OTHER: _l("Other document"),
}
DOCUMENT_TYPES_BY_VALUE = {kind.value: label for kind, label in DOCUMENT_TYPES.items()}


def readable_size(size: int) -> str:
    """A file's size as the reader writes it: 77 bytes, 340 KB, 1.2 MB."""
    if size < 1000:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1_000_000:
        return gettext("%(size)s KB", size=format_decimal(size / 1000, "#,##0"))
    return gettext("%(size)s MB", size=format_decimal(size / 1_000_000, "#,##0.0"))
