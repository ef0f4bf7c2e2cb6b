"""Fictional families at scale, for benchmarks: `casework seed --families 100000`.

Rows go in with SQLAlchemy Core bulk inserts, a batch of families at a time (one transaction per
batch), with the same derived data the services would write: name tokens for search, the
family's display name and sort key, an open case with its assignment history. Everything is
generated from a seeded random generator, so two runs on empty databases give the same data.
"""

from __future__ import annotations

import random
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.passwords import hash_password
from casework.audit.models import AuditAction, AuditEvent
from casework.cases.models import Case, CaseAssignment, CaseStatus, ClosedReason, Note, Task, TaskKind
from casework.community.models import ReferralStatus, ServiceCategory, ServiceReferral
from casework.demo.demo import NOTES, SCHOOL_DISTRICT, SCHOOLS, TASKS
from casework.demo.names import PROFILES, SEED_AREA_CODES, SEED_GIVEN, SEED_SURNAMES, STREETS
from casework.families.identifiers import fold, name_tokens, parse_phone
from casework.families.models import (
    Address,
    Consent,
    ConsentKind,
    Family,
    Member,
    MemberLanguage,
    MemberVulnerability,
    NameToken,
    Phone,
    PhoneKind,
    Relationship,
    Vulnerability,
)
from casework.families.services import a_number_index
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency
from casework.schooling.models import Barrier, EnrollmentStatus, SchoolEnrollment
from casework.timeutil import age_on, today_in

PROGRAM_NAME = "Seeded Benchmark Program"
PROGRAM_TIMEZONE = "America/Chicago"
MANAGER_EMAIL = "seed-manager@example.org"
PASSWORD = "seed-password"
BATCH_SIZE = 1000
# (email, name, role): the first is the benchmarks' account; cases are shared among the case managers.
ACCOUNTS = [
    (MANAGER_EMAIL, "Selena Seed", Role.CASE_MANAGER),
    ("seed-manager-2@example.org", "Simón Seed", Role.CASE_MANAGER),
    ("seed-manager-3@example.org", "Sabine Seed", Role.CASE_MANAGER),
    ("seed-manager-4@example.org", "Saúl Seed", Role.CASE_MANAGER),
    ("seed-supervisor@example.org", "Sonia Seed", Role.SUPERVISOR),
]
PROVIDERS = [
    "Pilsen Wellness Center",
    "Greater Chicago Food Depository pantry",
    "Instituto del Progreso Latino",
    "Erie Family Health",
    "Casa Central housing program",
]
FACILITIES = ["El Paso processing center", "Yuma station", "Rio Grande Valley CPC", "Dilley family residential center"]


@dataclass
class SeedResult:
    program: str
    families: int
    manager_email: str


def _phones() -> list[str]:
    """Fictional US numbers (555-0100 to 555-0199 in many area codes), checked once as E.164."""
    numbers = [f"+1{area}5550{n:03d}" for area in SEED_AREA_CODES for n in range(100, 200)]
    assert parse_phone(numbers[0]) == numbers[0] and parse_phone(numbers[-1]) == numbers[-1]
    return numbers


CASELOAD = 100  # families per case manager, as in a real program (30 to 150)
PROGRAM_SIZE = 2000  # families per program: a large installation holds many programs


