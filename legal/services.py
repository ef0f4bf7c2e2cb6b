"""Legal partners: profiles and suggestions, the referral workflow, representation, legal notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import ColumnElement, Exists, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from casework.accounts.models import Organization, OrganizationKind, Role, User
from casework.accounts.services import add_account
from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import record
from casework.cases.models import Case, CaseStatus
from casework.cases.services import held_through_cases, of_family_cases
from casework.db import AnyRow, utcnow
from casework.documents.models import Document
from casework.errors import Conflict, NotAllowed, ValidationError
from casework.families.models import Consent, ConsentKind, Family, Member
from casework.i18n import lazy_gettext as _l
from legal.models import (
    OPEN_STATUSES,
    LegalNote,
    PartnerCourt,
    PartnerKind,
    PartnerProfile,
    Referral,
    ReferralEvent,
    ReferralEventKind,
    ReferralMember,
    ReferralStatus,
    Representation,
)
from scheduling.api import Appointment, AppointmentKind, AppointmentStatus, is_zone, queue_email

UNANSWERED_AFTER = timedelta(days=5)
MERITS_WITHIN_DAYS = 60


# Who may see what -------------------------------------------------------------------------------


def is_partner(user: User) -> bool:
    return user.role is Role.LEGAL_PARTNER and user.organization.kind is OrganizationKind.LEGAL_PARTNER


def sharing_consented() -> ColumnElement[bool]:
    """SQL on `Family`: someone in the household consents, now, to sharing with legal partners."""
    return exists(
        select(Consent.id)
        .join(Member, Consent.member_id == Member.id)
        .where(Member.family_id == Family.id, Consent.kind == ConsentKind.LEGAL_SHARING, Consent.revoked_on.is_(None))
    )


def partner_families(user: User) -> ColumnElement[bool]:
    """The families of the cases referred to the user's organization and not declined or closed,
    while the family's consent to share stands: revoking it ends every partner's access at once."""
    referred = (
        select(Case.family_id)
        .join(Referral, Referral.case_id == Case.id)
        .where(Referral.partner_id == user.organization_id, Referral.status.in_(OPEN_STATUSES))
    )
    return and_(Family.id.in_(referred), sharing_consented())


def own_referrals(user: User) -> ColumnElement[bool]:
    return and_(Referral.partner_id == user.organization_id, Referral.status.in_(OPEN_STATUSES))


# Documents about a referral are attached to this subject (legal/documents.py).
LEGAL_REFERRAL_SUBJECT = "legal_referral"


def shared_documents(user: User) -> ColumnElement[bool]:
    """The documents a partner may download: those the case manager shared, except the papers of
    another partner's referral of the same family."""
    own = select(Referral.id).where(Referral.partner_id == user.organization_id)
    return and_(
        Document.shared_with_partners.is_(True),
        or_(Document.attached_to != LEGAL_REFERRAL_SUBJECT, Document.attached_id.in_(own)),
    )


# Partners ---------------------------------------------------------------------------------------


def partners(session: Session) -> list[PartnerProfile]:
    stmt = (
        select(PartnerProfile)
        .join(Organization, PartnerProfile.organization_id == Organization.id)
        .options(selectinload(PartnerProfile.courts))
        .order_by(Organization.name)
    )
    return list(session.scalars(stmt))


@dataclass
class ProfileData:
    kind: PartnerKind
    capacity: int
    states: list[str]
    languages: list[str]
    court_ids: list[int]
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None


def save_profile(session: Session, user: User, organization: Organization, data: ProfileData) -> PartnerProfile:
    if organization.kind is not OrganizationKind.LEGAL_PARTNER:
        raise ValidationError(str(_l("Only a legal partner organization has a partner profile.")))
    if data.capacity < 0:
        raise ValidationError(str(_l("Capacity cannot be negative.")), "capacity")
    profile = session.get(PartnerProfile, organization.id)
    if profile is None:
        profile = PartnerProfile(organization_id=organization.id)
        session.add(profile)
    profile.kind, profile.capacity = data.kind, data.capacity
    profile.states = " ".join(sorted(set(data.states)))
    profile.languages = " ".join(sorted(set(data.languages)))
    profile.contact_name, profile.contact_email, profile.contact_phone = (
        data.contact_name,
        data.contact_email,
        data.contact_phone,
    )
    profile.courts = [PartnerCourt(court_id=court_id) for court_id in sorted(set(data.court_ids))]
    session.flush()
    record(session, user, AuditAction.CHANGE, "partner_profile", organization.id)
    session.flush()
    return profile


@dataclass
class NewPartnerOrganization:
    """A legal partner organization as it is set up, with its first account (who manages the others)."""

    name: str
    timezone: str
    kind: PartnerKind
    capacity: int
    email: str
    full_name: str
    password: str


def create_partner_organization(
    session: Session, actor: User | None, data: NewPartnerOrganization
) -> tuple[Organization, User]:
    """The organization, its profile and its first account, checked like every account."""
    name = " ".join((data.name or "").split())
    if not name:
        raise ValidationError(str(_l("Give the organization's name.")), "name")
    if session.scalar(select(Organization.id).where(func.lower(Organization.name) == name.lower())) is not None:
        raise ValidationError(str(_l("An organization with this name already exists.")), "name")
    if not is_zone(data.timezone):
        raise ValidationError(str(_l("Choose a time zone such as America/Chicago.")), "timezone")
    if data.capacity < 0:
        raise ValidationError(str(_l("Capacity cannot be negative.")), "capacity")
    organization = Organization(name=name, kind=OrganizationKind.LEGAL_PARTNER, timezone=data.timezone)
    session.add(organization)
    session.flush()
    record(session, actor, AuditAction.CREATE, "organization", organization.id)
    user = add_account(
        session,
        actor,
        email=data.email,
        full_name=data.full_name,
        role=Role.LEGAL_PARTNER,
        organization_id=organization.id,
        password=data.password,
        manages_organization=True,
    )
    session.add(
        PartnerProfile(
            organization_id=organization.id,
            kind=data.kind,
            capacity=data.capacity,
            contact_name=user.full_name,
            contact_email=user.email,
        )
    )
    session.flush()
    return organization, user


def open_load(session: Session) -> dict[int, int]:
    """Open (sent or accepted) referrals per partner organization."""
    rows = session.execute(
        select(Referral.partner_id, func.count(Referral.id))
        .where(Referral.status.in_(OPEN_STATUSES))
        .group_by(Referral.partner_id)
    )
    return dict(rows.all())


@dataclass
class Suggestion:
    profile: PartnerProfile
    covers_court: bool
    speaks: bool
    room: int

    @property
    def score(self) -> tuple[bool, bool, bool, int]:
        return (self.room > 0, self.covers_court, self.speaks, self.room)


def suggest(session: Session, case: Case) -> list[Suggestion]:
    """Partners for this case, best first: room left, covering the family's court, speaking their language."""
    court_ids = set(
        session.scalars(
            select(Appointment.court_id).where(
                Appointment.case_id == case.id,
                Appointment.court_id.is_not(None),
                Appointment.status == AppointmentStatus.SCHEDULED,
            )
        )
    )
    languages = {m.preferred_language for m in case.family.members if m.preferred_language}
    load = open_load(session)
    found = [
        Suggestion(
            profile=p,
            covers_court=bool(court_ids & {c.court_id for c in p.courts}),
            speaks=bool(languages & set(p.language_list)),
            room=p.capacity - load.get(p.organization_id, 0),
        )
        for p in partners(session)
        if p.organization.kind is OrganizationKind.LEGAL_PARTNER
    ]
    return sorted(found, key=lambda s: s.score, reverse=True)


# The referral workflow --------------------------------------------------------------------------


def timeline_event(referral: Referral, user: User | None, kind: ReferralEventKind, detail: str = "") -> None:
    referral.events.append(
        ReferralEvent(kind=kind, detail=detail[:500], user_id=user.id if user else None, at=utcnow())
    )


def has_sharing_consent(family: Family) -> bool:
    return any(c.kind is ConsentKind.LEGAL_SHARING and c.active for m in family.members for c in m.consents)


def _partner_addresses(session: Session, partner_id: int) -> list[str]:
    profile = session.get(PartnerProfile, partner_id)
    users = session.scalars(
        select(User.email).where(
            User.organization_id == partner_id, User.active.is_(True), User.role == Role.LEGAL_PARTNER
        )
    )
    return ([profile.contact_email] if profile and profile.contact_email else []) + list(users)


