"""Papers for a legal referral: the referral as a subject of documents, shared with the partner
from the start (the partner sees documents marked shared on the cases referred to it)."""

from __future__ import annotations

from flask_babel import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from casework.cases.models import Case
from casework.documents.subjects import already_loaded
from casework.extensions import DocumentSubject
from casework.i18n import gettext as _
from casework.i18n import lazy_gettext as _l
from legal.models import Referral
from legal.services import LEGAL_REFERRAL_SUBJECT


def _label(referral: Referral) -> str:
    return _(
        "Referral to %(partner)s of %(date)s",
        partner=referral.partner.name,
        date=format_date(referral.sent_at, "medium"),
    )


def _choices(session: Session, family_id: int) -> list[tuple[int, str]]:
    stmt = (
        select(Referral)
        .join(Case, Referral.case_id == Case.id)
        .where(Case.family_id == family_id)
        .options(joinedload(Referral.partner))
        .order_by(Referral.sent_at.desc(), Referral.id)
    )
    return [(r.id, _label(r)) for r in session.scalars(stmt)]


def _labels(session: Session, ids: list[int]) -> dict[int, str]:
    return {r.id: _label(r) for r in already_loaded(session, Referral, ids, joinedload(Referral.partner))}


LEGAL_REFERRAL = DocumentSubject(
    LEGAL_REFERRAL_SUBJECT, _l("A legal referral"), "refer_to_partner", _choices, _labels, shared=True
)
