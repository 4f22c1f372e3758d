"""Notices to a person about what someone else did on her account (a professional printed a
recovery sheet, her access was recovered, her second factor was removed…).

They are shown at her next login (the login leads to `/compte/avis` while some are unread) and
stay listed on her account page; the same facts are in the journal. Names are stored as they
were at the time, so a notice still reads right after an account is renamed or disabled.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from vault_service import audit
from vault_service.db import notices as notices_table
from vault_service.db import now
from vault_service.i18n import msg

# kind -> French text; {who}, {structure}, {approver} come from the notice's detail.
MESSAGES = {
    "assisted_recovery_issued": (
        "{who} ({structure}) a imprimé une feuille de récupération pour votre compte{approval}. "
        "Si vous ne l'avez pas demandée : dans « Mon compte », rubrique « Mes structures », "
        "mettez fin au lien avec cette structure (la feuille ne servira plus) et changez votre "
        "mot de passe."
    ),
    "assisted_recovery_used": (
        "Votre mot de passe a été changé avec une feuille de récupération remise par {who} "
        "({structure}). Si ce n'était pas vous : utilisez votre propre feuille de secours, "
        "elle reste valable, puis mettez fin au lien avec cette structure."
    ),
    "totp_removed": (
        "La double authentification a été retirée de votre compte lors d'une récupération "
        "d'accès : réactivez-la dans « Mon compte » si vous le souhaitez."
    ),
}


@dataclass(frozen=True)
class Notice:
    id: str
    kind: str
    text: str
    created_at: datetime
    seen: bool


def add(conn: Connection, account_id: str, kind: str, **detail: str) -> None:
    """Record a notice for `account_id` in the caller's transaction."""
    if kind not in MESSAGES:
        raise ValueError(f"avis inconnu : {kind}")
    conn.execute(
        insert(notices_table).values(
            id=str(uuid.uuid4()),
            account_id=account_id,
            kind=kind,
            detail=json.dumps(detail, sort_keys=True, ensure_ascii=False),
            created_at=now(),
        )
    )


def _notice(row: Any) -> Notice:
    detail = {"who": "", "structure": "", "approval": "", **json.loads(row.detail)}
    if detail.get("approver"):
        detail["approval"] = msg(", validée par {approver}", approver=detail["approver"])
    # MESSAGES are catalogue entries (i18n.labels): translated when shown, values kept.
    text = msg(MESSAGES[row.kind], **detail)
    return Notice(row.id, row.kind, text, row.created_at, bool(row.seen_at))


def unseen(conn: Connection, account_id: str) -> list[Notice]:
    rows = conn.execute(
        select(notices_table)
        .where(notices_table.c.account_id == account_id, notices_table.c.seen_at.is_(None))
        .order_by(notices_table.c.created_at)
    )
    return [_notice(row) for row in rows]


def has_unseen(conn: Connection, account_id: str) -> bool:
    return bool(
        conn.execute(
            select(notices_table.c.id)
            .where(notices_table.c.account_id == account_id, notices_table.c.seen_at.is_(None))
            .limit(1)
        ).first()
    )


def recent(conn: Connection, account_id: str, limit: int = 20) -> list[Notice]:
    rows = conn.execute(
        select(notices_table)
        .where(notices_table.c.account_id == account_id)
        .order_by(notices_table.c.created_at.desc())
        .limit(limit)
    )
    return [_notice(row) for row in rows]


def mark_seen(conn: Connection, account_id: str) -> None:
    """She has read her notices (journaled, like every act on her account)."""
    seen = conn.execute(
        update(notices_table)
        .where(notices_table.c.account_id == account_id, notices_table.c.seen_at.is_(None))
        .values(seen_at=now())
    )
    if seen.rowcount:
        audit.record(
            conn,
            "account.notices_read",
            actor_id=account_id,
            subject_id=account_id,
            detail={"count": seen.rowcount},
        )
