"""Consent: what a person lets a structure or one professional see, and for how long.

A share is her own choice (no relationship needed): one structure, or only one named
professional of it, sees chosen documents (or every document of one type) for one scheme and
one purpose, until an expiry (90 days by default). Nothing is cached: every professional
request checks, in the database and against the current time inside the query, that a live
share covers the document — a revocation takes effect on the next request of every instance,
an expired share stops without any job. A document no live share covers is "not found" (404)
for professionals, like a document that does not exist.

Passing on (« transmissible à… »): a share may name one other structure; a professional of the
first may then pass a covered document on to it, which makes a child share (same scheme,
purpose and expiry, ended with its parent). Without that consent the transfer is refused with
the reason. Every act is journaled, with her as the subject.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from vault_service import audit
from vault_service.db import accounts, documents, now, share_documents, shares, structures
from vault_service.documents import DOC_TYPES
from vault_service.schemes import SHARE_SCHEMES

DEFAULT_DAYS = 90
MAX_DAYS = 365
STAFF = ("professional", "structure_admin")


class ShareError(Exception):
    """A share cannot be made or used; `message` is French and says what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Grant:
    """What she asks for in the share form (or when accepting a request)."""

    structure_id: str
    scheme: str
    purpose: str
    document_ids: tuple[str, ...] = ()
    doc_type: str | None = None
    professional_login: str = ""
    days: int = DEFAULT_DAYS
    forward_structure_id: str | None = None
    request_id: str | None = None
    problems: list[str] = field(default_factory=list)


def _live(at: datetime) -> ColumnElement[bool]:
    return and_(shares.c.revoked_at.is_(None), shares.c.expires_at > at)


def _covers(document_id: Any) -> ColumnElement[bool]:
    """The share covers the document (not deleted): chosen by name, or of the share's type."""
    chosen = exists().where(
        share_documents.c.share_id == shares.c.id, share_documents.c.document_id == document_id
    )
    of_type = and_(shares.c.doc_type.is_not(None), shares.c.doc_type == documents.c.doc_type)
    return and_(documents.c.deleted_at.is_(None), or_(of_type, chosen))


def _for_viewer(viewer: Any) -> ColumnElement[bool]:
    """Shares addressed to the viewer: their structure as a whole, or them by name."""
    return and_(
        shares.c.grantee_structure_id == viewer.structure_id,
        or_(shares.c.grantee_account_id.is_(None), shares.c.grantee_account_id == viewer.id),
    )


def _structure(conn: Connection, structure_id: str) -> Any:
    return conn.execute(select(structures).where(structures.c.id == structure_id)).first()


