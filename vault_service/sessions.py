"""Sessions: a random id in a signed, expiring, purpose-bound cookie; state in the database.

The cookie holds `itsdangerous`-signed session id (salt = purpose "vault.session.v1", max age
= session lifetime). The database keeps SHA-256(id) with expiry, revocation and the account's
session version: logout revokes one row, "log out everywhere" bumps the version, so replayed
cookies die even before they expire, on every instance.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Connection, bindparam, delete, insert, select, update

from vault_service.db import accounts, as_utc, now, sessions
from vault_service.settings import Settings

PURPOSE = "vault.session.v1"


def cookie_name(settings: Settings) -> str:
    return "__Host-vault_session" if settings.secure_cookies else "vault_session"


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.cookie_key, salt=PURPOSE)


def _row_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_options(settings: Settings) -> dict[str, Any]:
    return {
        "httponly": True,
        "secure": settings.secure_cookies,
        "samesite": "lax",
        "path": "/",
    }


def open_session(conn: Connection, account_id: str, settings: Settings) -> tuple[str, str]:
    """Create a session; return (cookie value, session row id)."""
    token = secrets.token_urlsafe(32)
    version = conn.execute(
        select(accounts.c.session_version).where(accounts.c.id == account_id)
    ).scalar_one()
    started = now()
    row_id = _row_id(token)
    # Housekeeping: this account's expired sessions are of no use any more.
    conn.execute(
        delete(sessions).where(sessions.c.account_id == account_id, sessions.c.expires_at < started)
    )
    conn.execute(
        insert(sessions).values(
            id=row_id,
            account_id=account_id,
            session_version=version,
            created_at=started,
            expires_at=started + timedelta(hours=settings.session_hours),
        )
    )
    return _serializer(settings).dumps(token), row_id


# Built once: this query runs on every request.
_RESOLVE = (
    select(
        accounts,
        sessions.c.revoked_at,
        sessions.c.expires_at,
        sessions.c.session_version.label("granted_version"),
    )
    .select_from(sessions)
    .join(accounts, accounts.c.id == sessions.c.account_id)
    .where(sessions.c.id == bindparam("row_id"))
)


def resolve(conn: Connection, cookie: str | None, settings: Settings) -> tuple[Any, str] | None:
    """The active account row and session row id for a cookie, or None."""
    if not cookie:
        return None
    try:
        token = _serializer(settings).loads(cookie, max_age=settings.session_hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(token, str):
        return None
    row_id = _row_id(token)
    row = conn.execute(_RESOLVE, {"row_id": row_id}).first()
    if (
        row is None
        or row.revoked_at is not None
        or as_utc(row.expires_at) <= now()
        or row.granted_version != row.session_version
        or row.status != "active"
    ):
        return None
    return row, row_id


def revoke(conn: Connection, row_id: str) -> None:
    conn.execute(update(sessions).where(sessions.c.id == row_id).values(revoked_at=now()))


def revoke_others(conn: Connection, account_id: str, keep_row_id: str) -> None:
    """Close every open session of the account but this one (after a password change)."""
    conn.execute(
        update(sessions)
        .where(
            sessions.c.account_id == account_id,
            sessions.c.id != keep_row_id,
            sessions.c.revoked_at.is_(None),
        )
        .values(revoked_at=now())
    )


def revoke_all(conn: Connection, account_id: str) -> None:
    """Log out everywhere: bump the session version and revoke every open session."""
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(session_version=accounts.c.session_version + 1)
    )
    conn.execute(
        update(sessions)
        .where(sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now())
    )
