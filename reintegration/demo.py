"""Demo data: an in-country reception organization with reintegration@example.org, a few returnees,
one of them handed over from a demo US case closed because the family was removed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.cases.models import Case, CaseStatus, ClosedReason
from casework.demo.demo import PASSWORD
from casework.families.models import Family
from casework.timeutil import today_in
from reintegration import services
from reintegration.models import ReturnMethod

ORG_NAME = "Demo Returnee Reception Center, Guatemala"
EMAIL = "reintegration@example.org"


def load(session: Session, program: Organization) -> str:
    if session.scalar(select(Organization.id).where(Organization.name == ORG_NAME)):
        return f"Demo reintegration organization already loaded ({EMAIL})."
    org = Organization(name=ORG_NAME, kind=OrganizationKind.REINTEGRATION, timezone="America/Guatemala")
    session.add(org)
    session.flush()
    worker = User(email=EMAIL, full_name="Rosa Reintegración", role=Role.CASE_MANAGER, organization_id=org.id,
                  password_hash=hash_password(PASSWORD), locale="es")
    session.add(worker)
    session.flush()
    today = today_in(org.timezone)
    for days, given, first, division, municipality in (
            (3, "Juan Carlos", "Tzoc", "GT-QC", "Santa Cruz del Quiché"),
            (12, "María Elena", "Xiloj", "GT-HU", "Chiantla")):
        services.receive(session, worker, {"given_names": given, "first_surname": first, "preferred_language": "quc"},
                         services.ReturnData(country="GT", returned_on=today - timedelta(days=days),
                                             method=ReturnMethod.FLIGHT, arrival_point="La Aurora airport",
                                             reception_center="Centro de Recepción de Retornados, Fuerza Aérea",
                                             division=division, municipality=municipality), today)
    # One US demo case, closed because the family was removed, handed over with consent.
    case = session.scalars(select(Case).join(Family, Case.family_id == Family.id).where(
        Family.program_id == program.id, Case.status != CaseStatus.CLOSED).order_by(Case.id.desc())).first()
    handed = 0
    manager = session.scalars(select(User).where(User.email == "manager@example.org")).first()
    if case is not None and manager is not None:
        case.status, case.closed_on, case.closed_reason = CaseStatus.CLOSED, today - timedelta(days=2), \
            ClosedReason.REMOVED
        session.flush()
        services.hand_over(session, manager, case, org.id, today - timedelta(days=2), services.ReturnData(
            country="GT", returned_on=today - timedelta(days=1), method=ReturnMethod.FLIGHT,
            arrival_point="La Aurora airport", division="GT-SM", municipality="San Pedro Sacatepéquez"), today)
        handed = 1
    session.commit()
    return f"Demo reintegration organization loaded: {EMAIL} ({PASSWORD}), {2 + handed} returnee cases."
