"""`python -m vault_service fsck`: stored files against the database, after a crash.

What a crash can leave, by design (see documents.py): a file committed whose database row
never committed (an upload killed between the two), a file whose rows were deleted (a deletion
killed between the transaction and the file removal), and leftovers of interrupted writes
(temp files, incomplete S3 multipart uploads). None is visible to anybody; fsck removes them.
A row whose file is missing is never expected: fsck reports it (restore the file from a backup).

Several instances may be writing at the same time: a file committed a moment ago may belong
to an upload whose transaction is about to commit, so only orphans older than the grace
period are removed. The store is listed before the database is read, and a row seen without
its file is checked again, so an upload finishing during fsck is never reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, Engine, select

from vault_service.db import document_versions
from vault_service.storage import DEFAULT_GRACE, BlobStore

# Every column that names a stored file (a module that stores files adds its column here).
BLOB_COLUMNS: list[Column[str]] = [document_versions.c.storage_name]


@dataclass
class FsckReport:
    removed: list[str] = field(default_factory=list)  # orphans removed (or removable)
    young: list[str] = field(default_factory=list)  # orphans within the grace period
    missing: list[str] = field(default_factory=list)  # rows without their file
    temp_removed: int = 0
    checked: int = 0

    def lines(self, repair: bool) -> list[str]:
        verb = "supprimé" if repair else "à supprimer"
        out = [f"fichier orphelin {verb} : {name}" for name in self.removed]
        out += [
            f"fichier orphelin récent gardé (peut-être un dépôt en cours) : {name}"
            for name in self.young
        ]
        out += [
            f"fichier manquant : {name} (référencé en base : restaurez-le depuis une sauvegarde)"
            for name in self.missing
        ]
        if self.temp_removed:
            out.append(f"{self.temp_removed} envoi(s) interrompu(s) nettoyé(s)")
        return out


def known_names(engine: Engine) -> set[str]:
    names: set[str] = set()
    with engine.connect() as conn:
        for column in BLOB_COLUMNS:
            names.update(str(name) for name in conn.execute(select(column)).scalars())
    return names


def fsck(
    engine: Engine, store: BlobStore, grace: timedelta = DEFAULT_GRACE, repair: bool = True
) -> FsckReport:
    report = FsckReport()
    cutoff = datetime.now(UTC) - grace
    entries = list(store.entries())  # first: see the module docstring
    known = known_names(engine)
    report.checked = len(entries)
    stored = {entry.name for entry in entries}
    for entry in entries:
        if entry.name in known:
            continue
        if entry.modified > cutoff:
            report.young.append(entry.name)
            continue
        report.removed.append(entry.name)
    if repair and report.removed:
        still_unknown = set(report.removed) - known_names(engine)
        for name in report.removed:
            if name in still_unknown:
                store.remove(name)
        report.removed = sorted(still_unknown)
    for name in sorted(known - stored):
        try:
            store.open(name).close()  # committed after the listing
        except FileNotFoundError:
            report.missing.append(name)
    if repair:
        report.temp_removed = store.clean_temp(grace)
    return report
