from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from casework.crypto import EncryptedString
from casework.db import Base, TimestampMixin, UTCDateTime, enum_column, utcnow


class OrganizationKind(enum.Enum):
    PROGRAM = "program"
    LEGAL_PARTNER = "legal_partner"
    REINTEGRATION = "reintegration"


class Role(enum.Enum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    CASE_MANAGER = "case_manager"
    LEGAL_PARTNER = "legal_partner"


PROGRAM_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.CASE_MANAGER})


class Organization(TimestampMixin, Base):
    """A case management program, a legal partner or an in-country organization."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_column(OrganizationKind, "organization_kind"))
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    enrollment_alert_days: Mapped[int] = mapped_column(default=30)
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164; the number families are told to call

    users: Mapped[list[User]] = relationship(back_populates="organization")


class RolePolicy(Base):
    """Per role, whether two-factor sign-in is required; without a row the settings decide."""

    __tablename__ = "role_policies"

    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), primary_key=True)
    two_factor_required: Mapped[bool] = mapped_column(Boolean)


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    # The stored two-factor rule of the user's role (None: the settings decide), read with the user
    # where asked for: signing a request in loads it, one statement fewer on every page.
    two_factor_policy: Mapped[bool | None] = column_property(
        select(RolePolicy.two_factor_required).where(RolePolicy.role == role).scalar_subquery(), deferred=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Outside a program (a legal partner), the person who adds and deactivates their colleagues.
    manages_organization: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString("users.totp_secret"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]  # the last time step used: a code works once

    organization: Mapped[Organization] = relationship(back_populates="users", lazy="select")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def in_program(self) -> bool:
        """Staff of a US program. Staff of an in-country organization hold the same roles there
        but reach their own returnee cases through the reintegration domain instead."""
        return self.role in PROGRAM_ROLES and self.organization.kind is OrganizationKind.PROGRAM

    @property
    def sees_whole_program(self) -> bool:
        return self.role in (Role.ADMIN, Role.SUPERVISOR)


class SignInAttempt(Base):
    """Every sign-in attempt, kept in the database so throttling holds across processes."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class UserSession(Base):
    """A signed-in session, kept server-side so that sign-out, deactivation and a password change
    end it at once. The browser holds only a random token; the table holds its hash."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class RecoveryCode(Base):
    """A one-time code for signing in without the authenticator; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
