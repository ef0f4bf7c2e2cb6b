from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import Organization

if TYPE_CHECKING:
    from casework.releases.models import Release
    from casework.schooling.models import SchoolEnrollment
from casework.crypto import EncryptedString
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow


class Relationship(enum.Enum):
    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    STEPCHILD = "stepchild"
    GRANDCHILD = "grandchild"
    PARENT = "parent"
    SIBLING = "sibling"
    NIECE_NEPHEW = "niece_nephew"
    OTHER_RELATIVE = "other_relative"
    NOT_RELATED = "not_related"


class Vulnerability(enum.Enum):
    UNACCOMPANIED_CHILD = "unaccompanied_child"
    SEPARATED_CHILD = "separated_child"
    SINGLE_FEMALE_HEAD = "single_female_head"
    PREGNANCY = "pregnancy"
    DISABILITY_OR_MEDICAL = "disability_or_medical"
    GBV_SURVIVOR = "gbv_survivor"
    TRAFFICKING_INDICATORS = "trafficking_indicators"
    INDIGENOUS = "indigenous"
    AFRO_DESCENDANT = "afro_descendant"
    LGBTQI = "lgbtqi"


class PhoneKind(enum.Enum):
    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"
    SPONSOR = "sponsor"
    OTHER = "other"


class ConsentKind(enum.Enum):
    SMS_REMINDERS = "sms_reminders"
    EMAIL_REMINDERS = "email_reminders"
    LEGAL_SHARING = "legal_sharing"


def joined_name(given_names: str, first_surname: str, second_surname: str | None) -> str:
    """A member's name as written everywhere: given names, then the surnames."""
    return " ".join(p for p in (given_names, first_surname, second_surname) if p)


class Family(TimestampMixin, Base):
    """A household followed by a program. `display_name` and `sort_key` follow the head member."""

    __tablename__ = "families"
    __table_args__ = (
        Index("ix_families_program_sort", "program_id", "sort_key", "id"),
        # A program's households in id order, read from the index alone: the join of a program's
        # records (facts, cases, dates) to their households.
        Index("ix_families_program_id", "program_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    display_name: Mapped[str] = mapped_column(String(300), default="")
    sort_key: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The day the household first appeared on the retention warning list (see casework.retention).
    retention_warned_on: Mapped[date | None] = mapped_column(Date)

    program: Mapped[Organization] = relationship()
    members: Mapped[list[Member]] = relationship(
        back_populates="family", order_by="Member.id", cascade="all, delete-orphan"
    )
    addresses: Mapped[list[Address]] = relationship(
        back_populates="family",
        order_by="Address.moved_in_on.desc(), Address.id.desc()",
        cascade="all, delete-orphan",
    )
    # Releases from custody, latest first (casework.releases), read on the family page with the family.
    releases: Mapped[list[Release]] = relationship(
        viewonly=True, order_by="Release.released_on.desc(), Release.id.desc()"
    )


class Member(TimestampMixin, Base):
    __tablename__ = "members"
    __table_args__ = (
        Index("ix_members_family_birth", "family_id", "date_of_birth"),
        Index("ix_members_family_head", "family_id", "relationship_to_head", "preferred_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    given_names: Mapped[str] = mapped_column(String(120))
    first_surname: Mapped[str] = mapped_column(String(80))
    second_surname: Mapped[str | None] = mapped_column(String(80))
    preferred_name: Mapped[str | None] = mapped_column(String(120))
    date_of_birth: Mapped[date | None] = mapped_column(Date, index=True)
    birth_date_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    relationship_to_head: Mapped[Relationship] = mapped_column(enum_column(Relationship, "relationship_to_head"))
    # Encrypted at rest; found through `a_number_index` (families.services.a_number_index).
    a_number: Mapped[str | None] = mapped_column(EncryptedString("members.a_number"))
    a_number_index: Mapped[str | None] = mapped_column(String(64), index=True)
    country_of_birth: Mapped[str | None] = mapped_column(String(2))
    preferred_language: Mapped[str | None] = mapped_column(String(3))
    needs_interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))

    family: Mapped[Family] = relationship(back_populates="members")
    languages: Mapped[list[MemberLanguage]] = relationship(cascade="all, delete-orphan", order_by="MemberLanguage.code")
    phones: Mapped[list[Phone]] = relationship(cascade="all, delete-orphan", order_by="Phone.id")
    vulnerabilities: Mapped[list[MemberVulnerability]] = relationship(
        cascade="all, delete-orphan", order_by="MemberVulnerability.flag"
    )
    consents: Mapped[list[Consent]] = relationship(
        cascade="all, delete-orphan", order_by="Consent.given_on.desc(), Consent.id.desc()"
    )
    # A school-age child's enrollment (casework.schooling), read on the family page with the member.
    school_enrollment: Mapped[SchoolEnrollment | None] = relationship(viewonly=True, uselist=False)

    @property
    def full_name(self) -> str:
        return joined_name(self.given_names, self.first_surname, self.second_surname)


class MemberLanguage(Base):
    """A language a member speaks, as an ISO 639-3 code."""

    __tablename__ = "member_languages"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(3), primary_key=True)


class Phone(Base):
    __tablename__ = "phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    kind: Mapped[PhoneKind] = mapped_column(enum_column(PhoneKind, "phone_kind"))


class MemberVulnerability(Base):
    __tablename__ = "member_vulnerabilities"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    flag: Mapped[Vulnerability] = mapped_column(enum_column(Vulnerability, "vulnerability"), primary_key=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)


class Consent(TimestampMixin, Base):
    """Consent a member gave for one purpose; revoking keeps the record."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_kind_revoked", "kind", "revoked_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(enum_column(ConsentKind, "consent_kind"))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def active(self) -> bool:
        return self.revoked_on is None


class NameToken(Base):
    """One accent-free, lower-case word of a member's names: the index behind name search."""

    __tablename__ = "name_tokens"
    # Covers the prefix lookups of search: within a program, token range -> member and family, from
    # the index alone, so that a search reads its own program's tokens only; the second serves
    # searches across programs (a legal partner's referred families).
    __table_args__ = (
        Index("ix_name_tokens_program_token", "program_id", "token", "member_id", "family_id"),
        Index("ix_name_tokens_token", "token", "member_id", "family_id"),
    )

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(80), primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))  # the family's, copied


class Address(Base):
    """A US address of the household; the one without `moved_out_on` is current."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(10))
    moved_in_on: Mapped[date] = mapped_column(Date)
    moved_out_on: Mapped[date | None] = mapped_column(Date)
    # The household's clock while they live here (see casework.families.zones): reminders use it.
    timezone: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notes: Mapped[str | None] = mapped_column(Text)

    family: Mapped[Family] = relationship(back_populates="addresses")

    @property
    def one_line(self) -> str:
        street = ", ".join(p for p in (self.line1, self.line2) if p)
        return f"{street}, {self.city}, {self.state} {self.postal_code}"
