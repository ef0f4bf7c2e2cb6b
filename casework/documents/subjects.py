"""What the core's documents can be about: the household, and a release from custody. Domains
register their own (a hearing, a legal referral, a returnee's case) the same way."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.extensions import DocumentSubject
from casework.releases.models import Release


def _household(session: Session, family_id: int) -> list[tuple[int, str]]:
    return [(family_id, _("The household"))]


def _household_labels(session: Session, ids: list[int]) -> dict[int, str]:
    return {record_id: _("The household") for record_id in ids}


def _release_label(release: Release) -> str:
    return _("Release from custody on %(date)s", date=format_date(release.released_on, "medium"))


def _releases(session: Session, family_id: int) -> list[tuple[int, str]]:
    stmt = select(Release).where(Release.family_id == family_id).order_by(Release.released_on.desc(), Release.id)
    return [(r.id, _release_label(r)) for r in session.scalars(stmt)]


def _release_labels(session: Session, ids: list[int]) -> dict[int, str]:
    return {r.id: _release_label(r) for r in session.scalars(select(Release).where(Release.id.in_(ids)))}


HOUSEHOLD = DocumentSubject("family", _l("The household"), "program_staff", _household, _household_labels)
RELEASE = DocumentSubject("release", _l("A release from custody"), "program_staff", _releases, _release_labels)
