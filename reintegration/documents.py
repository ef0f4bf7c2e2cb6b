"""Documents a returnee obtains (a national ID, a birth certificate): the returnee's case as a
subject of documents, for the in-country organization's staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.documents.subjects import already_loaded
from casework.extensions import DocumentSubject
from casework.i18n import gettext as _
from casework.i18n import lazy_gettext as _l
from reintegration.models import ReturneeCase


def _label(returnee_case: ReturneeCase) -> str:
    return _("Returnee case %(reference)s", reference=returnee_case.reference)


def _choices(session: Session, family_id: int) -> list[tuple[int, str]]:
    stmt = select(ReturneeCase).where(ReturneeCase.family_id == family_id).order_by(ReturneeCase.id.desc())
    return [(c.id, _label(c)) for c in session.scalars(stmt)]


def _labels(session: Session, ids: list[int]) -> dict[int, str]:
    return {c.id: _label(c) for c in already_loaded(session, ReturneeCase, ids)}


RETURNEE_CASE = DocumentSubject("returnee_case", _l("A returnee's case"), "in_country_staff", _choices, _labels)
