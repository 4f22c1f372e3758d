"""A professional deposits a document (an attestation of the structure) into her vault.

Only a structure that follows her may deposit (`relationships.guard`, checked again inside
the transaction that writes the document). The document is hers
(she may rename, share or delete it) and is marked « déposé par <structure> ». Origin proof:
the structure's Ed25519 key (signing.py, purpose `structure:<id>`, derived from the keyring)
signs the canonical fields below — the SHA-256 of the file, the date, the depositor, the
structure, the person and the document. She (or anyone she shows it to) verifies it: the
fields, the signature and the public key are published with the document, and `verify`
re-hashes the decrypted file.

What was signed is kept as it was (`deposits.payload`, the exact text, and the public key):
renaming the structure or the depositor later changes nothing to the proof, and the page shows
the names of the day. The public key is checked against the keys the vault publishes for the
structure (`public_keys.trusted`: the keyring's, and every key recorded before a rotation), so
a deposit signed before a rotation still verifies once the old keyring key is gone.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from vault_service import audit, public_keys, receiving, relationships, signing
from vault_service import documents as docs
from vault_service.accounts import with_names
from vault_service.crypto import DecryptionError, Keyring
from vault_service.db import accounts, as_utc, deposits, documents, now, structures
from vault_service.i18n import msg
from vault_service.storage import BlobStore

KIND = "vault-deposit-v1"


def purpose(structure_id: str) -> str:
    return f"structure:{structure_id}"


def signers(conn: Connection) -> list[Any]:
    """Every structure whose key signed a deposit (id, name), by name: their keys are public."""
    prefix = purpose("")
    ids = [p.removeprefix(prefix) for p in public_keys.purposes(conn) if p.startswith(prefix)]
    if not ids:
        return []
    query = select(structures.c.id, structures.c.name).where(structures.c.id.in_(ids))
    return list(conn.execute(query.order_by(structures.c.name, structures.c.id)))


def signer(conn: Connection, keys: signing.SigningKeys, structure_id: str) -> Any:
    """(structure row, {public key: keyring id}) of a structure that signed, or None."""
    if purpose(structure_id) not in public_keys.purposes(conn):
        return None
    row = conn.execute(
        select(structures.c.id, structures.c.name).where(structures.c.id == structure_id)
    ).first()
    if row is None:
        return None
    return row, public_keys.trusted(conn, keys, purpose(structure_id))


def fields(
    document_id: str,
    version: int,
    sha256: str,
    at: Any,
    structure: Any,
    depositor: Any,
    person_id: str,
) -> dict[str, Any]:
    """What the structure signs (and what a verifier re-creates)."""
    return {
        "v": KIND,
        "document_id": document_id,
        "version": version,
        "sha256": sha256,
        "deposited_at": as_utc(at).isoformat(timespec="seconds"),
        "structure_id": structure.id,
        "structure_name": structure.name,
        "depositor_id": depositor.id,
        "depositor_name": f"{depositor.given_name} {depositor.family_name}",
        "person_id": person_id,
    }


def save(
    engine: Engine,
    keys: signing.SigningKeys,
    incoming: receiving.Incoming,
    depositor: Any,
    person_id: str,
    title: str,
    doc_type: str,
    scheme: str,
) -> str:
    """Publish the file as her document with the structure's signature, in one transaction.
    The link is checked (and locked) first in that transaction: if she ended it meanwhile,
    `relationships.guard` raises its 404 and nothing is written (the file is removed)."""
    with receiving.publishing(engine, incoming, depositor.id) as (conn, values):
        relationships.guard(conn, depositor, person_id, lock=True)
        structure = conn.execute(
            select(structures).where(structures.c.id == depositor.structure_id)
        ).one()
        moment = now().replace(microsecond=0)
        conn.execute(
            insert(documents).values(
                id=incoming.document_id,
                owner_id=person_id,
                title=docs.clean_title(title) or values["filename"],
                doc_type=doc_type,
                scheme=scheme,
                current_version=1,
                created_at=moment,
                updated_at=moment,
            )
        )
        signed = fields(
            incoming.document_id, 1, values["sha256"], moment, structure, depositor, person_id
        )
        signature = keys.sign_fields(purpose(structure.id), signed)
        conn.execute(
            insert(deposits).values(
                document_id=incoming.document_id,
                version=1,
                structure_id=structure.id,
                depositor_id=depositor.id,
                deposited_at=moment,
                signing_key_id=signature.key_id,
                public_key=signature.public,
                signature=signature.value,
                payload=signing.canonical(signed).decode(),
            )
        )
        public_keys.record(conn, purpose(structure.id), signature.key_id, signature.public)
        audit.record(
            conn,
            "deposit.create",
            actor_id=depositor.id,
            subject_id=person_id,
            object_id=incoming.document_id,
            detail={
                "structure_id": structure.id,
                "sha256": values["sha256"],
                "key_id": signature.key_id,
            },
        )
    return incoming.document_id


_ORIGIN = with_names(deposits, deposits.c.structure_id, deposits.c.depositor_id, "depositor")


def origin(conn: Connection, document_id: str) -> Any:
    """The deposit row of a document (None: she put it there herself)."""
    return conn.execute(_ORIGIN.where(deposits.c.document_id == document_id)).first()


def origins(conn: Connection, document_ids: list[str]) -> dict[str, Any]:
    if not document_ids:
        return {}
    rows = conn.execute(_ORIGIN.where(deposits.c.document_id.in_(document_ids)))
    return {row.document_id: row for row in rows}


def made_by(conn: Connection, depositor_id: str, limit: int = 50) -> list[Any]:
    """A professional's own deposits, with the person's name and the title (newest first)."""
    person = accounts.alias("person")
    query = (
        select(
            deposits,
            documents.c.title,
            person.c.given_name.label("person_given_name"),
            person.c.family_name.label("person_family_name"),
        )
        .join(documents, documents.c.id == deposits.c.document_id)
        .join(person, person.c.id == documents.c.owner_id)
        .where(deposits.c.depositor_id == depositor_id)
        .order_by(deposits.c.deposited_at.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


def _signed(conn: Connection, row: Any, document: Any, sha256: str) -> dict[str, Any]:
    """The fields the structure signed: as stored; rebuilt from today's rows only for a
    deposit made before they were stored (migration 0006)."""
    if row.payload:
        stored: dict[str, Any] = json.loads(row.payload)
        return stored
    structure = conn.execute(select(structures).where(structures.c.id == row.structure_id)).one()
    depositor = conn.execute(select(accounts).where(accounts.c.id == row.depositor_id)).one()
    return fields(
        document.id,
        row.version,
        sha256,
        row.deposited_at,
        structure,
        depositor,
        document.owner_id,
    )


def verify(
    conn: Connection,
    store: BlobStore,
    keyring: Keyring,
    keys: signing.SigningKeys,
    document: Any,
) -> tuple[bool, str, dict[str, Any] | None, Any]:
    """(authentic, French verdict, signed fields, deposit row) for one of her documents: the
    file is decrypted and re-hashed, the stored signed text checked against this document and
    that hash, the signature checked with the public key recorded at deposit, which must be
    one the vault publishes for the structure."""
    row = origin(conn, document.id)
    if row is None:
        return False, msg("Ce document n'a pas été déposé par une structure."), None, None
    version = docs.version_row(conn, document.id, row.version)
    digest = hashlib.sha256()
    try:
        for chunk in docs.open_plaintext(store, keyring, version):
            digest.update(chunk)
    except (DecryptionError, FileNotFoundError):
        return False, msg("Le fichier ne peut pas être relu : contactez l'équipe."), None, row
    signed = _signed(conn, row, document, digest.hexdigest())
    if digest.hexdigest() != version.sha256 or signed.get("sha256") != version.sha256:
        return (
            False,
            msg("Le fichier a changé depuis le dépôt (empreinte différente)."),
            signed,
            row,
        )
    expected = {
        "v": KIND,
        "document_id": document.id,
        "version": row.version,
        "structure_id": row.structure_id,
        "depositor_id": row.depositor_id,
        "person_id": document.owner_id,
    }
    if any(signed.get(name) != value for name, value in expected.items()):
        verdict = msg("Le texte signé est celui d'un autre dépôt : ce dépôt n'est pas authentique.")
        return False, verdict, signed, row
    trusted = public_keys.trusted(conn, keys, purpose(row.structure_id))
    if row.public_key not in trusted:
        verdict = msg("La clé qui a signé n'est pas une clé publiée de cette structure.")
        return False, verdict, signed, row
    if not signing.verify(row.public_key, row.signature, signing.canonical(signed)):
        return False, msg("Signature invalide : ce dépôt n'est pas authentique."), signed, row
    key = signing.fingerprint(row.public_key)
    current = keys.public_key(purpose(row.structure_id)) == row.public_key
    since = "" if current else ", remplacée depuis par une nouvelle clé"
    return (
        True,
        f"Authentique : déposé par « {signed.get('structure_name')} », fichier intact. "
        f"Signé avec la clé de la structure au moment du dépôt (empreinte {key}{since}).",
        signed,
        row,
    )