def _program_and_managers(
    session: Session, program_name: str, families: int, with_accounts: bool = True
) -> tuple[Organization, list[User]]:
    """The program (created when missing) and enough case managers for a real caseload each."""
    program = session.scalar(select(Organization).where(Organization.name == program_name))
    if program is None:
        program = Organization(name=program_name, kind=OrganizationKind.PROGRAM, timezone=PROGRAM_TIMEZONE)
        session.add(program)
        session.flush()
    password_hash = None
    for email, name, role in ACCOUNTS if with_accounts else ():
        if session.scalar(select(User.id).where(User.email == email)) is None:
            password_hash = password_hash or hash_password(PASSWORD)
            session.add(
                User(email=email, full_name=name, role=role, organization_id=program.id, password_hash=password_hash)
            )
    session.flush()
    have = (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.organization_id == program.id, User.role == Role.CASE_MANAGER)
        )
        or 0
    )
    for n in range(have + 1, -(-families // CASELOAD) + 1):
        password_hash = password_hash or hash_password(PASSWORD)
        session.add(
            User(
                email=f"seed-caseworker-{program.id}-{n}@example.org",
                full_name=f"Seeded Caseworker {n}",
                role=Role.CASE_MANAGER,
                organization_id=program.id,
                password_hash=password_hash,
            )
        )
    session.flush()
    managers = list(
        session.scalars(
            select(User)
            .where(User.organization_id == program.id, User.role == Role.CASE_MANAGER, User.active.is_(True))
            .order_by(User.id)
        )
    )
    if not managers:
        raise click.ClickException(f"The program {program_name!r} has no active case manager to assign cases to.")
    session.commit()
    return program, managers


def _families_in(session: Session, program_name: str) -> int:
    program_id = session.scalar(select(Organization.id).where(Organization.name == program_name))
    if program_id is None:
        return 0
    return session.scalar(select(func.count()).select_from(Family).where(Family.program_id == program_id)) or 0


def _plan(session: Session, count: int, program_name: str | None) -> list[tuple[str, int, int]]:
    """(program, families already there, families to add): one named program, or programs of
    PROGRAM_SIZE families filled in turn."""
    if program_name:
        return [(program_name, _families_in(session, program_name), count)]
    plan, number = [], 1
    while count > 0:
        name = PROGRAM_NAME if number == 1 else f"{PROGRAM_NAME} {number}"
        already = _families_in(session, name)
        room = max(PROGRAM_SIZE - already, 0)
        if room:
            plan.append((name, already, min(room, count)))
            count -= min(room, count)
        number += 1
    return plan


def seed(
    session: Session, count: int, program_name: str | None = None, progress: bool = False, random_seed: int = 2026
) -> SeedResult:
    plan = _plan(session, count, program_name)
    bar = click.progressbar(length=count, label="Seeding families") if progress else nullcontext()
    first_program, first_managers = None, []
    with bar as shown:
        for name, already, adding in plan:
            program, managers = _program_and_managers(
                session, name, already + adding, with_accounts=name in (PROGRAM_NAME, program_name)
            )
            if first_program is None:
                first_program, first_managers = program, managers
            rng = random.Random(f"{random_seed}:{program.name}:{already}")
            # Case references unique across runs: every earlier seeded reference is below the highest case id.
            reference_base = (session.scalar(select(func.max(Case.id))) or 0) + 1
            generator = _Generator(rng, program, managers, today_in(program.timezone), reference_base)
            done = 0
            while done < adding:
                size = min(BATCH_SIZE, adding - done)
                generator.batch(session, size)
                # A bulk generator for benchmarks, not an operation: it commits each batch so that a
                # run of two million families neither holds one transaction nor loses all on a fault.
                session.commit()
                done += size
                if shown is not None:  # a progress bar was asked for
                    shown.update(size)
    managers = first_managers
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        if isinstance(bind, Engine):
            # Outside a transaction (the command): VACUUM also marks the new pages all-visible, so
            # the benchmarks that follow read indexes as a settled database does, without heap fetches.
            with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")
        else:
            session.execute(text("ANALYZE"))
            session.commit()
    email = MANAGER_EMAIL if any(m.email == MANAGER_EMAIL for m in managers) else managers[0].email
    if progress:
        click.echo(
            f"{count} families added to {len(plan)} program(s), starting with {plan[0][0]!r}. "
            f"Sign in as {email} with password '{PASSWORD}'."
        )
    return SeedResult(plan[0][0], count, email)


def _table(model: Any):
    return model.__table__


class _Generator:
    def __init__(
        self, rng: random.Random, program: Organization, managers: list[User], today: date, reference_base: int
    ) -> None:
        self.rng = rng
        self.program_id = program.id
        self.manager_ids = [m.id for m in managers]
        self.today = today
        self.now = datetime.now(UTC)
        self.phones = _phones()
        self.next_reference = reference_base

    # One batch: families, then members and cases (their ids come back with RETURNING), then the rest.
    def batch(self, session: Session, size: int) -> None:
        now = self.now
        plans = [self._plan_family() for _ in range(size)]
        family_ids = _insert_returning(
            session,
            Family,
            [
                {
                    "program_id": self.program_id,
                    "display_name": p["display_name"],
                    "sort_key": p["sort_key"],
                    "created_by_id": p["manager_id"],
                    "created_at": p["created_at"],
                    "updated_at": p["updated_at"],
                }
                for p in plans
            ],
        )
        member_rows = []
        for plan, family_id in zip(plans, family_ids, strict=False):
            plan["id"] = family_id
            for member in plan["members"]:
                member_rows.append({**member["row"], "family_id": family_id})
        member_ids = iter(_insert_returning(session, Member, member_rows))
        for plan in plans:
            for member in plan["members"]:
                member["id"] = next(member_ids)
        case_rows = []
        for plan in plans:
            case_rows.append({"family_id": plan["id"], "reference": f"S-{self.next_reference:09d}", **plan["case"]})
            self.next_reference += 1
        case_ids = _insert_returning(session, Case, case_rows)
        release_ids = _insert_returning(session, Release, [{"family_id": p["id"], **p["release"]} for p in plans])

        rows: dict[Any, list[dict]] = {
            model: []
            for model in (
                NameToken,
                MemberLanguage,
                Phone,
                MemberVulnerability,
                Consent,
                Address,
                SchoolEnrollment,
                CaseAssignment,
                Note,
                Task,
                ReleaseDocument,
                ServiceReferral,
                AuditEvent,
            )
        }
        for plan, case_id, release_id in zip(plans, case_ids, release_ids, strict=False):
            family_id, manager_id = plan["id"], plan["manager_id"]
            for member in plan["members"]:
                member_id = member["id"]
                rows[NameToken].extend(
                    {"member_id": member_id, "token": token, "family_id": family_id, "program_id": self.program_id}
                    for token in sorted(member["tokens"])
                )
                rows[MemberLanguage].extend({"member_id": member_id, "code": code} for code in member["languages"])
                rows[Phone].extend(
                    {"member_id": member_id, "number": number, "kind": kind} for number, kind in member["phones"]
                )
                rows[MemberVulnerability].extend(
                    {"member_id": member_id, "flag": flag, "confidential": False} for flag in member["vulnerabilities"]
                )
                rows[Consent].extend(
                    {
                        "member_id": member_id,
                        "kind": kind,
                        "given_on": plan["opened_on"],
                        "recorded_by_id": manager_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for kind in member["consents"]
                )
                if member["school"] is not None:
                    rows[SchoolEnrollment].append(
                        {"member_id": member_id, **member["school"], "created_at": now, "updated_at": now}
                    )
            rows[Address].append(
                {"family_id": family_id, **plan["address"], "recorded_by_id": manager_id, "recorded_at": now}
            )
            rows[CaseAssignment].append(
                {
                    "case_id": case_id,
                    "user_id": manager_id,
                    "assigned_by_id": manager_id,
                    "assigned_at": plan["created_at"],
                }
            )
            rows[Note].extend(
                {"case_id": case_id, "author_id": manager_id, "body": body, "created_at": at}
                for body, at in plan["notes"]
            )
            rows[Task].extend(
                {
                    "case_id": case_id,
                    "assignee_id": manager_id,
                    "created_by_id": manager_id,
                    "created_at": now,
                    "updated_at": now,
                    **task,
                }
                for task in plan["tasks"]
            )
            rows[ReleaseDocument].extend(
                {"release_id": release_id, "kind": kind, "received_on": on} for kind, on in plan["documents"]
            )
            if plan["referral"] is not None:
                rows[ServiceReferral].append(
                    {"case_id": case_id, **plan["referral"], "created_at": now, "updated_at": now}
                )
            rows[AuditEvent].append(
                {
                    "at": plan["created_at"],
                    "user_id": manager_id,
                    "action": AuditAction.CREATE,
                    "object_type": "family",
                    "object_id": family_id,
                    "family_id": family_id,
                    "detail": "",
                }
            )
        for model, model_rows in rows.items():
            if model_rows:
                session.execute(insert(_table(model)), model_rows)

    def _plan_family(self) -> dict:
        rng, today = self.rng, self.today
        country, language, others, interpreter, _prefix = rng.choice(PROFILES)
        female_head = rng.random() < 0.55
        first, other = rng.sample(SEED_SURNAMES, 2)
        second = None if country == "HT" else other
        released_on = today - timedelta(days=rng.randint(5, 700))
        opened_on = min(released_on + timedelta(days=rng.randint(1, 14)), today)
        created_at = datetime.combine(opened_on, datetime.min.time(), UTC) + timedelta(hours=rng.randint(13, 22))
        updated_at = min(created_at + timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600)), self.now)
        manager_id = rng.choice(self.manager_ids)
        with_consent = rng.random() < 0.85

        members = []
        head = self._member(
            country,
            language,
            others,
            interpreter,
            Relationship.HEAD,
            rng.choice(SEED_GIVEN["f" if female_head else "m"]),
            first,
            second,
            today.year - rng.randint(20, 55),
        )
        if with_consent:
            head["consents"] = [ConsentKind.SMS_REMINDERS] + ([ConsentKind.LEGAL_SHARING] if rng.random() < 0.5 else [])
        members.append(head)
        extra = rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
        if rng.random() < 0.5:
            members.append(
                self._member(
                    country,
                    language,
                    others,
                    interpreter,
                    Relationship.SPOUSE,
                    rng.choice(SEED_GIVEN["m" if female_head else "f"]),
                    rng.choice(SEED_SURNAMES),
                    None if country == "HT" else rng.choice(SEED_SURNAMES),
                    today.year - rng.randint(20, 55),
                )
            )
            extra -= 1
        for _ in range(extra):
            child = self._member(
                country,
                language,
                others if language != "spa" else [],
                interpreter,
                Relationship.CHILD,
                rng.choice(SEED_GIVEN[rng.choice("fm")]),
                first,
                second,
                today.year - rng.randint(0, 17),
            )
            dob = child["row"]["date_of_birth"]
            if 5 <= age_on(dob, today) <= 18:
                child["school"] = self._school(released_on, age_on(dob, today))
            members.append(child)

        surnames = " ".join(p for p in (first, second) if p)
        display_name = f"{surnames}, {head['row']['given_names']}"
        roll = rng.random()
        status = CaseStatus.ACTIVE if roll < 0.75 else CaseStatus.INTAKE if roll < 0.9 else CaseStatus.CLOSED
        case = {
            "status": status,
            "opened_on": opened_on,
            "assigned_to_id": manager_id,
            "closed_on": min(opened_on + timedelta(days=rng.randint(30, 300)), today)
            if status is CaseStatus.CLOSED
            else None,
            "closed_reason": rng.choice(list(ClosedReason)) if status is CaseStatus.CLOSED else None,
            "created_at": created_at,
            "updated_at": updated_at,
        }
        release_type = rng.choice(list(ReleaseType))
        documents = [(DocumentKind.NOTICE_TO_APPEAR, released_on)]
        if release_type is ReleaseType.PAROLE:
            documents.append((DocumentKind.PAROLE_DOCUMENT, released_on))
        elif release_type is ReleaseType.RECOGNIZANCE:
            documents.append((DocumentKind.ORDER_OF_RECOGNIZANCE, released_on))
        tasks = []
        for _n in range(rng.choice([0, 1, 1, 2, 2, 3])):
            due_on = today + timedelta(days=rng.randint(-20, 40))
            done = status is CaseStatus.CLOSED or rng.random() < 0.3
            tasks.append(
                {
                    "kind": TaskKind.GENERAL,
                    "title": rng.choice(TASKS),
                    "due_on": due_on,
                    "completed_at": self.now - timedelta(days=rng.randint(0, 20)) if done else None,
                    "completed_by_id": manager_id if done else None,
                }
            )
        notes = [
            (rng.choice(NOTES), created_at + timedelta(days=n * rng.randint(1, 20))) for n in range(rng.randint(1, 4))
        ]
        referral = None
        if rng.random() < 0.3:
            referral = {
                "category": rng.choice(list(ServiceCategory)),
                "provider": rng.choice(PROVIDERS),
                "status": rng.choice(list(ReferralStatus)),
                "referred_on": opened_on,
                "status_changed_on": min(opened_on + timedelta(days=rng.randint(0, 30)), today),
            }
        return {
            "manager_id": manager_id,
            "display_name": display_name,
            "sort_key": fold(display_name)[:300],
            "created_at": created_at,
            "updated_at": updated_at,
            "opened_on": opened_on,
            "members": members,
            "case": case,
            "tasks": tasks,
            "notes": notes,
            "referral": referral,
            "documents": documents,
            "release": {
                "arrived_on": released_on - timedelta(days=rng.randint(1, 6)),
                "released_on": released_on,
                "agency": rng.choice([ReleasingAgency.CBP, ReleasingAgency.CBP, ReleasingAgency.ICE]),
                "release_type": release_type,
                "facility": rng.choice(FACILITIES),
                "destination": "Chicago, IL",
                "created_at": created_at,
                "updated_at": created_at,
            },
            "address": {
                "line1": f"{rng.randint(1000, 4999)} {rng.choice(STREETS)}",
                "line2": f"Apt {rng.randint(1, 12)}" if rng.random() < 0.5 else None,
                "city": "Chicago",
                "state": "IL",
                "postal_code": rng.choice(["60608", "60623", "60632", "60629", "60639", "60647"]),
                "moved_in_on": opened_on,
            },
        }

    def _member(
        self,
        country: str,
        language: str,
        others: list[str],
        interpreter: bool,
        relationship: Relationship,
        given: str,
        first: str,
        second: str | None,
        birth_year: int,
    ) -> dict:
        rng = self.rng
        adult = relationship is not Relationship.CHILD
        dob = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        if dob > self.today:
            dob = self.today - timedelta(days=rng.randint(1, 300))
        spoken = sorted({language, *others})
        a_number = f"{rng.randint(10_000_000, 299_999_999):09d}" if adult or rng.random() < 0.7 else None
        return {
            "row": {
                "given_names": given,
                "first_surname": first,
                "second_surname": second,
                "preferred_name": None,
                "date_of_birth": dob,
                "birth_date_estimated": rng.random() < 0.05,
                "relationship_to_head": relationship,
                "a_number": a_number,
                "a_number_index": a_number_index(a_number),
                "country_of_birth": country,
                "preferred_language": language,
                "needs_interpreter": interpreter and adult,
                "email": None,
                "created_at": self.now,
                "updated_at": self.now,
            },
            "tokens": name_tokens(given, first, second),
            "languages": spoken,
            "phones": [(rng.choice(self.phones), PhoneKind.MOBILE)] if adult else [],
            "vulnerabilities": [Vulnerability.INDIGENOUS] if language not in ("spa", "hat", "fra") else [],
            "consents": [],
            "school": None,
        }

    def _school(self, released_on: date, age: int) -> dict | None:
        rng, roll = self.rng, self.rng.random()
        if roll < 0.5:
            return {
                "status": EnrollmentStatus.ENROLLED,
                "barrier": None,
                "district": SCHOOL_DISTRICT,
                "school": rng.choice(SCHOOLS),
                "grade": str(max(age - 5, 0)) if age > 5 else "K",
                "enrolled_on": min(released_on + timedelta(days=rng.randint(10, 40)), self.today),
                "english_learner_services": True,
            }
        if roll < 0.7:
            return {
                "status": EnrollmentStatus.BARRIER,
                "barrier": rng.choice(list(Barrier)),
                "district": SCHOOL_DISTRICT,
                "school": None,
                "grade": None,
                "enrolled_on": None,
                "english_learner_services": False,
            }
        if roll < 0.8:
            return {
                "status": EnrollmentStatus.DOCUMENTS_REQUESTED,
                "barrier": None,
                "district": SCHOOL_DISTRICT,
                "school": None,
                "grade": None,
                "enrolled_on": None,
                "english_learner_services": False,
            }
        return None


def _insert_returning(session: Session, model: Any, rows: list[dict]) -> list[int]:
    """Insert many rows in one round of multi-row statements; their ids, in the order of `rows`."""
    table = _table(model)
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(stmt, rows).scalars())


__all__ = ["MANAGER_EMAIL", "PASSWORD", "PROGRAM_NAME", "SeedResult", "seed"]
