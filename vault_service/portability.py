"""Everything of one person in one request: a ZIP of open formats, streamed.

Contents (`LISEZMOI.txt` explains them in French):

- `documents/<n>-<title>/v<k>-<file name>`: every version of every document, as deposited;
- `manifest.json`: her account, every document with its versions (size, SHA-256, path in the
  ZIP, origin signature of a deposit when there is one), her grants (shares), her links with
  structures, her duplicates;
- `journal.json`: every entry of the journal that concerns her or that she made, with the
  hashes that chain them (`verify-journal` semantics: hash = SHA-256(prev | entry)).

The ZIP is written to a pipe while it is read: memory stays at about one encrypted chunk plus
the manifest, whatever the size of the vault. Metadata is read in one transaction first, so the
manifest and the files agree.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, or_, select

from vault_service import crypto
from vault_service.db import (
    accounts,
    as_utc,
    audit_log,
    document_versions,
    documents,
    duplicates,
    metadata,
    now,
    share_documents,
    shares,
)
from vault_service.documents import DOC_TYPES, SCHEMES, open_plaintext
from vault_service.storage import BlobStore

FORMAT = "coffre-fort-mayotte/export-1"
SECRET_COLUMNS = {"key_id", "wrapped_key", "storage_name", "password_hash", "totp_secret"}
README = """Export de votre coffre-fort numérique ({date})

Ce dossier contient tout ce que le coffre-fort garde pour vous, dans des formats ouverts :

- documents/ : vos documents, chaque version telle que vous l'avez déposée (PDF, JPEG, PNG…) ;
- manifest.json : la description de chaque document (titre, type, dispositif, dates, taille,
  empreinte SHA-256 de chaque fichier, signature d'origine quand une structure l'a déposé),
  vos partages et vos duplicatas ;
- journal.json : toutes les opérations sur votre compte et vos documents (qui, quoi, quand).

L'empreinte SHA-256 permet de vérifier qu'un fichier n'a pas changé : par exemple
`sha256sum documents/*/*` sur Linux, `certutil -hashfile FICHIER SHA256` sous Windows.
Ces fichiers ne sont pas chiffrés : gardez-les en lieu sûr.
"""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _row(row: Any, drop: set[str] = SECRET_COLUMNS) -> dict[str, Any]:
    return {key: _plain(value) for key, value in row._mapping.items() if key not in drop}


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")[:60] or "document"


def _optional(name: str) -> Table | None:
    """A table another part of the vault may add (deposits with their origin signature)."""
    return metadata.tables.get(name)


def collect(conn: Connection, owner_id: str) -> dict[str, Any]:
    """The manifest (and the version rows to stream), read in one transaction."""
    account = conn.execute(select(accounts).where(accounts.c.id == owner_id)).one()
    entries, files = _documents(conn, owner_id)
    grants = _grants(conn, owner_id)
    issued = [
        _row(dup, {"signature"}) | {"signature": base64.b64encode(dup.signature).decode()}
        for dup in conn.execute(
            select(duplicates)
            .where(duplicates.c.issued_by == owner_id)
            .order_by(duplicates.c.issued_at)
        )
    ]
    journal = [
        _row(entry, set())
        for entry in conn.execute(
            select(audit_log)
            .where(or_(audit_log.c.subject_id == owner_id, audit_log.c.actor_id == owner_id))
            .order_by(audit_log.c.seq)
        )
    ]
    links = _links(conn, owner_id)
    manifest = {
        "format": FORMAT,
        "exported_at": as_utc(now()).isoformat(),
        "account": _row(account, SECRET_COLUMNS | {"identity_key", "session_version"}),
        "documents": entries,
        "grants": grants,
        "links": links,
        "duplicates": issued,
    }
    return {"manifest": manifest, "journal": journal, "files": files}


def _documents(conn: Connection, owner_id: str) -> tuple[list[Any], list[tuple[str, Any]]]:
    """Her documents with their versions (and where a structure deposited it, its signature),
    and the (path in the ZIP, version row) of every file."""
    docs = list(
        conn.execute(
            select(documents)
            .where(documents.c.owner_id == owner_id)
            .order_by(documents.c.created_at, documents.c.id)
        )
    )
    deposits = _optional("deposits")
    entries, files = [], []
    for number, doc in enumerate(docs, start=1):
        folder = f"documents/{number:03d}-{_slug(doc.title)}"
        version_rows = list(
            conn.execute(
                select(document_versions)
                .where(document_versions.c.document_id == doc.id)
                .order_by(document_versions.c.version)
            )
        )
        versions = []
        for version in version_rows:
            path = f"{folder}/v{version.version}-{version.filename}"
            item = _row(version) | {"path": path}
            if deposits is not None:
                origin = conn.execute(
                    select(deposits).where(
                        deposits.c.document_id == doc.id, deposits.c.version == version.version
                    )
                ).first()
                item["origin_signature"] = _row(origin) if origin is not None else None
            versions.append(item)
            files.append((path, version))
        entries.append(
            _row(doc)
            | {
                "doc_type_label": DOC_TYPES.get(doc.doc_type, doc.doc_type),
                "scheme_label": SCHEMES.get(doc.scheme, doc.scheme),
                "versions": versions,
            }
        )
    return entries, files


def _grants(conn: Connection, owner_id: str) -> list[Any]:
    grants = []
    for share in conn.execute(
        select(shares).where(shares.c.owner_id == owner_id).order_by(shares.c.created_at)
    ):
        covered = conn.execute(
            select(share_documents.c.document_id).where(share_documents.c.share_id == share.id)
        ).scalars()
        grants.append(_row(share) | {"document_ids": sorted(covered)})
    return grants


def _links(conn: Connection, owner_id: str) -> list[Any]:
    links_table = _optional("relationships")
    if links_table is None:
        return []
    return [
        _row(link)
        for link in conn.execute(
            select(links_table)
            .where(links_table.c.person_id == owner_id)
            .order_by(links_table.c.created_at)
        )
    ]


class _Pipe:
    """A write-only file object whose bytes are taken out as the ZIP is written."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.offset = 0

    def write(self, data: bytes, /) -> int:
        self.buffer += data
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def stream_zip(
    store: BlobStore, keyring: crypto.Keyring, collected: dict[str, Any]
) -> Iterator[bytes]:
    """The ZIP, chunk by chunk (files decrypted as they are written, never all in memory)."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        day = collected["manifest"]["exported_at"][:10]
        archive.writestr("LISEZMOI.txt", README.format(date=day))
        archive.writestr(
            "manifest.json", json.dumps(collected["manifest"], ensure_ascii=False, indent=2)
        )
        archive.writestr(
            "journal.json", json.dumps(collected["journal"], ensure_ascii=False, indent=2)
        )
        yield pipe.take()
        for path, version in collected["files"]:
            info = zipfile.ZipInfo(path, date_time=as_utc(version.created_at).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED  # PDF and photos are compressed already
            with archive.open(info, "w", force_zip64=True) as entry:
                for chunk in open_plaintext(store, keyring, version):
                    entry.write(chunk)
                    if len(pipe.buffer) >= 256 * 1024:
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()
