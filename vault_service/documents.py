"""Encrypted documents: receive (stream, sniff, encrypt), read, rename, delete, versions.

Deposit order: a fresh data key; plaintext streamed through the type sniffer, SHA-256 and the
chunked AES-GCM writer into a blob writer of the store (`storage.py`: a temp file, or an S3
multipart upload); the type is decided at the end; then the blob is committed (durable), and
only then the database rows (+ audit entry) in one transaction. Any failure removes the blob,
so there is never a half document; a crash between the two leaves an orphan blob, never a
row without its file (`fsck` clears orphans).
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from vault_service import audit, crypto, keys
from vault_service.db import deposits, document_versions, documents, now, share_documents
from vault_service.filetypes import ACCEPTED, Sniffer, with_fix
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


class TooLarge(Exception):
    pass


class Rejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_filename(name: str, media_type: str) -> str:
    """Keep a readable base name, drop any path, control character or dangerous extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*;')
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"\s+", " ", stem).strip(" .-")[:100] or "document"
    return stem + ACCEPTED[media_type]


def classify(data: dict[str, str]) -> tuple[str, str, list[str]]:
    """The document type and scheme of a form or JSON body, with what is wrong (French)."""
    doc_type, scheme = data.get("doc_type", ""), data.get("scheme", "")
    problems = []
    if doc_type not in DOC_TYPES:
        problems.append("Choisissez un type de document dans la liste.")
    if scheme not in SCHEMES:
        problems.append("Choisissez un dispositif dans la liste.")
    return doc_type, scheme, problems


def clean_title(title: str) -> str:
    return re.sub(r"\s+", " ", "".join(c for c in title if c.isprintable())).strip()[:200]


BATCH = 1024 * 1024  # bytes received before they are processed off the event loop


def context(document_id: str, version: int) -> str:
    return f"{document_id}|v{version}"


@dataclass
class Incoming:
    """One upload being received; call `write` per chunk, then `finish`."""

    store: BlobStore
    keyring: crypto.Keyring
    document_id: str
    version: int
    max_bytes: int
    filename: str = "document"
    size: int = 0
    sha: Any = field(default_factory=hashlib.sha256)
    sniffer: Sniffer = field(default_factory=Sniffer)

    def __post_init__(self) -> None:
        self.dek = crypto.new_data_key()
        self.storage_name = BlobStore.new_name()
        self.blob = self.store.create(self.storage_name)
        self.writer = crypto.ChunkWriter(
            self.blob, self.dek, context(self.document_id, self.version)
        )
        self.published = False
        self._pending: list[bytes] = []  # received, not yet processed (upload.MAX_BACKLOG)
        self._pending_size = 0
        self._lock = threading.Lock()  # `write` (event loop) against `flush` (worker thread)

    def write(self, data: bytes) -> None:
        """Count and keep the chunk (cheap, on the event loop); `flush` does the work."""
        self.size += len(data)
        if self.size > self.max_bytes:
            raise TooLarge  # the caller aborts (upload.receive: once no flush is running)
        with self._lock:
            self._pending.append(bytes(data))
            self._pending_size += len(data)

    def needs_flush(self) -> bool:
        """About a mebibyte waits to be hashed, sniffed, encrypted and written (or an S3 part
        to be sent): call `flush` in a worker thread, off the event loop."""
        return self._pending_size >= BATCH or self.blob.needs_flush()

    def backlog(self) -> int:
        return self._pending_size

    def flush(self) -> None:
        """In a worker thread, while the event loop may go on calling `write` (one flush at a
        time: upload.receive waits for the previous one)."""
        self._process()
        if self.blob.needs_flush():
            self.blob.flush()

    def _process(self) -> None:
        with self._lock:
            batch, self._pending, self._pending_size = self._pending, [], 0
        if not batch:
            return
        data = batch[0] if len(batch) == 1 else b"".join(batch)
        self.sha.update(data)
        self.sniffer.feed(data)
        self.writer.write(data)

    def finish(self) -> dict[str, Any]:
        """Check the type, publish the file; return the version row values (not yet inserted)."""
        self._process()
        verdict = self.sniffer.verdict()
        if verdict.media_type is None:
            self.abort()
            raise Rejected(with_fix(verdict.reason))
        self.writer.close()
        self.blob.commit()
        self.published = True
        key_id, wrapped = self.keyring.wrap(self.dek, context(self.document_id, self.version))
        return {
            "document_id": self.document_id,
            "version": self.version,
            "filename": clean_filename(self.filename, verdict.media_type),
            "media_type": verdict.media_type,
            "size": self.size,
            "sha256": self.sha.hexdigest(),
            "key_id": key_id,
            "wrapped_key": wrapped,
            "storage_name": self.storage_name,
            "created_at": now(),
        }

    def abort(self) -> None:
        if self.published:
            self.store.remove(self.storage_name)
        else:
            self.blob.abort()


@contextmanager
def _publishing(
    engine: Engine, incoming: Incoming, owner_id: str
) -> Iterator[tuple[Connection, dict[str, Any]]]:
    """Check and publish the received file, then one transaction: the caller writes the
    document row and the journal, the version row follows. If anything fails, the file
    (published or temporary) is removed."""
    values = incoming.finish()
    try:
        with engine.begin() as conn:
            yield conn, values
            conn.execute(insert(document_versions).values(created_by=owner_id, **values))
    except BaseException:
        incoming.abort()
        raise


publishing = _publishing  # for deposits.py: same publication, another author


def save_new(
    engine: Engine,
    incoming: Incoming,
    owner_id: str,
    title: str,
    doc_type: str,
    scheme: str,
    expires_on: date | None = None,
) -> str:
    with _publishing(engine, incoming, owner_id) as (conn, values):
        moment = now()
        conn.execute(
            insert(documents).values(
                id=incoming.document_id,
                owner_id=owner_id,
                title=clean_title(title) or values["filename"],
                doc_type=doc_type,
                scheme=scheme,
                current_version=1,
                created_at=moment,
                updated_at=moment,
                expires_on=expires_on,
            )
        )
        audit.record(
            conn,
            "document.upload",
            actor_id=owner_id,
            subject_id=owner_id,
            object_id=incoming.document_id,
            detail={"version": 1, "sha256": values["sha256"], "size": values["size"]},
        )
    return incoming.document_id


def save_version(engine: Engine, incoming: Incoming, owner_id: str) -> int:
    with _publishing(engine, incoming, owner_id) as (conn, values):
        updated = conn.execute(
            update(documents)
            .where(
                documents.c.id == incoming.document_id,
                documents.c.owner_id == owner_id,
                documents.c.current_version == incoming.version - 1,
            )
            .values(current_version=incoming.version, updated_at=now())
        )
        if updated.rowcount != 1:
            raise Rejected("Le document a changé entre-temps : recommencez le dépôt.")
        audit.record(
            conn,
            "document.version",
            actor_id=owner_id,
            subject_id=owner_id,
            object_id=incoming.document_id,
            detail={"version": incoming.version, "sha256": values["sha256"]},
        )
    return incoming.version


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