def refer(
    session: Session, user: User, case: Case, partner_id: int, member_ids: list[int], message: str | None, base_url: str
) -> Referral:
    family = case.family
    if case.status is CaseStatus.CLOSED:
        raise Conflict(str(_l("The case is closed.")))
    if not has_sharing_consent(family):
        raise ValidationError(
            str(_l("No one in the household has consented to sharing with legal partners. Record that consent first.")),
            "partner_id",
        )
    partner = session.get(Organization, partner_id)
    if partner is None or partner.kind is not OrganizationKind.LEGAL_PARTNER:
        raise ValidationError(str(_l("Choose a legal partner from the list.")), "partner_id")
    household = {m.id for m in family.members}
    chosen = [m for m in dict.fromkeys(member_ids) if m in household]
    if not chosen or len(chosen) != len(set(member_ids)):
        raise ValidationError(str(_l("Choose who in the household is referred.")), "member_ids")
    if session.scalar(
        select(Referral.id).where(
            Referral.case_id == case.id, Referral.partner_id == partner_id, Referral.status.in_(OPEN_STATUSES)
        )
    ):
        raise Conflict(str(_l("This case is already referred to this partner.")), "partner_id")
    referral = Referral(
        case_id=case.id,
        case=case,
        partner_id=partner_id,
        status=ReferralStatus.SENT,
        message=(message or "").strip() or None,
        created_by_id=user.id,
        sent_at=utcnow(),
    )
    referral.people = [ReferralMember(member_id=m) for m in chosen]
    timeline_event(referral, user, ReferralEventKind.SENT)
    session.add(referral)
    session.flush()
    record(session, user, AuditAction.CREATE, "legal_referral", referral.id, family.id)
    queue_email(
        session,
        _partner_addresses(session, partner_id),
        str(_l("A new referral from %(program)s", program=family.program.name)),
        str(
            _l(
                "%(program)s has referred case %(reference)s to your organization. Sign in to "
                "accept or decline it: %(url)s",
                program=family.program.name,
                reference=case.reference,
                url=f"{base_url.rstrip('/')}/partner",
            )
        ),
    )
    session.flush()
    return referral


def _check_partner(user: User, referral: Referral) -> None:
    if not is_partner(user) or referral.partner_id != user.organization_id:
        raise NotAllowed(str(_l("This referral is not your organization's.")))


def _tell_case_manager(session: Session, referral: Referral, what: str, base_url: str) -> None:
    case = referral.case
    manager = case.assigned_to
    if manager is None or not manager.active:
        return
    queue_email(
        session,
        [manager.email],
        str(_l("Referral of case %(reference)s: %(what)s", reference=case.reference, what=what)),
        str(
            _l(
                "%(partner)s answered the referral of case %(reference)s: %(what)s. %(url)s",
                partner=referral.partner.name,
                reference=case.reference,
                what=what,
                url=f"{base_url.rstrip('/')}/legal-referrals/{referral.id}",
            )
        ),
    )


def accept(session: Session, user: User, referral: Referral, base_url: str) -> None:
    _check_partner(user, referral)
    if referral.status is not ReferralStatus.SENT:
        raise Conflict(str(_l("Only a referral waiting for an answer can be accepted.")))
    referral.status, referral.answered_at = ReferralStatus.ACCEPTED, utcnow()
    timeline_event(referral, user, ReferralEventKind.ACCEPTED)
    record(session, user, AuditAction.CHANGE, "legal_referral", referral.id, referral.case.family_id, "accepted")
    _tell_case_manager(session, referral, str(_l("accepted")), base_url)
    session.flush()


def decline(session: Session, user: User, referral: Referral, reason: str, base_url: str) -> None:
    _check_partner(user, referral)
    if referral.status is not ReferralStatus.SENT:
        raise Conflict(str(_l("Only a referral waiting for an answer can be declined.")))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(str(_l("Say why, so the case manager can refer elsewhere.")), "reason")
    referral.status, referral.answered_at, referral.closed_at = ReferralStatus.DECLINED, utcnow(), utcnow()
    referral.decline_reason = reason[:500]
    timeline_event(referral, user, ReferralEventKind.DECLINED, reason)
    record(session, user, AuditAction.CHANGE, "legal_referral", referral.id, referral.case.family_id, "declined")
    _tell_case_manager(session, referral, str(_l("declined")), base_url)
    session.flush()


