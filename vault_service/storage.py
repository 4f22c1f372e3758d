"""Where encrypted files live: one interface, two backends (local folder, S3 object storage).

`BlobStore` is the only way the rest of the vault touches stored files: `create(name)` gives a
writer (`write` chunks, then `commit` — durable and visible — or `abort` — nothing left),
`open(name)` a reader (`read(n)` returns n bytes unless at the end; FileNotFoundError when
absent), `remove`, `entries` (for fsck and backups), `clean_temp` (leftovers of interrupted
writes) and `check` (readiness). Files stream both ways: no backend holds a whole file in
memory (the S3 writer holds one multipart part).

Names are random (never derived from what users type), so a name cannot escape the store.
Deposit order: the file is committed before the database row, so a crash in between leaves an
orphan (never a row without its file); `python -m vault_service fsck` clears orphans older
than a grace period (younger ones may belong to an upload still in progress elsewhere).

`LocalBlobStore` (the embedded default): temp file, fsync, rename, fsync of the folder.
`S3BlobStore` (`storage_s3.py`): multipart upload, streamed reads.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vault_service.settings import Settings

NAME = re.compile(r"[0-9a-f]{32}\.vlt")
DEFAULT_GRACE = timedelta(hours=1)


class StorageUnavailable(Exception):
    """The store cannot be reached or written (French message, for readiness and the CLI)."""


class Reader(Protocol):
    def read(self, size: int, /) -> bytes: ...
    def close(self) -> None: ...


class BlobWriter(ABC):
    """One file being written: `write` chunks, then `commit` or `abort` (both idempotent)."""

    @abstractmethod
    def write(self, data: bytes) -> None: ...

    def needs_flush(self) -> bool:
        """True when buffered data waits for `flush` (blocking I/O, call it off the event
        loop); `write` itself stays cheap."""
        return False

    def flush(self) -> None:  # noqa: B027 (optional hook: the local writer needs none)
        """Send buffered data now (S3: upload the full parts)."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def abort(self) -> None: ...


@dataclass(frozen=True)
class BlobInfo:
    name: str
    size: int
    modified: datetime  # aware UTC


class BlobStore(ABC):
    """The storage interface; see the module docstring."""

    @staticmethod
    def new_name() -> str:
        return secrets.token_hex(16) + ".vlt"

    @staticmethod
    def check_name(name: str) -> str:
        if not NAME.fullmatch(name):
            raise ValueError(f"nom de fichier stocké invalide : {name!r}")
        return name

    @abstractmethod
    def describe(self) -> str:
        """Where files are, for messages (no secret)."""

    @abstractmethod
    def create(self, name: str) -> BlobWriter: ...

    @abstractmethod
    def open(self, name: str) -> Reader:
        """A reader of the stored bytes; FileNotFoundError when there is no such file."""

    @abstractmethod
    def remove(self, name: str) -> None:
        """Delete; no error if already gone."""

    @abstractmethod
    def entries(self) -> Iterator[BlobInfo]:
        """Every committed file."""

    @abstractmethod
    def clean_temp(self, older_than: timedelta = DEFAULT_GRACE) -> int:
        """Remove leftovers of interrupted writes older than `older_than`; return how many."""

    @abstractmethod
    def check(self) -> None:
        """Raise StorageUnavailable unless files can be written, read and removed now."""

    def names(self) -> set[str]:
        return {entry.name for entry in self.entries()}

    def put(self, name: str, chunks: Iterator[bytes]) -> None:
        """Write a whole stream (backups, restores): commit, or abort on any error."""
        writer = self.create(name)
        try:
            for chunk in chunks:
                writer.write(chunk)
                if writer.needs_flush():
                    writer.flush()
            writer.commit()
        except BaseException:
            writer.abort()
            raise


def read_chunks(reader: Reader, size: int = 1024 * 1024) -> Iterator[bytes]:
    """Stream a reader to the end, then close it."""
    try:
        while chunk := reader.read(size):
            yield chunk
    finally:
        reader.close()


class _LocalWriter(BlobWriter):
    def __init__(self, store: LocalBlobStore, name: str) -> None:
        self.final = store.path(name)
        self.temp = store.tmp / (secrets.token_hex(16) + ".part")
        fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.handle = os.fdopen(fd, "wb")
        self.done = False

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self) -> None:
        """fsync the temp file, rename it into place, fsync the folder."""
        if self.done:
            return
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        self.final.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(self.temp, self.final)
        dir_fd = os.open(self.final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self.done = True

    def abort(self) -> None:
        if self.done:
            return
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()
        self.done = True


class LocalBlobStore(BlobStore):
    """Files under `root/blobs/xx/name`, temp files under `root/tmp` (same file system)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.tmp = root / "tmp"
        for folder in (self.root, self.blobs, self.tmp):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def describe(self) -> str:
        return f"dossier {self.blobs}"

    def path(self, name: str) -> Path:
        return self.blobs / name[:2] / self.check_name(name)

    def create(self, name: str) -> BlobWriter:
        return _LocalWriter(self, self.check_name(name))

    def open(self, name: str) -> Reader:
        return self.path(name).open("rb")

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(name).unlink()

    def entries(self) -> Iterator[BlobInfo]:
        for path in sorted(self.blobs.glob("*/*.vlt")):
            with contextlib.suppress(FileNotFoundError):  # removed meanwhile
                stat = path.stat()
                yield BlobInfo(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def clean_temp(self, older_than: timedelta = DEFAULT_GRACE) -> int:
        limit = (datetime.now(UTC) - older_than).timestamp()
        count = 0
        for leftover in self.tmp.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if leftover.stat().st_mtime <= limit:
                    leftover.unlink()
                    count += 1
        return count

    def check(self) -> None:
        probe = self.tmp / f"probe-{secrets.token_hex(8)}.part"
        try:
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as error:
            raise StorageUnavailable(
                f"{self.describe()} : écriture impossible ({error.strerror})"
            ) from None


def open_store(settings: Settings) -> BlobStore:
    """The store chosen by the settings (VAULT_STORAGE)."""
    if settings.storage == "s3":
        from vault_service.storage_s3 import S3BlobStore

        return S3BlobStore.from_settings(settings)
    return LocalBlobStore(settings.data_dir)
