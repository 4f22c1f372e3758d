"""Append-only, hash-chained audit journal, written in the caller's transaction.

Entry hash = SHA-256(previous hash | canonical JSON of the entry). The head row (`audit_head`)
(created by the first migration) is read with a row lock (FOR UPDATE on PostgreSQL; on SQLite
every transaction begins IMMEDIATE, see db.py) and updated in
the same transaction, so entries form one chain even with several instances. `verify` walks
the chain and reports any edit, deletion or reordering.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from vault_service.db import as_utc, audit_head, audit_log, now

GENESIS = "0" * 64


def _entry_hash(prev_hash: str, seq: int, at: datetime, fields: dict[str, Any]) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": as_utc(at).replace(tzinfo=None).isoformat(timespec="microseconds"),
            **fields,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


def record(
    conn: Connection,
    action: str,
    *,
    actor_id: str | None,
    subject_id: str | None = None,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one entry in the current transaction; return its sequence number."""
    head = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
    ).first()
    if head is None:
        raise RuntimeError("journal sans tête : lancer `python -m vault_service init-db`")
    prev_seq, prev_hash = int(head.seq), str(head.hash)
    seq = prev_seq + 1
    at = now()
    fields = {
        "actor_id": actor_id,
        "action": action,
        "subject_id": subject_id,
        "object_id": object_id,
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
    }
    digest = _entry_hash(prev_hash, seq, at, fields)
    conn.execute(
        insert(audit_log).values(seq=seq, at=at, prev_hash=prev_hash, hash=digest, **fields)
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    return seq


def verify(conn: Connection) -> list[str]:
    """French messages for every break in the chain (empty list: the journal is intact)."""
    problems: list[str] = []
    prev_hash, expected_seq = GENESIS, 1
    for row in conn.execute(select(audit_log).order_by(audit_log.c.seq)):
        if row.seq != expected_seq:
            problems.append(f"journal : entrée n° {expected_seq} manquante (suivante : {row.seq})")
        if row.prev_hash != prev_hash:
            problems.append(f"journal : entrée n° {row.seq} ne suit pas l'entrée précédente")
        fields = {
            "actor_id": row.actor_id,
            "action": row.action,
            "subject_id": row.subject_id,
            "object_id": row.object_id,
            "detail": row.detail,
        }
        at = row.at
        if _entry_hash(row.prev_hash, row.seq, at, fields) != row.hash:
            problems.append(f"journal : entrée n° {row.seq} modifiée après écriture")
        prev_hash, expected_seq = row.hash, row.seq + 1
    head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append("journal : dernières entrées supprimées (la tête ne correspond pas)")
    return problems
