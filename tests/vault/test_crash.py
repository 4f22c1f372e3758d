"""Crash safety: the vault is SIGKILLed at random moments during a stream of uploads and
deletions, restarted, and keeps its promises — on SQLite + local files and on PostgreSQL + S3.

- every acknowledged upload (201) is listed, downloads, and matches the SHA-256 of what was
  sent; every acknowledged deletion (204) stays deleted;
- nothing else is visible: a document listed is either acknowledged or was in flight at a
  kill (then complete and exact: never a half document);
- `fsck` clears what the kills left (orphan files, interrupted writes), after which
  `check-integrity` finds nothing: every file decrypts, no orphan, the journal is intact.

Kill moments, sizes and the choice of operations come from a seeded generator
(VAULT_CRASH_SEED to replay a run); a few kills, so the test stays short.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.vault.conftest import FAST, PASSWORD, add_account, postgres_engine
from tests.vault.instances import Instance, VaultEnv, database_url
from vault_service.db import make_engine, migrate
from vault_service.settings import Settings

SEED = int(os.environ.get("VAULT_CRASH_SEED", "20261201"))
KILLS = 3
WORKERS = 3
API = {"X-Vault-CSRF": "1"}


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.postgres)])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VaultEnv]:
    ring = {"k1": bytes(range(32))}
    settings = Settings.from_env({}, cookie_key="c" * 48, keyring=ring, **FAST)
    if request.param == "local":
        engine = make_engine(f"sqlite:///{tmp_path / 'vault.sqlite3'}")
        migrate(engine)
        add_account(engine, settings, "crash.test", "beneficiary", None)
        yield VaultEnv(database_url(engine), tmp_path / "data", ring)
        engine.dispose()
        return
    server = request.getfixturevalue("s3_server")
    for engine in postgres_engine():
        migrate(engine)
        add_account(engine, settings, "crash.test", "beneficiary", None)
        yield VaultEnv(
            database_url(engine),
            tmp_path / "data",
            ring,
            extra=server.settings_env(server.new_bucket()),
        )


@dataclass
class Ledger:
    """What the clients were told (acknowledged) and what was in flight at a kill."""

    acked: dict[str, tuple[str, str]] = field(default_factory=dict)  # title → (id, sha256)
    in_flight: dict[str, str] = field(default_factory=dict)  # title → sha256 (no answer)
    deleted: set[str] = field(default_factory=set)  # ids whose deletion was acknowledged
    deleting: set[str] = field(default_factory=set)  # ids whose deletion got no answer
    refused: list[str] = field(default_factory=list)  # answers that are neither
    lock: threading.Lock = field(default_factory=threading.Lock)


def pdf(rng: random.Random, size: int) -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% "
        + rng.randbytes(size // 2).hex().encode()
    )
    return body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def client_loop(
    server: Instance, cookies: dict[str, str], ledger: Ledger, stop: threading.Event, n: int
) -> None:
    rng = random.Random(SEED * 10 + n)
    count = 0
    with httpx.Client(base_url=server.url, cookies=cookies, timeout=30) as client:
        while not stop.is_set():
            with ledger.lock:
                live = [i for i, _ in ledger.acked.values() if i not in ledger.deleted]
            if live and rng.random() < 0.3:
                doc_id = rng.choice(live)
                with ledger.lock:
                    ledger.deleting.add(doc_id)
                try:
                    answer = client.delete(f"/api/documents/{doc_id}", headers=API)
                except httpx.TransportError:
                    time.sleep(0.05)  # killed: the outcome is unknown, it stays "deleting"
                    continue
                with ledger.lock:
                    if answer.status_code in (204, 404):  # 404: deleted by another client
                        ledger.deleting.discard(doc_id)
                        ledger.deleted.add(doc_id)
                    else:
                        ledger.refused.append(f"DELETE {answer.status_code} {answer.text[:200]}")
                continue
            count += 1
            title = f"crash-{n}-{count}"
            content = pdf(rng, rng.randint(10_000, 3_000_000))
            sha = hashlib.sha256(content).hexdigest()
            with ledger.lock:
                ledger.in_flight[title] = sha
            try:
                answer = client.post(
                    "/api/documents",
                    headers=API,
                    data={"title": title, "doc_type": "autre", "scheme": "aucun"},
                    files={"file": (f"{title}.pdf", content, "application/pdf")},
                )
            except httpx.TransportError:
                time.sleep(0.05)
                continue
            with ledger.lock:
                if answer.status_code == 201:
                    del ledger.in_flight[title]
                    ledger.acked[title] = (answer.json()["id"], sha)
                else:
                    ledger.refused.append(f"POST {answer.status_code} {answer.text[:200]}")


def test_sigkill_during_uploads_and_deletions_loses_nothing_acknowledged(
    deployment: VaultEnv,
):
    rng = random.Random(SEED)
    server = Instance(deployment).start()
    try:
        with server.client() as client:
            login = client.post(
                "/api/session", headers=API, json={"login": "crash.test", "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            cookies = dict(login.cookies)
        ledger, stop = Ledger(), threading.Event()
        workers = [
            threading.Thread(target=client_loop, args=(server, cookies, ledger, stop, n))
            for n in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        moments = []
        for _ in range(KILLS):
            pause = rng.uniform(0.4, 2.0)
            moments.append(round(pause, 2))
            time.sleep(pause)
            server.kill()  # SIGKILL: no cleanup of any kind
            server.start()  # same port: the clients carry on, with the same session
        time.sleep(1.0)
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
        where = f"(graine {SEED}, arrêts après {moments} s)"
        assert not ledger.refused, (where, ledger.refused[:5])
        assert len(ledger.acked) >= 3, where

        with server.client(cookies=cookies) as client:
            listed = {d["id"]: d for d in client.get("/api/documents").json()["documents"]}
            expected = {doc_id: sha for doc_id, sha in ledger.acked.values()}
            # Every acknowledged upload, unless its deletion was acknowledged or attempted.
            for title, (doc_id, _sha) in ledger.acked.items():
                if doc_id in ledger.deleted:
                    assert doc_id not in listed, (where, title, "supprimé mais visible")
                elif doc_id not in ledger.deleting:
                    assert doc_id in listed, (where, title, "acquitté mais absent")
            # Nothing unacknowledged: a listed document is acknowledged or was in flight.
            in_flight_titles = set(ledger.in_flight)
            for doc_id, document in listed.items():
                title = document["title"]
                assert doc_id in expected or title in in_flight_titles, (where, title)
                sha = expected.get(doc_id) or ledger.in_flight[title]
                content = client.get(f"/api/documents/{doc_id}/content")
                assert content.status_code == 200, (where, title)
                assert hashlib.sha256(content.content).hexdigest() == sha, (where, title)
                versions = client.get(f"/api/documents/{doc_id}").json()["versions"]
                assert [v["sha256"] for v in versions] == [sha], (where, title)
    finally:
        server.stop()

    fsck = deployment.run("fsck", "--grace-minutes", "0")
    print(where, len(ledger.acked), "acquittés,", len(ledger.in_flight), "en vol,", fsck.stdout)
    assert fsck.returncode == 0, fsck.stdout + fsck.stderr
    check = deployment.run("check-integrity")
    assert check.returncode == 0, (where, check.stdout)
    assert check.stdout.splitlines()[-1] == "Intégrité vérifiée : aucun problème."
    again = deployment.run("fsck", "--grace-minutes", "0", "--dry-run")
    assert " : 0 orphelin(s) à supprimer, 0 manquant(s)." in again.stdout, again.stdout
