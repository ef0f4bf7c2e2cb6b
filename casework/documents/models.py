from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.crypto import EncryptedText
from casework.db import Base, UTCDateTime, enum_column, utcnow
from casework.families.models import Family, Member


class DocumentType(enum.Enum):
    NOTICE_TO_APPEAR = "notice_to_appear"
    RELEASE_ORDER = "release_order"  # I-220A order of release on recognizance, I-220B order of supervision
    PAROLE = "parole"
    WORK_PERMIT = "work_permit"  # employment authorization document (EAD)
    TPS = "tps"
    ASYLUM_RECEIPT = "asylum_receipt"  # the I-589 receipt notice
    HEARING_NOTICE = "hearing_notice"
    SCHOOL_RECORD = "school_record"
    NATIONAL_ID = "national_id"
    BIRTH_CERTIFICATE = "birth_certificate"
    PASSPORT = "passport"
    OTHER = "other"


# Papers whose end takes a family's right to stay or to work: their expiry raises tasks.
EXPIRING_TYPES = frozenset({DocumentType.PAROLE, DocumentType.WORK_PERMIT, DocumentType.TPS})


class Document(Base):
    """A file kept for a family: sealed with its own key in the document storage under `storage_key`.
    `attached_to` names what it is about (a subject registered by a domain: "family", "release",
    "appointment"...) and `attached_id` that record. The storage holds the file before this row is
    written, and loses it only after this row's deletion is committed."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_family_uploaded", "family_id", "uploaded_at"),
        Index("ix_documents_type_expires", "document_type", "expires_on"),
        Index("ix_documents_attached", "attached_to", "attached_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    attached_to: Mapped[str] = mapped_column(String(30))
    attached_id: Mapped[int] = mapped_column(Integer)
    document_type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType, "document_type"))
    document_date: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    # The name the file had on the uploader's device: it can name the person, so it is sealed too.
    file_name: Mapped[str] = mapped_column(EncryptedText("documents.file_name"))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(32), unique=True)
    wrapped_key: Mapped[str] = mapped_column(Text)
    # Marked by the case manager: the legal partners the family is referred to may download it.
    shared_with_partners: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    family: Mapped[Family] = relationship()
    member: Mapped[Member | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
