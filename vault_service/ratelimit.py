"""Attempt counters stored in the database (shared by all instances), one row per key.

- `claim` (logins, password checks): the attempt is counted in one UPDATE … RETURNING before
  the check it guards, so parallel requests cannot all slip in under the limit; at the limit
  the key is locked 1 minute, then 2, 4… up to a ceiling (settings); a success clears it.
- `count` / `recent` (per address, sign-ups): events in a sliding window, used to slow down
  (a challenge and a wait, challenge.py) rather than lock out a shared address.
- `locked_until` / `fail` (activation and recovery codes): check, then count the failure.
- `spend` (public duplicate verification, per address): at most `limit` events in a fixed
  window that starts with the first one; past it, refused until the window ends.
Keys hold a digest of what they count (never a login in clear).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from vault_service.db import as_utc, now, rate_limits
from vault_service.i18n import msg_plural

BASE_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=24)


def key(kind: str, value: str) -> str:
    """`kind:` + a digest of `value` (bounded length; no login or address in clear)."""
    return f"{kind}:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:40]}"


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


def minutes_left(until: datetime) -> int:
    return max(1, round((until - now()).total_seconds() / 60))


def wait_message(until: datetime) -> str:
    return msg_plural(
        "Trop de tentatives : réessayez dans {count} minute.",
        "Trop de tentatives : réessayez dans {count} minutes.",
        minutes_left(until),
    )


# --- atomic claims: the attempt is counted BEFORE the check it guards ---------------------


def _bump(conn: Connection, key: str) -> Any:
    """Add one to the key's counter in one statement (the row stays locked until commit, so
    parallel requests queue here); the row after the update, created if missing."""
    moment = now()
    bump = (
        update(rate_limits)
        .where(rate_limits.c.key == key)
        .values(failures=rate_limits.c.failures + 1, updated_at=moment)
        .returning(rate_limits.c.failures, rate_limits.c.lockouts, rate_limits.c.locked_until)
    )
    row = conn.execute(bump).first()
    if row is None:
        try:  # first attempt: insert; the loser of a race bumps the winner's row
            with conn.begin_nested():
                conn.execute(
                    insert(rate_limits).values(
                        key=key, failures=1, lockouts=0, locked_until=None, updated_at=moment
                    )
                )
            return conn.execute(
                select(
                    rate_limits.c.failures, rate_limits.c.lockouts, rate_limits.c.locked_until
                ).where(rate_limits.c.key == key)
            ).one()
        except IntegrityError:
            row = conn.execute(bump).one()
    return row


class Locked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(until)
        self.until = until


Ticket = tuple[int, int]  # (failures, lockouts) of the key right after a claim


def claim(conn: Connection, key: str, limit: int, max_lock: timedelta) -> Ticket:
    """Take one of the `limit` attempts of `key`, or raise Locked (nothing changed then: the
    caller's transaction rolls back). The `limit`-th attempt locks the key for 1 minute, then
    2, 4… up to `max_lock`; a success (`release`) clears it. Atomic: 20 parallel attempts on
    one key get `limit` claims, the others Locked."""
    row = _bump(conn, key)
    moment = now()
    until = as_utc(row.locked_until) if row.locked_until is not None else None
    if until is not None and until > moment:
        raise Locked(until)
    failures, lockouts, new_until = row.failures, row.lockouts, None
    if until is not None:  # an expired lock: a new window starts with this attempt
        failures = 1
    if failures >= limit:
        lockouts += 1
        new_until = moment + min(BASE_LOCK * 2 ** min(lockouts - 1, 20), max_lock)
        failures = 0
    conn.execute(
        update(rate_limits)
        .where(rate_limits.c.key == key)
        .values(failures=failures, lockouts=lockouts, locked_until=new_until)
    )
    return failures, lockouts


def release(conn: Connection, key: str, ticket: Ticket) -> None:
    """After a success: clear the key, unless other attempts were claimed since this one or
    this one locked it (a success in the middle of a parallel burst must not hand the burst
    fresh attempts; the lock then simply runs out)."""
    conn.execute(
        delete(rate_limits).where(
            rate_limits.c.key == key,
            rate_limits.c.locked_until.is_(None),
            rate_limits.c.failures == ticket[0],
            rate_limits.c.lockouts == ticket[1],
        )
    )


def count(conn: Connection, key: str, window: timedelta) -> int:
    """One more event on `key` (failures of an address, sign-ups); the count in the current
    window (which restarts after `window` without events)."""
    moment = now()
    row = conn.execute(
        select(rate_limits.c.updated_at).where(rate_limits.c.key == key).with_for_update()
    ).first()
    if row is not None and as_utc(row.updated_at) <= moment - window:
        conn.execute(
            update(rate_limits).where(rate_limits.c.key == key).values(failures=0, lockouts=0)
        )
    failures: int = _bump(conn, key).failures
    return failures


def recent(conn: Connection, key: str, window: timedelta) -> int:
    """The count of `key` in its current window, without adding to it."""
    row = conn.execute(
        select(rate_limits.c.failures, rate_limits.c.updated_at).where(rate_limits.c.key == key)
    ).first()
    if row is None or as_utc(row.updated_at) <= now() - window:
        return 0
    failures: int = row.failures
    return failures


def once(conn: Connection, key: str, seconds: int) -> bool:
    """True the first time `key` is seen (a single-use token), False after."""
    moment = now()
    conn.execute(
        delete(rate_limits).where(rate_limits.c.key == key, rate_limits.c.locked_until <= moment)
    )
    try:
        with conn.begin_nested():
            conn.execute(
                insert(rate_limits).values(
                    key=key,
                    failures=1,
                    lockouts=0,
                    locked_until=moment + timedelta(seconds=seconds),
                    updated_at=moment,
                )
            )
    except IntegrityError:
        return False
    return True


def spend(conn: Connection, key: str, limit: int, window: timedelta) -> datetime | None:
    """One more event on `key` in its window (`window` long, from its first event; the row's
    `locked_until` holds the window's end). None while at most `limit` events happened in it,
    else the end of the window (when the next event will be counted again). Atomic: the row is
    locked, so parallel events are counted one by one."""
    moment = now()
    query = select(rate_limits).where(rate_limits.c.key == key).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        try:  # two first events at once: the loser of the insert counts on the winner's row
            with conn.begin_nested():
                conn.execute(
                    insert(rate_limits).values(
                        key=key,
                        failures=1,
                        lockouts=0,
                        locked_until=moment + window,
                        updated_at=moment,
                    )
                )
            return None
        except IntegrityError:
            row = conn.execute(query).one()
    ends = as_utc(row.locked_until) if row.locked_until is not None else None
    if ends is None or ends <= moment:  # the window is over: a new one starts now
        values = {"failures": 1, "locked_until": moment + window, "updated_at": moment}
        conn.execute(update(rate_limits).where(rate_limits.c.key == key).values(**values))
        return None
    if row.failures >= limit:
        return ends
    conn.execute(
        update(rate_limits)
        .where(rate_limits.c.key == key)
        .values(failures=rate_limits.c.failures + 1, updated_at=moment)
    )
    return None


def new_token() -> str:
    return secrets.token_urlsafe(16)
