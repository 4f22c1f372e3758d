"""Relationships a person chose with a structure: the only source of a professional's power
over a person.

A link is made in two ways only: when a professional creates the person's account with her
(assisted creation), or when she gives a professional a short code she generated on her
account page (in person). She sees her links and ends any of them; an ended link gives nothing.

Every professional route that acts on a person goes through `guard`: unless the person is a
beneficiary followed by the actor's structure through a live link, it answers 404 with the same
message as for a person who does not exist. Search (`find_followed`) only looks among people
the actor's structure follows. Ending a link cancels the recovery sheets its structure printed
and nobody used. This module is the only writer of the `relationships` table.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from vault_service import accounts, audit, codes
from vault_service.db import accounts as accounts_table
from vault_service.db import as_utc, now, one_time_codes, relationships, structures
from vault_service.web import HTTPError

ORIGINS = ("assisted_creation", "link_code")
ORIGIN_LABELS = {
    "assisted_creation": "création de votre compte avec un·e professionnel·le",
    "link_code": "code de lien que vous avez donné",
}
LINK_PURPOSE = "link"
ASSISTED_PURPOSE = "assisted"  # codes printed by a professional (assisted_recovery.py)
LINK_CODE_MINUTES = 30
NOT_FOLLOWED = "Personne introuvable parmi celles que suit votre structure."


def _live(structure_id: str, person_id: str) -> Any:
    return select(relationships.c.id).where(
        relationships.c.structure_id == structure_id,
        relationships.c.person_id == person_id,
        relationships.c.ended_at.is_(None),
    )


def follows(conn: Connection, structure_id: str | None, person_id: str, lock: bool = False) -> bool:
    """True when `structure_id` follows `person_id` through a live link. `lock`: in a write
    transaction, the link row stays locked until it ends (PostgreSQL), so she cannot end
    the link between this check and the write it allows."""
    if not structure_id:
        return False
    query = _live(structure_id, person_id).limit(1)
    if lock:
        query = query.with_for_update()
    return conn.execute(query).first() is not None


def guard(conn: Connection, actor: Any, person_id: str, lock: bool = False) -> Any:
    """The person's account if the actor's structure follows her; 404 otherwise (a person
    outside the actor's links is indistinguishable from one that does not exist). `lock`:
    called in the transaction that writes what the link allows (see `follows`)."""
    person = accounts.get(conn, person_id)
    if (
        person is None
        or person.role != "beneficiary"
        or not follows(conn, actor.structure_id, person.id, lock=lock)
    ):
        raise HTTPError(404, "introuvable", NOT_FOLLOWED)
    return person


def link(
    conn: Connection, person_id: str, structure_id: str, origin: str, created_by: str | None
) -> str:
    """Create the link (or return the live one), journaled under the one who made it."""
    if origin not in ORIGINS:
        raise ValueError(f"origine de lien inconnue : {origin}")
    existing = conn.execute(_live(structure_id, person_id)).first()
    if existing is not None:
        return str(existing.id)
    link_id = str(uuid.uuid4())
    conn.execute(
        insert(relationships).values(
            id=link_id,
            person_id=person_id,
            structure_id=structure_id,
            origin=origin,
            created_at=now(),
            created_by=created_by,
        )
    )
    audit.record(
        conn,
        "relationship.create",
        actor_id=created_by,
        subject_id=person_id,
        object_id=link_id,
        detail={"origin": origin, "structure_id": structure_id},
    )
    return link_id


def links_of(conn: Connection, person_id: str) -> list[Any]:
    """The person's live links, with the structure's name, oldest first."""
    return list(
        conn.execute(
            select(relationships, structures.c.name.label("structure_name"))
            .join(structures, structures.c.id == relationships.c.structure_id)
            .where(relationships.c.person_id == person_id, relationships.c.ended_at.is_(None))
            .order_by(relationships.c.created_at)
        )
    )


def end(conn: Connection, link_id: str, person_id: str) -> bool:
    """She ends one of her live links; False when it is not hers (or already ended)."""
    row = conn.execute(
        select(relationships).where(
            relationships.c.id == link_id,
            relationships.c.person_id == person_id,
            relationships.c.ended_at.is_(None),
        )
    ).first()
    if row is None:
        return False
    conn.execute(
        update(relationships)
        .where(relationships.c.id == link_id)
        .values(ended_at=now(), ended_by=person_id)
    )
    # A recovery sheet that structure printed and nobody used yet stops working too.
    cancelled = codes.cancel_codes(conn, person_id, ASSISTED_PURPOSE, row.structure_id)
    audit.record(
        conn,
        "relationship.end",
        actor_id=person_id,
        subject_id=person_id,
        object_id=link_id,
        detail={"structure_id": row.structure_id, "codes_cancelled": cancelled},
    )
    return True


def followed_people(conn: Connection, structure_id: str | None, limit: int = 10) -> list[Any]:
    """The people the structure began to follow most recently (a page never lists them all:
    a professional finds anyone else by search)."""
    if not structure_id:
        return []
    return list(
        conn.execute(
            select(accounts_table)
            .join(relationships, relationships.c.person_id == accounts_table.c.id)
            .where(relationships.c.structure_id == structure_id, relationships.c.ended_at.is_(None))
            .order_by(relationships.c.created_at.desc(), accounts_table.c.id)
            .limit(limit)
        )
    )


def followed_count(conn: Connection, structure_id: str | None) -> int:
    if not structure_id:
        return 0
    count: int = conn.execute(
        select(func.count(func.distinct(relationships.c.person_id))).where(
            relationships.c.structure_id == structure_id, relationships.c.ended_at.is_(None)
        )
    ).scalar_one()
    return count


def find_followed(conn: Connection, structure_id: str | None, person: accounts.Person) -> Any:
    """The person with these names and birth date if the structure follows her, else None."""
    found = accounts.find_beneficiary(conn, person)
    if found is None or not follows(conn, structure_id, found.id):
        return None
    return found


def issue_link_code(conn: Connection, person_id: str) -> str:
    """A short single-use code (8 characters, 30 minutes) she gives a professional in person;
    a new code cancels her previous unused one."""
    raw = codes.store_code(
        conn,
        person_id,
        LINK_PURPOSE,
        8,
        timedelta(minutes=LINK_CODE_MINUTES),
        person_id,
        domain="link",
    )
    audit.record(conn, "relationship.code", actor_id=person_id, subject_id=person_id)
    return f"{raw[:4]}-{raw[4:]}"


def redeem_link_code(conn: Connection, code: str, actor: Any) -> Any:
    """Spend a link code for the actor's structure: the person's account, or None when the
    code is wrong, used or expired."""
    row = conn.execute(
        select(one_time_codes).where(
            one_time_codes.c.code_hash == codes.code_hash(code, "link"),
            one_time_codes.c.purpose == LINK_PURPOSE,
            one_time_codes.c.used_at.is_(None),
        )
    ).first()
    if row is None or as_utc(row.expires_at) <= now() or not actor.structure_id:
        return None
    person = accounts.get(conn, row.account_id)
    if person is None or person.role != "beneficiary":
        return None
    conn.execute(update(one_time_codes).where(one_time_codes.c.id == row.id).values(used_at=now()))
    link(conn, person.id, actor.structure_id, "link_code", actor.id)
    return person
