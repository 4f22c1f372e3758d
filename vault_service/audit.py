"""Append-only, hash-chained audit journal, written in the caller's transaction.

Entry hash = SHA-256(previous hash | canonical JSON of the entry). The head row (`audit_head`)
is read with a row lock (FOR UPDATE on PostgreSQL; on SQLite every transaction begins
IMMEDIATE, see db.py) and updated in the same transaction, so entries form one chain even with
several instances.

The head is sealed: `seal` = HMAC-SHA256 of "seq|hash" under a key derived (HKDF) from the
keyring, which the application binds to its engine (`sealing`). Someone with only the database
can edit, delete, insert or reorder rows, recompute the chain and rewrite the head, but cannot
forge the seal: `verify` then reports the head as tampered. What the seal cannot detect alone:
an operator who kept an old copy of the whole head row may truncate back to it. The checkpoint
file written by `verify-journal` (`checkpoint_*`, in the data folder, also sealed) narrows that
to the entries written since the last verification. `verify` names the first entry edited,
deleted, inserted or moved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from vault_service.crypto import Keyring
from vault_service.db import as_utc, audit_head, audit_log, now
from vault_service.settings import Settings

GENESIS = "0" * 64
OPTION = "vault_journal_keys"  # execution option: (current key id, {key id: seal key})
CHECKPOINT = "journal-checkpoint.json"


def seal_keys(keyring: Keyring) -> tuple[str, dict[str, bytes]]:
    """One HMAC key per keyring key (HKDF-SHA256, label of this use only)."""
    derived = {kid: keyring.derive(kid, b"vault-journal-seal-v1") for kid in keyring.ids()}
    return keyring.current_id, derived


def sealing(engine: Engine, keyring: Keyring) -> Engine:
    """The same engine (same pool) whose connections seal the journal head on every write."""
    return engine.execution_options(**{OPTION: seal_keys(keyring)})


def engine_for(settings: Settings) -> Engine:
    """The configured database, sealing the journal head with the configured keyring."""
    from vault_service.db import make_engine

    return sealing(make_engine(settings.database_url), Keyring(settings.keyring))


def _mac(key: bytes, seq: int, digest: str) -> str:
    return hmac.new(key, f"{seq}|{digest}".encode(), hashlib.sha256).hexdigest()


def _seal(conn: Connection, seq: int, digest: str) -> str | None:
    keys = conn.get_execution_options().get(OPTION)
    if keys is None:
        return None
    kid, derived = keys
    return f"{kid}${_mac(derived[kid], seq, digest)}"


def seal_ok(keys: tuple[str, dict[str, bytes]], seq: int, digest: str, seal: str | None) -> bool:
    kid, _, mac = (seal or "").partition("$")
    key = keys[1].get(kid)
    return key is not None and hmac.compare_digest(mac, _mac(key, seq, digest))


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
    conn.execute(
        update(audit_head)
        .where(audit_head.c.id == 1)
        .values(seq=seq, hash=digest, seal=_seal(conn, seq, digest))
    )
    return seq


def _fields(row: Any) -> dict[str, Any]:
    return {
        "actor_id": row.actor_id,
        "action": row.action,
        "subject_id": row.subject_id,
        "object_id": row.object_id,
        "detail": row.detail,
    }


def _rows(conn: Connection) -> Iterator[Any]:
    yield from conn.execute(select(audit_log).order_by(audit_log.c.seq))


def _span(first: int, last: int) -> str:
    if first == last:
        return f"entrée n° {first} supprimée"
    return f"entrées n° {first} à {last} supprimées"


def verify(conn: Connection, keyring: Keyring | None = None) -> list[str]:
    """French messages for every break in the chain, the first tampered entry first (empty
    list: intact). With the keyring, the head's seal is checked too (truncation)."""
    problems: list[str] = []
    rows = list(_rows(conn))
    seq_of_hash = {row.hash: row.seq for row in rows}
    prev_hash, prev_seq = GENESIS, 0
    for row in rows:
        expected = prev_seq + 1
        if row.seq > expected:
            problems.append(
                f"journal : {_span(expected, row.seq - 1)} (l'entrée n° {row.seq} suit)"
            )
        elif row.prev_hash != prev_hash:
            origin = seq_of_hash.get(row.prev_hash)
            if origin is not None and origin < prev_seq:
                problems.append(
                    f"journal : entrée n° {origin + 1} insérée (l'entrée n° {row.seq} suivait "
                    f"directement l'entrée n° {origin})"
                )
            elif origin is not None:
                problems.append(
                    f"journal : entrée n° {row.seq} déplacée (elle suivait l'entrée n° {origin})"
                )
            elif row.prev_hash == GENESIS:
                problems.append(f"journal : entrée n° {row.seq} déplacée (c'était la première)")
            else:
                problems.append(
                    f"journal : entrée n° {row.seq} modifiée ou insérée (elle ne suit aucune "
                    f"entrée du journal)"
                )
        elif _entry_hash(row.prev_hash, row.seq, row.at, _fields(row)) != row.hash:
            problems.append(f"journal : entrée n° {row.seq} modifiée après écriture")
        prev_hash, prev_seq = row.hash, row.seq
    head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).first()
    if head is None:
        problems.append("journal : tête absente (table audit_head vidée)")
        return problems
    if head.seq > prev_seq:
        problems.append(
            f"journal : {_span(prev_seq + 1, head.seq)} à la fin (la tête indique n° {head.seq})"
        )
    elif head.seq < prev_seq:
        problems.append(
            f"journal : entrée n° {head.seq + 1} ajoutée hors de l'application "
            f"(la tête indique n° {head.seq})"
        )
    elif head.hash != prev_hash:
        problems.append(f"journal : entrée n° {head.seq} remplacée (la tête ne correspond pas)")
    kid = (head.seal or "").partition("$")[0]
    sealed = keyring is None or seal_ok(seal_keys(keyring), head.seq, head.hash, head.seal)
    if head.seq > 0 and not sealed and keyring is not None and kid and kid not in keyring.ids():
        problems.append(
            f"journal : sceau de la tête sous la clé « {kid} », absente du trousseau "
            f"(remettez-la dans VAULT_KEYRING pour vérifier la fin du journal)"
        )
    elif head.seq > 0 and not sealed:
        problems.append(
            "journal : tête modifiée hors de l'application (sceau invalide ou absent) : "
            "des entrées ont pu être supprimées à la fin ou le journal réécrit"
        )
    return problems


