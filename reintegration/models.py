"""Returnee cases: people returned to their home country, received and followed by an in-country
organization. The household itself is a `Family` of that organization, so every record reaches
its people through the one access scope."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, Time, and_, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.cases.models import Case, Task
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.families.models import Family

# The key of the follow-up tasks planned after a return (reintegration.followups.FOLLOW_UP).
FOLLOW_UP_KEY = "reintegration.follow_up"
# The open follow-ups by due date, whatever the organization: the returnee list's "due" reads the
# first few in order (a few organizations' follow-ups, not every program's tasks).
_OPEN_FOLLOW_UPS = and_(Task.completed_at.is_(None), Task.title_key == FOLLOW_UP_KEY)
Index(
    "ix_tasks_open_follow_ups_due",
    Task.due_on,
    Task.id,
    postgresql_where=_OPEN_FOLLOW_UPS,
    sqlite_where=_OPEN_FOLLOW_UPS,
)


class ReturnMethod(enum.Enum):
    FLIGHT = "flight"
    LAND = "land"
    OTHER = "other"


class ReturneeStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class ReturneeClosedReason(enum.Enum):
    SERVICES_COMPLETED = "services_completed"
    MIGRATED_AGAIN = "migrated_again"
    MOVED_AWAY = "moved_away"
    LOST_CONTACT = "lost_contact"
    DECLINED_SERVICES = "declined_services"


class ReturneeCase(TimestampMixin, Base):
    __tablename__ = "returnee_cases"
    __table_args__ = (
        # The list of one status in its order (latest return first: the index read backwards).
        Index("ix_returnee_cases_org_status_returned", "organization_id", "status", "returned_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[ReturneeStatus] = mapped_column(
        enum_column(ReturneeStatus, "returnee_status"), default=ReturneeStatus.OPEN
    )
    country: Mapped[str] = mapped_column(String(2))
    returned_on: Mapped[date] = mapped_column(Date)
    method: Mapped[ReturnMethod] = mapped_column(enum_column(ReturnMethod, "return_method"))
    arrival_point: Mapped[str | None] = mapped_column(String(200))
    reception_center: Mapped[str | None] = mapped_column(String(200))
    division: Mapped[str | None] = mapped_column(String(120))  # ISO 3166-2 code, or typed
    municipality: Mapped[str | None] = mapped_column(String(120))  # El Salvador: the municipality of 2024
    district: Mapped[str | None] = mapped_column(String(120))  # El Salvador: the district within it
    phone: Mapped[str | None] = mapped_column(String(20))  # in-country, E.164
    notes: Mapped[str | None] = mapped_column(Text)
    # The hand-over from a US case: the family's consent, and the link between the two records.
    us_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    # The in-country organization's own case for the household: its tasks (follow-ups) and notes.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    consent_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[ReturneeClosedReason | None] = mapped_column(
        enum_column(ReturneeClosedReason, "returnee_closed_reason")
    )
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    family: Mapped[Family] = relationship()
    us_case: Mapped[Case | None] = relationship(foreign_keys=[us_case_id])
    case: Mapped[Case | None] = relationship(foreign_keys=[case_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    relatives: Mapped[list[RelativeInUS]] = relationship(cascade="all, delete-orphan", order_by="RelativeInUS.id")
    # Read with the case by its page; written through services.save_assessment.
    assessment: Mapped[Assessment | None] = relationship(viewonly=True)


class RelativeInUS(Base):
    """A family member who stayed in the United States."""

    __tablename__ = "relatives_in_us"

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_case_id: Mapped[int] = mapped_column(ForeignKey("returnee_cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_returnee: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    us_state: Mapped[str | None] = mapped_column(String(2))


class Answer(enum.Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Assessment(TimestampMixin, Base):
    """The reception assessment, one per returnee case, editable as things become known. Each
    answer column has its own CHECK constraint name (they share one enum)."""

    __tablename__ = "returnee_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_case_id: Mapped[int] = mapped_column(ForeignKey("returnee_cases.id"), unique=True)
    has_national_id: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_has_national_id"), default=Answer.UNKNOWN
    )
    children_birth_certificates: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_children_birth_certificates"), default=Answer.UNKNOWN
    )
    us_born_children: Mapped[bool] = mapped_column(default=False)
    has_shelter: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_has_shelter"), default=Answer.UNKNOWN)
    health_needs: Mapped[str | None] = mapped_column(Text)
    psychosocial_support: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_psychosocial_support"), default=Answer.UNKNOWN
    )
    safe_at_destination: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_safe_at_destination"), default=Answer.UNKNOWN
    )
    threatened_by: Mapped[str | None] = mapped_column(Text)
    persecutors_are_officials: Mapped[bool] = mapped_column(default=False)
    separation_or_custody: Mapped[str | None] = mapped_column(Text)
    children_enrolled: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_children_enrolled"), default=Answer.UNKNOWN
    )
    us_school_records: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_us_school_records"), default=Answer.UNKNOWN
    )
    work_skills: Mapped[str | None] = mapped_column(Text)
    cash_needs: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_cash_needs"), default=Answer.UNKNOWN)
    legal_remedies: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Service(enum.Enum):
    """What a need asks for, what a plan arranges, what a provider offers and a referral is for."""

    PROTECTION = "protection"
    SHELTER = "shelter"
    HEALTH = "health"
    PSYCHOSOCIAL = "psychosocial"
    IDENTITY_DOCUMENTS = "identity_documents"
    BIRTH_REGISTRATION = "birth_registration"
    EDUCATION = "education"
    US_SCHOOL_RECORDS = "us_school_records"
    FAMILY_REUNIFICATION = "family_reunification"
    CASH = "cash"
    EMPLOYMENT = "employment"
    LEGAL = "legal"


class ProviderKind(enum.Enum):
    NGO = "ngo"
    MUNICIPAL_OFFICE = "municipal_office"
    GOVERNMENT_PROGRAM = "government_program"
    COMMUNITY_OR_FAITH = "community_or_faith"
    INTERNATIONAL = "international"


# Offices of the state: never a referral when the persecutors are police or officials.
PUBLIC_PROVIDER_KINDS = frozenset({ProviderKind.MUNICIPAL_OFFICE, ProviderKind.GOVERNMENT_PROGRAM})


class InCountrySettings(TimestampMixin, Base):
    """An in-country organization's own choices: its country (which sets its staff's default
    language), when follow-ups fall after a return, and where and at what time they are held."""

    __tablename__ = "in_country_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    follow_up_days: Mapped[str] = mapped_column(String(100))  # "7 30 90 180"
    follow_up_time: Mapped[time] = mapped_column(Time)
    follow_up_place: Mapped[str | None] = mapped_column(String(300))


def language_codes_of(languages: str | None) -> list[str]:
    """A provider's languages column (ISO 639-3 codes, space-separated) as its codes."""
    return (languages or "").split()


