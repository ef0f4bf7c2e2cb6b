"""Demo data: an in-country reception organization with reintegration@example.org, a few returnees,
one of them handed over from a demo US case closed because the family was removed."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.cases.models import Case, CaseStatus, ClosedReason
from casework.demo.demo import PASSWORD
from casework.families.models import Family
from casework.timeutil import today_in
from reintegration import directory, followups, outcomes, plans, services, settings
from reintegration.models import (
    Answer,
    ProviderKind,
    ReferralStatus,
    ReturneeCase,
    ReturnMethod,
    SafetyStatus,
    Service,
    WorkStatus,
)

ORG_NAME = "Demo Returnee Reception Center, Guatemala"
EMAIL = "reintegration@example.org"


def load(session: Session, program: Organization) -> str:
    if session.scalar(select(Organization.id).where(Organization.name == ORG_NAME)):
        return f"Demo reintegration organization already loaded ({EMAIL})."
    org = Organization(name=ORG_NAME, kind=OrganizationKind.REINTEGRATION, timezone="America/Guatemala")
    session.add(org)
    session.flush()
    worker = User(
        email=EMAIL,
        full_name="Rosa Reintegración",
        role=Role.SUPERVISOR,
        organization_id=org.id,
        password_hash=hash_password(PASSWORD),
        locale="es",
    )
    session.add(worker)
    session.flush()
    today = today_in(org.timezone)
    settings.save_settings(session, worker, org, "GT", "7 30 90 180", time(10, 0), "Demo Returnee Reception Center")
    received = []
    for days, given, first, language, division, municipality, phone in (
        (3, "Juan Carlos", "Tzoc", "quc", "GT-14", "Santa Cruz del Quiché", None),
        (12, "María Elena", "Xiloj", "spa", "GT-13", "Chiantla", "+502 5555 0142"),
    ):
        received.append(
            services.receive(
                session,
                worker,
                {
                    "given_names": given,
                    "first_surname": first,
                    "preferred_language": language,
                    "reminders_consent": phone is not None,
                },
                services.ReturnData(
                    country="GT",
                    returned_on=today - timedelta(days=days),
                    method=ReturnMethod.FLIGHT,
                    arrival_point="La Aurora airport",
                    phone=phone,
                    reception_center="Centro de Recepción de Retornados, Fuerza Aérea",
                    division=division,
                    municipality=municipality,
                ),
                today,
            )
        )
    _directory(session, worker)
    _assessed_and_referred(session, worker, received[1], today)
    # One US demo case, closed because the family was removed, handed over with consent.
    case = session.scalars(
        select(Case)
        .join(Family, Case.family_id == Family.id)
        .where(Family.program_id == program.id, Case.status != CaseStatus.CLOSED)
        .order_by(Case.id.desc())
    ).first()
    handed = 0
    manager = session.scalars(select(User).where(User.email == "manager@example.org")).first()
    if case is not None and manager is not None:
        case.status, case.closed_on, case.closed_reason = (
            CaseStatus.CLOSED,
            today - timedelta(days=2),
            ClosedReason.REMOVED,
        )
        session.flush()
        services.hand_over(
            session,
            manager,
            case,
            org.id,
            today - timedelta(days=2),
            services.ReturnData(
                country="GT",
                returned_on=today - timedelta(days=1),
                method=ReturnMethod.FLIGHT,
                arrival_point="La Aurora airport",
                division="GT-12",
                municipality="San Pedro Sacatepéquez",
            ),
            today,
        )
        handed = 1
    session.flush()
    return f"Demo reintegration organization loaded: {EMAIL} ({PASSWORD}), {2 + handed} returnee cases."


# Fictional providers: a demo directory, not a list of real offices.
DEMO_PROVIDERS = (
    (
        "Casa Demo de Acogida",
        ProviderKind.NGO,
        "GT-13",
        "Chiantla",
        [Service.SHELTER, Service.PSYCHOSOCIAL],
        ["spa", "mam"],
        "+502 5555 0101",
    ),
    (
        "Oficina Municipal Demo de Chiantla",
        ProviderKind.MUNICIPAL_OFFICE,
        "GT-13",
        "Chiantla",
        [Service.IDENTITY_DOCUMENTS, Service.EMPLOYMENT, Service.EDUCATION],
        ["spa"],
        "+502 5555 0102",
    ),
    (
        "Programa Demo de Empleo para Retornados",
        ProviderKind.GOVERNMENT_PROGRAM,
        "GT-01",
        None,
        [Service.EMPLOYMENT],
        ["spa"],
        "+502 5555 0103",
    ),
    (
        "Clínica Demo Comunitaria",
        ProviderKind.COMMUNITY_OR_FAITH,
        "GT-14",
        "Santa Cruz del Quiché",
        [Service.HEALTH, Service.PSYCHOSOCIAL],
        ["spa", "quc"],
        "+502 5555 0104",
    ),
    (
        "Asociación Demo de Apoyo Legal",
        ProviderKind.NGO,
        "GT-01",
        None,
        [Service.LEGAL, Service.FAMILY_REUNIFICATION, Service.US_SCHOOL_RECORDS, Service.PROTECTION],
        ["spa", "eng"],
        "+502 5555 0105",
    ),
)


def _directory(session: Session, worker: User) -> None:
    for name, kind, division, municipality, offered, languages, phone in DEMO_PROVIDERS:
        directory.save_provider(
            session,
            worker,
            None,
            directory.ProviderData(
                name=name,
                kind=kind,
                country="GT",
                services=offered,
                division=division,
                municipality=municipality,
                phone=phone,
                languages=languages,
            ),
        )


def _assessed_and_referred(session: Session, worker: User, returnee: ReturneeCase, today: date) -> None:
    """One returnee twelve days on: assessed, a plan, a shelter referral answered, one follow-up done."""
    assessment = services.save_assessment(
        session,
        worker,
        returnee,
        {
            "has_national_id": "no",
            "has_shelter": "no",
            "psychosocial_support": "yes",
            "safe_at_destination": "yes",
            "children_enrolled": "no",
            "cash_needs": "yes",
            "work_skills": "Carpintería, 5 años en Texas",
        },
    )
    plans.build_plan(session, worker, returnee, assessment)
    shelter = next(item for item in plans.plan_of(session, returnee) if item.service is Service.SHELTER)
    provider = next(
        p
        for p in directory.directory_page(
            session, directory.select_providers(worker), directory.DirectoryFilter(service=Service.SHELTER), 1, 5
        )[0]
    )
    referral = plans.refer(
        session,
        worker,
        returnee,
        provider,
        Service.SHELTER,
        shelter,
        "Llega con su hija de 8 años.",
        assessment,
        returnee.returned_on + timedelta(days=1),
    )
    plans.update_referral(
        session, worker, returnee, referral, ReferralStatus.ACCEPTED, None, returnee.returned_on + timedelta(days=2)
    )
    first = services.follow_ups(session, returnee)[0]
    followups.complete(session, worker, first)
    outcomes.record_outcome(
        session,
        worker,
        returnee,
        outcomes.OutcomeData(
            recorded_on=first.due_on,
            documents_obtained=Answer.NO,
            children_in_school=Answer.NO,
            work=WorkStatus.LOOKING,
            safety=SafetyStatus.SAFE,
            migrated_again=Answer.NO,
        ),
        today,
    )
