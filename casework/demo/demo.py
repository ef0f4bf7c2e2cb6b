"""The demo program: accounts, and about forty fictional households at every stage of a case."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.cases import services as case_services
from casework.cases.models import CaseStatus, ClosedReason
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.demo.names import CHILD_GIVEN, GIVEN, PROFILES, STREETS, SURNAMES
from casework.families import services as family_services
from casework.families.models import ConsentKind, Family, PhoneKind, Relationship, Vulnerability
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import age_on, today_in

PROGRAM_NAME = "Demo Community Case Management Program"
PROGRAM_TIMEZONE = "America/Chicago"
PASSWORD = "demo-password"
FAMILY_COUNT = 40

ACCOUNTS = [
    ("admin@example.org", "Alicia Admin", Role.ADMIN),
    ("supervisor@example.org", "Samuel Supervisor", Role.SUPERVISOR),
    ("manager@example.org", "Marisol Manager", Role.CASE_MANAGER),
    ("caseworker2@example.org", "Carlos Caseworker", Role.CASE_MANAGER),
    ("caseworker3@example.org", "Claudette Caseworker", Role.CASE_MANAGER),
]

NOTES = [
    "Intake visit at the sponsor's home. The family has the court notice and asked about school.",
    "Called with an interpreter; confirmed the address and the next ICE check-in.",
    "Accompanied the mother to the clinic; vaccination records requested from the health department.",
    "The family asked for help finding English classes near their new apartment.",
    "Legal orientation given; referral to a legal partner discussed and consent explained.",
]

TASKS = [
    "Call the family to confirm the next court date",
    "Request vaccination records for school enrollment",
    "Check the court's automated case information for a new hearing notice",
    "Visit the household after the move",
    "Help complete the fee waiver for the asylum application",
]

SCHOOL_DISTRICT = "Chicago Public Schools"
SCHOOLS = ["Benito Juárez Community Academy", "Finkl Elementary", "Little Village Academy", "Kelly High School"]


@dataclass
class DemoResult:
    created: bool
    families: int


def demo_program(session: Session) -> Organization:
    return session.scalars(select(Organization).where(Organization.name == PROGRAM_NAME)).one()


def demo_loaded(session: Session) -> bool:
    return session.scalar(select(Organization.id).where(Organization.name == PROGRAM_NAME)) is not None


def load_demo(session: Session, seed: int = 2026) -> DemoResult:
    """Create the demo program once; a second run changes nothing."""
    if demo_loaded(session):
        count = len(
            session.scalars(
                select(Family.id)
                .join(Organization, Family.program_id == Organization.id)
                .where(Organization.name == PROGRAM_NAME)
            ).all()
        )
        return DemoResult(False, count)
    rng = random.Random(seed)
    program = Organization(name=PROGRAM_NAME, kind=OrganizationKind.PROGRAM, timezone=PROGRAM_TIMEZONE)
    session.add(program)
    session.flush()
    password_hash = hash_password(PASSWORD)
    users = {}
    for email, name, role in ACCOUNTS:
        user = User(email=email, full_name=name, role=role, organization_id=program.id, password_hash=password_hash)
        session.add(user)
        users[email] = user
    session.flush()
    today = today_in(PROGRAM_TIMEZONE)
    managers = [users["manager@example.org"]] * 3 + [users["caseworker2@example.org"], users["caseworker3@example.org"]]
    for index in range(FAMILY_COUNT):
        _household(session, rng, index, rng.choice(managers), users["supervisor@example.org"], today)
    session.flush()
    return DemoResult(True, FAMILY_COUNT)


def _phone(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.randint(100, 199):03d}"[: len(prefix) + 3]


def _household(session: Session, rng: random.Random, index: int, manager: User, supervisor: User, today: date) -> None:
    country, language, others, interpreter, phone_prefix = PROFILES[index % len(PROFILES)]
    female_head = rng.random() < 0.55
    surnames = rng.sample(SURNAMES[country], 2)
    second = None if country == "HT" else surnames[1]
    released_on = today - timedelta(days=rng.randint(12, 240))
    vulnerabilities = []
    if language not in ("spa", "hat", "fra"):
        vulnerabilities.append(Vulnerability.INDIGENOUS)
    if female_head and rng.random() < 0.5:
        vulnerabilities.append(Vulnerability.SINGLE_FEMALE_HEAD)
    us_phone = f"+1 773 555 01{index % 100:02d}"
    head = family_services.MemberData(
        given_names=rng.choice(GIVEN[country]["f" if female_head else "m"]),
        first_surname=surnames[0],
        second_surname=second,
        date_of_birth=date(today.year - rng.randint(22, 48), rng.randint(1, 12), rng.randint(1, 28)),
        birth_date_estimated=rng.random() < 0.1,
        a_number=f"{rng.randint(10_000_000, 299_999_999):09d}",
        country_of_birth=country,
        preferred_language=language,
        languages=others,
        needs_interpreter=interpreter,
        email=f"family{index + 1}@example.org" if rng.random() < 0.4 else None,
        phones=[(us_phone, PhoneKind.MOBILE)]
        + ([(_phone(rng, phone_prefix), PhoneKind.OTHER)] if rng.random() < 0.3 else []),
        vulnerabilities=vulnerabilities,
        vulnerabilities_confidential=Vulnerability.SINGLE_FEMALE_HEAD in vulnerabilities,
    )
    consents = (
        []
        if index % 7 == 3
        else [ConsentKind.SMS_REMINDERS]
        + ([ConsentKind.LEGAL_SHARING] if rng.random() < 0.6 else [])
        + ([ConsentKind.EMAIL_REMINDERS] if head.email else [])
    )
    moved_in = released_on + timedelta(days=rng.randint(1, 10))
    address = family_services.AddressData(
        line1=f"{rng.randint(1000, 4999)} {rng.choice(STREETS)}",
        line2=f"Apt {rng.randint(1, 12)}" if rng.random() < 0.5 else None,
        city="Chicago",
        state="IL",
        postal_code=rng.choice(["60608", "60623", "60632", "60629", "60639", "60647"]),
        moved_in_on=min(moved_in, today),
    )
    family = family_services.create_family(session, manager, head, address, consents, released_on, manager.id)
    case = case_services.current_case(session, family)
    assert case is not None

    if rng.random() < 0.5 and head.relationship_to_head is Relationship.HEAD:
        family_services.add_member(
            session,
            manager,
            family,
            family_services.MemberData(
                given_names=rng.choice(GIVEN[country]["m" if female_head else "f"]),
                first_surname=rng.choice(SURNAMES[country]),
                second_surname=None if country == "HT" else rng.choice(SURNAMES[country]),
                date_of_birth=date(today.year - rng.randint(22, 50), rng.randint(1, 12), rng.randint(1, 28)),
                relationship_to_head=Relationship.SPOUSE,
                country_of_birth=country,
                preferred_language=language,
                languages=others,
                needs_interpreter=interpreter,
                a_number=f"{rng.randint(10_000_000, 299_999_999):09d}",
            ),
            released_on,
        )
    children = []
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        sex = rng.choice("fm")
        child = family_services.add_member(
            session,
            manager,
            family,
            family_services.MemberData(
                given_names=rng.choice(CHILD_GIVEN[sex]),
                first_surname=surnames[0],
                second_surname=second,
                date_of_birth=date(today.year - rng.randint(2, 17), rng.randint(1, 12), rng.randint(1, 28)),
                relationship_to_head=Relationship.CHILD,
                country_of_birth=country,
                preferred_language=language,
                languages=["spa"] if language not in ("spa", "hat") else [],
                a_number=f"{rng.randint(10_000_000, 299_999_999):09d}" if rng.random() < 0.7 else None,
            ),
            released_on,
        )
        children.append(child)

    release = Release(
        family_id=family.id,
        arrived_on=released_on - timedelta(days=rng.randint(1, 6)),
        released_on=released_on,
        agency=rng.choice([ReleasingAgency.CBP, ReleasingAgency.CBP, ReleasingAgency.ICE]),
        release_type=rng.choice(list(ReleaseType)),
        facility=rng.choice(
            ["El Paso processing center", "Yuma station", "Rio Grande Valley CPC", "Dilley family residential center"]
        ),
        destination="Chicago, IL",
        sponsor_name=f"{rng.choice(GIVEN[country]['m'])} {surnames[0]}",
        sponsor_relationship=rng.choice(["brother", "cousin", "aunt", "family friend"]),
    )
    release.documents = [ReleaseDocument(kind=DocumentKind.NOTICE_TO_APPEAR, received_on=released_on)]
    if release.release_type is ReleaseType.PAROLE:
        release.documents.append(ReleaseDocument(kind=DocumentKind.PAROLE_DOCUMENT, received_on=released_on))
    session.add(release)

    for child in children:
        if child.date_of_birth is None or not 5 <= age_on(child.date_of_birth, today) <= 18:
            continue
        roll = rng.random()
        if roll < 0.45:
            session.add(
                SchoolEnrollment(
                    member_id=child.id,
                    status=EnrollmentStatus.ENROLLED,
                    district=SCHOOL_DISTRICT,
                    school=rng.choice(SCHOOLS),
                    grade=str(max(age_on(child.date_of_birth, today) - 5, 0) or "K"),
                    enrolled_on=min(released_on + timedelta(days=rng.randint(10, 40)), today),
                    english_learner_services=True,
                )
            )
        elif roll < 0.7:
            session.add(
                SchoolEnrollment(
                    member_id=child.id,
                    status=EnrollmentStatus.BARRIER,
                    barrier=rng.choice([Barrier.PROOF_OF_RESIDENCY, Barrier.VACCINATION_RECORDS]),
                    district=SCHOOL_DISTRICT,
                )
            )
        elif roll < 0.85:
            session.add(
                SchoolEnrollment(
                    member_id=child.id, status=EnrollmentStatus.DOCUMENTS_REQUESTED, district=SCHOOL_DISTRICT
                )
            )

    if index % 3 != 2:
        case.status = CaseStatus.ACTIVE
    for n in range(rng.randint(1, 3)):
        case_services.add_note(session, manager, case, NOTES[(index + n) % len(NOTES)])
    for n in range(rng.randint(1, 2)):
        case_services.add_task(
            session,
            manager,
            case,
            TASKS[(index + n) % len(TASKS)],
            today + timedelta(days=rng.randint(-6, 20)),
            manager.id,
        )
    if index % 9 == 4:  # a recent move whose change of address is still to be filed
        family_services.change_address(
            session,
            manager,
            family,
            family_services.AddressData(
                line1=f"{rng.randint(1000, 4999)} {rng.choice(STREETS)}",
                city="Cicero",
                state="IL",
                postal_code="60804",
                moved_in_on=today - timedelta(days=rng.randint(0, 3)),
            ),
            today,
        )
    if rng.random() < 0.5:
        category = rng.choice(list(ServiceCategory))
        session.add(
            ServiceReferral(
                case_id=case.id,
                category=category,
                provider=rng.choice(
                    [
                        "Pilsen Wellness Center",
                        "Greater Chicago Food Depository pantry",
                        "Instituto del Progreso Latino",
                        "Erie Family Health",
                        "Casa Central housing program",
                    ]
                ),
                status=rng.choice(
                    [ReferralStatus.REFERRED, ReferralStatus.APPOINTMENT_SET, ReferralStatus.RECEIVING_SERVICES]
                ),
                referred_on=released_on + timedelta(days=3),
                status_changed_on=released_on + timedelta(days=10),
            )
        )
    if index % 13 == 12:
        case_services.change_status(
            session,
            supervisor,
            case,
            CaseStatus.CLOSED,
            rng.choice([ClosedReason.RELIEF_GRANTED, ClosedReason.MOVED_AWAY]),
            today,
        )
    session.flush()


def accounts_summary() -> list[str]:
    return [f"  {email:<26} {name} ({role.value.replace('_', ' ')})" for email, name, role in ACCOUNTS]


__all__ = ["PASSWORD", "accounts_summary", "demo_loaded", "load_demo"]
