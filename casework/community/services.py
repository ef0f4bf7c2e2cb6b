"""Referrals to community services."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.community.models import ServiceReferral


def for_cases(session: Session, case_ids: list[int]) -> list[ServiceReferral]:
    if not case_ids:
        return []
    stmt = (select(ServiceReferral).where(ServiceReferral.case_id.in_(case_ids))
            .order_by(ServiceReferral.referred_on.desc(), ServiceReferral.id.desc()))
    return list(session.scalars(stmt))
