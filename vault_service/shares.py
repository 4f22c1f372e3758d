"""Consent: what a person lets a structure or one professional see, and for how long.

A share is her own choice (no relationship needed): one structure, or only one named
professional of it, sees chosen documents (or every document of one type) for one scheme and
one purpose, until an expiry (90 days by default). This module gives and ends shares; what a
live share opens is `share_access`, passing a document on is `share_forwarding`. Every act is
journaled, with her as the subject.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, or_, select, update

from vault_service import accounts, audit
from vault_service.db import documents, now, share_documents, shares
from vault_service.documents import DOC_TYPES
from vault_service.i18n import joined, msg
from vault_service.schemes import SHARE_SCHEMES
from vault_service.share_access import STAFF, live

DEFAULT_DAYS = 90
MAX_DAYS = 365


class ShareError(Exception):
    """A share cannot be made or used; `message` is French and says what to do."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


PURPOSE_MAX = 300  # characters of a share's or a request's purpose (the API schema says so too)
HIDDEN = {"Cf", "Cc", "Co", "Cs"}  # format (bidi overrides, zero-width), control, private, lone


def purpose_text(text: str) -> str:
    """A purpose as the other side will read it: one line, NFC, without the invisible
    characters that could show a professional another text than the one she typed (a bidi
    override reverses what follows), at most PURPOSE_MAX characters."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return "".join(c for c in text if unicodedata.category(c) not in HIDDEN)[:PURPOSE_MAX]


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


@dataclass(frozen=True)
class _Checked:
    """A grant that passed every check, with what it names found in the database."""

    structure: Any
    account_id: str | None
    purpose: str
    document_ids: list[str]
    forward_id: str | None


def create(conn: Connection, owner_id: str, grant: Grant) -> str:
    """Check and record her share; raise ShareError (nothing written) when it is not valid."""
    checked = _check(conn, owner_id, grant)
    moment = now()
    share_id = str(uuid.uuid4())
    conn.execute(
        shares.insert().values(
            id=share_id,
            owner_id=owner_id,
            grantee_structure_id=checked.structure.id,
            grantee_account_id=checked.account_id,
            scheme=grant.scheme,
            purpose=checked.purpose,
            doc_type=grant.doc_type,
            forward_structure_id=checked.forward_id,
            request_id=grant.request_id,
            created_by=owner_id,
            created_at=moment,
            expires_at=moment + timedelta(days=grant.days),
        )
    )
    for document_id in checked.document_ids:
        conn.execute(share_documents.insert().values(share_id=share_id, document_id=document_id))
    audit.record(
        conn,
        "share.grant",
        actor_id=owner_id,
        subject_id=owner_id,
        object_id=share_id,
        detail={
            "structure_id": checked.structure.id,
            "account_id": checked.account_id,
            "scheme": grant.scheme,
            "documents": checked.document_ids,
            "doc_type": grant.doc_type,
            "days": grant.days,
            "forward_structure_id": checked.forward_id,
            "request_id": grant.request_id,
        },
    )
    return share_id


def _check(conn: Connection, owner_id: str, grant: Grant) -> _Checked:
    """Every problem of the grant at once, as one ShareError; else what it names."""
    problems = list(grant.problems)
    structure = accounts.structure(conn, grant.structure_id) if grant.structure_id else None
    if structure is None:
        problems.append(msg("Choisissez la structure à qui vous donnez accès."))
    account_id = _professional(conn, grant, structure, problems) if structure else None
    if grant.scheme not in SHARE_SCHEMES:
        problems.append(msg("Choisissez le dispositif pour lequel vous donnez accès."))
    purpose = purpose_text(grant.purpose)
    if not purpose:
        problems.append(msg("Dites en quelques mots pourquoi (par exemple : « dossier RSA »)."))
    if grant.doc_type is not None and grant.doc_type not in DOC_TYPES:
        problems.append(msg("Choisissez un type de document dans la liste."))
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
        problems.append(msg("Un des documents choisis n'existe plus : rechargez la page."))
    if not wanted and grant.doc_type is None:
        problems.append(msg("Cochez au moins un document, ou choisissez un type de document."))
    if not 1 <= grant.days <= MAX_DAYS:
        problems.append(msg("La durée doit être comprise entre 1 et {days} jours.", days=MAX_DAYS))
    forward = None
    if grant.forward_structure_id:
        forward = accounts.structure(conn, grant.forward_structure_id)
        if forward is None or (structure is not None and forward.id == structure.id):
            problems.append(
                msg("Choisissez une autre structure à qui le dossier peut être transmis.")
            )
    if problems:
        raise ShareError(joined(problems))
    forward_id = forward.id if forward else None
    return _Checked(structure, account_id, purpose, wanted, forward_id)


def _professional(
    conn: Connection, grant: Grant, structure: Any, problems: list[str]
) -> str | None:
    """The account of the one professional she names (None: the whole structure); a name
    that is not an active professional of the structure adds its problem."""
    login = grant.professional_login.strip()
    if not login:
        return None
    pro = accounts.by_login(conn, login.lower())
    if pro is None or pro.role not in STAFF or pro.structure_id != structure.id:
        problems.append(
            msg(
                "Aucun professionnel de « {structure} » n'a l'identifiant « {login} » : "
                "vérifiez-le avec lui, ou laissez la case vide pour donner accès à toute la "
                "structure.",
                structure=structure.name,
                login=login,
            )
        )
    elif pro.status == "disabled":
        problems.append(msg("Ce professionnel n'a plus de compte actif : choisissez-en un autre."))
    else:
        return str(pro.id)
    return None


def revoke(conn: Connection, owner_id: str, share_id: str, actor_id: str | None = None) -> bool:
    """End her share (and the shares passed on from it) now; False if not hers or ended."""
    moment = now()
    ended = conn.execute(
        update(shares)
        .where(shares.c.id == share_id, shares.c.owner_id == owner_id, live(moment))
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
            shares.c.grantee_account_id == account_id, live(moment)
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
