"""The owner's documents as people use them: filtered by type and scheme, counted (the NF
Z42-020 « count » function), and reminded before an ID card or a residence permit expires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from vault_service import audit
from vault_service.db import documents
from vault_service.documents import DOC_TYPES, SCHEMES, list_for
from vault_service.i18n import msg
from vault_service.web import MAYOTTE

REMIND_DAYS = 60  # a residence permit renewal takes about two months in Mayotte
DATE_RE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
BAD_DATE = msg(
    "La date de fin de validité n'est pas une date : écrivez-la jj/mm/aaaa "
    "(par exemple 31/12/2027), ou laissez la case vide."
)


def today() -> date:
    """Today in Mayotte (UTC+3)."""
    return datetime.now(MAYOTTE).date()


def parse_expiry(text: str | None) -> tuple[date | None, str | None]:
    """(date, None), (None, None) when empty, or (None, French problem)."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        found = DATE_RE.match(text)
        if found:  # typed by hand where the phone has no date picker
            day, month, year = (int(part) for part in found.groups())
            value = date(year, month, day)
        else:
            value = date.fromisoformat(text)  # what <input type="date"> sends
    except ValueError:
        return None, BAD_DATE
    if not 1900 <= value.year <= 2200:
        return None, BAD_DATE
    return value, None


@dataclass(frozen=True)
class Reminder:
    document: Any
    days: int  # negative: expired that many days ago

    @property
    def expired(self) -> bool:
        return self.days < 0


def reminders(rows: list[Any], on: date | None = None) -> list[Reminder]:
    """Documents expired or expiring within REMIND_DAYS, soonest first."""
    on = on or today()
    found = [
        Reminder(row, (row.expires_on - on).days)
        for row in rows
        if row.expires_on is not None and (row.expires_on - on).days <= REMIND_DAYS
    ]
    return sorted(found, key=lambda reminder: reminder.days)


def filtered(conn: Connection, owner_id: str, doc_type: str, scheme: str) -> list[Any]:
    """The owner's documents, of one type and / or one scheme when given (unknown: all)."""
    rows = list_for(conn, owner_id)
    if doc_type in DOC_TYPES:
        rows = [row for row in rows if row.doc_type == doc_type]
    if scheme in SCHEMES:
        rows = [row for row in rows if row.scheme == scheme]
    return rows


def counts(conn: Connection, owner_id: str) -> dict[str, Any]:
    """How many documents the owner has, in all, per type and per scheme (zeros included)."""
    by_type = dict.fromkeys(DOC_TYPES, 0)
    by_scheme = dict.fromkeys(SCHEMES, 0)
    query = (
        select(documents.c.doc_type, documents.c.scheme, func.count())
        .where(documents.c.owner_id == owner_id, documents.c.deleted_at.is_(None))
        .group_by(documents.c.doc_type, documents.c.scheme)
    )
    total = 0
    for doc_type, scheme, number in conn.execute(query):
        by_type[doc_type] = by_type.get(doc_type, 0) + int(number)
        by_scheme[scheme] = by_scheme.get(scheme, 0) + int(number)
        total += int(number)
    return {"total": total, "by_type": by_type, "by_scheme": by_scheme}


def in_bin(conn: Connection, owner_id: str) -> list[Any]:
    """Documents the owner deleted, still restorable (most recent first)."""
    return list(
        conn.execute(
            select(documents)
            .where(documents.c.owner_id == owner_id, documents.c.deleted_at.is_not(None))
            .order_by(documents.c.deleted_at.desc())
        )
    )


def restore(conn: Connection, document_id: str, owner_id: str) -> bool:
    """Take a document out of the bin (its shares do not come back); False if not there."""
    done = conn.execute(
        update(documents)
        .where(
            documents.c.id == document_id,
            documents.c.owner_id == owner_id,
            documents.c.deleted_at.is_not(None),
        )
        .values(deleted_at=None)
    )
    if done.rowcount != 1:
        return False
    audit.record(
        conn, "document.restore", actor_id=owner_id, subject_id=owner_id, object_id=document_id
    )
    return True
