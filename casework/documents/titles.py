"""The title of the task a document's coming expiry raises (casework.cases.titles)."""

from __future__ import annotations

from casework.cases.titles import TaskTitle
from casework.documents.labels import DOCUMENT_TYPES_BY_VALUE
from casework.i18n import lazy_gettext as _l

DOCUMENT_EXPIRING = TaskTitle(
    "documents.expiring",
    _l("%(type)s ends on %(expires)s: help the family renew it"),
    dates=("expires",),
    labels={"type": DOCUMENT_TYPES_BY_VALUE},
)
