"""Releases from custody."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from casework.families.models import Family
from casework.releases.models import Release


def for_family(session: Session, family: Family) -> list[Release]:
    stmt = (select(Release).where(Release.family_id == family.id).options(selectinload(Release.documents))
            .order_by(Release.released_on.desc(), Release.id.desc()))
    return list(session.scalars(stmt))
