"""Accounts: sign-in with throttling, password changes, user administration."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import BindParameter, Select, bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload, undefer

from casework.accounts.models import (
    PROGRAM_ROLES,
    Organization,
    OrganizationKind,
    Role,
    SignInAttempt,
    User,
    UserSession,
)
from casework.accounts.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    is_common,
    needs_rehash,
    verify_password,
)
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.db import utcnow
from casework.errors import NotAllowed, SignInRefused, ValidationError
from casework.i18n import lazy_gettext as _l


def normalize_email(email: str) -> str:
    return email.strip().lower()


def checked_email(email: str) -> str:
    """The normalized address of a new account, once it reads as an email address (no lookup: offline)."""
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(str(_l("Enter an email address such as name@example.org.")), "email") from error
    return normalize_email(email)


class Throttle:
    def __init__(self, max_per_account: int, max_per_address: int, window_minutes: int) -> None:
        self.max_per_account = max_per_account
        self.max_per_address = max_per_address
        self.window = timedelta(minutes=window_minutes)


def _recent_failures(session: Session, since: datetime, **match: str) -> int:
    stmt = (
        select(func.count())
        .select_from(SignInAttempt)
        .where(
            SignInAttempt.succeeded.is_(False),
            SignInAttempt.at >= since,
            *(getattr(SignInAttempt, column) == value for column, value in match.items()),
        )
    )
    return session.scalar(stmt) or 0


def throttled(session: Session, email: str, address: str, throttle: Throttle) -> bool:
    since = utcnow() - throttle.window
    return (
        _recent_failures(session, since, email=email) >= throttle.max_per_account
        or _recent_failures(session, since, address=address) >= throttle.max_per_address
    )


def record_failed_attempt(session: Session, user: User, address: str) -> None:
    """A wrong second-step code counts as a failed sign-in of the account."""
    session.add(SignInAttempt(email=user.email, address=address, succeeded=False))
    record(session, user, AuditAction.SIGN_IN_FAILED, "user", user.id, detail="two-factor code")
    session.flush()


def sign_in(session: Session, email: str, password: str, address: str, throttle: Throttle) -> User:
    """Check credentials; raise SignInRefused with the same answer for unknown and wrong."""
    email = normalize_email(email)
    if throttled(session, email, address, throttle):
        session.add(SignInAttempt(email=email, address=address, succeeded=False))
        session.flush()
        raise SignInRefused(
            str(
                _l(
                    "Too many failed sign-ins. Wait %(minutes)d minutes, then try again.",
                    minutes=int(throttle.window.total_seconds() // 60),
                )
            )
        )
    user = session.scalar(select(User).where(User.email == email))
    valid = verify_password(user.password_hash if user else None, password)
    if not valid or user is None or not user.active:
        session.add(SignInAttempt(email=email, address=address, succeeded=False))
        record(session, None, AuditAction.SIGN_IN_FAILED, "user", user.id if user else None)
        session.flush()
        raise SignInRefused(str(_l("The email or password is not right, or the account is deactivated.")))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(SignInAttempt(email=email, address=address, succeeded=True))
    record(session, user, AuditAction.SIGN_IN, "user", user.id)
    session.flush()
    return user


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(str(_l("Use at least %(n)d characters.", n=MIN_LENGTH)), "new_password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(str(_l("Use at most %(n)d characters.", n=MAX_LENGTH)), "new_password")
    if is_common(password):
        raise ValidationError(str(_l("This password is one of the most common ones; choose another.")), "new_password")


def change_password(session: Session, user: User, current: str, new: str, keep_token: str | None = None) -> None:
    """Change the password; every other session of the user ends."""
    if not verify_password(user.password_hash, current):
        raise ValidationError(str(_l("This is not your current password.")), "current_password")
    check_new_password(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    revoke_sessions(session, user, keep_token)
    record(session, user, AuditAction.CHANGE, "user", user.id, detail="password")
    session.flush()


def set_locale(session: Session, user: User, locale: str) -> None:
    user.locale = locale
    session.flush()


def organizations_for(session: Session, admin: User) -> list[Organization]:
    """The organizations an admin may put users in: their own program, legal partners and the
    in-country organizations its families are handed over to."""
    stmt = (
        select(Organization)
        .where(
            (Organization.id == admin.organization_id)
            | Organization.kind.in_((OrganizationKind.LEGAL_PARTNER, OrganizationKind.REINTEGRATION))
        )
        .order_by(Organization.name)
    )
    return list(session.scalars(stmt))


def managed_users(session: Session, admin: User, page: int, per_page: int) -> tuple[list[User], bool]:
    allowed = [org.id for org in organizations_for(session, admin)]
    stmt = (
        select(User)
        .where(User.organization_id.in_(allowed))
        .order_by(User.full_name, User.id)
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    users = list(session.scalars(stmt))
    return users[:per_page], len(users) > per_page


def get_managed_user(session: Session, admin: User, user_id: int) -> User | None:
    allowed = [org.id for org in organizations_for(session, admin)]
    return session.scalar(select(User).where(User.id == user_id, User.organization_id.in_(allowed)))


def _check_role_fits(session: Session, admin: User, role: Role, organization_id: int) -> Organization:
    organization = next((o for o in organizations_for(session, admin) if o.id == organization_id), None)
    if organization is None:
        raise NotAllowed(str(_l("Choose one of the listed organizations.")), "organization_id")
    if role in PROGRAM_ROLES and organization.kind is OrganizationKind.LEGAL_PARTNER:
        raise ValidationError(str(_l("Program roles belong to a program or an in-country organization.")), "role")
    if role is Role.LEGAL_PARTNER and organization.kind is not OrganizationKind.LEGAL_PARTNER:
        raise ValidationError(str(_l("Legal partner users belong to a legal partner organization.")), "role")
    return organization


def add_account(
    session: Session,
    actor: User | None,
    *,
    email: str,
    full_name: str,
    role: Role,
    organization_id: int,
    password: str,
    manages_organization: bool = False,
) -> User:
    """A new active account, once its email is free, a name is given and the password passes the
    policy: every path that creates an account (admins, account managers, organization set-up) uses it."""
    email = checked_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ValidationError(str(_l("An account with this email already exists.")), "email")
    if not (full_name or "").strip():
        raise ValidationError(str(_l("Give the person's name.")), "full_name")
    check_new_password(password)
    user = User(
        email=email,
        full_name=full_name.strip(),
        role=role,
        organization_id=organization_id,
        password_hash=hash_password(password),
        active=True,
        manages_organization=manages_organization,
    )
    session.add(user)
    session.flush()
    record(session, actor, AuditAction.CREATE, "user", user.id)
    return user


def create_user(
    session: Session, admin: User, *, email: str, full_name: str, role: Role, organization_id: int, password: str
) -> User:
    _check_role_fits(session, admin, role, organization_id)
    user = add_account(
        session, admin, email=email, full_name=full_name, role=role, organization_id=organization_id, password=password
    )
    session.flush()
    return user


def update_user(
    session: Session,
    admin: User,
    user: User,
    *,
    full_name: str,
    role: Role,
    organization_id: int,
    active: bool,
    new_password: str | None,
    manages_organization: bool = False,
) -> None:
    if user.id == admin.id and (not active or role is not Role.ADMIN):
        raise NotAllowed(str(_l("You cannot deactivate yourself or remove your own admin role.")), "active")
    _check_role_fits(session, admin, role, organization_id)
    changed = []
    if new_password:
        check_new_password(new_password)
        user.password_hash = hash_password(new_password)
        user.password_changed_at = utcnow()
        changed.append("password")
    manages = manages_organization and role is Role.LEGAL_PARTNER
    for attr, value in (
        ("full_name", full_name.strip()),
        ("role", role),
        ("organization_id", organization_id),
        ("active", active),
        ("manages_organization", manages),
    ):
        if getattr(user, attr) != value:
            setattr(user, attr, value)
            changed.append(attr)
    if "password" in changed or "active" in changed or "role" in changed or "organization_id" in changed:
        revoke_sessions(session, user)
    if changed:
        record(session, admin, AuditAction.CHANGE, "user", user.id, detail=", ".join(changed))
    session.flush()


# An organization outside a program manages its own accounts ------------------------------------


def _check_manager(actor: User, user: User | None = None) -> None:
    if not (actor.active and actor.manages_organization and not actor.in_program):
        raise NotAllowed(str(_l("Only your organization's account manager can do this.")))
    if user is not None and user.organization_id != actor.organization_id:
        raise NotAllowed(str(_l("This account is not in your organization.")))


def colleagues(session: Session, actor: User) -> list[User]:
    _check_manager(actor)
    return list(
        session.scalars(
            select(User).where(User.organization_id == actor.organization_id).order_by(User.full_name, User.id)
        )
    )


def colleague(session: Session, actor: User, user_id: int) -> User | None:
    return session.scalar(select(User).where(User.id == user_id, User.organization_id == actor.organization_id))


def add_colleague(session: Session, actor: User, *, email: str, full_name: str, password: str) -> User:
    """A new account in the actor's own organization, with the actor's role (never a program role)."""
    _check_manager(actor)
    user = add_account(
        session,
        actor,
        email=email,
        full_name=full_name,
        role=actor.role,
        organization_id=actor.organization_id,
        password=password,
    )
    session.flush()
    return user


def set_colleague_active(session: Session, actor: User, user: User, active: bool) -> None:
    _check_manager(actor, user)
    if user.id == actor.id:
        raise NotAllowed(str(_l("You cannot deactivate yourself.")))
    user.active = active
    if not active:
        revoke_sessions(session, user)
    record(session, actor, AuditAction.CHANGE, "user", user.id, detail="activated" if active else "deactivated")
    session.flush()


def staff_choices(session: Session, program_id: int) -> list[tuple[int, str]]:
    """(id, name) of the program staff a case or task can be assigned to, for select fields."""
    return [(id_, name) for id_, name in session.execute(_staff_choices(), {"program_id": program_id})]


@cache  # built once: the family page asks at every view
def _staff_choices() -> Select[Any]:
    return _case_managers(bindparam("program_id"), User.id, User.full_name)


def program_case_managers(session: Session, program_id: int) -> list[User]:
    return list(session.scalars(_case_managers(program_id, User)))


def _case_managers(program_id: int | BindParameter[int], *columns: Any) -> Select[Any]:
    return (
        select(*columns)
        .where(
            User.organization_id == program_id,
            User.active.is_(True),
            User.role.in_([Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMIN]),
        )
        .order_by(User.full_name)
    )


# Server-side sessions -------------------------------------------------------------------------


@dataclass
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta
    touch_every: timedelta = timedelta(minutes=1)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, address: str, policy: SessionPolicy) -> str:
    """A new session for a user who just signed in; returns the token for the browser."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            address=address[:64],
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.lifetime,
        )
    )
    session.flush()
    return token


