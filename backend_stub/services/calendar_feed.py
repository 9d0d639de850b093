"""Calendar feed (issue 10): each person's secret feed token, and the shifts their feed lists.

A token is ``HMAC-SHA256(server key, nonce)`` with a random 128-bit nonce, URL-safe: the
server stores the nonce and the token's SHA-256, so it can show the person their URL again,
while a copy of the database alone (without the key) gives no working URL. A presented
token is looked up by its SHA-256: what the database compares is a hash, so response time
says nothing about how much of a guess was right.
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from backend_stub import db

#: The feed lists shifts from this many days back to this many days ahead of the request:
#: recent history for reference, and more than a roster's planning horizon ahead.
DAYS_BACK, DAYS_AHEAD = 60, 120
#: Shift states a calendar shows once shifts have a ``status`` (issue 10, roster): drafts are
#: never listed, and a state unknown here is not listed either.
PUBLISHED, CANCELLED = "published", "cancelled"
_DOMAIN = b"shopfloor-calendar-feed\x00"


def _token(key: str, nonce: str) -> str:
    mac = hmac.new(key.encode(), _DOMAIN + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _store(conn: Connection, key: str, user_id: str, replace: bool) -> str:
    """Write a fresh nonce for ``user_id`` (insert, or replace the live one) and return its token."""
    nonce = secrets.token_hex(16)
    token = _token(key, nonce)
    values = dict(nonce=nonce, token_hash=token_hash(token), created_at=datetime.now(UTC))
    if replace:
        conn.execute(db.calendar_feeds.update().where(db.calendar_feeds.c.user_id == user_id).values(**values))
    elif not db.insert_missing(conn, db.calendar_feeds, user_id=user_id, **values):
        return current_token(conn, key, user_id)  # a concurrent first call won: show that one
    return token


def current_token(conn: Connection, key: str, user_id: str) -> str:
    """The person's live token, created on first use. If the server key changed, the stored
    token cannot be derived again to be shown, so a new one replaces it."""
    row = conn.execute(select(db.calendar_feeds).where(db.calendar_feeds.c.user_id == user_id)).first()
    if row is None:
        return _store(conn, key, user_id, replace=False)
    token = _token(key, row.nonce)
    if not hmac.compare_digest(token_hash(token), row.token_hash):
        return _store(conn, key, user_id, replace=True)
    return token


def new_token(conn: Connection, key: str, user_id: str) -> str:
    """Revoke the person's token (its URL answers 404 from now on) and issue another."""
    if conn.execute(select(db.calendar_feeds.c.user_id).where(db.calendar_feeds.c.user_id == user_id)
                    .with_for_update()).first() is None:
        return _store(conn, key, user_id, replace=False)
    return _store(conn, key, user_id, replace=True)


def owner_of(conn: Connection, token: str) -> str | None:
    """The active person whose live token this is, else None (unknown, revoked, or left)."""
    presented = token_hash(token)
    row = conn.execute(select(db.calendar_feeds.c.user_id, db.calendar_feeds.c.token_hash, db.users.c.active)
                       .join(db.users, db.users.c.id == db.calendar_feeds.c.user_id)
                       .where(db.calendar_feeds.c.token_hash == presented)).first()
    if row is None or not hmac.compare_digest(row.token_hash, presented) or not row.active:
        return None
    return row.user_id


@dataclass(frozen=True)
class FeedShift:
    """One shift as the calendar shows it."""

    id: str
    starts_at: datetime
    ends_at: datetime
    position: str
    store_name: str
    store_address: str
    sequence: int
    cancelled: bool


def window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=DAYS_BACK), now + timedelta(days=DAYS_AHEAD)


def feed_shifts(conn: Connection, user_id: str, now: datetime) -> list[FeedShift]:
    """The person's shifts overlapping the feed window, by start.

    The one place that knows how shifts are stored: only published and cancelled shifts are
    listed (a draft is the manager's until published). SEQUENCE is the position of the shift's latest row in the change feed:
    every write of a shift emits one (to its store), in a sequence that only grows, so it
    increases with each change whatever wrote it (a store move included).
    """
    since, until = window(now)
    c, st = db.shifts.c, db.stores.c
    query = (select(c.id, c.starts_at, c.ends_at, c.position, c.store_id, st.name, st.address, c.status)
             .join(db.stores, st.id == c.store_id)
             .where(c.user_id == user_id, c.starts_at < until, c.ends_at > since,
                    c.status.in_((PUBLISHED, CANCELLED)))
             .order_by(c.starts_at, c.id))
    rows = conn.execute(query).all()
    latest = _latest_changes(conn, {r.id for r in rows}, {r.store_id for r in rows})
    return [FeedShift(id=r.id, starts_at=db.aware(r.starts_at), ends_at=db.aware(r.ends_at),
                      position=r.position or "", store_name=r.name, store_address=r.address or "",
                      sequence=latest.get(r.id, 0), cancelled=r.status == CANCELLED)
            for r in rows]


def _latest_changes(conn: Connection, shift_ids: set[str], store_ids: set[str]) -> dict[str, int]:
    """The change-feed position of each shift's latest change (found through the store index)."""
    if not shift_ids:
        return {}
    ch = db.changes.c
    rows = conn.execute(select(ch.entity_id, func.max(ch.seq)).where(
        ch.store_id.in_(store_ids), ch.entity == "shift", ch.entity_id.in_(shift_ids))
        .group_by(ch.entity_id)).all()
    return dict(rows)
