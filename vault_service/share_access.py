"""What a live share opens, and to whom: every read of the shares.

Nothing is cached: every professional request checks, in the database and against the current
time inside the query, that a live share covers the document — a revocation takes effect on the
next request of every instance, an expired share stops without any job. A document no live
share covers is "not found" (404) for professionals, like a document that does not exist. The
predicates (`live`, `covers`, `for_viewer`) are shared by the modules that write shares
(`shares`, `share_forwarding`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, or_, select
from sqlalchemy.sql.elements import ColumnElement

from vault_service.accounts import with_names
from vault_service.db import accounts, as_utc, documents, now, share_documents, shares, structures

STAFF = ("professional", "structure_admin")


def live(at: datetime) -> ColumnElement[bool]:
    return and_(shares.c.revoked_at.is_(None), shares.c.expires_at > at)


def covers(document_id: Any) -> ColumnElement[bool]:
    """The share covers the document (not deleted): chosen by name, or of the share's type."""
    chosen = exists().where(
        share_documents.c.share_id == shares.c.id, share_documents.c.document_id == document_id
    )
    of_type = and_(shares.c.doc_type.is_not(None), shares.c.doc_type == documents.c.doc_type)
    return and_(documents.c.deleted_at.is_(None), or_(of_type, chosen))


def for_viewer(viewer: Any) -> ColumnElement[bool]:
    """Shares addressed to the viewer: their structure as a whole, or them by name."""
    return and_(
        shares.c.grantee_structure_id == viewer.structure_id,
        or_(shares.c.grantee_account_id.is_(None), shares.c.grantee_account_id == viewer.id),
    )


def structures_list(conn: Connection) -> list[Any]:
    query = select(structures.c.id, structures.c.name).order_by(structures.c.name)
    return list(conn.execute(query))


SHARE_VIEW = with_names(
    shares, shares.c.grantee_structure_id, shares.c.grantee_account_id, "pro", optional=True
)


def shares_of(conn: Connection, owner_id: str) -> list[Any]:
    """All her shares, live first, then ended (newest first)."""
    rows = conn.execute(
        SHARE_VIEW.where(shares.c.owner_id == owner_id).order_by(shares.c.created_at.desc())
    ).all()
    moment = now()
    return sorted(rows, key=lambda r: not is_live(r, moment))


def is_live(row: Any, at: datetime | None = None) -> bool:
    return row.revoked_at is None and as_utc(row.expires_at) > (at or now())


def shares_for_document(conn: Connection, owner_id: str, document_id: str) -> list[Any]:
    """The live shares through which someone can see this document of hers."""
    return list(
        conn.execute(
            SHARE_VIEW.join(documents, documents.c.id == document_id)
            .where(
                shares.c.owner_id == owner_id,
                documents.c.owner_id == owner_id,
                live(now()),
                covers(documents.c.id),
            )
            .order_by(shares.c.expires_at)
        )
    )


def covered_documents(conn: Connection, share: Any) -> list[Any]:
    return list(
        conn.execute(
            select(documents)
            .select_from(shares.join(documents, documents.c.owner_id == shares.c.owner_id))
            .where(shares.c.id == share.id, covers(documents.c.id))
            .order_by(documents.c.title, documents.c.id)
        )
    )


def visible(conn: Connection, document_id: str, viewer: Any) -> Any:
    """(document, share) when a live share covers the document for this professional, else
    None. The share that lasts longest is the one recorded in the journal."""
    if viewer.role not in STAFF or not viewer.structure_id:
        return None
    row = conn.execute(
        select(documents, shares.c.id.label("share_id"))
        .select_from(documents.join(shares, shares.c.owner_id == documents.c.owner_id))
        .where(
            documents.c.id == document_id,
            for_viewer(viewer),
            live(now()),
            covers(documents.c.id),
        )
        .order_by(shares.c.expires_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    share = conn.execute(SHARE_VIEW.where(shares.c.id == row.share_id)).first()
    return row, share


def granted_to(conn: Connection, viewer: Any) -> list[tuple[Any, Any, list[Any]]]:
    """(person, share, documents) of every live share the professional can use."""
    rows = conn.execute(
        SHARE_VIEW.where(for_viewer(viewer), live(now())).order_by(
            shares.c.owner_id, shares.c.scheme, shares.c.expires_at
        )
    ).all()
    result = []
    for share in rows:
        person = conn.execute(select(accounts).where(accounts.c.id == share.owner_id)).one()
        result.append((person, share, covered_documents(conn, share)))
    result.sort(key=lambda t: (t[0].family_name, t[0].given_name, t[1].scheme))
    return result