def count(conn: Connection, subject_id: str | None = None) -> int:
    """NF Z42-020 « compter » : entries of the journal (of one person when given)."""
    query = select(func.count()).select_from(audit_log)
    if subject_id is not None:
        query = query.where(audit_log.c.subject_id == subject_id)
    return int(conn.execute(query).scalar_one())


def entries(
    conn: Connection, subject_id: str | None = None, limit: int = 100, before: int | None = None
) -> list[Any]:
    """NF Z42-020 « lister » : entries, newest first (of one person when given)."""
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if subject_id is not None:
        query = query.where(audit_log.c.subject_id == subject_id)
    if before is not None:
        query = query.where(audit_log.c.seq < before)
    return list(conn.execute(query))


def checkpoint_check(conn: Connection, keyring: Keyring, folder: Path) -> list[str]:
    """Compare the journal with the checkpoint kept in the data folder (outside the database)."""
    path = folder / CHECKPOINT
    if not path.exists():
        return []
    try:
        saved = json.loads(path.read_text())
        seq, digest, seal = int(saved["seq"]), str(saved["hash"]), str(saved["seal"])
    except (ValueError, KeyError, TypeError):
        return [f"journal : point de contrôle {path} illisible (supprimez-le puis revérifiez)"]
    if not seal_ok(seal_keys(keyring), seq, digest, seal):
        return [f"journal : point de contrôle {path} modifié (sceau invalide)"]
    row = conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == seq)).first()
    if row is None:
        return [
            f"journal : entrée n° {seq} supprimée depuis la dernière vérification "
            f"(point de contrôle {path})"
        ]
    if row.hash != digest:
        return [f"journal : entrée n° {seq} réécrite depuis la dernière vérification"]
    return []


def checkpoint_write(conn: Connection, keyring: Keyring, folder: Path) -> int:
    """Save the verified head (sealed) in the data folder; return its sequence number."""
    head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).one()
    kid, derived = seal_keys(keyring)
    content = {
        "seq": int(head.seq),
        "hash": head.hash,
        "seal": f"{kid}${_mac(derived[kid], int(head.seq), head.hash)}",
        "at": now().isoformat(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / (CHECKPOINT + ".tmp")
    temp.write_text(json.dumps(content, sort_keys=True))
    temp.replace(folder / CHECKPOINT)
    return int(head.seq)
