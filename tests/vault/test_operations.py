"""Operations: liveness, readiness (database and storage), metrics, logs without personal data."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import httpx
from sqlalchemy import create_engine
from starlette.testclient import TestClient

from tests.vault.conftest import CSRF_RE, login, pdf_bytes, upload
from tests.vault.instances import Instance, VaultEnv
from vault_service.app import create_app
from vault_service.settings import Settings, SettingsError
from vault_service.storage_s3 import MIN_PART, S3BlobStore


def test_liveness_and_readiness(app, client, world, s3_server):
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/api/ready").json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
    }
    service = app.state.vault
    real_engine, real_store = service.engine, service.store
    service.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    try:
        assert client.get("/api/health").status_code == 200  # alive: do not restart it
        dead_db = client.get("/api/ready")
        service.store = S3BlobStore(s3_server.client(), "no-such-bucket-vault", "", MIN_PART)
        both_dead = client.get("/api/ready")
        service.engine.dispose()
        service.engine = real_engine
        dead_store = client.get("/api/ready")
    finally:
        service.engine, service.store = real_engine, real_store
    assert dead_db.status_code == 503
    assert dead_db.json()["error"] == {
        "code": "indisponible",
        "message": "Service pas prêt (à retirer du répartiteur) : la base de données ne répond "
        "pas.",
        "detail": {"database": "indisponible", "storage": "ok"},
    }
    assert both_dead.json()["error"]["detail"] == {
        "database": "indisponible",
        "storage": "indisponible",
    }
    assert dead_store.status_code == 503
    assert dead_store.json()["error"]["message"] == (
        "Service pas prêt (à retirer du répartiteur) : le stockage des fichiers ne répond pas."
    )


def test_metrics_by_route_template_behind_a_token(settings, engine, world):
    with TestClient(create_app(settings, engine=engine)) as client:
        assert client.get("/metrics").status_code == 404  # off without a token
    token = "m" * 32
    with_token = replace(settings, metrics_token=token)
    with TestClient(create_app(with_token, engine=engine)) as client:
        login(client, world.actors["beneficiary_a"])
        doc = upload(client, pdf_bytes(4000), title="Titre secret").headers["location"]
        doc_id = doc.rsplit("/", 1)[-1]
        assert client.get(doc + "/telecharger?version=1").status_code == 200
        assert client.get("/documents/00000000-0000-0000-0000-000000000000").status_code == 404
        refused = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 32})
        scraped = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == wrong.status_code == 401
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain; version=")
    text = scraped.text
    assert (
        'vault_http_requests_total{method="GET",route="/documents/{doc_id}/telecharger",'
        'status="200"} 1.0' in text
    )
    assert 'route="/documents/{doc_id}",status="404"} 1.0' in text
    assert 'vault_http_request_duration_seconds_bucket{le="0.005",method="POST",' in text
    assert 'route="/connexion"' in text
    for personal in (doc_id, "amina", "Titre secret", "version=1", "testclient"):
        assert personal not in text


def test_metrics_token_must_be_long():
    try:
        Settings.from_env(
            {"VAULT_METRICS_TOKEN": "court"}, cookie_key="c" * 40, keyring={"k": bytes(32)}
        )
    except SettingsError as error:
        assert str(error).startswith("VAULT_METRICS_TOKEN doit faire au moins 24 caractères")
    else:
        raise AssertionError("jeton trop court accepté")
    assert "metrics_token" not in repr(
        Settings.from_env({}, cookie_key="c" * 40, keyring={"k": bytes(32)})
    )


PERSON = {
    "given_name": "Zaïnaba",
    "family_name": "Ousseni-Mdallah",
    "birth_date": "1987-03-14",
    "login": "zainaba.ousseni",
}
TITLE = "Attestation CAF de Zaïnaba"


def _csrf(client: httpx.Client, page: str) -> str:
    match = CSRF_RE.search(client.get(page).text)
    assert match, page
    return match.group(1)


def test_logs_carry_no_personal_data(tmp_path: Path, engine):
    """A real server (its own logging configuration), real flows with a person's identity, a
    failed login, a document with a title, errors: every log line is JSON, and none names the
    person, her login, her birth date or the document's title."""
    from tests.vault.instances import database_url

    env = VaultEnv(database_url(engine), tmp_path / "data", {"k1": bytes(range(32))})
    server = Instance(env).start()
    try:
        with server.client(follow_redirects=False) as client:
            signed = client.post(
                "/inscription",
                data={
                    "csrf_token": _csrf(client, "/inscription"),
                    **PERSON,
                    "password": "une phrase de passe solide",
                    "password2": "une phrase de passe solide",
                },
            )
            assert signed.status_code == 303, signed.text
            deposit = client.post(
                "/documents/depot",
                data={
                    "csrf_token": _csrf(client, "/documents/depot"),
                    "title": TITLE,
                    "doc_type": "ressources",
                    "scheme": "prestations-familiales",
                },
                files={"file": ("caf-zainaba.pdf", pdf_bytes(5000), "application/pdf")},
            )
            assert deposit.status_code == 303, deposit.text
            doc = deposit.headers["location"]
            assert client.get(doc + "/telecharger").status_code == 200
            assert client.get(doc + "?q=" + PERSON["family_name"]).status_code == 200
            client.post("/deconnexion", data={"csrf_token": _csrf(client, "/documents")})
        with server.client(follow_redirects=False) as other:
            failed = other.post(
                "/connexion",
                data={
                    "csrf_token": _csrf(other, "/connexion"),
                    "login": PERSON["login"],
                    "password": "mauvais mot de passe",
                },
            )
            assert failed.status_code == 401
            nul = other.get("/documents/" + PERSON["login"] + "%00")
            assert nul.status_code in (400, 404)
            other.post(
                "/api/session", json={"login": PERSON["login"]}, headers={"X-Vault-CSRF": "1"}
            )
    finally:
        err = server.stop()
    lines = [line for line in err.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    routes = {entry.get("route") for entry in entries if entry["logger"] == "vault_service.access"}
    assert {"/inscription", "/documents/depot", "/documents/{doc_id}/telecharger"} <= routes
    forbidden = [
        PERSON["given_name"],
        PERSON["family_name"],
        PERSON["birth_date"],
        "14/03/1987",
        PERSON["login"],
        "zainaba",
        TITLE,
        "caf-zainaba",
        doc.rsplit("/", 1)[-1],  # the document id is not in the logs either
    ]
    for line in lines:
        for value in forbidden:
            assert not re.search(re.escape(value), line, re.IGNORECASE), (value, line)


def test_a_server_error_logs_the_exception_type_never_its_message(
    client, world, caplog, monkeypatch
):
    """Database errors carry the query's values (names, logins): only type and frames."""
    from vault_service import documents
    from vault_service.operations import JsonFormatter

    def broken(conn: object, owner_id: str) -> list[object]:
        raise RuntimeError(f"valeurs : {PERSON['family_name']} {PERSON['birth_date']}")

    monkeypatch.setattr(documents, "list_for", broken)
    login(client, world.actors["beneficiary_a"])
    with caplog.at_level("INFO", logger="vault_service"):
        response = client.get("/documents")
    assert response.status_code == 500
    lines = [JsonFormatter().format(record) for record in caplog.records]
    errors = [json.loads(line) for line in lines if '"error"' in line]
    assert errors and errors[0]["error"] == "builtins.RuntimeError"
    assert any(frame.endswith(" broken") for frame in errors[0]["trace"])
    assert not [line for line in lines if PERSON["family_name"] in line or "1987" in line]
