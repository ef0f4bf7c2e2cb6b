from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.db import Base, TimestampMixin, enum_column


class ReleasingAgency(enum.Enum):
    CBP = "cbp"
    ICE = "ice"
    ORR = "orr"


class ReleaseType(enum.Enum):
    PAROLE = "parole"
    RECOGNIZANCE = "recognizance"
    NOTICE_TO_APPEAR = "notice_to_appear"
    ATD_ENROLLMENT = "atd_enrollment"


class DocumentKind(enum.Enum):
    NOTICE_TO_APPEAR = "notice_to_appear"
    ORDER_OF_RECOGNIZANCE = "order_of_recognizance"
    PAROLE_DOCUMENT = "parole_document"
    I94 = "i94"
    ATD_ENROLLMENT = "atd_enrollment"
    ORR_RELEASE = "orr_release"
    OTHER = "other"


class Release(TimestampMixin, Base):
    """A release from custody, of one member or (member empty) of the whole household."""

    __tablename__ = "releases"
    __table_args__ = (Index("ix_releases_family_released", "family_id", "released_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    arrived_on: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date] = mapped_column(Date)
    agency: Mapped[ReleasingAgency] = mapped_column(enum_column(ReleasingAgency, "releasing_agency"))
    release_type: Mapped[ReleaseType] = mapped_column(enum_column(ReleaseType, "release_type"))
    facility: Mapped[str | None] = mapped_column(String(200))
    destination: Mapped[str | None] = mapped_column(String(200))
    sponsor_name: Mapped[str | None] = mapped_column(String(200))
    sponsor_relationship: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)

    documents: Mapped[list[ReleaseDocument]] = relationship(cascade="all, delete-orphan", order_by="ReleaseDocument.id")


class ReleaseDocument(Base):
    __tablename__ = "release_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    received_on: Mapped[date | None] = mapped_column(Date)
    # Marked by the case manager: legal partners working on the case may see that it exists.
    shared_with_partners: Mapped[bool] = mapped_column(Boolean, default=False)
