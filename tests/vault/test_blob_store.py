"""One storage interface, one suite: every test runs on the local folder and on S3.

S3 is moto's standalone server (a real S3 HTTP API on 127.0.0.1, started by the tests); each
test has its own bucket. The app-level tests at the end run the document flows on both.
"""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.vault.conftest import csrf_token, login, pdf_bytes, upload
from vault_service.app import create_app
from vault_service.crypto import Keyring
from vault_service.documents import check_integrity
from vault_service.settings import Settings
from vault_service.storage import (
    BlobStore,
    LocalBlobStore,
    StorageUnavailable,
    open_store,
    read_chunks,
)
from vault_service.storage_s3 import MIN_PART, S3BlobStore

MiB = 1024 * 1024


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "data")
    server = request.getfixturevalue("s3_server")
    return S3BlobStore(server.client(), server.new_bucket(), "blobs/", MIN_PART)


def pattern(size: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """`size` pseudo-random bytes, generated chunk by chunk (never whole in memory)."""
    block = hashlib.sha256(b"seed").digest() * (chunk // 32)
    sent = 0
    while sent < size:
        piece = block[: min(chunk, size - sent)]
        sent += len(piece)
        yield piece


def digest(chunks: Iterator[bytes]) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


@pytest.mark.parametrize("size", [0, 1, 100_000, 3 * MIN_PART + 12345])
def test_write_commit_read_round_trip(store: BlobStore, size: int) -> None:
    name = store.new_name()
    store.put(name, pattern(size))
    assert digest(read_chunks(store.open(name))) == digest(pattern(size))
    (entry,) = list(store.entries())
    assert (entry.name, entry.size) == (name, size)
    assert store.names() == {name}


def test_reads_return_exactly_what_is_asked(store: BlobStore) -> None:
    """The decryptor reads fixed-size records: a short read would look like a truncation."""
    name = store.new_name()
    store.put(name, pattern(MIN_PART + 1000))
    reader = store.open(name)
    sizes = []
    while chunk := reader.read(65_552):
        sizes.append(len(chunk))
    reader.close()
    assert set(sizes[:-1]) == {65_552}
    assert sum(sizes) == MIN_PART + 1000


def test_nothing_is_visible_before_commit_and_abort_leaves_nothing(store: BlobStore) -> None:
    name = store.new_name()
    writer = store.create(name)
    for chunk in pattern(2 * MIN_PART + 10):
        writer.write(chunk)
        if writer.needs_flush():
            writer.flush()  # S3: parts already sent
    assert store.names() == set()
    with pytest.raises(FileNotFoundError):
        store.open(name)
    writer.abort()
    writer.abort()  # idempotent
    assert store.names() == set()
    assert store.clean_temp(timedelta(0)) == 0  # the abort left no temp file, no upload


def test_interrupted_writes_are_cleaned_after_the_grace_period(store: BlobStore) -> None:
    """A crashed process never aborts: its temp file (or multipart upload) stays behind."""
    writer = store.create(store.new_name())
    for chunk in pattern(MIN_PART + 10):
        writer.write(chunk)
    writer.flush()
    del writer  # the process "dies" here
    if isinstance(store, LocalBlobStore):  # moto dates every multipart upload in 2010
        assert store.clean_temp(timedelta(hours=1)) == 0  # may still be in progress elsewhere
    assert store.clean_temp(timedelta(0)) == 1
    assert store.clean_temp(timedelta(0)) == 0


def test_remove_is_idempotent_and_missing_files_say_so(store: BlobStore) -> None:
    name = store.new_name()
    store.put(name, iter([b"abc"]))
    store.remove(name)
    store.remove(name)
    assert store.names() == set()
    with pytest.raises(FileNotFoundError):
        store.open(name)


@pytest.mark.parametrize("bad", ["../etc/passwd.vlt", "a/b.vlt", "ABC.vlt", "x" * 32, ".vlt"])
def test_names_cannot_escape_the_store(store: BlobStore, bad: str) -> None:
    with pytest.raises(ValueError, match="nom de fichier stocké invalide"):
        store.create(bad)
    with pytest.raises(ValueError, match="nom de fichier stocké invalide"):
        store.open(bad)


def test_memory_stays_at_one_part_whatever_the_file_size(store: BlobStore) -> None:
    """Streaming both ways: a 24 MiB file goes in and out with a bounded buffer."""
    size = 24 * MiB
    name = store.new_name()
    tracemalloc.start()
    try:
        store.put(name, pattern(size))
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        assert digest(read_chunks(store.open(name), 64 * 1024))[0] == size
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert write_peak < 2 * MIN_PART + 2 * MiB, write_peak  # S3: one part (+ its copy)
    assert read_peak < 4 * MiB, read_peak


def test_readiness_check(store: BlobStore, tmp_path: Path, s3_server: Any) -> None:
    store.check()
    if isinstance(store, LocalBlobStore):
        store.tmp.chmod(0o500)
        try:
            if os.geteuid() == 0:  # root writes anywhere: take the folder away instead
                store.tmp.chmod(0o700)
                store.tmp.rename(tmp_path / "gone")
            with pytest.raises(StorageUnavailable, match="écriture impossible"):
                store.check()
        finally:
            if store.tmp.exists():
                store.tmp.chmod(0o700)
    else:
        missing = S3BlobStore(s3_server.client(), "no-such-bucket-vault", "", MIN_PART)
        with pytest.raises(StorageUnavailable, match=r"refusé par le stockage objet \(NoSuch"):
            missing.check()


# --- The vault itself on both backends -------------------------------------------------------


def test_document_flows_on_each_backend(storage_settings: Settings, engine: Any, world: Any):
    settings = storage_settings
    app = create_app(settings, engine=engine)
    store = open_store(settings)
    assert type(store).__name__ == ("S3BlobStore" if settings.storage == "s3" else "LocalBlobStore")
    with TestClient(app, base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        first = pdf_bytes(3 * MiB)
        doc = upload(client, first).headers["location"]
        assert client.get(doc + "/telecharger").content == first
        second = pdf_bytes(7 * MiB)  # more than one multipart part
        token = csrf_token(client, doc)
        response = client.post(
            doc + "/version",
            data={"csrf_token": token},
            files={"file": ("v2.pdf", second, "application/pdf")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert client.get(doc + "/telecharger").content == second
        assert client.get(doc + "/telecharger?version=1").content == first
        assert len(store.names()) == 2
        assert check_integrity(engine, store, Keyring(settings.keyring)) == []
        token = csrf_token(client, doc + "/supprimer")
        gone = client.post(
            doc + "/supprimer",
            data={"csrf_token": token, "confirm": "oui"},
            follow_redirects=False,
        )
        assert gone.status_code == 303
        assert store.names() == set()
        # A refused file (not a PDF or image) leaves nothing in the store either.
        refused = upload(client, b"MZ" + os.urandom(5000), filename="x.exe")
        assert refused.status_code == 400
        assert store.names() == set()
        assert store.clean_temp(timedelta(0)) == 0


def test_unreadable_stored_file_fails_closed_on_each_backend(
    storage_settings: Settings, engine: Any, world: Any
):
    settings = storage_settings
    store = open_store(settings)
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        doc = upload(client, pdf_bytes(200_000)).headers["location"]
        (name,) = store.names()
        stored = b"".join(read_chunks(store.open(name)))
        store.put(name, iter([stored[:20] + bytes([stored[20] ^ 1]) + stored[21:]]))
        response = client.get(doc + "/telecharger")
        assert response.status_code == 500
        assert "ne peut pas être déchiffré" in response.text
        problems = check_integrity(engine, store, Keyring(settings.keyring))
        assert len(problems) == 1 and problems[0].endswith("tronqué ou déplacé")


def test_fsck_clears_orphans_and_reports_missing_files_on_each_backend(
    storage_settings: Settings, engine: Any, world: Any
):
    from vault_service.fsck import fsck

    settings = storage_settings
    store = open_store(settings)
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        kept = upload(client, pdf_bytes(5000)).headers["location"]
        lost = upload(client, pdf_bytes(6000)).headers["location"]
    documents = store.names()
    orphan = store.new_name()
    store.put(orphan, iter([b"commit sans transaction"]))
    interrupted = store.create(store.new_name())
    interrupted.write(b"x" * (MIN_PART + 1))
    interrupted.flush()  # a temp file, or a started multipart upload, never finished
    young = fsck(engine, store, repair=False)  # default grace (an hour): may be in progress
    assert (young.removed, young.young, young.missing) == ([], [orphan], [])
    dry = fsck(engine, store, grace=timedelta(0), repair=False)
    assert dry.removed == [orphan] and store.names() == documents | {orphan}
    report = fsck(engine, store, grace=timedelta(0))
    assert report.removed == [orphan]
    assert report.temp_removed == 1
    assert store.names() == documents
    assert report.lines(repair=True) == [
        f"fichier orphelin supprimé : {orphan}",
        "1 envoi(s) interrompu(s) nettoyé(s)",
    ]
    # A file lost from the store (a row without its file) is named, never "repaired".
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        assert client.get(kept + "/telecharger").status_code == 200
        from sqlalchemy import select

        from vault_service.db import document_versions

        with engine.connect() as conn:
            name = conn.execute(
                select(document_versions.c.storage_name).where(
                    document_versions.c.document_id == lost.rsplit("/", 1)[-1]
                )
            ).scalar_one()
    store.remove(name)
    assert fsck(engine, store, grace=timedelta(0)).missing == [name]


def test_an_oversized_streamed_upload_leaves_nothing_on_each_backend(
    storage_settings: Settings, engine: Any, world: Any
):
    """Sent without a length (chunked), it is cut while batches are being processed in a
    worker thread: 413, and no file, temp file or multipart upload is left behind."""
    from dataclasses import replace

    settings = replace(storage_settings, max_upload_bytes=6 * MiB)
    store = open_store(settings)
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        boundary = "limite-du-banc"

        def body() -> Iterator[bytes]:
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\n'
                f'autre\r\n--{boundary}\r\nContent-Disposition: form-data; name="scheme"\r\n'
                f'\r\naucun\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'
            ).encode()
            yield from pattern(16 * MiB)
            yield f"\r\n--{boundary}--\r\n".encode()

        response = client.post(
            "/api/documents",
            headers={
                "X-Vault-CSRF": "1",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            content=body(),
        )
    assert response.status_code == 413, response.text
    assert store.names() == set()
    assert store.clean_temp(timedelta(0)) == 0
