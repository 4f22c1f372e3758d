"""A professional helps a person recover her access: the only way a recovery code can come
from someone other than the person herself.

Rules, all checked here in one transaction:
- only inside a live relationship she chose (`relationships.guard`: 404 otherwise);
- an identity check is recorded: which document the professional saw, and who they are;
- when `VAULT_RECOVERY_SECOND_APPROVAL` is on (default), another active professional of the
  same structure approves within 24 hours, recording what they saw too; the code is issued
  only then;
- the code has its own purpose (`assisted`): it never cancels the person's own recovery sheet;
- she gets a notice (shown at her next login) and every step is journaled under the
  professional's name, never hers.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from vault_service import accounts, audit, codes, notices, relationships
from vault_service.db import as_utc, assisted_recoveries, now, structures
from vault_service.i18n import msg
from vault_service.web import HTTPError

ID_DOCUMENTS = {
    "cni": "Carte nationale d'identité",
    "passeport": "Passeport",
    "titre_sejour": "Titre de séjour",
    "recepisse": "Récépissé de demande de titre de séjour",
    "autre": "Autre pièce officielle avec photo",
}
PURPOSE = relationships.ASSISTED_PURPOSE
REQUEST_HOURS = 24
NO_DOCUMENT = msg(
    "Indiquez la pièce d'identité que vous avez vue (original, avec photo) : sans contrôle "
    "d'identité, aucune feuille de récupération n'est imprimée."
)


def _name(account: Any) -> str:
    return f"{account.given_name} {account.family_name}"


def structure_name(conn: Connection, structure_id: str) -> str:
    name: str = conn.execute(
        select(structures.c.name).where(structures.c.id == structure_id)
    ).scalar_one()
    return name


def _check_document(id_document: str) -> None:
    if id_document not in ID_DOCUMENTS:
        raise HTTPError(400, "controle_identite", NO_DOCUMENT, {"field": "id_document"})


def _issue(conn: Connection, row: Any, person: Any, issuer: Any, days: int) -> str:
    """The recovery code, printed by `issuer`; the person is told at her next login."""
    code = codes.issue_code(conn, person.id, PURPOSE, days, issuer.id)
    conn.execute(
        update(assisted_recoveries)
        .where(assisted_recoveries.c.id == row.id)
        .values(issued_at=now())
    )
    requester = accounts.get(conn, row.requested_by)
    notices.add(
        conn,
        person.id,
        "assisted_recovery_issued",
        who=_name(requester),
        structure=structure_name(conn, row.structure_id),
        approver=_name(issuer) if issuer.id != requester.id else "",
    )
    return code


def request(
    conn: Connection,
    actor: Any,
    person_id: str,
    id_document: str,
    *,
    second_approval: bool,
    days: int,
) -> tuple[Any, str | None]:
    """Record the identity check; (person, code) — code None while awaiting approval."""
    person = relationships.guard(conn, actor, person_id)
    _check_document(id_document)
    request_id = str(uuid.uuid4())
    conn.execute(
        insert(assisted_recoveries).values(
            id=request_id,
            person_id=person.id,
            structure_id=actor.structure_id,
            requested_by=actor.id,
            requested_at=now(),
            id_document=id_document,
        )
    )
    audit.record(
        conn,
        "recovery.request",
        actor_id=actor.id,
        subject_id=person.id,
        object_id=request_id,
        detail={
            "id_document": id_document,
            "checked_by": actor.id,
            "structure_id": actor.structure_id,
            "second_approval": second_approval,
        },
    )
    if second_approval:
        return person, None
    row = conn.execute(
        select(assisted_recoveries).where(assisted_recoveries.c.id == request_id)
    ).one()
    return person, _issue(conn, row, person, actor, days)


def approve(
    conn: Connection, actor: Any, request_id: str, id_document: str, days: int
) -> tuple[Any, str]:
    """A second professional of the same structure approves: (person, code)."""
    row = conn.execute(
        select(assisted_recoveries)
        .where(
            assisted_recoveries.c.id == request_id,
            assisted_recoveries.c.structure_id == (actor.structure_id or ""),
        )
        .with_for_update()
    ).first()
    if row is None:
        raise HTTPError(404, "introuvable", msg("Demande de récupération introuvable."))
    person = relationships.guard(conn, actor, row.person_id)
    if row.issued_at is not None:
        raise HTTPError(409, "deja_validee", msg("Cette demande a déjà été validée."))
    if as_utc(row.requested_at) + timedelta(hours=REQUEST_HOURS) <= now():
        raise HTTPError(
            409,
            "demande_expiree",
            msg(
                "Cette demande a plus de {hours} heures : refaites le contrôle d'identité.",
                hours=REQUEST_HOURS,
            ),
        )
    requester = accounts.get(conn, row.requested_by)
    if requester.status != "active" or requester.structure_id != row.structure_id:
        raise HTTPError(
            409,
            "demandeur_parti",
            msg(
                "La personne qui a fait cette demande n'a plus de compte actif dans votre "
                "structure : refaites le contrôle d'identité."
            ),
        )
    if row.requested_by == actor.id:
        raise HTTPError(
            403,
            "meme_professionnel",
            msg(
                "La seconde validation doit venir d'un·e autre professionnel·le de votre structure."
            ),
        )
    _check_document(id_document)
    conn.execute(
        update(assisted_recoveries)
        .where(assisted_recoveries.c.id == row.id)
        .values(approved_by=actor.id, approval_document=id_document)
    )
    audit.record(
        conn,
        "recovery.approve",
        actor_id=actor.id,
        subject_id=person.id,
        object_id=row.id,
        detail={
            "id_document": id_document,
            "checked_by": actor.id,
            "requested_by": row.requested_by,
            "structure_id": row.structure_id,
        },
    )
    return person, _issue(conn, row, person, actor, days)


def pending_for(conn: Connection, actor: Any) -> list[dict[str, Any]]:
    """Requests of the actor's structure that the actor may approve (not their own, recent,
    requester still an active member, person still followed)."""
    if not actor.structure_id:
        return []
    since = now() - timedelta(hours=REQUEST_HOURS)
    rows = conn.execute(
        select(assisted_recoveries)
        .where(
            assisted_recoveries.c.structure_id == actor.structure_id,
            assisted_recoveries.c.issued_at.is_(None),
            assisted_recoveries.c.requested_by != actor.id,
        )
        .order_by(assisted_recoveries.c.requested_at)
    ).all()
    pending = []
    for row in rows:
        if as_utc(row.requested_at) <= since:
            continue
        requester = accounts.get(conn, row.requested_by)
        if requester.status != "active" or requester.structure_id != actor.structure_id:
            continue
        if not relationships.follows(conn, actor.structure_id, row.person_id):
            continue
        pending.append(
            {
                "id": row.id,
                "person": accounts.get(conn, row.person_id),
                "requester": requester,
                "id_document": ID_DOCUMENTS[row.id_document],
                "requested_at": row.requested_at,
            }
        )
    return pending
