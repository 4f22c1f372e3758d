"""Portability and closure: one ZIP with everything (files hash to the recorded hashes, the
manifest lists every document and grant), closure with a grace period then crypto-erasure
(no key left can decrypt any remaining byte), the bin of deleted documents, information pages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, update
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, csrf_token, login, pdf_bytes, upload
from vault_service import audit, closure, crypto, notices, portability
from vault_service import documents as docs
from vault_service.app import create_app
from vault_service.db import accounts, document_versions, documents, duplicates, now, shares
from vault_service.storage import read_chunks

ROOT = Path(__file__).resolve().parents[2]


def new_document(client, content: bytes, title: str) -> str:
    response = upload(client, content, title=title)
    assert response.status_code == 303, response.text
    return str(response.headers["location"].rsplit("/", 1)[-1])


def add_version(client, doc_id: str, content: bytes) -> None:
    token = csrf_token(client, f"/documents/{doc_id}")
    response = client.post(
        f"/documents/{doc_id}/version",
        data={"csrf_token": token},
        files={"file": ("v2.pdf", content, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def grant(engine, owner_id: str, structure_id: str, doc_id: str) -> str:
    """A share row (the columns this schema has), with one document."""
    from vault_service.db import share_documents

    share_id = docs.new_id()
    values = {
        "id": share_id,
        "owner_id": owner_id,
        "grantee_structure_id": structure_id,
        "scheme": "rsa",
        "purpose": "Instruction RSA",
        "created_by": owner_id,
        "created_at": now(),
        "expires_at": now() + timedelta(days=90),
    }
    with engine.begin() as conn:
        conn.execute(insert(shares).values({k: v for k, v in values.items() if k in shares.c}))
        conn.execute(insert(share_documents).values(share_id=share_id, document_id=doc_id))
    return share_id


def issue_duplicate(client, doc_id: str) -> str:
    token = csrf_token(client, f"/documents/{doc_id}/duplicata")
    response = client.post(
        f"/documents/{doc_id}/duplicata",
        data={"csrf_token": token, "recipient": "CCAS", "purpose": "Logement"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return str(response.headers["location"].rsplit("/", 1)[-1])


def test_export_zip_has_every_file_document_grant_and_the_journal(client, world, engine):
    amina = world.actors["beneficiary_a"]
    login(client, amina)
    first = new_document(client, pdf_bytes(3000), "Carte d'identité")
    second = new_document(client, pdf_bytes(5000), "Avis d'imposition")
    add_version(client, second, pdf_bytes(4000))
    share_id = grant(engine, amina.id, world.structure_x, first)
    code = issue_duplicate(client, first)
    page = client.get("/compte/export")
    assert page.status_code == 200 and 'href="/compte/export.zip"' in page.text
    response = client.get("/compte/export.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == portability.FORMAT
    assert sorted(d["id"] for d in manifest["documents"]) == sorted([first, second])
    versions = [v for d in manifest["documents"] for v in d["versions"]]
    assert len(versions) == 3
    for version in versions:
        assert hashlib.sha256(archive.read(version["path"])).hexdigest() == version["sha256"]
    assert [g["id"] for g in manifest["grants"]] == [share_id]
    assert manifest["grants"][0]["document_ids"] == [first]
    assert [d["id"] for d in manifest["duplicates"]] == [code]
    journal = json.loads(archive.read("journal.json"))
    actions = [entry["action"] for entry in journal]
    assert actions.count("document.upload") == 2 and "duplicate.issue" in actions
    assert all(len(entry["hash"]) == 64 for entry in journal)
    assert "LISEZMOI.txt" in archive.namelist()
    raw = archive.read("manifest.json").decode()
    for secret in ("wrapped_key", "password_hash", "storage_name", "totp_secret"):
        assert secret not in raw
    # Another person's export holds none of it.
    other = TestClient(client.app, base_url="http://testserver")
    login(other, world.actors["beneficiary_b"])
    theirs = zipfile.ZipFile(io.BytesIO(other.get("/compte/export.zip").content))
    assert json.loads(theirs.read("manifest.json"))["documents"] == []


def test_export_is_streamed_in_bounded_chunks(app, client, world, engine):
    login(client, world.actors["beneficiary_a"])
    new_document(client, pdf_bytes(3 * 1024 * 1024), "Gros document")
    service = app.state.vault
    with engine.connect() as conn:
        collected = portability.collect(conn, world.actors["beneficiary_a"].id)
    sizes = [
        len(chunk) for chunk in portability.stream_zip(service.store, service.keyring, collected)
    ]
    assert sum(sizes) > 3 * 1024 * 1024
    assert max(sizes) < 512 * 1024  # never the whole ZIP at once


def test_closure_grace_period_then_crypto_erasure(app, client, world, engine, settings):
    amina = world.actors["beneficiary_a"]
    login(client, amina)
    doc_id = new_document(client, pdf_bytes(200_000), "Titre de séjour")
    add_version(client, doc_id, pdf_bytes(150_000))
    code = issue_duplicate(client, doc_id)
    share_id = grant(engine, amina.id, world.structure_x, doc_id)
    from vault_service import relationships

    with engine.begin() as conn:
        relationships.link(conn, amina.id, world.structure_x, "link_code", amina.id)
        notices.add(
            conn, amina.id, "assisted_recovery_issued", who="Pro X", structure="X", approval=""
        )
    bacar = TestClient(app, base_url="http://testserver")
    login(bacar, world.actors["beneficiary_b"])
    kept = new_document(bacar, pdf_bytes(100_000), "Document de Bacar")

    page = client.get("/compte/fermeture")
    assert 'href="/compte/export"' in page.text and "30 jours pour changer d" in page.text
    token = csrf_token(client, "/compte/fermeture")
    wrong = client.post(
        "/compte/fermeture", data={"csrf_token": token, "confirm": "oui", "current": "non"}
    )
    assert wrong.status_code == 400 and "Mot de passe incorrect" in wrong.text
    asked = client.post(
        "/compte/fermeture", data={"csrf_token": token, "confirm": "oui", "current": PASSWORD}
    )
    assert "Votre compte sera fermé le" in asked.text
    cancelled = client.post("/compte/fermeture/annuler", data={"csrf_token": token})
    assert "Demander la fermeture" in cancelled.text
    client.post(
        "/compte/fermeture", data={"csrf_token": token, "confirm": "oui", "current": PASSWORD}
    )
    service = app.state.vault
    assert closure.purge(engine, service.store, 0) == {"accounts": 0, "documents": 0}

    with engine.connect() as conn:
        rows = list(
            conn.execute(select(document_versions).where(document_versions.c.document_id == doc_id))
        )
    ciphertexts = {
        row.storage_name: b"".join(read_chunks(service.store.open(row.storage_name)))
        for row in rows
    }
    # The grace period is over.
    with engine.begin() as conn:
        conn.execute(
            update(accounts)
            .where(accounts.c.id == amina.id)
            .values(closes_at=now() - timedelta(minutes=1))
        )
    assert closure.purge(engine, service.store, 0) == {"accounts": 1, "documents": 0}

    names = service.store.names()
    assert not set(ciphertexts) & names  # her files are gone
    keyring = crypto.Keyring(settings.keyring)
    with engine.connect() as conn:
        assert (
            conn.execute(select(documents).where(documents.c.owner_id == amina.id)).first() is None
        )
        remaining = list(conn.execute(select(document_versions)))
        account = conn.execute(select(accounts).where(accounts.c.id == amina.id)).one()
        dup = conn.execute(select(duplicates).where(duplicates.c.id == code)).one()
        share = conn.execute(select(shares).where(shares.c.id == share_id)).one()
        assert not relationships.follows(conn, world.structure_x, amina.id)
        assert relationships.links_of(conn, amina.id) == []  # the link has ended
        assert notices.recent(conn, amina.id) == []
        assert audit.verify(conn) == []
    assert [row.document_id for row in remaining] == [kept]
    # No key left in the database (unwrapped with every KEK) decrypts any byte of hers.
    deks = [
        keyring.unwrap(row.key_id, row.wrapped_key, docs.context(row.document_id, row.version))
        for row in remaining
    ]
    for version in (1, 2):
        for blob in ciphertexts.values():
            for dek in [*deks, os.urandom(32)]:
                try:
                    next(crypto.iter_decrypt(io.BytesIO(blob), dek, docs.context(doc_id, version)))
                except crypto.DecryptionError:
                    continue
                raise AssertionError("un octet de ses documents reste déchiffrable")
    assert (account.given_name, account.family_name, account.birth_date) == ("", "", None)
    assert account.password_hash is None and account.status == "closed"
    assert account.closed_at is not None and account.login.startswith("ferme-")
    assert dup.revoked_at is not None and dup.payload is None and dup.recipient is None
    assert share.revoked_at is not None
    assert client.get("/documents", follow_redirects=False).status_code == 303  # signed out
    refused = client.post(
        "/connexion",
        data={"csrf_token": csrf_token(client), "login": amina.login, "password": PASSWORD},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    assert bacar.get(f"/documents/{kept}").status_code == 200  # others keep theirs


def test_bin_keeps_deleted_documents_for_the_retention_period(settings, engine, world):
    binned = dataclasses.replace(settings, deleted_retention_days=7)
    client = TestClient(create_app(binned, engine=engine), base_url="http://testserver")
    login(client, world.actors["beneficiary_a"])
    doc_id = new_document(client, pdf_bytes(2000), "Quittance")
    page = client.get(f"/documents/{doc_id}/supprimer")
    assert "récupérer pendant 7 jours" in page.text
    token = csrf_token(client, f"/documents/{doc_id}/supprimer")
    client.post(f"/documents/{doc_id}/supprimer", data={"csrf_token": token, "confirm": "oui"})
    assert client.get(f"/documents/{doc_id}").status_code == 404
    assert client.get("/api/documents/counts").json()["total"] == 0
    assert "Quittance" in client.get("/documents/corbeille").text
    restored = client.post(f"/documents/{doc_id}/restaurer", data={"csrf_token": token})
    assert restored.status_code == 200 and "Quittance" in restored.text
    client.post(f"/documents/{doc_id}/supprimer", data={"csrf_token": token, "confirm": "oui"})
    store = client.app.state.vault.store  # type: ignore[attr-defined]
    assert closure.purge(engine, store, 7)["documents"] == 0  # not yet
    with engine.begin() as conn:
        conn.execute(
            update(documents)
            .where(documents.c.id == doc_id)
            .values(deleted_at=now() - timedelta(days=8))
        )
    before = store.names()
    assert closure.purge(engine, store, 7)["documents"] == 1
    assert len(store.names()) == len(before) - 1
    assert (
        client.post(f"/documents/{doc_id}/restaurer", data={"csrf_token": token}).status_code == 404
    )


def test_information_pages_before_sign_up(client, settings):
    signup = client.get("/inscription").text
    for slug in ("service", "exploitant", "donnees", "partir"):
        assert f'href="/informations/{slug}"' in signup
        assert client.get(f"/informations/{slug}").status_code == 200
    assert "30 jours pour changer d" in client.get("/informations/partir").text
    assert "VAULT_OPERATOR" in client.get("/informations/exploitant").text
    assert client.get("/informations/inconnue").status_code == 404


def test_purge_command(tmp_path):
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vault_service", "--demo", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert run("init-db").returncode == 0
    result = run("purge")
    assert result.returncode == 0
    assert result.stdout.strip() == (
        "Comptes fermés et effacés : 0 ; documents de la corbeille effacés : 0."
    )
