"""Backup and restore (database + encrypted files, keyring kept apart), and key custody.

The commands run as operators run them (`python -m vault_service backup / init-db / restore`
in subprocesses). A restore goes into an empty instance on the *other* engine pair (SQLite +
local files ↔ PostgreSQL + S3): every document reads back identical, the administrator logs in
with her TOTP code, the journal verifies, check-integrity finds nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from starlette.testclient import TestClient

from tests.vault.conftest import (
    FAST,
    KEY1,
    World,
    add_account,
    csrf_token,
    login,
    pdf_bytes,
    postgres_engine,
    upload,
)
from tests.vault.instances import MotoServer, VaultEnv, database_url
from vault_service import accounts, audit
from vault_service.app import create_app
from vault_service.db import accounts as accounts_table
from vault_service.db import make_engine, migrate
from vault_service.settings import Settings, SettingsError
from vault_service.storage import open_store

RING = {"k1": KEY1}


@dataclass
class Side:
    engine: Engine
    env: VaultEnv
    settings: Settings


def side(kind: str, root: Path, s3: MotoServer | None) -> Iterator[Side]:
    base = Settings.from_env({}, cookie_key="c" * 48, keyring=RING, secure_cookies=False, **FAST)
    if kind == "local":
        engine = make_engine(f"sqlite:///{root / 'vault.sqlite3'}")
        env = VaultEnv(database_url(engine), root / "data", RING)
        yield Side(engine, env, replace(base, data_dir=root / "data"))
        engine.dispose()
        return
    assert s3 is not None
    bucket = s3.new_bucket()
    for engine in postgres_engine():
        env = VaultEnv(database_url(engine), root / "data", RING, extra=s3.settings_env(bucket))
        settings = replace(
            base,
            data_dir=root / "data",
            storage="s3",
            s3_bucket=bucket,
            s3_endpoint_url=s3.url,
            s3_region="us-east-1",
            s3_prefix="blobs/",
        )
        yield Side(engine, env, settings)


@pytest.fixture(
    params=[
        pytest.param(("local", "s3"), marks=pytest.mark.postgres, id="sqlite-local-to-pg-s3"),
        pytest.param(("s3", "local"), marks=pytest.mark.postgres, id="pg-s3-to-sqlite-local"),
    ]
)
def sides(
    request: pytest.FixtureRequest, tmp_path: Path, s3_server: MotoServer
) -> Iterator[tuple[Side, Side]]:
    source_kind, target_kind = request.param
    for source in side(source_kind, tmp_path / "source", s3_server):
        for target in side(target_kind, tmp_path / "target", s3_server):
            yield source, target


def populate(source: Side) -> tuple[World, dict[str, bytes]]:
    migrate(source.engine)
    with source.engine.begin() as conn:
        x = accounts.create_structure(conn, "Structure X", 5, None)
    actors = {
        "beneficiary_a": add_account(
            source.engine, source.settings, "amina", "beneficiary", None, "1990-01-01"
        ),
        "platform_admin": add_account(
            source.engine, source.settings, "root", "platform_admin", None
        ),
        "pro_x": add_account(source.engine, source.settings, "pro.x", "professional", x),
    }
    world = World(actors, x, x)
    files: dict[str, bytes] = {}
    app = create_app(source.settings, engine=source.engine)
    with TestClient(app, base_url="http://testserver") as client:
        login(client, actors["beneficiary_a"])
        for n in range(3):
            content = pdf_bytes(2000 + 300_000 * n)
            files[upload(client, content, title=f"Pièce {n}").headers["location"]] = content
        doc, first = next(iter(files.items()))
        second = pdf_bytes(9000)
        response = client.post(
            doc + "/version",
            data={"csrf_token": csrf_token(client, doc)},
            files={"file": ("v2.pdf", second, "application/pdf")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        files[doc + "/telecharger?version=1"] = first
        files[doc] = second
    return world, files


def test_backup_then_restore_into_an_empty_instance_on_the_other_engines(
    sides: tuple[Side, Side], tmp_path: Path
):
    source, target = sides
    world, files = populate(source)
    folder = tmp_path / "sauvegarde"
    made = source.env.run("backup", str(folder))
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines()[1] == (
        "Le trousseau n'y est pas : pour la restaurer, il faudra les clés k1 (gardées à part)."
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["key_ids"] == ["k1"] and len(manifest["blobs"]) == 4
    key_text = base64.b64encode(KEY1).decode()
    for path in folder.rglob("*"):
        if path.is_file():
            assert key_text.encode() not in path.read_bytes(), path  # no key in the backup

    assert target.env.run("init-db").returncode == 0
    restored = target.env.run("restore", str(folder))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stdout.splitlines()[-1] == "Intégrité vérifiée : aucun problème."

    with target.engine.connect() as conn:
        assert audit.verify(conn) == []
        totp_count = conn.execute(
            select(func.count()).where(accounts_table.c.totp_secret.is_not(None))
        ).scalar_one()
        assert totp_count == 1
    app = create_app(target.settings, engine=target.engine)
    with TestClient(app, base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        for location, content in files.items():
            url = location if "telecharger" in location else location + "/telecharger"
            assert client.get(url).content == content, location
    with TestClient(app, base_url="http://testserver") as client:
        login(client, world.actors["platform_admin"])  # TOTP secret restored, still sealed
        assert client.get("/admin").status_code == 200
    assert len(open_store(target.settings).names()) == 4
    # A second restore into the same (now full) instance is refused, and changes nothing.
    again = target.env.run("restore", str(folder))
    assert again.returncode == 1
    assert "La base cible n'est pas vide (audit_log, structures, accounts" in again.stderr


def test_a_restore_that_cannot_be_whole_writes_nothing(tmp_path: Path, s3_server: MotoServer):
    for source in side("local", tmp_path / "source", None):
        populate(source)
        folder = tmp_path / "sauvegarde"
        assert source.env.run("backup", str(folder)).returncode == 0
        for target in side("s3", tmp_path / "target", s3_server):
            assert target.env.run("init-db").returncode == 0
            store = open_store(target.settings)
            # Without the key the documents need: refused before anything is written.
            other_ring = replace(target.env, keyring={"k9": bytes(range(100, 132))})
            no_key = other_ring.run("restore", str(folder))
            assert no_key.returncode == 1
            assert "Il manque au trousseau la ou les clés k1" in no_key.stderr
            # A file altered in the backup: refused, the files already copied are removed.
            names = sorted((folder / "blobs").iterdir())
            damaged = names[-1].read_bytes()
            names[-1].write_bytes(damaged[:-1] + bytes([damaged[-1] ^ 1]))
            bad = target.env.run("restore", str(folder))
            assert bad.returncode == 1
            assert "manquant ou modifié (empreinte différente du manifeste)" in bad.stderr
            assert store.names() == set()
            with target.engine.connect() as conn:
                assert (
                    conn.execute(select(func.count()).select_from(accounts_table)).scalar_one() == 0
                )
            names[-1].write_bytes(damaged)
            assert target.env.run("restore", str(folder)).returncode == 0
            assert len(store.names()) == 4


def test_a_keyring_file_must_be_the_services_alone(tmp_path: Path):
    path = tmp_path / "trousseau"
    path.write_text(
        f"k2:{base64.b64encode(bytes(32)).decode()}\nk1:{base64.b64encode(KEY1).decode()}\n"
    )
    env = {"VAULT_COOKIE_KEY": "c" * 40, "VAULT_KEYRING_FILE": str(path)}
    path.chmod(0o640)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert str(caught.value) == (
        f"VAULT_KEYRING_FILE : {path} est accessible à d'autres comptes (droits 0640) "
        f"→ chmod 600 {path}"
    )
    path.chmod(0o600)
    settings = Settings.from_env(env)
    assert list(settings.keyring) == ["k2", "k1"] and settings.keyring["k1"] == KEY1
    with pytest.raises(SettingsError, match="sont toutes deux définies"):
        Settings.from_env({**env, "VAULT_KEYRING": f"k1:{base64.b64encode(KEY1).decode()}"})
    # The service refuses to start with a keyring others can read (exit 2, French message).
    path.chmod(0o644)
    served = VaultEnv(
        f"sqlite:///{tmp_path / 'v.sqlite3'}",
        tmp_path / "data",
        RING,
        extra={"VAULT_KEYRING": "", "VAULT_KEYRING_FILE": str(path)},
    ).run("serve", "--port", "0")
    assert served.returncode == 2
    assert served.stderr.startswith(
        f"Configuration : VAULT_KEYRING_FILE : {path} est accessible à d'autres comptes"
    )