class Provider(TimestampMixin, Base):
    """A service provider in an in-country organization's directory."""

    __tablename__ = "in_country_providers"
    __table_args__ = (
        Index("ix_in_country_providers_org_place", "organization_id", "country", "division", "municipality"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ProviderKind] = mapped_column(enum_column(ProviderKind, "provider_kind"))
    country: Mapped[str] = mapped_column(String(2))
    division: Mapped[str | None] = mapped_column(String(120))
    municipality: Mapped[str | None] = mapped_column(String(120))  # El Salvador: the municipality of 2024
    district: Mapped[str | None] = mapped_column(String(120))  # El Salvador: the district within it
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[str | None] = mapped_column(String(200))  # ISO 639-3 codes, space-separated
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)

    services: Mapped[list[ProviderService]] = relationship(
        cascade="all, delete-orphan", order_by="ProviderService.service"
    )

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_PROVIDER_KINDS

    @property
    def language_codes(self) -> list[str]:
        return language_codes_of(self.languages)

    @property
    def offered(self) -> list[Service]:
        return [s.service for s in self.services]


class ProviderService(Base):
    __tablename__ = "in_country_provider_services"
    __table_args__ = (Index("ix_in_country_provider_services_service", "service", "provider_id"),)

    provider_id: Mapped[int] = mapped_column(ForeignKey("in_country_providers.id"), primary_key=True)
    service: Mapped[Service] = mapped_column(enum_column(Service, "provider_service"), primary_key=True)


