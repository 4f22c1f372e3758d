"""Rate limiting with progressive lockout, stored in the database (shared by all instances).

Each key (e.g. `login:amina.said`, `login-ip:203.0.113.9`) counts failures; at the limit the
key is locked for 1 minute, then 2, 4, 8… (capped at 24 hours) at each new lockout. A
success clears the key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from vault_service.db import as_utc, now, rate_limits

BASE_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=24)


def locked_until(conn: Connection, key: str) -> datetime | None:
    row = conn.execute(select(rate_limits.c.locked_until).where(rate_limits.c.key == key)).first()
    if row is None or row.locked_until is None:
        return None
    until = as_utc(row.locked_until)
    return until if until > now() else None


def fail(conn: Connection, key: str, limit: int) -> datetime | None:
    """Count a failure; return the lock end if this failure locks the key."""
    moment = now()
    query = select(rate_limits).where(rate_limits.c.key == key).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        try:  # two first failures at once: the loser of the insert reads the winner's row
            with conn.begin_nested():
                conn.execute(
                    insert(rate_limits).values(
                        key=key, failures=0, lockouts=0, locked_until=None, updated_at=moment
                    )
                )
        except IntegrityError:
            pass
        row = conn.execute(query).one()
    failures, lockouts = row.failures + 1, row.lockouts
    until = None
    if failures >= limit:
        lockouts += 1
        until = moment + min(BASE_LOCK * 2 ** (lockouts - 1), MAX_LOCK)
        failures = 0
    conn.execute(
        update(rate_limits)
        .where(rate_limits.c.key == key)
        .values(failures=failures, lockouts=lockouts, locked_until=until, updated_at=moment)
    )
    return until


def succeed(conn: Connection, key: str) -> None:
    conn.execute(delete(rate_limits).where(rate_limits.c.key == key))


def wait_message(until: datetime) -> str:
    minutes = max(1, round((until - now()).total_seconds() / 60))
    return (
        "Trop de tentatives : réessayez dans "
        + (f"{minutes} minute" + ("s" if minutes > 1 else ""))
        + "."
    )
