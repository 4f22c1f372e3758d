"""Attacks on the running app (both backends): cookies, CSRF, brute force, uploads, keys."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from tests.vault.conftest import (
    KEY2,
    PASSWORD,
    add_account,
    csrf_token,
    login,
    pdf_bytes,
    upload,
)
from vault_service import sessions
from vault_service.app import create_app
from vault_service.db import audit_log, document_versions
from vault_service.settings import Settings


def test_forged_cookie_is_ignored(client, world):
    forged = URLSafeTimedSerializer("une autre clé" * 4, salt=sessions.PURPOSE).dumps("x")
    client.cookies.set("vault_session", forged)
    assert client.get("/documents", follow_redirects=False).headers["location"] == "/connexion"
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "non_connecte",
            "message": "Connectez-vous pour accéder à cette page.",
            "detail": None,
        }
    }


def test_cookie_of_another_purpose_is_refused(client, world, settings):
    login(client, world.actors["beneficiary_a"])
    token = URLSafeTimedSerializer(settings.cookie_key, salt=sessions.PURPOSE).loads(
        client.cookies["vault_session"]
    )
    other = URLSafeTimedSerializer(settings.cookie_key, salt="vault.totp-enrol.v1").dumps(token)
    client.cookies.set("vault_session", other)
    assert client.get("/api/me").status_code == 401


def test_expired_cookie_is_refused(app, world, settings, monkeypatch):
    with pytest.MonkeyPatch.context():
        from starlette.testclient import TestClient

        client = TestClient(app)
        login(client, world.actors["beneficiary_a"])
        assert client.get("/api/me").status_code == 200
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + settings.session_hours * 3600 + 5)
        assert client.get("/api/me").status_code == 401


def test_replayed_cookie_after_logout_is_refused(client, world):
    login(client, world.actors["beneficiary_a"])
    stolen = client.cookies["vault_session"]
    token = csrf_token(client, "/documents")
    assert (
        client.post("/deconnexion", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.set("vault_session", stolen)
    assert client.get("/api/me").status_code == 401


def test_logout_everywhere_kills_other_sessions(app, world):
    from starlette.testclient import TestClient

    phone, laptop = TestClient(app), TestClient(app)
    login(phone, world.actors["beneficiary_a"])
    login(laptop, world.actors["beneficiary_a"])
    token = csrf_token(phone, "/compte")
    phone.post("/deconnexion-partout", data={"csrf_token": token}, follow_redirects=False)
    assert laptop.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 401


def test_form_without_csrf_token_is_refused(client, world):
    login(client, world.actors["beneficiary_a"])
    response = client.post(
        "/compte/mot-de-passe", data={"current": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert (
        "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et recommencez."
    ) in response.text
    other = client.post(
        "/compte/mot-de-passe", data={"csrf_token": "0" * 64}, follow_redirects=False
    )
    assert other.status_code == 403


def test_cross_site_post_is_refused(client, world):
    login(client, world.actors["beneficiary_a"])
    token = csrf_token(client, "/compte")
    response = client.post(
        "/deconnexion",
        data={"csrf_token": token},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert response.text == "Requête refusée : elle vient d'un autre site."
    assert client.get("/api/me").status_code == 200


def test_fetch_metadata_cross_site_is_refused_same_origin_allowed(client, world):
    login(client, world.actors["beneficiary_a"])
    token = csrf_token(client, "/compte")

    def logout(fetch_site: str) -> int:
        response = client.post(
            "/deconnexion",
            data={"csrf_token": token},
            headers={"Sec-Fetch-Site": fetch_site, "Origin": "null"},
            follow_redirects=False,
        )
        status: int = response.status_code
        return status

    assert logout("same-site") == 403
    assert logout("same-origin") == 303


def test_api_write_without_csrf_header_is_refused(client, world):
    login(client, world.actors["beneficiary_a"])
    response = client.delete("/api/session")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf"


def test_csrf_upload_leaves_nothing(client, world, settings, engine):
    login(client, world.actors["beneficiary_a"])
    response = client.post(
        "/documents/depot",
        data={"csrf_token": "bad", "doc_type": "identite", "scheme": "rsa"},
        files={"file": ("a.pdf", pdf_bytes(5000), "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert list((settings.data_dir / "tmp").iterdir()) == []
    assert list((settings.data_dir / "blobs").rglob("*.vlt")) == []


def test_brute_force_hits_the_limit(client, world):
    token = csrf_token(client)
    statuses = []
    for _ in range(6):
        response = client.post(
            "/connexion",
            data={"csrf_token": token, "login": "amina", "password": "mauvais mot"},
            follow_redirects=False,
        )
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 401, 401, 429]
    assert "Trop de tentatives : réessayez dans 1 minute." in response.text
    # Even the right password is refused while locked.
    right = client.post(
        "/connexion",
        data={"csrf_token": token, "login": "amina", "password": PASSWORD},
        follow_redirects=False,
    )
    assert right.status_code == 429


def test_activation_brute_force_hits_the_limit(client, world):
    token = csrf_token(client)
    data = {
        "csrf_token": token,
        "login": "amina",
        "code": "AAAA-BBBB-CCCC",
        "password": "nouveau mot de passe",
        "password2": "nouveau mot de passe",
    }
    statuses = [client.post("/recuperation", data=data).status_code for _ in range(6)]
    assert statuses == [400, 400, 400, 400, 400, 429]


def test_oversized_upload_is_413_and_leaves_no_file(app, world, settings, engine, tmp_path):
    small = Settings.from_env({}, **{**settings.__dict__, "max_upload_bytes": 100_000})
    from starlette.testclient import TestClient

    client = TestClient(create_app(small, engine=engine))
    login(client, world.actors["beneficiary_a"])
    response = upload(client, pdf_bytes(400_000))
    assert response.status_code == 413
    assert "Le fichier dépasse la taille maximale de 98 Ko." in response.text
    assert list((settings.data_dir / "tmp").iterdir()) == []
    assert list((settings.data_dir / "blobs").rglob("*.vlt")) == []


def test_oversized_streaming_upload_stops_reading(app, world, settings, engine):
    """At the ASGI level: the app stops pulling the body soon after the limit (no length)."""
    import anyio
    from starlette.testclient import TestClient

    small = Settings.from_env({}, **{**settings.__dict__, "max_upload_bytes": 100_000})
    vault_app = create_app(small, engine=engine)
    client = TestClient(vault_app)
    login(client, world.actors["beneficiary_a"])
    token = csrf_token(client, "/documents/depot")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    boundary = "limite"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-'
    ).encode()
    pulled = {"chunks": 0}
    sent: list[dict[str, object]] = []

    async def receive():
        pulled["chunks"] += 1
        if pulled["chunks"] == 1:
            return {"type": "http.request", "body": head, "more_body": True}
        return {"type": "http.request", "body": b"\x00" * 65536, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/documents/depot",
        "raw_path": b"/documents/depot",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"cookie", cookie.encode()),
        ],
    }

    async def run():
        async with vault_app.router.lifespan_context(vault_app):
            await vault_app(scope, receive, send)

    anyio.run(run)
    assert sent[0]["status"] == 413
    assert pulled["chunks"] <= 4  # 100 kB limit + 64 kB of form overhead, in 64 kB chunks
    assert list((settings.data_dir / "tmp").iterdir()) == []


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 500, "facture.pdf", "Ce fichier est un programme exécutable"),
        (pdf_bytes(3000) + b"PK\x05\x06" + b"\x00" * 18, "releve.pdf", "archive ZIP cachée"),
        (b"", "vide.pdf", "Le fichier est vide (0 octet)."),
    ],
    ids=["exe-renamed-pdf", "polyglot", "zero-byte"],
)
def test_bad_files_are_refused(client, world, settings, content, filename, message):
    login(client, world.actors["beneficiary_a"])
    response = upload(client, content, filename=filename)
    assert response.status_code == 400
    assert message in response.text
    assert list((settings.data_dir / "tmp").iterdir()) == []
    assert list((settings.data_dir / "blobs").rglob("*.vlt")) == []


def test_path_traversal_file_name_is_neutralised(client, world, settings, engine):
    login(client, world.actors["beneficiary_a"])
    response = upload(client, pdf_bytes(3000), filename="../../../etc/passwd.pdf")
    assert response.status_code == 303
    with engine.connect() as conn:
        row = conn.execute(select(document_versions)).one()
    assert row.filename == "passwd.pdf"
    assert not (settings.data_dir.parent / "etc").exists()
    download = client.get(response.headers["location"] + "/telecharger")
    assert 'filename="passwd.pdf"' in download.headers["content-disposition"]


def test_file_on_disk_never_contains_the_plaintext(client, world, settings):
    login(client, world.actors["beneficiary_a"])
    marker = b"NUMERO-SECU-1-85-02-976-123-456"
    content = pdf_bytes(1000)[:-7] + marker * 3000 + b"\n%%EOF\n"
    assert upload(client, content).status_code == 303
    (stored,) = list((settings.data_dir / "blobs").rglob("*.vlt"))
    raw = stored.read_bytes()
    assert marker not in raw and b"%PDF" not in raw
    assert stored.stat().st_mode & 0o077 == 0


def test_tampered_ciphertext_fails_closed(client, world, settings):
    login(client, world.actors["beneficiary_a"])
    response = upload(client, pdf_bytes(3000))
    (stored,) = list((settings.data_dir / "blobs").rglob("*.vlt"))
    raw = bytearray(stored.read_bytes())
    raw[40] ^= 0xFF
    stored.write_bytes(bytes(raw))
    download = client.get(response.headers["location"] + "/telecharger")
    assert download.status_code == 500
    assert b"%PDF" not in download.content
    assert "Ce document ne peut pas être déchiffré" in download.text


def test_wrong_keyring_fails_closed(client, world, settings, engine):
    login(client, world.actors["beneficiary_a"])
    response = upload(client, pdf_bytes(3000))
    from starlette.testclient import TestClient

    wrong = Settings.from_env({}, **{**settings.__dict__, "keyring": {"k1": KEY2}})
    other = TestClient(create_app(wrong, engine=engine))
    other.cookies = client.cookies
    download = other.get(response.headers["location"] + "/telecharger")
    assert download.status_code == 500
    assert b"%PDF" not in download.content


def test_other_persons_document_is_404_everywhere(app, world):
    from starlette.testclient import TestClient

    owner, intruder = TestClient(app), TestClient(app)
    login(owner, world.actors["beneficiary_a"])
    login(intruder, world.actors["beneficiary_b"])
    doc = upload(owner, pdf_bytes(3000)).headers["location"]
    for path in (doc, doc + "/telecharger", doc + "/voir", doc + "/supprimer"):
        assert intruder.get(path).status_code == 404
    doc_id = doc.rsplit("/", 1)[-1]
    api = intruder.get(f"/api/documents/{doc_id}/content")
    assert api.status_code == 404
    assert api.json()["error"] == {
        "code": "introuvable",
        "message": "Document introuvable.",
        "detail": None,
    }


def test_structure_admin_cannot_touch_another_structure(app, world, engine, settings):
    from starlette.testclient import TestClient

    foreign = add_account(engine, settings, "pro.y2", "professional", world.structure_y)
    client = TestClient(app)
    login(client, world.actors["structure_admin"])
    token = csrf_token(client, "/structure")
    response = client.post(
        f"/structure/professionnels/{foreign.id}/desactiver", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert "Compte introuvable." in response.text


def test_access_is_journaled(client, world, engine):
    login(client, world.actors["beneficiary_a"])
    doc = upload(client, pdf_bytes(3000)).headers["location"]
    client.get(doc + "/telecharger")
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log).order_by(audit_log.c.seq))]
    assert actions[-3:] == ["auth.login", "document.upload", "document.download"]


def test_tampering_late_in_the_file_never_yields_a_complete_download(app, world, settings):
    from starlette.testclient import TestClient

    from vault_service.crypto import CHUNK_SIZE, HEADER, TAG, DecryptionError

    client = TestClient(app)
    login(client, world.actors["beneficiary_a"])
    content = pdf_bytes(5 * CHUNK_SIZE)
    doc = upload(client, content).headers["location"]
    (stored,) = list((settings.data_dir / "blobs").rglob("*.vlt"))
    raw = bytearray(stored.read_bytes())
    raw[HEADER.size + 3 * (CHUNK_SIZE + TAG) + 10] ^= 0x01  # inside the 4th chunk
    stored.write_bytes(bytes(raw))
    # Chunks 0-2 are authentic and may already be sent; chunk 3 stops the stream: the
    # server aborts the response before its declared length (the download is incomplete).
    with pytest.raises(DecryptionError, match="bloc 3 illisible"):
        client.get(doc + "/telecharger")
