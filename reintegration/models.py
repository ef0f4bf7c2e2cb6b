"""Returnee cases: people returned to their home country, received and followed by an in-country
organization. The household itself is a `Family` of that organization, so every record reaches
its people through the one access scope."""
from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.cases.models import Case
from casework.db import Base, TimestampMixin, enum_column
from casework.families.models import Family


class ReturnMethod(enum.Enum):
    FLIGHT = "flight"
    LAND = "land"
    OTHER = "other"


class ReturneeStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


class ReturneeCase(TimestampMixin, Base):
    __tablename__ = "returnee_cases"
    __table_args__ = (Index("ix_returnee_cases_org_status", "organization_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[ReturneeStatus] = mapped_column(enum_column(ReturneeStatus, "returnee_status"),
                                                   default=ReturneeStatus.OPEN)
    country: Mapped[str] = mapped_column(String(2))
    returned_on: Mapped[date] = mapped_column(Date)
    method: Mapped[ReturnMethod] = mapped_column(enum_column(ReturnMethod, "return_method"))
    arrival_point: Mapped[str | None] = mapped_column(String(200))
    reception_center: Mapped[str | None] = mapped_column(String(200))
    division: Mapped[str | None] = mapped_column(String(120))        # ISO 3166-2 code, or typed
    municipality: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))            # in-country, E.164
    notes: Mapped[str | None] = mapped_column(Text)
    # The hand-over from a US case: the family's consent, and the link between the two records.
    us_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    # The in-country organization's own case for the household: its tasks (follow-ups) and notes.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    consent_on: Mapped[date | None] = mapped_column(Date)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    family: Mapped[Family] = relationship()
    us_case: Mapped[Case | None] = relationship(foreign_keys=[us_case_id])
    case: Mapped[Case | None] = relationship(foreign_keys=[case_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    relatives: Mapped[list["RelativeInUS"]] = relationship(cascade="all, delete-orphan",
                                                           order_by="RelativeInUS.id")


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
    has_national_id: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_has_national_id"), default=Answer.UNKNOWN)
    children_birth_certificates: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_children_birth_certificates"),
                                                                default=Answer.UNKNOWN)
    us_born_children: Mapped[bool] = mapped_column(default=False)
    has_shelter: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_has_shelter"), default=Answer.UNKNOWN)
    health_needs: Mapped[str | None] = mapped_column(Text)
    psychosocial_support: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_psychosocial_support"),
                                                         default=Answer.UNKNOWN)
    safe_at_destination: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_safe_at_destination"),
                                                        default=Answer.UNKNOWN)
    threatened_by: Mapped[str | None] = mapped_column(Text)
    persecutors_are_officials: Mapped[bool] = mapped_column(default=False)
    separation_or_custody: Mapped[str | None] = mapped_column(Text)
    children_enrolled: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_children_enrolled"), default=Answer.UNKNOWN)
    us_school_records: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_us_school_records"), default=Answer.UNKNOWN)
    work_skills: Mapped[str | None] = mapped_column(Text)
    cash_needs: Mapped[Answer] = mapped_column(enum_column(Answer, "answer_cash_needs"), default=Answer.UNKNOWN)
    legal_remedies: Mapped[str | None] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