def create(conn: Connection, owner_id: str, grant: Grant) -> str:
    """Check and record her share; raise ShareError (nothing written) when it is not valid."""
    problems = list(grant.problems)
    structure = _structure(conn, grant.structure_id) if grant.structure_id else None
    if structure is None:
        problems.append("Choisissez la structure à qui vous donnez accès.")
    account_id = None
    if grant.professional_login.strip() and structure is not None:
        pro = conn.execute(
            select(accounts).where(accounts.c.login == grant.professional_login.strip().lower())
        ).first()
        if pro is None or pro.role not in STAFF or pro.structure_id != structure.id:
            problems.append(
                f"Aucun professionnel de « {structure.name} » n'a l'identifiant "
                f"« {grant.professional_login.strip()} » : vérifiez-le avec lui, ou laissez la "
                f"case vide pour donner accès à toute la structure."
            )
        elif pro.status == "disabled":
            problems.append("Ce professionnel n'a plus de compte actif : choisissez-en un autre.")
        else:
            account_id = pro.id
    if grant.scheme not in SHARE_SCHEMES:
        problems.append("Choisissez le dispositif pour lequel vous donnez accès.")
    purpose = " ".join(grant.purpose.split())[:300]
    if not purpose:
        problems.append("Dites en quelques mots pourquoi (par exemple : « dossier RSA »).")
    if grant.doc_type is not None and grant.doc_type not in DOC_TYPES:
        problems.append("Choisissez un type de document dans la liste.")
    wanted = sorted(set(grant.document_ids))
    owned = {
        row.id
        for row in conn.execute(
            select(documents.c.id).where(
                documents.c.owner_id == owner_id,
                documents.c.id.in_(wanted),
                documents.c.deleted_at.is_(None),
            )
        )
    }
    if set(wanted) - owned:
        problems.append("Un des documents choisis n'existe plus : rechargez la page.")
    if not wanted and grant.doc_type is None:
        problems.append("Cochez au moins un document, ou choisissez un type de document.")
    if not 1 <= grant.days <= MAX_DAYS:
        problems.append(f"La durée doit être comprise entre 1 et {MAX_DAYS} jours.")
    forward = None
    if grant.forward_structure_id:
        forward = _structure(conn, grant.forward_structure_id)
        if forward is None or (structure is not None and forward.id == structure.id):
            problems.append("Choisissez une autre structure à qui le dossier peut être transmis.")
    if problems:
        raise ShareError(" ".join(problems))
    assert structure is not None
    moment = now()
    share_id = str(uuid.uuid4())
    conn.execute(
        shares.insert().values(
            id=share_id,
            owner_id=owner_id,
            grantee_structure_id=structure.id,
            grantee_account_id=account_id,
            scheme=grant.scheme,
            purpose=purpose,
            doc_type=grant.doc_type,
            forward_structure_id=forward.id if forward else None,
            request_id=grant.request_id,
            created_by=owner_id,
            created_at=moment,
            expires_at=moment + timedelta(days=grant.days),
        )
    )
    for document_id in wanted:
        conn.execute(share_documents.insert().values(share_id=share_id, document_id=document_id))
    audit.record(
        conn,
        "share.grant",
        actor_id=owner_id,
        subject_id=owner_id,
        object_id=share_id,
        detail={
            "structure_id": structure.id,
            "account_id": account_id,
            "scheme": grant.scheme,
            "documents": wanted,
            "doc_type": grant.doc_type,
            "days": grant.days,
            "forward_structure_id": forward.id if forward else None,
            "request_id": grant.request_id,
        },
    )
    return share_id


def revoke(conn: Connection, owner_id: str, share_id: str, actor_id: str | None = None) -> bool:
    """End her share (and the shares passed on from it) now; False if not hers or ended."""
    moment = now()
    ended = conn.execute(
        update(shares)
        .where(shares.c.id == share_id, shares.c.owner_id == owner_id, _live(moment))
        .values(revoked_at=moment, revoked_by=actor_id or owner_id, end_reason="revoked")
    )
    if ended.rowcount != 1:
        return False
    conn.execute(
        update(shares)
        .where(shares.c.parent_id == share_id, shares.c.revoked_at.is_(None))
        .values(revoked_at=moment, revoked_by=actor_id or owner_id, end_reason="parent_revoked")
    )
    audit.record(
        conn, "share.revoke", actor_id=actor_id or owner_id, subject_id=owner_id, object_id=share_id
    )
    return True


def end_for_account(conn: Connection, account_id: str, actor_id: str) -> int:
    """A departing professional's access ends with their account: shares naming them end,
    each journaled for the person who gave it."""
    moment = now()
    rows = conn.execute(
        select(shares.c.id, shares.c.owner_id).where(
            shares.c.grantee_account_id == account_id, _live(moment)
        )
    ).all()
    for row in rows:
        conn.execute(
            update(shares)
            .where(or_(shares.c.id == row.id, shares.c.parent_id == row.id))
            .where(shares.c.revoked_at.is_(None))
            .values(revoked_at=moment, revoked_by=actor_id, end_reason="account_disabled")
        )
        audit.record(
            conn,
            "share.end",
            actor_id=actor_id,
            subject_id=row.owner_id,
            object_id=row.id,
            detail={"reason": "account_disabled", "account_id": account_id},
        )
    return len(rows)


_SHARE_VIEW = (
    select(
        shares,
        structures.c.name.label("structure_name"),
        accounts.c.given_name.label("pro_given_name"),
        accounts.c.family_name.label("pro_family_name"),
    )
    .join(structures, structures.c.id == shares.c.grantee_structure_id)
    .outerjoin(accounts, accounts.c.id == shares.c.grantee_account_id)
)


def shares_of(conn: Connection, owner_id: str) -> list[Any]:
    """All her shares, live first, then ended (newest first)."""
    rows = conn.execute(
        _SHARE_VIEW.where(shares.c.owner_id == owner_id).order_by(shares.c.created_at.desc())
    ).all()
    moment = now()
    return sorted(rows, key=lambda r: not is_live(r, moment))