def set_representation(
    session: Session, user: User, referral: Referral, representation: Representation, filed_on: date | None, today: date
) -> None:
    _check_partner(user, referral)
    if referral.status is not ReferralStatus.ACCEPTED:
        raise Conflict(str(_l("Accept the referral first.")))
    if representation is Representation.REPRESENTING:
        if filed_on is None:
            raise ValidationError(
                str(_l("Give the date the notice of appearance (EOIR-28) was filed.")), "appearance_filed_on"
            )
        if filed_on > today:
            raise ValidationError(str(_l("The filing date cannot be in the future.")), "appearance_filed_on")
    referral.representation = representation
    referral.appearance_filed_on = filed_on if representation is Representation.REPRESENTING else None
    filed = referral.appearance_filed_on
    detail = representation.value + (f" {filed.isoformat()}" if filed else "")
    timeline_event(referral, user, ReferralEventKind.REPRESENTATION, detail)
    record(session, user, AuditAction.CHANGE, "legal_referral", referral.id, referral.case.family_id, detail)
    session.flush()


def close(session: Session, user: User, referral: Referral, reason: str | None) -> None:
    """The program or the partner closes an open referral; the partner's access ends with it."""
    if is_partner(user):
        _check_partner(user, referral)
    if not referral.is_open:
        raise Conflict(str(_l("This referral is already closed.")))
    referral.status, referral.closed_at = ReferralStatus.CLOSED, utcnow()
    timeline_event(referral, user, ReferralEventKind.CLOSED, (reason or "").strip())
    record(session, user, AuditAction.CHANGE, "legal_referral", referral.id, referral.case.family_id, "closed")
    session.flush()


def add_legal_note(session: Session, user: User, case: Case, body: str) -> LegalNote:
    body = (body or "").strip()
    if not body:
        raise ValidationError(str(_l("Write the note.")), "body")
    note = LegalNote(case_id=case.id, organization_id=user.organization_id, author_id=user.id, body=body[:20000])
    session.add(note)
    session.flush()
    record(session, user, AuditAction.CREATE, "legal_note", note.id, case.family_id)
    session.flush()
    return note


# Reading ----------------------------------------------------------------------------------------


def family_has_referrals() -> Exists:
    return held_through_cases(Referral.case_id)


def family_has_legal_notes() -> Exists:
    return held_through_cases(LegalNote.case_id)


FAMILY_KINDS = (("legal_referrals", family_has_referrals), ("legal_notes", family_has_legal_notes))


def family_referrals(session: Session, family_id: int) -> list[Referral]:
    """The referrals of the household's cases, the latest first."""
    return list(session.scalars(_family_referrals(), {"family_id": family_id}).unique())


@cache  # built once and run with bound values: not built and keyed again on every page
def _family_referrals() -> Select[Referral]:
    return (
        select(Referral)
        .where(of_family_cases(Referral.case_id))
        .options(joinedload(Referral.partner), joinedload(Referral.events))
        .order_by(Referral.sent_at.desc(), Referral.id.desc())
    )


def case_legal_notes(session: Session, case_id: int) -> list[LegalNote]:
    """The legal notes of one case, the latest first."""
    return list(session.scalars(_legal_notes(of_family=False), {"case_id": case_id}))


def family_legal_notes(session: Session, family_id: int) -> list[LegalNote]:
    """The legal notes of the household's cases, the latest first."""
    return list(session.scalars(_legal_notes(of_family=True), {"family_id": family_id}))


@cache  # built once each and run with bound values: not built and keyed again on every page
def _legal_notes(of_family: bool) -> Select[LegalNote]:
    return (
        select(LegalNote)
        .where(of_family_cases(LegalNote.case_id) if of_family else LegalNote.case_id == bindparam("case_id"))
        .options(joinedload(LegalNote.author), joinedload(LegalNote.organization))
        .order_by(LegalNote.created_at.desc(), LegalNote.id.desc())
    )


