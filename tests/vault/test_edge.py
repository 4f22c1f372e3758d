"""Attacks on the edge (issue 8, A2 and A11): oversized bodies on every route, NUL bytes and
invalid Unicode, malformed numbers and multipart, unknown methods, and what a crash looks like.

Every case ran on the old code and got a 500 without security headers, a dropped connection or
a 300 MB read; each must now be a clean French 4xx (or 500 page) with the security headers.
Runs on SQLite and PostgreSQL (PostgreSQL refuses NUL in text: psycopg.DataError before)."""

from __future__ import annotations

import json
import re
from typing import Any

import anyio
import pytest

from tests.vault.conftest import csrf_token, login, pdf_bytes, upload
from vault_service import api
from vault_service.app import ROUTES, UPLOADS, create_app
from vault_service.edge import UPLOAD_FRAMING

API = {"X-Vault-CSRF": "1"}


def assert_clean_refusal(response: Any, status: int) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    if response.request.url.path.startswith("/api/"):
        error = response.json()["error"]
        assert error["code"] and error["message"]
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert '<html lang="fr">' in response.text


def _document(client: Any) -> str:
    location: str = upload(client, pdf_bytes()).headers["location"]
    return location.rsplit("/", 1)[-1]


@pytest.mark.parametrize("version", ["²", "٣", "9" * 20, "-1", "1e3"])
def test_odd_version_numbers_are_404(client, world, version):
    login(client, world.actors["beneficiary_a"])
    doc = _document(client)
    for path in (f"/documents/{doc}/telecharger", f"/api/documents/{doc}/content"):
        assert_clean_refusal(client.get(path, params={"version": version}), 404)


def test_deeply_nested_json_is_400(client, world):
    response = client.post(
        "/api/session",
        content=b"[" * 50_000,
        headers={**API, "content-type": "application/json"},
    )
    assert_clean_refusal(response, 400)
    assert "imbriqué trop profondément" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"login": "\\ud800", "password": "x"}',  # a lone surrogate, escaped in JSON
        b'{"login": "amina\\u0000", "password": "x"}',
        b'{"login": "amina", "password": "\xff\xfe"}',  # not UTF-8
    ],
)
def test_json_login_with_invalid_text_is_400(client, world, body):
    response = client.post(
        "/api/session", content=body, headers={**API, "content-type": "application/json"}
    )
    assert_clean_refusal(response, 400)
    assert "octet nul" in response.json()["error"]["message"]


FORM_PAGES = {
    "/connexion": {"login": "amina{}", "password": "x"},
    "/recuperation": {"login": "amina{}", "code": "ABCD", "password": "p" * 12, "password2": "p"},
    "/inscription": {
        "given_name": "Amina{}",
        "family_name": "Said",
        "birth_date": "1990-01-01",
        "login": "amina2",
        "password": "p" * 12,
        "password2": "p" * 12,
    },
}


