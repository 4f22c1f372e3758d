"""`backup` and `restore`: database + stored files, engine-neutral, verifiable, keys apart.

A backup is a folder:

    manifest.json        format, date, schema revision, rows per table, each file's SHA-256
                         and size (of the ciphertext), key ids needed, journal head
    db/<table>.jsonl     one JSON object per row (bytes in base64, instants in ISO 8601)
    blobs/<name>.vlt     the encrypted files, as stored (never decrypted)

The database is read in one consistent snapshot (REPEATABLE READ on PostgreSQL, one read
transaction on SQLite), then the files those rows name are copied: stored files never change
(a new version is a new file), so the copy matches the snapshot. A backup is written under
`<folder>.partial` and renamed at the end: a failed backup leaves no folder that looks whole.

The keyring is NOT in the backup (a stolen backup reveals no document without it): keep it
apart (see DEPLOIEMENT.md, « Garde des clés »). The manifest names the key ids a restore needs.

A restore goes into an empty instance (migrated with init-db, no account, no document): files
are checked against the manifest while they are copied into the store, then every row is
inserted in one transaction; on any failure the copied files are removed and the database is
left as it was. Engines may differ (SQLite → PostgreSQL, local → S3).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select
from sqlalchemy.types import Date, DateTime, LargeBinary

from vault_service import audit, keys
from vault_service.db import audit_head, metadata
from vault_service.fsck import BLOB_COLUMNS
from vault_service.storage import BlobStore, read_chunks

FORMAT = "vault-backup-1"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the French message says why and what to do."""


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decoder(table: Table) -> dict[str, Any]:
    decoders: dict[str, Any] = {}
    for column in table.columns:
        if isinstance(column.type, LargeBinary):
            decoders[column.name] = base64.b64decode
        elif isinstance(column.type, DateTime):
            decoders[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            decoders[column.name] = date.fromisoformat
    return decoders


def _revision(conn: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def _snapshot(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with snapshot as conn, conn.begin():
            yield conn
    else:
        with engine.connect() as conn, conn.begin():
            yield conn


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def backup(engine: Engine, store: BlobStore, target: Path) -> dict[str, Any]:
    """Write a backup folder at `target` (which must not exist); return its manifest."""
    if target.exists():
        raise BackupError(f"{target} existe déjà : choisissez un dossier de sauvegarde neuf.")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "db").mkdir(parents=True, mode=0o700)
    (partial / "blobs").mkdir(mode=0o700)
    try:
        manifest = _write(engine, store, partial)
        _write_json(partial / "manifest.json", manifest)
        os.replace(partial, target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def _write(engine: Engine, store: BlobStore, folder: Path) -> dict[str, Any]:
    rows: dict[str, int] = {}
    names: set[str] = set()
    blob_columns = {(c.table.name, c.name) for c in BLOB_COLUMNS}
    for conn in _snapshot(engine):
        revision = _revision(conn)
        usage = keys.key_usage(conn)
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
        problems = audit.verify(conn)
        if problems:
            raise BackupError(
                "Le journal est rompu (" + problems[0] + ") : lancez check-integrity et "
                "traitez le problème avant de sauvegarder."
            )
        for table in metadata.sorted_tables:
            count = 0
            with (folder / "db" / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
                order = list(table.primary_key.columns)
                for row in conn.execute(select(table).order_by(*order)):
                    record = {k: _encode(v) for k, v in row._mapping.items()}
                    for table_name, column in blob_columns:
                        if table_name == table.name and record.get(column):
                            names.add(str(record[column]))
                    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                    count += 1
            rows[table.name] = count
    blobs: dict[str, dict[str, Any]] = {}
    for name in sorted(names):
        path = folder / "blobs" / BlobStore.check_name(name)
        digest, size = hashlib.sha256(), 0
        try:
            reader = store.open(name)
        except FileNotFoundError:
            raise BackupError(
                f"Le fichier {name} a disparu pendant la sauvegarde (document supprimé entre-"
                "temps) : relancez la sauvegarde."
            ) from None
        with path.open("wb") as out:
            for chunk in read_chunks(reader, CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        blobs[name] = {"sha256": digest.hexdigest(), "size": size}
    return {
        "format": FORMAT,
        "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "revision": revision,
        "rows": rows,
        "blobs": blobs,
        "key_ids": sorted(usage),
        "journal_head": {"seq": int(head.seq), "hash": str(head.hash)} if head else None,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} introuvable : ce dossier n'est pas une sauvegarde.") from None
    except ValueError:
        raise BackupError(f"{path} illisible (JSON invalide) : sauvegarde abîmée.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} : format « {manifest.get('format')} » inconnu.")
    return manifest


def restore(engine: Engine, store: BlobStore, key_ids: list[str], source: Path) -> dict[str, int]:
    """Restore the backup at `source` into an empty instance; return rows per table."""
    manifest = read_manifest(source)
    missing_keys = sorted(set(manifest["key_ids"]) - set(key_ids))
    if missing_keys:
        raise BackupError(
            f"Il manque au trousseau la ou les clés {', '.join(missing_keys)} : sans elles, "
            "les documents de cette sauvegarde sont illisibles. Ajoutez-les à VAULT_KEYRING "
            "(après la clé courante) puis recommencez."
        )
    with engine.connect() as conn:
        revision = _revision(conn)
        if revision != manifest["revision"]:
            raise BackupError(
                f"Schéma de la base cible : {revision}, de la sauvegarde : "
                f"{manifest['revision']} → lancez init-db avec la version du coffre-fort qui "
                "a fait la sauvegarde, puis recommencez."
            )
        filled = [
            table.name
            for table in metadata.sorted_tables
            if table is not audit_head
            and conn.execute(select(func.count()).select_from(table)).scalar_one()
        ]
    if filled:
        raise BackupError(
            f"La base cible n'est pas vide ({', '.join(filled)}) : une restauration se fait "
            "dans une instance neuve (base créée par init-db, stockage vide)."
        )
    copied: list[str] = []
    try:
        for name, expected in sorted(manifest["blobs"].items()):
            path = source / "blobs" / BlobStore.check_name(name)
            if not path.is_file() or _sha256(path) != expected["sha256"]:
                raise BackupError(
                    f"{path} manquant ou modifié (empreinte différente du manifeste) : "
                    "sauvegarde abîmée, prenez-en une autre."
                )
            with path.open("rb") as handle:
                store.put(name, iter(lambda h=handle: h.read(CHUNK), b""))  # type: ignore[misc]
            copied.append(name)
        counts = _insert_rows(engine, source, manifest)
    except BaseException:
        for name in copied:
            store.remove(name)
        raise
    return counts


def _insert_rows(engine: Engine, source: Path, manifest: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        conn.execute(delete(audit_head))  # the genesis head of init-db, replaced by the saved one
        for table in metadata.sorted_tables:
            decoders = _decoder(table)
            path = source / "db" / f"{table.name}.jsonl"
            batch: list[dict[str, Any]] = []
            count = 0
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    record = json.loads(line)
                    for column, decode in decoders.items():
                        if record.get(column) is not None:
                            record[column] = decode(record[column])
                    batch.append(record)
                    if len(batch) >= 500:
                        conn.execute(insert(table), batch)
                        count += len(batch)
                        batch = []
            if batch:
                conn.execute(insert(table), batch)
                count += len(batch)
            if count != manifest["rows"].get(table.name, 0):
                raise BackupError(
                    f"{path} : {count} lignes au lieu de {manifest['rows'].get(table.name)} "
                    "annoncées par le manifeste : sauvegarde abîmée."
                )
            counts[table.name] = count
        problems = audit.verify(conn)
        if problems:
            raise BackupError(f"Journal restauré rompu ({problems[0]}) : rien n'a été restauré.")
    return counts
