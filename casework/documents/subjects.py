"""What the core's documents can be about: the household, and a release from custody. Domains
register their own (a hearing, a legal referral, a returnee's case) the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from flask_babel import format_date
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.orm.util import identity_key

from casework.extensions import DocumentSubject
from casework.i18n import gettext as _
from casework.i18n import lazy_gettext as _l
from casework.releases.models import Release

T = TypeVar("T")


def already_loaded(session: Session, model: type[T], ids: Sequence[int], *options: ORMOption) -> list[T]:
    """The records of `model` with these ids: those the page has loaded already from the session,
    the others in one statement (a page that shows them anyway pays nothing for their labels)."""
    found, missing = [], []
    for record_id in ids:
        loaded = session.identity_map.get(identity_key(model, record_id))
        if loaded is not None:
            found.append(loaded)
        else:
            missing.append(record_id)
    if missing:
        pk = inspect(model).primary_key[0]
        found.extend(session.scalars(select(model).where(pk.in_(missing)).options(*options)).unique())
    return found


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
    return {r.id: _release_label(r) for r in already_loaded(session, Release, ids)}


HOUSEHOLD = DocumentSubject("family", _l("The household"), "program_staff", _household, _household_labels)
RELEASE = DocumentSubject("release", _l("A release from custody"), "program_staff", _releases, _release_labels)
