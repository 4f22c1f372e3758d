"""Encrypted documents: types, read, rename, delete, versions, integrity.

Receiving a file (stream, sniff, encrypt, publish) is `receiving.py`; this module owns the
documents once they are stored: the owner's lookups, decryption for reading, renaming and
reclassing, deletion to the bin, and the integrity check of every stored version.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, select, update

from vault_service import audit, crypto, keys
from vault_service.db import deposits, document_versions, documents, now, share_documents
from vault_service.i18n import msg
from vault_service.schemes import SCHEMES as SCHEMES  # re-exported: documents.SCHEMES
from vault_service.storage import BlobStore

DOC_TYPES = {
    "identite": "Identité",
    "residence": "Résidence et séjour",
    "ressources": "Ressources et revenus",
    "famille": "Famille",
    "sante": "Santé",
    "logement": "Logement",
    "autre": "Autre",
}


def classify(data: dict[str, str]) -> tuple[str, str, list[str]]:
    """The document type and scheme of a form or JSON body, with what is wrong (French)."""
    doc_type, scheme = data.get("doc_type", ""), data.get("scheme", "")
    problems = []
    if doc_type not in DOC_TYPES:
        problems.append(msg("Choisissez un type de document dans la liste."))
    if scheme not in SCHEMES:
        problems.append(msg("Choisissez un dispositif dans la liste."))
    return doc_type, scheme, problems


def clean_title(title: str) -> str:
    return re.sub(r"\s+", " ", "".join(c for c in title if c.isprintable())).strip()[:200]


def context(document_id: str, version: int) -> str:
    return f"{document_id}|v{version}"


def owned(conn: Connection, document_id: str, owner_id: str) -> Any:
    """The document if it exists AND belongs to `owner_id`; None otherwise (caller: 404)."""
    return conn.execute(
        select(documents).where(
            documents.c.id == document_id,
            documents.c.owner_id == owner_id,
            documents.c.deleted_at.is_(None),  # in the bin: only the bin page sees it
        )
    ).first()


# Built once: the listing is the busiest query.
_LIST = (
    select(
        documents,
        document_versions.c.media_type,
        document_versions.c.size,
        document_versions.c.filename,
    )
    .join(
        document_versions,
        (document_versions.c.document_id == documents.c.id)
        & (document_versions.c.version == documents.c.current_version),
    )
    .where(documents.c.owner_id == bindparam("owner_id"), documents.c.deleted_at.is_(None))
    .order_by(documents.c.updated_at.desc(), documents.c.id)
)


def owned_with_version(conn: Connection, document_id: str, owner_id: str) -> Any:
    """Like `owned`, with the current version's media type, size and file name."""
    return conn.execute(_LIST.where(documents.c.id == document_id), {"owner_id": owner_id}).first()


def list_for(conn: Connection, owner_id: str) -> list[Any]:
    return list(conn.execute(_LIST, {"owner_id": owner_id}))


def versions(conn: Connection, document_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(document_versions)
            .where(document_versions.c.document_id == document_id)
            .order_by(document_versions.c.version.desc())
        )
    )


def version_row(conn: Connection, document_id: str, version: int) -> Any:
    return conn.execute(
        select(document_versions).where(
            document_versions.c.document_id == document_id,
            document_versions.c.version == version,
        )
    ).first()


def open_plaintext(store: BlobStore, keyring: crypto.Keyring, row: Any) -> Iterator[bytes]:
    """Authenticated plaintext chunks of a version. The data key is unwrapped and the first
    chunk decrypted before returning, so a wrong key fails before any byte is sent."""
    dek = keyring.unwrap(row.key_id, row.wrapped_key, context(row.document_id, row.version))
    handle = store.open(row.storage_name)
    chunks = crypto.iter_decrypt(handle, dek, context(row.document_id, row.version))
    try:
        first = next(chunks)
    except BaseException:
        handle.close()
        raise

    def stream() -> Iterator[bytes]:
        try:
            yield first
            yield from chunks
        finally:
            handle.close()

    return stream()


def rename(
    conn: Connection,
    document_id: str,
    owner_id: str,
    title: str,
    doc_type: str,
    scheme: str,
    expires_on: date | None = None,
) -> None:
    conn.execute(
        update(documents)
        .where(documents.c.id == document_id, documents.c.owner_id == owner_id)
        .values(
            title=clean_title(title),
            doc_type=doc_type,
            scheme=scheme,
            expires_on=expires_on,
            updated_at=now(),
        )
    )
    audit.record(
        conn,
        "document.rename",
        actor_id=owner_id,
        subject_id=owner_id,
        object_id=document_id,
        detail={
            "doc_type": doc_type,
            "scheme": scheme,
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )


def remove(
    engine: Engine, store: BlobStore, document_id: str, owner_id: str, bin_days: int = 0
) -> bool:
    """Delete rows (with an audit entry) then the files; False if not the owner's. With
    `bin_days` > 0 the document goes to the bin instead (hidden, no longer shared, restorable;
    `closure.purge` erases it after that many days)."""
    with engine.begin() as conn:
        if owned(conn, document_id, owner_id) is None:
            return False
        names = [row.storage_name for row in versions(conn, document_id)]
        count = len(names)
        # Her shares stop covering it at once (also when it only goes to the bin).
        conn.execute(delete(share_documents).where(share_documents.c.document_id == document_id))
        if bin_days > 0:
            conn.execute(
                update(documents).where(documents.c.id == document_id).values(deleted_at=now())
            )
            names = []
        else:
            conn.execute(delete(deposits).where(deposits.c.document_id == document_id))
            conn.execute(
                delete(document_versions).where(document_versions.c.document_id == document_id)
            )
            conn.execute(delete(documents).where(documents.c.id == document_id))
        audit.record(
            conn,
            "document.delete",
            actor_id=owner_id,
            subject_id=owner_id,
            object_id=document_id,
            detail={"versions": count, "bin": bin_days},
        )
    for name in names:
        store.remove(name)
    return True


def new_id() -> str:
    return str(uuid.uuid4())


def check_integrity(
    engine: Engine,
    store: BlobStore,
    keyring: crypto.Keyring,
    checkpoint_dir: Path | None = None,
) -> list[str]:
    """Unwrap every data key, decrypt every version and compare its SHA-256; unseal every
    sealed secret (TOTP…); report orphans and breaks in the audit chain (its sealed head, and
    the checkpoint file of `verify-journal` when `checkpoint_dir` is given)."""
    problems: list[str] = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(document_versions).order_by(
                document_versions.c.document_id, document_versions.c.version
            )
        ).all()
        problems.extend(audit.verify(conn, keyring))
        if checkpoint_dir is not None:
            problems.extend(audit.checkpoint_check(conn, keyring, checkpoint_dir))
        problems.extend(keys.check_sealed(conn, keyring))
    known = set()
    for row in rows:
        known.add(row.storage_name)
        label = f"document {row.document_id} version {row.version}"
        digest = hashlib.sha256()
        try:
            for chunk in open_plaintext(store, keyring, row):
                digest.update(chunk)
        except FileNotFoundError:
            problems.append(f"{label} : fichier chiffré manquant ({row.storage_name})")
            continue
        except crypto.DecryptionError as error:
            problems.append(f"{label} : {error}")
            continue
        if digest.hexdigest() != row.sha256:
            problems.append(f"{label} : empreinte SHA-256 différente de celle du dépôt")
    for orphan in sorted(store.names() - known):
        problems.append(f"fichier orphelin sans document : {orphan} (supprimable)")
    return problems
