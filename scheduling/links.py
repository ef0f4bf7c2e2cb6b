"""Unguessable, revocable addresses: calendar feeds and the family's own page.

A token is the feed's random public nonce followed by an HMAC of it under the app's secret. The
nonce finds the row; the HMAC proves the token was issued here. The database holds no token, so a
copy of it opens nothing, and messages can carry the same link again without storing it.
"""

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

NONCE_LENGTH = 8  # 48 random bits, to find the row
MAC_LENGTH = 12  # 72 bits of HMAC-SHA256, to prove it; 20 characters in all, short enough for SMS


def _mac(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), f"feed:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_LENGTH]


def token_of(secret: str, feed: CalendarFeed) -> str:
    return feed.nonce + _mac(secret, feed.nonce)


def _new(session: Session, **owner: FeedScope | int) -> CalendarFeed:
    feed = CalendarFeed(nonce=secrets.token_urlsafe(6)[:NONCE_LENGTH], **owner)
    session.add(feed)
    session.flush()
    return feed


def _active(session: Session, **owner: FeedScope | int) -> CalendarFeed | None:
    stmt = (
        select(CalendarFeed)
        .filter_by(**owner)
        .where(CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
    )
    return session.scalars(stmt).first()


def caseload_feed(
    session: Session, secret: str, user: User, create: bool = False
) -> tuple[CalendarFeed | None, str | None]:
    feed = _active(session, scope=FeedScope.CASELOAD, user_id=user.id)
    if feed is None and create:
        feed = _new(session, scope=FeedScope.CASELOAD, user_id=user.id)
        record(session, user, AuditAction.CREATE, "calendar_feed", feed.id)
        session.flush()
    return feed, token_of(secret, feed) if feed else None


def ensure_family_link(session: Session, family_id: int) -> CalendarFeed:
    """The family's link, made when its first date is planned: every message carries the same one."""
    return _active(session, scope=FeedScope.FAMILY, family_id=family_id) or _new(
        session, scope=FeedScope.FAMILY, family_id=family_id
    )


def family_link(session: Session, secret: str, family: Family) -> str:
    return token_of(secret, ensure_family_link(session, family.id))


def current_family_link(session: Session, secret: str, family_id: int) -> str | None:
    """The family's token if it has one (reading only, for pages)."""
    feed = _active(session, scope=FeedScope.FAMILY, family_id=family_id)
    return token_of(secret, feed) if feed else None


def family_links(session: Session, secret: str, family_ids: set[int]) -> dict[int, str]:
    """Tokens of several families at once (a dispatcher's batch), made where missing."""
    return {family_id: token_of(secret, feed) for family_id, feed in ensure_family_links(session, family_ids).items()}


def ensure_family_links(session: Session, family_ids: set[int]) -> dict[int, CalendarFeed]:
    """The links of several families, those missing made: one look-up and one flush for all."""
    feeds = {
        f.family_id: f
        for f in session.scalars(
            select(CalendarFeed)
            .where(
                CalendarFeed.scope == FeedScope.FAMILY,
                CalendarFeed.family_id.in_(family_ids),
                CalendarFeed.revoked_at.is_(None),
            )
            .order_by(CalendarFeed.id)
        )
        if f.family_id is not None
    }
    missing = [
        CalendarFeed(nonce=secrets.token_urlsafe(6)[:NONCE_LENGTH], scope=FeedScope.FAMILY, family_id=family_id)
        for family_id in sorted(family_ids - set(feeds))
    ]
    if missing:
        session.add_all(missing)
        session.flush()
        feeds.update({feed.family_id: feed for feed in missing if feed.family_id is not None})
    return feeds


def renew_family_link(session: Session, user: User, family: Family) -> None:
    """A lost or shared link: the old one stops working, messages carry the new one."""
    feed = _active(session, scope=FeedScope.FAMILY, family_id=family.id)
    if feed is not None:
        feed.revoked_at = utcnow()
    new = _new(session, scope=FeedScope.FAMILY, family_id=family.id)
    record(session, user, AuditAction.CHANGE, "calendar_feed", new.id, family.id, detail="family link renewed")
    session.flush()


def revoke(session: Session, user: User, feed: CalendarFeed) -> None:
    feed.revoked_at = utcnow()
    record(session, user, AuditAction.CHANGE, "calendar_feed", feed.id, feed.family_id, detail="revoked")
    session.flush()


def find(session: Session, secret: str, token: str, scope: FeedScope) -> CalendarFeed | None:
    if not token or len(token) != NONCE_LENGTH + MAC_LENGTH:
        return None
    feed = session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.nonce == token[:NONCE_LENGTH], CalendarFeed.scope == scope, CalendarFeed.revoked_at.is_(None)
        )
    ).first()
    if feed is None or not hmac.compare_digest(token, token_of(secret, feed)):
        return None
    return feed
