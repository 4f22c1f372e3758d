"""Closing an account: asked by the person (export offered first), a grace period during which
she can change her mind, then crypto-erasure.

Erasure destroys every wrapped data key (the version rows) and removes the encrypted files:
without its data key no byte of a file can be decrypted, even from a backup of the blobs.
Her grants and links with structures end, her duplicates are cancelled and lose their details,
her sessions, codes and notices go, and the account row keeps no name, login, birth date or
secret. The journal keeps its entries
(ids, dates, actions: what the law requires to prove who did what), chained as before, so
`verify-journal` still holds.

The end of the grace period takes effect by itself: every request (web.SessionLoader) first
erases the accounts whose deadline has passed (`erase_due`: one indexed query when there are
none), so from the deadline on she is signed out, nothing of hers is shown to anyone, and her
duplicates read as cancelled — without any job. Deleted documents kept in the bin are erased
after the retention setting by `python -m vault_service purge` (daily, e.g. from cron), which
also erases due accounts (for an instance nobody visits).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, select, update

from vault_service import audit
from vault_service.db import (
    accounts,
    as_utc,
    document_versions,
    documents,
    duplicates,
    metadata,
    now,
    one_time_codes,
    sessions,
    shares,
)
from vault_service.storage import BlobStore

log = logging.getLogger("vault_service")


def request_closure(conn: Connection, account_id: str, grace_days: int) -> datetime:
    """Schedule the erasure; return when it happens. Her sessions stay until then."""
    closes_at = now() + timedelta(days=grace_days)
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(closes_at=closes_at))
    audit.record(
        conn,
        "account.closure_requested",
        actor_id=account_id,
        subject_id=account_id,
        detail={"closes_at": as_utc(closes_at).isoformat(), "grace_days": grace_days},
    )
    return closes_at


def cancel_closure(conn: Connection, account_id: str) -> None:
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(closes_at=None))
    audit.record(conn, "account.closure_cancelled", actor_id=account_id, subject_id=account_id)


def _erase_documents(conn: Connection, document_ids: list[str]) -> list[str]:
    """Delete the rows of these documents (data keys included); return their file names."""
    if not document_ids:
        return []
    names = list(
        conn.execute(
            select(document_versions.c.storage_name).where(
                document_versions.c.document_id.in_(document_ids)
            )
        ).scalars()
    )
    # Every row that points at these documents goes first (versions = wrapped data keys, share
    # links, deposit signatures…), children before parents.
    for table in reversed(metadata.sorted_tables):
        for key in table.foreign_keys:
            if key.column.table is documents:
                conn.execute(delete(table).where(key.parent.in_(document_ids)))
    conn.execute(delete(documents).where(documents.c.id.in_(document_ids)))
    return names


def _claim(conn: Connection, account_id: str, moment: datetime) -> bool:
    """Mark the account erased, first (row locked until commit): of two requests or instances
    erasing it at once, the second finds it done and does nothing."""
    done = conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id, accounts.c.closed_at.is_(None))
        .values(closed_at=moment, closes_at=None)
    )
    return done.rowcount == 1


def _remove_files(store: BlobStore, names: list[str]) -> None:
    """After the commit (the keys are gone already): a file that cannot be removed now stays
    as undecryptable bytes, for `fsck` to find as an orphan."""
    for name in names:
        try:
            store.remove(name)
        except Exception:  # the storage may fail; the erasure itself is done
            log.exception("effacement : fichier %s non supprimé (fsck le retrouvera)", name)


def erase_account(engine: Engine, store: BlobStore, account_id: str) -> dict[str, int] | None:
    """Crypto-erase one account now (keys destroyed in the transaction, then files removed);
    None when it was already erased (by another request or instance)."""
    moment = now()
    with engine.begin() as conn:
        if not _claim(conn, account_id, moment):
            return None
        ids = list(
            conn.execute(select(documents.c.id).where(documents.c.owner_id == account_id)).scalars()
        )
        names = _erase_documents(conn, ids)
        conn.execute(
            update(shares)
            .where(shares.c.owner_id == account_id, shares.c.revoked_at.is_(None))
            .values(revoked_at=moment)
        )
        conn.execute(
            update(duplicates)
            .where(duplicates.c.issued_by == account_id)
            .values(
                revoked_at=moment,
                recipient=None,
                purpose=None,
                payload=None,
            )
        )
        # Her links with structures end (they lose any access), what others told her goes.
        links = metadata.tables.get("relationships")
        if links is not None:
            conn.execute(
                update(links)
                .where(links.c.person_id == account_id, links.c.ended_at.is_(None))
                .values(ended_at=moment)
            )
        told = metadata.tables.get("notices")
        if told is not None:
            conn.execute(delete(told).where(told.c.account_id == account_id))
        conn.execute(delete(sessions).where(sessions.c.account_id == account_id))
        conn.execute(delete(one_time_codes).where(one_time_codes.c.account_id == account_id))
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(
                login=f"ferme-{account_id}",
                given_name="",
                family_name="",
                birth_date=None,
                identity_key=None,
                password_hash=None,
                totp_secret=None,
                status="closed",
                session_version=accounts.c.session_version + 1,
                closed_at=moment,
            )
        )
        audit.record(
            conn,
            "account.erased",
            actor_id=None,
            subject_id=account_id,
            detail={"documents": len(ids), "files": len(names)},
        )
    _remove_files(store, names)
    return {"documents": len(ids), "files": len(names)}


def erase_deleted(engine: Engine, store: BlobStore, older_than: datetime) -> int:
    """Erase documents that stayed in the bin since before `older_than`."""
    with engine.begin() as conn:
        rows = list(
            conn.execute(
                select(documents.c.id, documents.c.owner_id).where(
                    documents.c.deleted_at.is_not(None), documents.c.deleted_at < older_than
                )
            )
        )
        names = _erase_documents(conn, [row.id for row in rows])
        for row in rows:
            audit.record(
                conn,
                "document.erased",
                actor_id=None,
                subject_id=row.owner_id,
                object_id=row.id,
            )
    for name in names:
        store.remove(name)
    return len(rows)


def due(conn: Connection, moment: datetime) -> list[str]:
    return list(
        conn.execute(
            select(accounts.c.id).where(
                accounts.c.closes_at.is_not(None),
                accounts.c.closes_at <= moment,
                accounts.c.closed_at.is_(None),
            )
        ).scalars()
    )


def erase_due(engine: Engine, store: BlobStore) -> int:
    """Erase every account whose grace period is over; how many this call erased."""
    with engine.connect() as conn:
        closing = due(conn, now())
    return sum(erase_account(engine, store, account_id) is not None for account_id in closing)


def purge(engine: Engine, store: BlobStore, retention_days: int) -> dict[str, int]:
    """Accounts past their grace period, and bin documents past the retention period."""
    moment = now()
    accounts_erased = erase_due(engine, store)
    bin_erased = erase_deleted(engine, store, moment - timedelta(days=retention_days))
    return {"accounts": accounts_erased, "documents": bin_erased}


def closing_date(account: Any) -> datetime | None:
    value = getattr(account, "closes_at", None)
    return as_utc(value) if value is not None else None
