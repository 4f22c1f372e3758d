"""Encrypted files on local disk, written atomically: temp file, fsync, rename, then commit.

Names are random (never derived from what users type), so a file name cannot escape the
folder. A crash before the rename leaves only a temp file (removed at next start); a crash
between the rename and the database commit leaves an orphan that `check-integrity` reports.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.tmp = root / "tmp"
        for folder in (self.root, self.blobs, self.tmp):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    @staticmethod
    def new_name() -> str:
        return secrets.token_hex(16) + ".vlt"

    def path(self, name: str) -> Path:
        if not name.endswith(".vlt") or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"nom de fichier stocké invalide : {name!r}")
        return self.blobs / name[:2] / name

    def open_temp(self) -> tuple[Path, BinaryIO]:
        path = self.tmp / (secrets.token_hex(16) + ".part")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return path, os.fdopen(fd, "wb")

    def publish(self, temp: Path, handle: BinaryIO, name: str) -> Path:
        """fsync the temp file, rename it into place, fsync the folder."""
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        final = self.path(name)
        final.parent.mkdir(mode=0o700, exist_ok=True)
        os.replace(temp, final)
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return final

    @staticmethod
    def discard(temp: Path, handle: BinaryIO | None = None) -> None:
        if handle is not None:
            handle.close()
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()

    def open(self, name: str) -> BinaryIO:
        return self.path(name).open("rb")

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(name).unlink()

    def clean_temp(self) -> int:
        """Remove temp files left by a crash; return how many."""
        count = 0
        for leftover in self.tmp.glob("*.part"):
            leftover.unlink(missing_ok=True)
            count += 1
        return count

    def names(self) -> set[str]:
        return {p.name for p in self.blobs.glob("*/*.vlt")}
