"""Demo data: a legal partner clinic with partner@example.org, and some demo cases referred to it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.cases.models import Case, CaseStatus
from casework.db import utcnow
from casework.demo.demo import PASSWORD
from casework.families.models import Family
from legal import services
from legal.models import (
    PartnerCourt,
    PartnerKind,
    PartnerProfile,
    Referral,
    ReferralEventKind,
    ReferralMember,
    ReferralStatus,
    Representation,
)
from scheduling.api import Court

PARTNER_NAME = "Demo Immigrant Legal Clinic"
PARTNER_EMAIL = "partner@example.org"


def load(session: Session, program: Organization) -> str:
    if session.scalar(select(Organization.id).where(Organization.name == PARTNER_NAME)):
        return f"Demo legal partner already loaded ({PARTNER_EMAIL})."
    partner = Organization(name=PARTNER_NAME, kind=OrganizationKind.LEGAL_PARTNER, timezone=program.timezone)
    session.add(partner)
    session.flush()
    session.add(
        User(
            email=PARTNER_EMAIL,
            full_name="Paula Partner",
            role=Role.LEGAL_PARTNER,
            organization_id=partner.id,
            password_hash=hash_password(PASSWORD),
            manages_organization=True,
        )
    )
    chicago = session.scalars(select(Court).where(Court.city == "Chicago")).first()
    profile = PartnerProfile(
        organization_id=partner.id,
        kind=PartnerKind.NONPROFIT,
        capacity=12,
        states="IL IN WI",
        languages="eng spa",
        contact_name="Paula Partner",
        contact_email=PARTNER_EMAIL,
        contact_phone="+13125550160",
    )
    session.add(profile)
    session.flush()
    if chicago is not None:
        profile.courts = [PartnerCourt(court_id=chicago.id)]
    manager = session.scalars(select(User).where(User.email == "manager@example.org")).first()
    cases = [
        c
        for c in session.scalars(
            select(Case)
            .join(Family, Case.family_id == Family.id)
            .where(Family.program_id == program.id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.id)
        )
        if services.has_sharing_consent(c.family)
    ][:5]
    for index, case in enumerate(cases):
        referral = Referral(
            case_id=case.id,
            case=case,
            partner_id=partner.id,
            status=ReferralStatus.SENT,
            message="Master calendar hearing coming; the family seeks asylum.",
            created_by_id=manager.id if manager else None,
            sent_at=utcnow() - timedelta(days=2 + index * 2),
        )
        referral.people = [ReferralMember(member_id=m.id) for m in case.family.members]
        services.timeline_event(referral, manager, ReferralEventKind.SENT)
        if index < 2:
            referral.status, referral.answered_at = ReferralStatus.ACCEPTED, utcnow() - timedelta(days=1)
            services.timeline_event(referral, None, ReferralEventKind.ACCEPTED)
        if index == 0:
            referral.representation = Representation.REPRESENTING
            referral.appearance_filed_on = (utcnow() - timedelta(days=1)).date()
            services.timeline_event(referral, None, ReferralEventKind.REPRESENTATION, "representing")
        session.add(referral)
    session.flush()
    return f"Demo legal partner loaded: {PARTNER_EMAIL} ({PASSWORD}), {len(cases)} referred cases."
