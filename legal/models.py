"""Legal partner organizations, referrals of cases to them, representation, and legal notes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import Organization, User
from casework.cases.models import Case
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from casework.families.models import Member


class PartnerKind(enum.Enum):
    NONPROFIT = "nonprofit"
    LAW_SCHOOL_CLINIC = "law_school_clinic"
    PRO_BONO_FIRM = "pro_bono_firm"
    OTHER = "other"


class PartnerProfile(TimestampMixin, Base):
    """What a legal partner organization offers: kind, reach, languages, capacity and contact."""

    __tablename__ = "partner_profiles"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind, "partner_kind"))
    capacity: Mapped[int] = mapped_column(default=0)  # open cases they can take
    states: Mapped[str] = mapped_column(String(200), default="")  # "IL IN WI"
    languages: Mapped[str] = mapped_column(String(200), default="")  # ISO 639-3 codes: "spa eng"
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(20))

    organization: Mapped[Organization] = relationship(lazy="joined")
    courts: Mapped[list[PartnerCourt]] = relationship(cascade="all, delete-orphan")

    @property
    def state_list(self) -> list[str]:
        return self.states.split()

    @property
    def language_list(self) -> list[str]:
        return self.languages.split()


class PartnerCourt(Base):
    __tablename__ = "partner_courts"

    organization_id: Mapped[int] = mapped_column(ForeignKey("partner_profiles.organization_id"), primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("courts.id"), primary_key=True, index=True)


class ReferralStatus(enum.Enum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CLOSED = "closed"


OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class Representation(enum.Enum):
    NONE = "none"
    CONSULTATION = "consultation"
    REPRESENTING = "representing"
    WITHDRAWN = "withdrawn"


class Referral(TimestampMixin, Base):
    """A case (some of its household) referred to one legal partner organization."""

    __tablename__ = "legal_referrals"
    __table_args__ = (
        Index("ix_legal_referrals_partner_status", "partner_id", "status"),
        Index("ix_legal_referrals_case_status", "case_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus, "legal_referral_status"))
    representation: Mapped[Representation] = mapped_column(
        enum_column(Representation, "representation"), default=Representation.NONE
    )
    appearance_filed_on: Mapped[date | None] = mapped_column(Date)  # the notice of appearance (EOIR-28)
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    message: Mapped[str | None] = mapped_column(Text)  # the case manager's note to the partner
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    partner: Mapped[Organization] = relationship()
    people: Mapped[list[ReferralMember]] = relationship(
        cascade="all, delete-orphan", order_by="ReferralMember.member_id"
    )
    events: Mapped[list[ReferralEvent]] = relationship(
        cascade="all, delete-orphan", order_by="ReferralEvent.at, ReferralEvent.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReferralMember(Base):
    __tablename__ = "legal_referral_members"

    referral_id: Mapped[int] = mapped_column(ForeignKey("legal_referrals.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True, index=True)

    member: Mapped[Member] = relationship()


class ReferralEventKind(enum.Enum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REPRESENTATION = "representation"
    CLOSED = "closed"


class ReferralEvent(Base):
    """One step of a referral's timeline: who did what, when."""

    __tablename__ = "legal_referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("legal_referrals.id"), index=True)
    kind: Mapped[ReferralEventKind] = mapped_column(enum_column(ReferralEventKind, "legal_referral_event"))
    detail: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship()


class LegalNote(Base):
    """A note about the legal work, read by the partner and the program alike (unlike case notes)."""

    __tablename__ = "legal_notes"
    __table_args__ = (Index("ix_legal_notes_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
    organization: Mapped[Organization] = relationship()