def partner_views(session: Session, referral: Referral, limit: int = 100) -> list[AuditEvent]:
    """Who at the partner looked at the family, and when: for the case manager."""
    stmt = (
        select(AuditEvent)
        .join(User, AuditEvent.user_id == User.id)
        .where(
            AuditEvent.family_id == referral.case.family_id,
            User.organization_id == referral.partner_id,
            AuditEvent.action == AuditAction.VIEW,
        )
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def open_referrals_for_partner(
    session: Session, scope: Select[Referral], page: int, per_page: int
) -> tuple[list[AnyRow], bool]:
    """A page of the partner's open referrals, as the columns the portal's lines show (read from the
    case and household the access scope already joined): the accepted ones, then the ones waiting
    for an answer, each latest sent first."""
    stmt = (
        scope.with_only_columns(Referral.id, Referral.status, Referral.sent_at, Case.reference, Family.display_name)
        .order_by(Referral.status, Referral.sent_at.desc(), Referral.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = list(session.execute(stmt))
    return rows[:per_page], len(rows) > per_page


# What the program watches -----------------------------------------------------------------------


def unanswered(session: Session, program_id: int, now: datetime) -> list[Referral]:
    stmt = (
        select(Referral)
        .join(Case, Referral.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .where(
            Family.program_id == program_id,
            Referral.status == ReferralStatus.SENT,
            Referral.sent_at < now - UNANSWERED_AFTER,
        )
        .options(joinedload(Referral.partner), joinedload(Referral.case).joinedload(Case.family))
        .order_by(Referral.sent_at)
        .limit(200)
    )
    return list(session.scalars(stmt))


def merits_without_counsel(session: Session, program_id: int, now: datetime) -> list[Appointment]:
    """Individual (merits) hearings within 60 days whose case has no accepted representation."""
    represented = select(Referral.case_id).where(
        Referral.status == ReferralStatus.ACCEPTED, Referral.representation == Representation.REPRESENTING
    )
    stmt = (
        select(Appointment)
        .join(Case, Appointment.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .where(
            Family.program_id == program_id,
            Appointment.kind == AppointmentKind.INDIVIDUAL_HEARING,
            Case.status != CaseStatus.CLOSED,
            Appointment.status == AppointmentStatus.SCHEDULED,
            Appointment.starts_at >= now,
            Appointment.starts_at < now + timedelta(days=MERITS_WITHIN_DAYS),
            Appointment.case_id.not_in(represented),
        )
        .options(joinedload(Appointment.case).joinedload(Case.family))
        .order_by(Appointment.starts_at)
        .limit(200)
    )
    return list(session.scalars(stmt))


@dataclass
class PartnerFigures:
    profile: PartnerProfile
    open_load: int
    answered: int
    median_hours: float | None


def partner_figures(session: Session, program_id: int) -> list[PartnerFigures]:
    """Each partner's open load and how fast it answers this program's referrals."""
    load = open_load(session)
    answered = session.execute(
        select(Referral.partner_id, Referral.sent_at, Referral.answered_at)
        .join(Case, Referral.case_id == Case.id)
        .join(Family, Case.family_id == Family.id)
        .where(Family.program_id == program_id, Referral.answered_at.is_not(None))
    ).all()
    by_partner: dict[int, list[float]] = {}
    for partner_id, sent, answered_at in answered:
        if answered_at is None:  # not selected: answered referrals only
            continue
        by_partner.setdefault(partner_id, []).append((answered_at - sent).total_seconds() / 3600)
    figures = []
    for profile in partners(session):
        hours = sorted(by_partner.get(profile.organization_id, []))
        median = hours[len(hours) // 2] if hours else None
        figures.append(PartnerFigures(profile, load.get(profile.organization_id, 0), len(hours), median))
    return figures


def anonymize_legal_records(session: Session, family_id: int, case_ids: list[int]) -> None:
    """Retention: the texts of the legal work go; who referred where and when stays for figures."""
    from sqlalchemy import update

    if not case_ids:
        return
    session.execute(
        update(LegalNote)
        .where(LegalNote.case_id.in_(case_ids))
        .values(body="—")
        .execution_options(synchronize_session=False)
    )
    referral_ids = select(Referral.id).where(Referral.case_id.in_(case_ids)).scalar_subquery()
    session.execute(
        update(Referral)
        .where(Referral.case_id.in_(case_ids))
        .values(message=None, decline_reason=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ReferralEvent)
        .where(ReferralEvent.referral_id.in_(referral_ids))
        .values(detail="")
        .execution_options(synchronize_session=False)
    )
