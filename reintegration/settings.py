"""An in-country organization's settings: its country (and so its staff's default language), the
days after a return on which follow-ups fall, and where and at what time they are held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import Organization, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l
from reintegration.models import InCountrySettings

DEFAULT_FOLLOW_UP_DAYS = (7, 30, 90, 180)
DEFAULT_FOLLOW_UP_TIME = time(10, 0)
MAX_FOLLOW_UP_DAY = 730
# Interface language of the staff of an organization in each country, before a person chooses.
FRENCH_COUNTRIES = frozenset({"HT"})
SPANISH_COUNTRIES = frozenset(
    {"GT", "HN", "SV", "MX", "NI", "CR", "PA", "CO", "VE", "EC", "PE", "BO", "CL", "AR", "UY", "PY", "DO", "CU"}
)
# An organization that never said its country: its clock tells the countries people return to most.
ZONE_COUNTRIES = {
    "America/Guatemala": "GT",
    "America/Tegucigalpa": "HN",
    "America/El_Salvador": "SV",
    "America/Mexico_City": "MX",
    "America/Port-au-Prince": "HT",
}


@dataclass(frozen=True)
class Settings:
    country: str | None
    follow_up_days: tuple[int, ...]
    follow_up_time: time
    follow_up_place: str


def parse_days(text: str | None) -> tuple[int, ...]:
    """ "7, 30 90" -> (7, 30, 90): whole days after the return, each once, in order."""
    parts = (text or "").replace(",", " ").split()
    if not parts:
        raise ValidationError(str(_l("Give at least one day, for example 7 30 90 180.")), "follow_up_days")
    try:
        days = sorted({int(p) for p in parts})
    except ValueError:
        raise ValidationError(
            str(_l("Give whole numbers of days separated by spaces, for example 7 30 90 180.")), "follow_up_days"
        ) from None
    if days[0] < 1 or days[-1] > MAX_FOLLOW_UP_DAY:
        raise ValidationError(
            str(_l("Each day must be between 1 and %(most)d after the return.", most=MAX_FOLLOW_UP_DAY)),
            "follow_up_days",
        )
    return tuple(days)


def _row(session: Session, organization_id: int) -> InCountrySettings | None:
    return session.scalars(
        select(InCountrySettings).where(InCountrySettings.organization_id == organization_id)
    ).first()


def settings_for(session: Session, organization: Organization) -> Settings:
    row = _row(session, organization.id)
    if row is None:
        return Settings(
            ZONE_COUNTRIES.get(organization.timezone), DEFAULT_FOLLOW_UP_DAYS, DEFAULT_FOLLOW_UP_TIME, organization.name
        )
    return Settings(
        row.country or ZONE_COUNTRIES.get(organization.timezone),
        parse_days(row.follow_up_days),
        row.follow_up_time,
        row.follow_up_place or organization.name,
    )


def save_settings(
    session: Session,
    user: User,
    organization: Organization,
    country: str | None,
    follow_up_days: str,
    follow_up_time: time,
    follow_up_place: str | None,
) -> Settings:
    days = parse_days(follow_up_days)
    if country is not None and len(country) != 2:
        raise ValidationError(str(_l("Choose the country.")), "country")
    row = _row(session, organization.id) or InCountrySettings(organization_id=organization.id)
    row.country = country
    row.follow_up_days = " ".join(str(d) for d in days)
    row.follow_up_time = follow_up_time
    row.follow_up_place = (follow_up_place or "").strip() or None
    session.add(row)
    session.flush()
    record(session, user, AuditAction.CHANGE, "organization", organization.id, None, detail="in-country settings")
    session.flush()
    return settings_for(session, organization)


def default_locale(session: Session, user: User) -> str | None:
    """Spanish for staff in Central America and Mexico, French in Haiti; English stays a choice."""
    country = settings_for(session, user.organization).country
    if country in FRENCH_COUNTRIES:
        return "fr"
    if country in SPANISH_COUNTRIES:
        return "es"
    return None
