"""Passing on (« transmissible à… »): a share may name one other structure; a professional of
the first may then pass a covered document on to it, which makes a child share (same scheme,
purpose and expiry, ended with its parent). Without that consent the transfer is refused with
the reason. Both the transfer and a refusal are journaled, with her as the subject.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from vault_service import accounts, audit
from vault_service.db import documents, now, share_documents, shares
from vault_service.i18n import msg
from vault_service.share_access import covers, for_viewer, live, visible
from vault_service.shares import ShareError


def forward_target(conn: Connection, share: Any) -> Any:
    """The structure her share lets a document be passed on to (None: to nobody). A share that
    was itself passed on cannot be passed on again."""
    if not share.forward_structure_id or share.parent_id:
        return None
    return accounts.structure(conn, share.forward_structure_id)


def pass_on(
    conn: Connection, viewer: Any, document_id: str, target_id: str
) -> tuple[str | None, str | None]:
    """Pass a document on to another structure, as her share allows: (child share id, None);
    (None, reason) when she did not allow it — the refusal is journaled, so the caller commits.
    ShareError 404 when the viewer cannot see the document at all."""
    found = visible(conn, document_id, viewer)
    if found is None:
        raise ShareError(msg("Document introuvable."), 404)
    document = found[0]
    moment = now()
    allowed = _allowing_share(conn, viewer, document, target_id, moment)
    target = accounts.structure(conn, target_id)
    if allowed is None:
        audit.record(
            conn,
            "share.pass_on_refused",
            actor_id=viewer.id,
            subject_id=document.owner_id,
            object_id=document_id,
            detail={"from_structure_id": viewer.structure_id, "to_structure_id": target_id},
        )
        if target is None:
            return None, msg(
                "Transmission refusée : la personne n'a pas autorisé la transmission de ce "
                "document à cette structure. Demandez-lui de modifier son partage si elle le "
                "souhaite."
            )
        return None, msg(
            "Transmission refusée : la personne n'a pas autorisé la transmission de ce document "
            "à « {structure} ». Demandez-lui de modifier son partage si elle le souhaite.",
            structure=target.name,
        )
    assert target is not None
    existing = _live_child(conn, allowed, document.id, moment)
    if existing is not None:  # passed on already: the same child share, not a second one
        return existing, None
    return _child_share(conn, viewer, document, allowed, target, moment), None


def _live_child(conn: Connection, allowed: Any, document_id: str, moment: datetime) -> str | None:
    """The live child share of `allowed` that already passes this document on, if any."""
    child: str | None = conn.execute(
        select(shares.c.id)
        .where(shares.c.parent_id == allowed.id, live(moment), covers(document_id))
        .select_from(shares.join(documents, documents.c.id == document_id))
        .limit(1)
    ).scalar()
    return child


def _allowing_share(
    conn: Connection, viewer: Any, document: Any, target_id: str, moment: datetime
) -> Any:
    """Her live share, addressed to the viewer and covering the document, that names the
    target structure (the one lasting longest), or None."""
    return conn.execute(
        select(shares)
        .where(
            shares.c.owner_id == document.owner_id,
            for_viewer(viewer),
            live(moment),
            shares.c.forward_structure_id == target_id,
            covers(document.id),
        )
        .select_from(shares.join(documents, documents.c.id == document.id))
        .order_by(shares.c.expires_at.desc())
        .limit(1)
    ).first()


def _child_share(
    conn: Connection, viewer: Any, document: Any, allowed: Any, target: Any, moment: datetime
) -> str:
    """Record the child share of `allowed` for the target, journaled on both sides."""
    child_id = str(uuid.uuid4())
    conn.execute(
        shares.insert().values(
            id=child_id,
            owner_id=document.owner_id,
            grantee_structure_id=target.id,
            grantee_account_id=None,
            scheme=allowed.scheme,
            purpose=allowed.purpose,
            doc_type=None,
            forward_structure_id=None,
            parent_id=allowed.id,
            created_by=viewer.id,
            created_at=moment,
            expires_at=allowed.expires_at,
        )
    )
    conn.execute(share_documents.insert().values(share_id=child_id, document_id=document.id))
    detail = {
        "from_structure_id": viewer.structure_id,
        "to_structure_id": target.id,
        "share_id": allowed.id,
        "scheme": allowed.scheme,
    }
    # Journaled on both sides: sent by the first structure, received by the second.
    audit.record(
        conn,
        "share.pass_on",
        actor_id=viewer.id,
        subject_id=document.owner_id,
        object_id=document.id,
        detail={**detail, "child_share_id": child_id},
    )
    audit.record(
        conn,
        "share.received",
        actor_id=viewer.id,
        subject_id=document.owner_id,
        object_id=child_id,
        detail={**detail, "document_id": document.id},
    )
    return child_id