class PlanStatus(enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_NEEDED = "not_needed"


class PlanItem(TimestampMixin, Base):
    """One line of a returnee's service plan: a need, what will be done about it, by when."""

    __tablename__ = "returnee_plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_case_id: Mapped[int] = mapped_column(ForeignKey("returnee_cases.id"), index=True)
    service: Mapped[Service] = mapped_column(enum_column(Service, "plan_service"))
    action: Mapped[str | None] = mapped_column(Text)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus, "plan_status"), default=PlanStatus.OPEN)
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReferralStatus(enum.Enum):
    REFERRED = "referred"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    DROPPED = "dropped"


class Referral(TimestampMixin, Base):
    """A returnee sent to a provider for one service, with its answer and what came of it."""

    __tablename__ = "returnee_referrals"
    __table_args__ = (Index("ix_returnee_referrals_provider_status", "provider_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_case_id: Mapped[int] = mapped_column(ForeignKey("returnee_cases.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("in_country_providers.id"))
    plan_item_id: Mapped[int | None] = mapped_column(ForeignKey("returnee_plan_items.id"))
    service: Mapped[Service] = mapped_column(enum_column(Service, "referral_service"))
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "returnee_referral_status"), default=ReferralStatus.REFERRED
    )
    referred_on: Mapped[date] = mapped_column(Date)
    status_changed_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    provider: Mapped[Provider] = relationship()


class WorkStatus(enum.Enum):
    UNKNOWN = "unknown"
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    IN_TRAINING = "in_training"
    LOOKING = "looking"
    NOT_WORKING = "not_working"


class SafetyStatus(enum.Enum):
    UNKNOWN = "unknown"
    SAFE = "safe"
    AT_RISK = "at_risk"
    DISPLACED = "displaced"


class OutcomeRecord(Base):
    """Where a returnee stands at one moment: recorded again at each follow-up, read over time."""

    __tablename__ = "returnee_outcomes"
    __table_args__ = (
        Index("ix_returnee_outcomes_case_date", "returnee_case_id", "recorded_on"),
        # The returnee's latest record (none recorded later, nor later the same day), one at most:
        # what the returnee list counts, read without comparing every record with the others.
        Index(
            "uq_returnee_outcomes_latest",
            "returnee_case_id",
            unique=True,
            postgresql_where=text("is_latest"),
            sqlite_where=text("is_latest"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    returnee_case_id: Mapped[int] = mapped_column(ForeignKey("returnee_cases.id"))
    recorded_on: Mapped[date] = mapped_column(Date)
    documents_obtained: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_documents_obtained"), default=Answer.UNKNOWN
    )
    children_in_school: Mapped[Answer] = mapped_column(
        enum_column(Answer, "answer_children_in_school"), default=Answer.UNKNOWN
    )
    work: Mapped[WorkStatus] = mapped_column(enum_column(WorkStatus, "work_status"), default=WorkStatus.UNKNOWN)
    safety: Mapped[SafetyStatus] = mapped_column(
        enum_column(SafetyStatus, "safety_status"), default=SafetyStatus.UNKNOWN
    )
    migrated_again: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_migrated_again"), default=Answer.UNKNOWN)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OutcomeFigures(Base):
    """Where an organization's returnees stand at their latest recorded situation, counted: kept
    as each record is added (reintegration.outcomes.add_record), so that the returnee list reads
    one row rather than every returnee's latest record."""

    __tablename__ = "returnee_outcome_figures"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    recorded: Mapped[int] = mapped_column(Integer, default=0)
    documents_obtained: Mapped[int] = mapped_column(Integer, default=0)
    children_in_school: Mapped[int] = mapped_column(Integer, default=0)
    working_or_training: Mapped[int] = mapped_column(Integer, default=0)
    at_risk: Mapped[int] = mapped_column(Integer, default=0)
    migrated_again: Mapped[int] = mapped_column(Integer, default=0)
