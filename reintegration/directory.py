"""The directory of service providers an in-country organization refers people to: NGOs,
municipal offices, government programs, by country, department and municipality."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.errors import ValidationError
from casework.families.identifiers import format_phone, parse_phone
from casework.i18n import LANGUAGES
from casework.i18n import lazy_gettext as _l
from reintegration.divisions import DIVISIONS, municipality_key, resolve_place
from reintegration.models import (
    PUBLIC_PROVIDER_KINDS,
    Provider,
    ProviderKind,
    ProviderService,
    Service,
    language_codes_of,
)


@dataclass
class ProviderData:
    name: str
    kind: ProviderKind
    country: str
    services: list[Service]
    division: str | None = None
    municipality: str | None = None  # as typed: a municipality, or in El Salvador a district
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    contact_person: str | None = None
    languages: list[str] = field(default_factory=list)
    notes: str | None = None
    active: bool = True


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def save_provider(session: Session, user: User, provider: Provider | None, data: ProviderData) -> Provider:
    if not _clean(data.name):
        raise ValidationError(str(_l("Give the provider's name.")), "name")
    if len(data.country or "") != 2:
        raise ValidationError(str(_l("Choose the country.")), "country")
    known = DIVISIONS.get(data.country)
    if known and data.division and data.division not in {code for code, _ in known}:
        raise ValidationError(str(_l("Choose a department or state of the provider's country.")), "division")
    if not data.services:
        raise ValidationError(str(_l("Choose at least one service the provider offers.")), "services")
    unknown = [code for code in data.languages if code not in LANGUAGES]
    if unknown:
        raise ValidationError(str(_l("Choose languages from the list.")), "languages")
    place = resolve_place(data.country, data.division or None, data.municipality)
    phone_text = _clean(data.phone)
    phone = parse_phone(phone_text, "phone", region=data.country) if phone_text else None
    provider = provider or Provider(organization_id=user.organization_id)
    provider.name, provider.kind, provider.country = data.name.strip(), data.kind, data.country
    provider.division, provider.municipality, provider.district = place.division, place.municipality, place.district
    for name in ("address", "email", "contact_person", "notes"):
        setattr(provider, name, _clean(getattr(data, name)))
    provider.phone = phone
    provider.languages = " ".join(dict.fromkeys(data.languages)) or None
    provider.active = data.active
    wanted = list(dict.fromkeys(data.services))
    provider.services = [s for s in provider.services if s.service in wanted] + [
        ProviderService(service=s) for s in wanted if s not in provider.offered
    ]
    is_new = provider.id is None
    session.add(provider)
    session.flush()
    record(session, user, AuditAction.CREATE if is_new else AuditAction.CHANGE, "provider", provider.id)
    session.flush()
    return provider


def select_providers(user: User) -> Select:
    """The organization's own directory (the same rule as the access scope's `scoped_owned`)."""
    from casework.access import scoped_owned

    return scoped_owned(Provider, user)


@dataclass(frozen=True)
class DirectoryFilter:
    country: str | None = None
    division: str | None = None
    service: Service | None = None
    include_inactive: bool = False


def directory_query(scope: Select, wanted: DirectoryFilter) -> Select:
    stmt = scope
    if wanted.country:
        stmt = stmt.where(Provider.country == wanted.country)
    if wanted.division:
        stmt = stmt.where(Provider.division == wanted.division)
    if wanted.service is not None:
        stmt = stmt.where(
            Provider.id.in_(select(ProviderService.provider_id).where(ProviderService.service == wanted.service))
        )
    if not wanted.include_inactive:
        stmt = stmt.where(Provider.active.is_(True))
    return stmt


@lru_cache(maxsize=4096)  # a provider's number is its office's, public: the directory writes 50 a page
def provider_phone(e164: str) -> str:
    return format_phone(e164)


def directory_page(
    session: Session, scope: Select, wanted: DirectoryFilter, page: int, per_page: int
) -> tuple[list[Provider], bool]:
    stmt = (
        directory_query(scope, wanted)
        .options(selectinload(Provider.services))
        .order_by(Provider.country, Provider.division, Provider.municipality, Provider.name, Provider.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(session.scalars(stmt))
    return rows[:per_page], len(rows) > per_page


SUGGESTED = (
    Provider.id,
    Provider.name,
    Provider.kind,
    Provider.country,
    Provider.division,
    Provider.municipality,
    Provider.district,
    Provider.languages,
)


@dataclass(frozen=True)
class Suggestion:
    provider: Any  # a row of SUGGESTED: a provider's id, name, kind, place and languages
    where: str  # "municipality", "division" or "country": how close to the person
    speaks_language: bool
    same_district: bool  # El Salvador: in the person's very district, first among their municipality's
    public_barred: bool  # a public office, and the persecutors are officials


def suggestions(
    session: Session,
    scope: Select,
    service: Service,
    country: str,
    division: str | None,
    municipality: str | None,
    language: str | None,
    officials_persecute: bool,
    limit: int = 30,
    district: str | None = None,
) -> list[Suggestion]:
    """Providers of a service in the person's country, nearest first (their municipality, then their
    department, then anywhere in the country), those who speak their language first within each.
    Municipalities are compared as El Salvador counts them since 2024: someone from Mejicanos is in
    the municipality of a provider in San Salvador Centro or in Ayutuxtepeque, another of its
    districts. When the persecutors are police or officials, public offices are shown as barred."""
    # The columns a suggestion is ranked by and shows, not up to 500 providers whole: a form lists 30.
    stmt = directory_query(scope, DirectoryFilter(country=country, service=service)).with_only_columns(*SUGGESTED)
    found = []
    theirs = municipality_key(country, division, municipality) if municipality else None
    for provider in session.execute(stmt.limit(500)):
        if (
            theirs
            and provider.municipality
            and municipality_key(provider.country, provider.division, provider.municipality) == theirs
            and (not division or not provider.division or provider.division == division)
        ):
            where = "municipality"
        elif division and provider.division == division:
            where = "division"
        else:
            where = "country"
        found.append(
            Suggestion(
                provider,
                where,
                bool(language and language in language_codes_of(provider.languages)),
                bool(where == "municipality" and district and provider.district == district),
                officials_persecute and provider.kind in PUBLIC_PROVIDER_KINDS,
            )
        )
    rank = {"municipality": 0, "division": 1, "country": 2}
    found.sort(
        key=lambda s: (s.public_barred, rank[s.where], not s.speaks_language, not s.same_district, s.provider.name)
    )
    return found[:limit]
