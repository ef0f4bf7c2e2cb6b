"""The reintegration domain's public face: what reports (or a later domain) may use. The rest of
the package is reintegration's own; the import contracts in pyproject.toml hold that line."""

from __future__ import annotations

from reintegration.forms import REFERRAL_STATUSES, SERVICES
from reintegration.models import (
    Answer,
    OutcomeRecord,
    Referral,
    ReferralStatus,
    ReturneeCase,
    SafetyStatus,
    Service,
    WorkStatus,
)
from reintegration.services import is_reintegration_staff

__all__ = [
    "REFERRAL_STATUSES",
    "SERVICES",
    "Answer",
    "OutcomeRecord",
    "Referral",
    "ReferralStatus",
    "ReturneeCase",
    "SafetyStatus",
    "Service",
    "WorkStatus",
    "is_reintegration_staff",
]
