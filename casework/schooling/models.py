from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, TimestampMixin, enum_column


class EnrollmentStatus(enum.Enum):
    NOT_STARTED = "not_started"
    DOCUMENTS_REQUESTED = "documents_requested"
    ENROLLED = "enrolled"
    BARRIER = "barrier"


class Barrier(enum.Enum):
    PROOF_OF_RESIDENCY = "proof_of_residency"
    VACCINATION_RECORDS = "vaccination_records"
    BIRTH_CERTIFICATE = "birth_certificate"
    PRIOR_SCHOOL_RECORDS = "prior_school_records"
    LANGUAGE = "language"
    AGE_OR_GRADE_PLACEMENT = "age_or_grade_placement"
    TRANSPORTATION = "transportation"
    OTHER = "other"


SCHOOL_AGE_MIN = 5
SCHOOL_AGE_MAX = 18


class SchoolEnrollment(TimestampMixin, Base):
    """The enrollment of one child; a school-age child without a row has not started."""

    __tablename__ = "school_enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), unique=True)
    status: Mapped[EnrollmentStatus] = mapped_column(enum_column(EnrollmentStatus, "enrollment_status"))
    barrier: Mapped[Barrier | None] = mapped_column(enum_column(Barrier, "enrollment_barrier"))
    barrier_notes: Mapped[str | None] = mapped_column(Text)
    district: Mapped[str | None] = mapped_column(String(200))
    school: Mapped[str | None] = mapped_column(String(200))
    grade: Mapped[str | None] = mapped_column(String(20))
    enrolled_on: Mapped[date | None] = mapped_column(Date)
    english_learner_services: Mapped[bool] = mapped_column(Boolean, default=False)
