"""Unguessable, revocable addresses: calendar feeds and the family's own page."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.db import utcnow
from casework.families.models import Family
from scheduling.models import CalendarFeed, FeedScope


def token_of(secret: str, feed: CalendarFeed) -> str:
    digest = hmac.new(secret.encode(), f"feed:{feed.id}:{feed.nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()  # 16 characters, 96 bits: short enough for SMS


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(session: Session, secret: str, **owner) -> tuple[CalendarFeed, str]:  # type: ignore[no-untyped-def]
    feed = CalendarFeed(nonce=secrets.token_hex(16), token_hash="pending-" + secrets.token_hex(8), **owner)
    session.add(feed)
    session.flush()
    token = token_of(secret, feed)
    feed.token_hash = token_hash(token)
    session.flush()
    return feed, token


def _active(session: Session, **owner) -> CalendarFeed | None:  # type: ignore[no-untyped-def]
    stmt = select(CalendarFeed).filter_by(**owner).where(CalendarFeed.revoked_at.is_(None)).order_by(
        CalendarFeed.id.desc())
    return session.scalars(stmt).first()


def caseload_feed(session: Session, secret: str, user: User, create: bool = False) -> tuple[CalendarFeed | None, str | None]:
    feed = _active(session, scope=FeedScope.CASELOAD, user_id=user.id)
    if feed is None and create:
        feed, token = _issue(session, secret, scope=FeedScope.CASELOAD, user_id=user.id)
        record(session, user, AuditAction.CREATE, "calendar_feed", feed.id)
        session.commit()
        return feed, token
    return feed, token_of(secret, feed) if feed else None


def ensure_family_link(session: Session, family_id: int) -> CalendarFeed:
    """The family's link row, made when its first date is planned, so that every message (and
    every dispatcher) reads the same one."""
    feed = _active(session, scope=FeedScope.FAMILY, family_id=family_id)
    if feed is None:
        feed = CalendarFeed(scope=FeedScope.FAMILY, family_id=family_id, nonce=secrets.token_hex(16),
                            token_hash="pending-" + secrets.token_hex(8))
        session.add(feed)
        session.flush()
    return feed


def family_links(session: Session, secret: str, family_ids: set[int]) -> dict[int, str]:
    """Tokens of several families at once (a dispatcher's batch), made where missing."""
    feeds = {f.family_id: f for f in session.scalars(select(CalendarFeed).where(
        CalendarFeed.scope == FeedScope.FAMILY, CalendarFeed.family_id.in_(family_ids),
        CalendarFeed.revoked_at.is_(None)).order_by(CalendarFeed.id))}
    tokens = {}
    for family_id in family_ids:
        feed = feeds.get(family_id) or ensure_family_link(session, family_id)
        token = token_of(secret, feed)
        if feed.token_hash != token_hash(token):
            feed.token_hash = token_hash(token)
        tokens[family_id] = token
    session.flush()
    return tokens


def family_link(session: Session, secret: str, family: Family) -> str:
    """The family's token: every message carries the same link."""
    feed = ensure_family_link(session, family.id)
    token = token_of(secret, feed)
    if feed.token_hash != token_hash(token):
        feed.token_hash = token_hash(token)
        session.flush()
    return token


def revoke(session: Session, user: User, feed: CalendarFeed) -> None:
    feed.revoked_at = utcnow()
    record(session, user, AuditAction.CHANGE, "calendar_feed", feed.id, feed.family_id, detail="revoked")
    session.commit()


def find(session: Session, token: str, scope: FeedScope) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return session.scalars(select(CalendarFeed).where(
        CalendarFeed.token_hash == token_hash(token), CalendarFeed.scope == scope,
        CalendarFeed.revoked_at.is_(None))).first()
