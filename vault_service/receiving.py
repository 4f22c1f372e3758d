"""Receiving a document: stream, sniff, encrypt, publish (a new document or a new version).

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, insert, update

from vault_service import audit, crypto
from vault_service.db import document_versions, documents, now
from vault_service.documents import clean_title, context
from vault_service.filetypes import ACCEPTED, Sniffer, with_fix
from vault_service.i18n import msg
from vault_service.storage import BlobStore

BATCH = 1024 * 1024  # bytes received before they are processed off the event loop


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
            raise Rejected(msg("Le document a changé entre-temps : recommencez le dépôt."))
        audit.record(
            conn,
            "document.version",
            actor_id=owner_id,
            subject_id=owner_id,
            object_id=incoming.document_id,
            detail={"version": incoming.version, "sha256": values["sha256"]},
        )
    return incoming.version