def is_live(row: Any, at: datetime | None = None) -> bool:
    from vault_service.db import as_utc

    return row.revoked_at is None and as_utc(row.expires_at) > (at or now())


def shares_for_document(conn: Connection, owner_id: str, document_id: str) -> list[Any]:
    """The live shares through which someone can see this document of hers."""
    return list(
        conn.execute(
            _SHARE_VIEW.join(documents, documents.c.id == document_id)
            .where(
                shares.c.owner_id == owner_id,
                documents.c.owner_id == owner_id,
                _live(now()),
                _covers(documents.c.id),
            )
            .order_by(shares.c.expires_at)
        )
    )


def covered_documents(conn: Connection, share: Any) -> list[Any]:
    return list(
        conn.execute(
            select(documents)
            .select_from(shares.join(documents, documents.c.owner_id == shares.c.owner_id))
            .where(shares.c.id == share.id, _covers(documents.c.id))
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
            _for_viewer(viewer),
            _live(now()),
            _covers(documents.c.id),
        )
        .order_by(shares.c.expires_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    share = conn.execute(_SHARE_VIEW.where(shares.c.id == row.share_id)).first()
    return row, share


def granted_to(conn: Connection, viewer: Any) -> list[tuple[Any, Any, list[Any]]]:
    """(person, share, documents) of every live share the professional can use."""
    rows = conn.execute(
        _SHARE_VIEW.where(_for_viewer(viewer), _live(now())).order_by(
            shares.c.owner_id, shares.c.scheme, shares.c.expires_at
        )
    ).all()
    result = []
    for share in rows:
        person = conn.execute(select(accounts).where(accounts.c.id == share.owner_id)).one()
        result.append((person, share, covered_documents(conn, share)))
    result.sort(key=lambda t: (t[0].family_name, t[0].given_name, t[1].scheme))
    return result


def pass_on(
    conn: Connection, viewer: Any, document_id: str, target_id: str
) -> tuple[str | None, str | None]:
    """Pass a document on to another structure, as her share allows: (child share id, None);
    (None, reason) when she did not allow it — the refusal is journaled, so the caller commits.
    ShareError 404 when the viewer cannot see the document at all."""
    found = visible(conn, document_id, viewer)
    if found is None:
        raise ShareError("Document introuvable.", 404)
    document = found[0]
    moment = now()
    allowed = conn.execute(
        select(shares)
        .where(
            shares.c.owner_id == document.owner_id,
            _for_viewer(viewer),
            _live(moment),
            shares.c.forward_structure_id == target_id,
            _covers(document_id),
        )
        .select_from(shares.join(documents, documents.c.id == document_id))
        .order_by(shares.c.expires_at.desc())
        .limit(1)
    ).first()
    target = _structure(conn, target_id)
    if allowed is None:
        audit.record(
            conn,
            "share.pass_on_refused",
            actor_id=viewer.id,
            subject_id=document.owner_id,
            object_id=document_id,
            detail={"from_structure_id": viewer.structure_id, "to_structure_id": target_id},
        )
        name = f"« {target.name} »" if target is not None else "cette structure"
        return None, (
            f"Transmission refusée : la personne n'a pas autorisé la transmission de ce document "
            f"à {name}. Demandez-lui de modifier son partage si elle le souhaite."
        )
    assert target is not None
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
    conn.execute(share_documents.insert().values(share_id=child_id, document_id=document_id))
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
        object_id=document_id,
        detail={**detail, "child_share_id": child_id},
    )
    audit.record(
        conn,
        "share.received",
        actor_id=viewer.id,
        subject_id=document.owner_id,
        object_id=child_id,
        detail={**detail, "document_id": document_id},
    )
    return child_id, None


def structures_list(conn: Connection) -> list[Any]:
    query = select(structures.c.id, structures.c.name).order_by(structures.c.name)
    return list(conn.execute(query))


def forward_target(conn: Connection, share: Any) -> Any:
    """The structure her share lets a document be passed on to (None: to nobody). A share that
    was itself passed on cannot be passed on again."""
    if not share.forward_structure_id or share.parent_id:
        return None
    return _structure(conn, share.forward_structure_id)
