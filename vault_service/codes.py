"""One-time codes: activation and recovery sheets, link codes.

A code is random (an alphabet without look-alike characters), stored only as a SHA-256 under a
domain per kind of code, single-use, cancelled when a newer code of the same purpose is issued,
and (but for some) expiring.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from vault_service import audit
from vault_service.db import accounts, as_utc, now, one_time_codes

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def code_hash(code: str, domain: str = "code") -> str:
    """How a one-time code is stored: SHA-256 of the code without dashes, spaces or case,
    under a domain per kind of code (`code`: activation and recovery, `link`: link codes)."""
    cleaned = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(f"vault-{domain}|{cleaned}".encode()).hexdigest()


def store_code(
    conn: Connection,
    account_id: str,
    purpose: str,
    length: int,
    lifetime: timedelta | None,
    created_by: str | None,
    domain: str = "code",
) -> str:
    """A fresh random code of `length` characters, stored hashed (earlier unused codes of that
    purpose are cancelled); `lifetime` None never expires. Returns the raw code."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    moment = now()
    conn.execute(
        update(one_time_codes)
        .where(
            one_time_codes.c.account_id == account_id,
            one_time_codes.c.purpose == purpose,
            one_time_codes.c.used_at.is_(None),
        )
        .values(used_at=moment)
    )
    conn.execute(
        insert(one_time_codes).values(
            id=str(uuid.uuid4()),
            account_id=account_id,
            purpose=purpose,
            code_hash=code_hash(raw, domain),
            expires_at=moment + lifetime if lifetime else None,
            created_by=created_by,
            created_at=moment,
        )
    )
    return raw


def issue_code(
    conn: Connection, account_id: str, purpose: str, days: int | None, created_by: str | None
) -> str:
    """A fresh single-use code (earlier unused codes of that purpose are cancelled)."""
    lifetime = timedelta(days=days) if days else None
    raw = store_code(conn, account_id, purpose, 12, lifetime, created_by)
    audit.record(
        conn,
        f"code.issue.{purpose}",
        actor_id=created_by or account_id,
        subject_id=account_id,
        object_id=account_id,
    )
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def redeem_code(conn: Connection, login: str, code: str, purposes: tuple[str, ...]) -> Any:
    """The account if `code` is a valid unused code for it; the code is then spent."""
    spent = redeem(conn, login, code, purposes)
    return spent[0] if spent else None


def redeem(
    conn: Connection, login: str, code: str, purposes: tuple[str, ...]
) -> tuple[Any, Any] | None:
    """(account, code row) if `code` is a valid unused code for it; the code is then spent.
    The row says who issued the code (`created_by`) and for what (`purpose`)."""
    account = conn.execute(select(accounts).where(accounts.c.login == login)).first()
    if account is None or account.status == "disabled":
        return None
    row = conn.execute(
        select(one_time_codes).where(
            one_time_codes.c.account_id == account.id,
            one_time_codes.c.code_hash == code_hash(code),
            one_time_codes.c.purpose.in_(purposes),
            one_time_codes.c.used_at.is_(None),
        )
    ).first()
    if row is None or (row.expires_at is not None and as_utc(row.expires_at) <= now()):
        return None
    conn.execute(update(one_time_codes).where(one_time_codes.c.id == row.id).values(used_at=now()))
    return account, row


def cancel_codes(
    conn: Connection, account_id: str, purpose: str, structure_id: str | None = None
) -> int:
    """Cancel the account's unused codes of `purpose` (only those printed by members of
    `structure_id` when given); the number cancelled."""
    query = update(one_time_codes).where(
        one_time_codes.c.account_id == account_id,
        one_time_codes.c.purpose == purpose,
        one_time_codes.c.used_at.is_(None),
    )
    if structure_id is not None:
        members = select(accounts.c.id).where(accounts.c.structure_id == structure_id)
        query = query.where(one_time_codes.c.created_by.in_(members.scalar_subquery()))
    return int(conn.execute(query.values(used_at=now())).rowcount)
