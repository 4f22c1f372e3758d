"""A professional asks a person for documents for one scheme; she accepts or refuses.

Only a structure that follows her (a relationship she chose, `relationships.guard`) may ask.
Accepting is her share (`shares.create`, her choice of documents, who and how long), recorded
with the request; refusing ends the request. Both are journaled with her as the subject.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, select, update

from vault_service import audit, relationships, shares
from vault_service.accounts import with_names
from vault_service.db import accounts, now, share_requests
from vault_service.documents import DOC_TYPES
from vault_service.i18n import joined, msg
from vault_service.schemes import SHARE_SCHEMES

MAX_PENDING = 20  # per person and structure: asking cannot flood her page


def create(
    conn: Connection, actor: Any, person_id: str, scheme: str, purpose: str, doc_types: list[str]
) -> str:
    """Record the request; 404 (HTTPError) unless her structure follows her; ShareError when
    the form is incomplete."""
    person = relationships.guard(conn, actor, person_id)
    problems = []
    if scheme not in SHARE_SCHEMES:
        problems.append(msg("Choisissez le dispositif pour lequel vous demandez des documents."))
    purpose = shares.purpose_text(purpose)
    if not purpose:
        problems.append(msg("Dites en quelques mots pourquoi (elle le lira)."))
    wanted = sorted({t for t in doc_types if t in DOC_TYPES})
    unknown = sorted({t for t in doc_types if t not in DOC_TYPES})
    if unknown:
        problems.append(
            msg("Type de document inconnu : {types}.", types=", ".join(unknown[:5])[:200])
        )
    elif not wanted:
        problems.append(msg("Cochez au moins un type de document."))
    pending = conn.execute(
        select(share_requests.c.id).where(
            share_requests.c.person_id == person.id,
            share_requests.c.structure_id == actor.structure_id,
            share_requests.c.status == "pending",
        )
    ).all()
    if len(pending) >= MAX_PENDING:
        problems.append(
            msg("Trop de demandes en attente pour cette personne : attendez ses réponses.")
        )
    if problems:
        raise shares.ShareError(joined(problems))
    request_id = str(uuid.uuid4())
    conn.execute(
        share_requests.insert().values(
            id=request_id,
            structure_id=actor.structure_id,
            requester_id=actor.id,
            person_id=person.id,
            scheme=scheme,
            purpose=purpose,
            doc_types=",".join(wanted),
            status="pending",
            created_at=now(),
        )
    )
    audit.record(
        conn,
        "request.create",
        actor_id=actor.id,
        subject_id=person.id,
        object_id=request_id,
        detail={"structure_id": actor.structure_id, "scheme": scheme, "doc_types": wanted},
    )
    return request_id


_VIEW = with_names(
    share_requests,
    share_requests.c.structure_id,
    share_requests.c.requester_id,
    "requester",
    login=True,
)


def for_person(conn: Connection, person_id: str) -> list[Any]:
    """Her requests, pending first, newest first."""
    rows = conn.execute(
        _VIEW.where(share_requests.c.person_id == person_id).order_by(
            share_requests.c.created_at.desc()
        )
    ).all()
    return sorted(rows, key=lambda r: r.status != "pending")


def made_by(conn: Connection, requester_id: str, limit: int = 50) -> list[Any]:
    """A professional's own requests, with the person's name (newest first)."""
    person = accounts.alias("person")
    query = (
        select(
            share_requests,
            person.c.given_name.label("person_given_name"),
            person.c.family_name.label("person_family_name"),
        )
        .join(person, person.c.id == share_requests.c.person_id)
        .where(share_requests.c.requester_id == requester_id)
        .order_by(share_requests.c.created_at.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


def _pending(conn: Connection, request_id: str, person_id: str) -> Any:
    row = conn.execute(
        _VIEW.where(
            share_requests.c.id == request_id,
            share_requests.c.person_id == person_id,
            share_requests.c.status == "pending",
        )
    ).first()
    if row is None:
        raise shares.ShareError(msg("Demande introuvable ou déjà traitée."), 404)
    return row


def accept(conn: Connection, person_id: str, request_id: str, grant: shares.Grant) -> str:
    """Her share for the request (to the professional who asked, or to the whole structure
    when she says so); the request is then answered."""
    row = _pending(conn, request_id, person_id)
    share_id = shares.create(
        conn,
        person_id,
        shares.Grant(
            structure_id=row.structure_id,
            scheme=row.scheme,
            purpose=row.purpose,
            document_ids=grant.document_ids,
            doc_type=grant.doc_type,
            professional_login=grant.professional_login and row.requester_login,
            days=grant.days,
            forward_structure_id=grant.forward_structure_id,
            request_id=row.id,
            problems=grant.problems,
        ),
    )
    conn.execute(
        update(share_requests)
        .where(share_requests.c.id == row.id)
        .values(status="accepted", answered_at=now(), share_id=share_id)
    )
    audit.record(
        conn,
        "request.accept",
        actor_id=person_id,
        subject_id=person_id,
        object_id=row.id,
        detail={"structure_id": row.structure_id, "scheme": row.scheme, "share_id": share_id},
    )
    return share_id


def refuse(conn: Connection, person_id: str, request_id: str) -> None:
    row = _pending(conn, request_id, person_id)
    conn.execute(
        update(share_requests)
        .where(share_requests.c.id == row.id)
        .values(status="refused", answered_at=now())
    )
    audit.record(
        conn,
        "request.refuse",
        actor_id=person_id,
        subject_id=person_id,
        object_id=row.id,
        detail={"structure_id": row.structure_id, "scheme": row.scheme},
    )