@pytest.mark.parametrize("page", sorted(FORM_PAGES))
@pytest.mark.parametrize("bad", ["%00", "%ED%A0%80", "%FF"])
def test_forms_with_nul_or_invalid_utf8_are_400(client, world, page, bad):
    token = csrf_token(client, page)
    fields = {k: v.replace("{}", bad) for k, v in FORM_PAGES[page].items()}
    body = "&".join(f"{k}={v}" for k, v in {"csrf_token": token, **fields}.items())
    response = client.post(
        page,
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_clean_refusal(response, 400)
    assert "octet nul" in response.text


@pytest.mark.parametrize("bad", ["%00", "%ED%A0%80"])
def test_professional_search_with_nul_is_400(client, world, bad):
    login(client, world.actors["pro_x"])
    token = csrf_token(client, "/pro")
    body = f"csrf_token={token}&given_name=Amina{bad}&family_name=Test&birth_date=1990-01-01"
    response = client.post(
        "/pro/recherche",
        content=body.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_clean_refusal(response, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/documents/%00",
        "/documents/abc%00def/telecharger",
        "/api/documents/%00",
        "/api/documents/%ED%A0%80/content",
        "/documents?x=%00",
        "/api/me?q=%FF",
    ],
)
def test_nul_or_invalid_utf8_in_paths_and_queries_is_400(client, world, path):
    login(client, world.actors["beneficiary_a"])
    assert_clean_refusal(client.get(path), 400)


def test_nul_in_id_paths_of_staff_routes_is_400(client, world):
    login(client, world.actors["pro_x"])
    token = csrf_token(client, "/pro")
    response = client.post(
        "/pro/beneficiaires/%00/recuperation",
        data={"csrf_token": token},
    )
    assert_clean_refusal(response, 400)


@pytest.mark.parametrize("page", ["/documents/depot", "/api/documents"])
def test_overlong_multipart_boundary_is_400(client, world, page):
    login(client, world.actors["beneficiary_a"])
    boundary = "b" * 300
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--{boundary}--\r\n"
    ).encode()
    response = client.post(
        page,
        content=body,
        headers={**API, "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_clean_refusal(response, 400)


def test_nul_in_a_multipart_field_is_400(client, world):
    login(client, world.actors["beneficiary_a"])
    response = client.post(
        "/api/documents",
        data={"title": "a\x00b", "doc_type": "identite", "scheme": "rsa"},
        files={"file": ("a.pdf", pdf_bytes(), "application/pdf")},
        headers=API,
    )
    assert_clean_refusal(response, 400)


def test_trace_and_unknown_methods_are_405_with_allow(client, world):
    for method in ("TRACE", "PUT", "OPTIONS"):
        response = client.request(method, "/api/documents", headers=API)
        assert_clean_refusal(response, 405)
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    response = client.request("TRACE", "/connexion")
    assert_clean_refusal(response, 405)
    assert "POST" in response.headers["allow"]


def test_a_crash_is_a_french_500_with_the_security_headers(app, world, monkeypatch):
    from starlette.testclient import TestClient

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(api, "_me", broken)
    client = TestClient(app, raise_server_exceptions=False)
    login(client, world.actors["beneficiary_a"])
    response = client.get("/api/me")
    assert_clean_refusal(response, 500)
    assert response.json()["error"]["code"] == "erreur_interne"
    monkeypatch.setattr("vault_service.document_pages.docs.list_for", broken)
    response = client.get("/documents")
    assert_clean_refusal(response, 500)
    assert "Erreur interne" in response.text


# --- bodies bounded before they are read (A2), at the ASGI level ------------------------


def _scope(path: str, method: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }


def _post_forever(app: Any, path: str, method: str, headers: dict[str, str]) -> tuple[int, int]:
    """Send an endless body; return (status, bytes the app pulled)."""
    pulled = {"bytes": 0}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        pulled["bytes"] += 65536
        return {"type": "http.request", "body": b"[" * 65536, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        await app(_scope(path, method, headers), receive, send)

    anyio.run(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], pulled["bytes"]


def _body_routes() -> list[tuple[str, str]]:
    """Every (path, method) of the app that takes a body, ids filled in."""
    return [
        (re.sub(r"\{[^}]+\}", "x", getattr(route, "path", "")), method)
        for route in ROUTES
        for method in sorted(getattr(route, "methods", None) or ())
        if method in {"POST", "PATCH", "DELETE", "PUT"}
    ]


@pytest.mark.parametrize(("path", "method"), _body_routes())
def test_every_route_refuses_a_300mb_body_before_reading(settings, engine, path, method):
    app = create_app(settings, engine=engine)
    declared = {
        "content-type": "application/json",
        "content-length": str(300 * 1024 * 1024),
        **API,
    }
    status, pulled = _post_forever(app, path, method, declared)
    assert (status, pulled) == (413, 0)
    chunked = {"content-type": "application/json", "transfer-encoding": "chunked", **API}
    status, pulled = _post_forever(app, path, method, chunked)
    # Anonymous: refused (413 at the limit; login asked or wrong type, before reading).
    assert status in {303, 400, 401, 403, 413}
    factor = {re.sub(r"\{[^}]+\}", "x", p): n for p, n in UPLOADS.items()}.get(path)
    limit = (
        factor * settings.max_upload_bytes + UPLOAD_FRAMING if factor else settings.max_form_bytes
    )
    assert pulled <= limit + 65536


def test_small_routes_stop_at_the_form_limit(settings, engine):
    app = create_app(settings, engine=engine)
    headers = {"content-type": "application/json", "transfer-encoding": "chunked", **API}
    for path, method in (("/api/session", "POST"), ("/api/documents/x", "PATCH")):
        status, pulled = _post_forever(app, path, method, headers)
        assert status == 413
        assert pulled <= settings.max_form_bytes + 65536


def test_413_has_the_french_api_shape(client, world):
    login(client, world.actors["beneficiary_a"])
    doc = _document(client)
    body = json.dumps({"title": "x" * 100_000}).encode()
    response = client.patch(
        f"/api/documents/{doc}", content=body, headers={**API, "content-type": "application/json"}
    )
    assert_clean_refusal(response, 413)
    assert "Requête trop volumineuse" in response.json()["error"]["message"]


# --- CSRF notes of issue 8 ----------------------------------------------------------------


def test_origin_null_without_fetch_metadata_is_refused(client, world):
    login(client, world.actors["beneficiary_a"])
    token = csrf_token(client, "/documents")
    response = client.post("/deconnexion", data={"csrf_token": token}, headers={"Origin": "null"})
    assert response.status_code == 403
    assert "autre site" in response.text
    assert client.get("/api/me").status_code == 200  # still logged in


def test_csrf_token_is_bound_to_the_session(app, world):
    """A token from an anonymous page, or from another session of the same browser cookie,
    does not authorise a request in this session."""
    from starlette.testclient import TestClient

    client = TestClient(app)
    anonymous_token = csrf_token(client, "/connexion")
    login(client, world.actors["beneficiary_a"])
    refused = client.post("/deconnexion", data={"csrf_token": anonymous_token})
    assert refused.status_code == 403
    first_session_token = csrf_token(client, "/documents")
    csrf_cookie = client.cookies.get("vault_csrf")
    client.post("/deconnexion", data={"csrf_token": first_session_token})
    login(client, world.actors["beneficiary_a"])
    client.cookies.set("vault_csrf", csrf_cookie or "")  # same CSRF cookie as before
    replay = client.post("/deconnexion-partout", data={"csrf_token": first_session_token})
    assert replay.status_code == 403
    assert client.get("/api/me").status_code == 200


# --- the same attacks over real HTTP, against `python -m vault_service serve` ---------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A migrated database for a server process: SQLite file, or a fresh PostgreSQL schema."""
    import secrets as random_names

    from sqlalchemy import create_engine, text

    from tests.conftest import POSTGRES_URL
    from vault_service.db import make_engine, migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'vault.sqlite3'}"
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
        return
    schema = f"vault_edge_{random_names.token_hex(6)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + f"options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str]]:
    """Send raw bytes; the status and headers of the answer (a dropped connection fails)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            assert chunk, f"connexion coupée sans réponse : {request[:80]!r}"
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split(" ")[1]), {k.lower(): v for k, v in headers.items()}


def test_hostile_requests_over_real_http(database_url, tmp_path):
    """A11 from outside: a real server (uvicorn, h11) on SQLite and PostgreSQL; every answer
    is a 4xx with the security headers, never a 500 or a cut connection."""
    import base64
    import os
    import signal
    import subprocess
    import sys
    import time

    import httpx

    from tests.vault.test_cli import ROOT, free_port
    from vault_service import accounts, sessions
    from vault_service.db import make_engine
    from vault_service.passwords import Argon2Params, hash_password
    from vault_service.settings import Settings

    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "VAULT_COOKIE_KEY": "e" * 40,
        "VAULT_KEYRING": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "VAULT_DATABASE_URL": database_url,
        "VAULT_DATA_DIR": str(tmp_path / "data"),
        "VAULT_SECURE_COOKIES": "false",
        "VAULT_PUBLIC_URL": "https://coffre.example.yt/",
        "VAULT_ARGON2_MEMORY_KIB": "1024",
        "VAULT_ARGON2_ITERATIONS": "1",
    }
    settings = Settings.from_env(env)
    engine = make_engine(database_url)
    with engine.begin() as conn:
        account_id = accounts.create_account(
            conn,
            role="beneficiary",
            person=accounts.Person("Amina", "Said", "1990-01-01"),
            login="amina",
            password_hash=hash_password("mot de passe solide", Argon2Params(1024, 1)),
            structure_id=None,
            created_by=None,
        )
        cookie, _ = sessions.open_session(conn, account_id, settings)
    engine.dispose()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    host = f"Host: 127.0.0.1:{port}\r\nCookie: vault_session={cookie}\r\nX-Vault-CSRF: 1"

    def json_post(path: str, body: bytes) -> bytes:
        return (
            f"POST {path} HTTP/1.1\r\n{host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body

    def form_post(path: str, body: bytes) -> bytes:
        return (
            f"POST {path} HTTP/1.1\r\n{host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body

    def get(target: str) -> bytes:
        return f"GET {target} HTTP/1.1\r\n{host}\r\nConnection: close\r\n\r\n".encode()

    boundary = "b" * 300
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        f"%PDF-1.4\r\n--{boundary}--\r\n"
    ).encode()
    attacks = {
        "version ²": get("/api/documents/x/content?version=%C2%B2"),
        "version à 20 chiffres": get("/documents/x/telecharger?version=" + "9" * 20),
        "50 000 [": json_post("/api/session", b"[" * 50_000),
        "surrogate seul (JSON)": json_post(
            "/api/session", b'{"login": "\\udc80", "password": "x"}'
        ),
        "NUL dans le login (JSON)": json_post(
            "/api/session", b'{"login": "amina\\u0000", "password": "x"}'
        ),
        "NUL dans le login (formulaire)": form_post("/connexion", b"login=amina%00&password=x"),
        "NUL à l'inscription": form_post(
            "/inscription", b"given_name=A%00&family_name=B&birth_date=1990-01-01"
        ),
        "NUL à la récupération": form_post("/recuperation", b"login=a%00&code=X"),
        "NUL dans la recherche": form_post("/pro/recherche", b"given_name=%00"),
        "NUL dans un identifiant": get("/api/documents/%00"),
        "UTF-8 invalide dans l'adresse": get("/documents/%FF%FE"),
        "frontière de 300 caractères": (
            f"POST /api/documents HTTP/1.1\r\n{host}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(multipart)}\r\nConnection: close\r\n\r\n"
        ).encode()
        + multipart,
        "300 Mo annoncés": (
            f"POST /api/session HTTP/1.1\r\n{host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {300 * 1024 * 1024}\r\nConnection: close\r\n\r\n"
        ).encode(),
        "TRACE": f"TRACE /api/documents HTTP/1.1\r\n{host}\r\nConnection: close\r\n\r\n".encode(),
    }
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "le coffre-fort n'a pas démarré"
                time.sleep(0.2)
        answers = {name: _raw(port, raw) for name, raw in attacks.items()}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    for name, (status, headers) in answers.items():
        assert 400 <= status < 500, (name, status)
        assert headers.get("x-frame-options") == "DENY", name
    assert answers["TRACE"][0] == 405 and "GET" in answers["TRACE"][1]["allow"]
    assert answers["300 Mo annoncés"][0] == 413
