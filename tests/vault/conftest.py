"""Vault fixtures: every storage test runs on SQLite and on the real PostgreSQL.

PostgreSQL tests get a fresh schema (random name, dropped afterwards) so parallel runs do not
collide. Actors of the access-control matrix are created directly through the accounts module.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text, update

from tests.conftest import POSTGRES_URL
from tests.vault import journal_watch
from vault_service import accounts, audit, crypto, relationships, totp
from vault_service.app import create_app
from vault_service.db import accounts as accounts_table
from vault_service.db import make_engine, migrate
from vault_service.passwords import Argon2Params, hash_password
from vault_service.settings import Settings

# Starlette 1.x warns that httpx is deprecated for its TestClient; the suite still uses it.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from starlette.testclient import TestClient  # noqa: E402

# Light Argon2 parameters keep the suite fast; test_passwords checks the production defaults.
FAST = {"argon2_memory_kib": 1024, "argon2_iterations": 1}
PASSWORD = "correct horse battery"
KEY1 = bytes(range(32))
KEY2 = bytes(range(32, 64))


def postgres_engine() -> Iterator[Engine]:
    schema = f"vault_test_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # pragma: no cover - depends on the machine
        admin.dispose()
        pytest.skip(f"PostgreSQL injoignable ({POSTGRES_URL}) : {error}")
    engine = audit.sealing(
        make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}),
        crypto.Keyring({"k1": KEY1}),
    )
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = audit.sealing(
            make_engine(f"sqlite:///{tmp_path / 'vault.sqlite3'}"), crypto.Keyring({"k1": KEY1})
        )
        migrate(engine)
        yield engine
        engine.dispose()
    else:
        for engine in postgres_engine():
            migrate(engine)
            yield engine


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {},
        cookie_key="k" * 48,
        keyring={"k1": KEY1},
        data_dir=tmp_path / "data",
        secure_cookies=False,
        **FAST,
    )


def on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Iterator[Any]:
    """The app; every test using it also proves that no handler opens a database connection on
    the event loop (it must go through web.db_read / db_write or a worker-thread endpoint)."""
    on_loop: list[str] = []

    def connected(conn: Any) -> None:
        if on_event_loop():
            on_loop.append("".join(traceback.format_stack(limit=12)[:-1]))

    event.listen(engine, "engine_connect", connected)
    silent: list[str] = []
    inner = create_app(settings, engine=engine)
    watched = journal_watch.watch(inner, engine, silent)
    try:
        yield watched
    finally:
        event.remove(engine, "engine_connect", connected)
        journal_watch.unwatch(inner)
    assert on_loop == [], "connexion à la base ouverte sur la boucle d'événements"
    assert silent == [], "requête qui écrit sans passer par le journal"


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@dataclass
class Actor:
    name: str
    login: str
    id: str
    role: str
    totp: bytes | None = None


def params(settings: Settings) -> Argon2Params:
    return Argon2Params(settings.argon2_memory_kib, settings.argon2_iterations)


def add_account(
    engine: Engine,
    settings: Settings,
    name: str,
    role: str,
    structure_id: str | None,
    birth: str | None = None,
) -> Actor:
    secret = totp.new_secret() if role in accounts.ADMIN_ROLES else None
    with engine.begin() as conn:
        account_id = accounts.create_account(
            conn,
            role=role,
            person=accounts.Person(
                name.title(), "Test", birth or ("1990-01-0" + str(len(name) % 9 + 1))
            ),
            login=name,
            password_hash=hash_password(PASSWORD, params(settings)),
            structure_id=structure_id,
            created_by=None,
        )
        if secret:
            conn.execute(
                update(accounts_table)
                .where(accounts_table.c.id == account_id)
                .values(
                    totp_secret=crypto.seal(
                        crypto.Keyring(settings.keyring), secret, f"totp|{account_id}"
                    )
                )
            )
    return Actor(name, name, account_id, role, secret)


@dataclass
class World:
    actors: dict[str, Actor]
    structure_x: str
    structure_y: str


@pytest.fixture
def world(engine: Engine, settings: Settings) -> World:
    with engine.begin() as conn:
        x = accounts.create_structure(conn, "Structure X", 5, None)
        y = accounts.create_structure(conn, "Structure Y", 5, None)
    actors = {
        "beneficiary_a": add_account(engine, settings, "amina", "beneficiary", None, "1990-01-01"),
        "beneficiary_b": add_account(engine, settings, "bacar", "beneficiary", None, "1985-02-02"),
        "pro_x": add_account(engine, settings, "pro.x", "professional", x),
        "pro_y": add_account(engine, settings, "pro.y", "professional", y),
        "structure_admin": add_account(engine, settings, "admin.x", "structure_admin", x),
        "platform_admin": add_account(engine, settings, "root", "platform_admin", None),
    }
    # Amina chose to be followed by structure X (as if X had created her account with her);
    # nobody follows Bacar, and structure Y follows nobody.
    with engine.begin() as conn:
        relationships.link(
            conn, actors["beneficiary_a"].id, x, "assisted_creation", actors["pro_x"].id
        )
    return World(actors, x, y)


CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def csrf_token(client: TestClient, page: str = "/connexion") -> str:
    response = client.get(page, follow_redirects=False)
    match = CSRF_RE.search(response.text)
    assert match, f"pas de jeton CSRF dans {page} ({response.status_code})"
    return match.group(1)


def login(client: TestClient, actor: Actor) -> None:
    token = csrf_token(client)
    data = {"csrf_token": token, "login": actor.login, "password": PASSWORD}
    if actor.totp:
        # A code is accepted once; tests sign in several times within 30 s, so forget the
        # last step used (test_totp_code_cannot_be_replayed covers the rule itself).
        engine = client.app.state.vault.engine  # type: ignore[attr-defined]
        with engine.begin() as conn:
            conn.execute(
                update(accounts_table)
                .where(accounts_table.c.id == actor.id)
                .values(totp_last_step=None)
            )
        data["totp"] = totp.code(actor.totp)
    response = client.post("/connexion", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def pdf_bytes(size: int = 2000) -> bytes:
    """A minimal well-formed PDF of about `size` bytes (synthetic test data)."""
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    body += b"% " + os.urandom(max(0, size - len(body) - 20)).hex().encode()[: max(0, size - 60)]
    return body + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(
    client: TestClient,
    content: bytes,
    filename: str = "piece.pdf",
    title: str = "Ma pièce",
    page: str = "/documents/depot",
) -> Any:
    token = csrf_token(client, "/documents/depot")
    return client.post(
        page,
        data={"csrf_token": token, "title": title, "doc_type": "identite", "scheme": "rsa"},
        files={"file": (filename, content, "application/pdf")},
        follow_redirects=False,
    )


@pytest.fixture(scope="session")
def s3_server() -> Iterator[Any]:
    """moto's standalone S3 server for the session (a real HTTP S3 API on 127.0.0.1); each
    test makes its own bucket. Its (fake) credentials are set for in-process clients."""
    from tests.vault.instances import S3_CREDENTIALS, MotoServer

    server = MotoServer().start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in S3_CREDENTIALS.items():
            patch.setenv(name, value)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(params=["local", "s3"])
def storage_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """`settings` on each storage backend: local folder, and S3 (a fresh bucket)."""
    if request.param == "local":
        return settings
    server = request.getfixturevalue("s3_server")
    return s3_settings(settings, server, server.new_bucket())


def s3_settings(settings: Settings, server: Any, bucket: str) -> Settings:
    from dataclasses import replace

    changed = replace(
        settings,
        storage="s3",
        s3_bucket=bucket,
        s3_endpoint_url=server.url,
        s3_region="us-east-1",
        s3_prefix="blobs/",
        s3_part_bytes=5 * 1024 * 1024,
    )
    changed.validate()
    return changed
