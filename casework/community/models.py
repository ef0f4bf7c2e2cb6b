from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, TimestampMixin, enum_column


class ServiceCategory(enum.Enum):
    MEDICAL = "medical"
    MENTAL_HEALTH = "mental_health"
    HOUSING = "housing"
    FOOD = "food"
    ENGLISH_CLASSES = "english_classes"
    EMPLOYMENT = "employment"
    OTHER = "other"


class ReferralStatus(enum.Enum):
    REFERRED = "referred"
    APPOINTMENT_SET = "appointment_set"
    RECEIVING_SERVICES = "receiving_services"
    COMPLETED = "completed"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"


class ServiceReferral(TimestampMixin, Base):
    __tablename__ = "service_referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    category: Mapped[ServiceCategory] = mapped_column(enum_column(ServiceCategory, "service_category"))
    provider: Mapped[str] = mapped_column(String(200))
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus, "service_referral_status"))
    referred_on: Mapped[date] = mapped_column(Date)
    status_changed_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
