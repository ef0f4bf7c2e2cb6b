"""Two-factor sign-in with TOTP (authenticator apps) and one-time recovery codes."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from casework.accounts.models import RecoveryCode, Role, RolePolicy, User
from casework.accounts.passwords import verify_password
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.db import utcnow
from casework.errors import NotAllowed, ValidationError
from casework.i18n import lazy_gettext as _l

ISSUER = "Casework"
RECOVERY_CODES = 10
STEP_SECONDS = 30


def enabled(user: User) -> bool:
    return user.totp_enabled_at is not None


def required_roles(session: Session, defaults: frozenset[Role]) -> dict[Role, bool]:
    stored = {p.role: p.two_factor_required for p in session.scalars(select(RolePolicy))}
    return {role: stored.get(role, role in defaults) for role in Role}


def required_for(session: Session, user: User, defaults: frozenset[Role]) -> bool:
    stored = user.two_factor_policy
    return stored if stored is not None else user.role in defaults


def set_required(session: Session, admin: User, requirements: dict[Role, bool]) -> None:
    for role, required in requirements.items():
        policy = session.get(RolePolicy, role)
        if policy is None:
            session.add(RolePolicy(role=role, two_factor_required=required))
        elif policy.two_factor_required != required:
            policy.two_factor_required = required
    record(
        session,
        admin,
        AuditAction.CHANGE,
        "two_factor_policy",
        None,
        detail=", ".join(f"{r.value}={int(v)}" for r, v in requirements.items()),
    )
    session.flush()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (this one, or one either side for clock drift) whose code is `code`."""
    totp = pyotp.TOTP(secret)
    step = int(now // STEP_SECONDS)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.at(candidate * STEP_SECONDS), code):
            return candidate
    return None


def enable(session: Session, user: User, password: str, secret: str, code: str, now: float | None = None) -> list[str]:
    """Turn on two-factor sign-in once the user proves both the password and the new authenticator;
    returns the recovery codes, shown once."""
    if not verify_password(user.password_hash, password):
        raise ValidationError(str(_l("This is not your current password.")), "password")
    step = _matching_step(secret, code.strip().replace(" ", ""), time.time() if now is None else now)
    if step is None:
        raise ValidationError(
            str(_l("This code does not match; check the time on your phone and try the next code.")), "code"
        )
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), step
    codes = _replace_recovery_codes(session, user)
    record(session, user, AuditAction.CHANGE, "user", user.id, detail="two-factor enabled")
    session.flush()
    return codes


def _replace_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def disable(session: Session, user: User, password: str, required: bool) -> None:
    if required:
        raise NotAllowed(str(_l("Your role requires two-factor sign-in.")), "password")
    if not verify_password(user.password_hash, password):
        raise ValidationError(str(_l("This is not your current password.")), "password")
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(session, user, AuditAction.CHANGE, "user", user.id, detail="two-factor disabled")
    session.flush()


def verify(session: Session, user: User, code: str, now: float | None = None) -> bool:
    """An authenticator code not used before, or an unused recovery code (then spent)."""
    code = code.strip().replace(" ", "")
    if user.totp_secret and code.isdigit():
        step = _matching_step(user.totp_secret, code, time.time() if now is None else now)
        if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
            user.totp_last_step = step
            session.flush()
            return True
        return False
    spare = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None)
        )
    )
    if spare is None:
        return False
    spare.used_at = utcnow()
    record(session, user, AuditAction.CHANGE, "user", user.id, detail="recovery code used")
    session.flush()
    return True


def rotate_secrets(session: Session) -> int:
    """Re-encrypt every authenticator secret under the current field key (`casework keys rotate`),
    so that dropping the old key afterwards locks no one out."""
    users = list(session.scalars(select(User).where(User.totp_secret.is_not(None))))
    for user in users:
        flag_modified(user, "totp_secret")  # read with whichever key sealed it, written under the current one
    session.flush()
    record(session, None, AuditAction.CHANGE, "user", None, detail=f"two-factor secrets re-encrypted: {len(users)}")
    return len(users)


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )
