"""Releases from custody and the documents received with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.errors import ValidationError
from casework.families.models import Family
from casework.forms_common import blank_to_none
from casework.i18n import lazy_gettext as _l
from casework.releases.models import DocumentKind, Release, ReleaseDocument, ReleaseType, ReleasingAgency


@dataclass
class ReleaseData:
    released_on: date
    agency: ReleasingAgency
    release_type: ReleaseType
    member_id: int | None = None
    arrived_on: date | None = None
    facility: str | None = None
    destination: str | None = None
    sponsor_name: str | None = None
    sponsor_relationship: str | None = None
    notes: str | None = None


def _check(family: Family, data: ReleaseData, today: date) -> None:
    if data.member_id is not None and data.member_id not in {m.id for m in family.members}:
        raise ValidationError(str(_l("Choose a member of this household.")), "member_id")
    if data.released_on > today:
        raise ValidationError(str(_l("The release date cannot be in the future.")), "released_on")
    if data.arrived_on and data.arrived_on > data.released_on:
        raise ValidationError(str(_l("Arrival comes before release.")), "arrived_on")


def _apply(release: Release, data: ReleaseData) -> list[str]:
    changed = []
    values = {
        "member_id": data.member_id,
        "arrived_on": data.arrived_on,
        "released_on": data.released_on,
        "agency": data.agency,
        "release_type": data.release_type,
        "facility": blank_to_none(data.facility),
        "destination": blank_to_none(data.destination),
        "sponsor_name": blank_to_none(data.sponsor_name),
        "sponsor_relationship": blank_to_none(data.sponsor_relationship),
        "notes": blank_to_none(data.notes),
    }
    for attr, value in values.items():
        if getattr(release, attr) != value:
            setattr(release, attr, value)
            changed.append(attr)
    return changed


def create_release(session: Session, user: User, family: Family, data: ReleaseData, today: date) -> Release:
    return create_releases(session, user, [(family, data)], today)[0]


def create_releases(
    session: Session, user: User, releases: Sequence[tuple[Family, ReleaseData]], today: date
) -> list[Release]:
    """Release records of several families (each checked first), in one flush."""
    for family, data in releases:
        _check(family, data, today)
    made = []
    for family, data in releases:
        release = Release(family_id=family.id)
        _apply(release, data)
        made.append(release)
    session.add_all(made)
    session.flush()
    for release, (family, _data) in zip(made, releases, strict=True):
        record(session, user, AuditAction.CREATE, "release", release.id, family.id)
    session.flush()
    return made


def update_release(
    session: Session, user: User, release: Release, family: Family, data: ReleaseData, today: date
) -> None:
    _check(family, data, today)
    changed = _apply(release, data)
    if changed:
        record(session, user, AuditAction.CHANGE, "release", release.id, family.id, detail=", ".join(changed))
    session.flush()


def add_document(
    session: Session, user: User, release: Release, kind: DocumentKind, received_on: date | None, today: date
) -> ReleaseDocument:
    if received_on and received_on > today:
        raise ValidationError(str(_l("The date received cannot be in the future.")), "received_on")
    document = ReleaseDocument(release_id=release.id, kind=kind, received_on=received_on)
    session.add(document)
    session.flush()
    record(
        session,
        user,
        AuditAction.CHANGE,
        "release",
        release.id,
        release.family_id,
        detail=f"document added: {kind.value}",
    )
    session.flush()
    return document


def remove_document(session: Session, user: User, document: ReleaseDocument) -> int:
    release = session.get(Release, document.release_id)
    assert release is not None
    session.delete(document)
    record(
        session,
        user,
        AuditAction.CHANGE,
        "release",
        release.id,
        release.family_id,
        detail=f"document removed: {document.kind.value}",
    )
    session.flush()
    return release.family_id


def set_document_shared(session: Session, user: User, document: ReleaseDocument, shared: bool) -> None:
    release = session.get(Release, document.release_id)
    assert release is not None
    document.shared_with_partners = shared
    record(
        session,
        user,
        AuditAction.CHANGE,
        "release",
        release.id,
        release.family_id,
        detail=f"document {'shared with' if shared else 'withdrawn from'} legal partners: {document.kind.value}",
    )
    session.flush()


def anonymize_releases(session: Session, family_id: int) -> None:
    session.execute(
        update(Release)
        .where(Release.family_id == family_id)
        .values(facility=None, destination=None, sponsor_name=None, sponsor_relationship=None, notes=None)
    )