def resume_session(
    session: Session, token: str | None, policy: SessionPolicy, now: datetime | None = None
) -> User | None:
    """The user of a live session: not revoked, not idle too long, not past its lifetime."""
    if not token:
        return None
    now = now or utcnow()
    found = session.scalar(_live_session(), {"token_hash": _token_hash(token)})
    if (
        found is None
        or found.revoked_at is not None
        or found.expires_at <= now
        or found.last_seen_at + policy.idle <= now
        or not found.user.active
    ):
        return None
    if now - found.last_seen_at >= policy.touch_every:
        found.last_seen_at = now
        session.flush()
    return found.user


@cache  # built once and run with the token's hash bound: every request asks it
def _live_session() -> Select[UserSession]:
    return (
        select(UserSession)
        .where(UserSession.token_hash == bindparam("token_hash"))
        .options(joinedload(UserSession.user).options(undefer(User.two_factor_policy), joinedload(User.organization)))
    )


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        session.flush()


def revoke_sessions(session: Session, user: User, keep_token: str | None = None) -> None:
    """End every session of `user` (but the one holding `keep_token`, if given)."""
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != _token_hash(keep_token))
    session.execute(stmt.values(revoked_at=utcnow()))


def set_program_phone(session: Session, admin: User, phone: str | None) -> None:
    """The number families are told to call, in E.164 (parsed by the caller)."""
    organization = admin.organization
    organization.phone = phone
    record(session, admin, AuditAction.CHANGE, "organization", organization.id, detail="phone")
