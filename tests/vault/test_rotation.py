"""Key rotation re-wraps everything sealed with the keyring, and survives being interrupted.

Issue 8 A6: after `rotate-keys` and removing the old key, an administrator could no longer log
in (TOTP secrets were not re-wrapped) and `check-integrity` said nothing. Now rotation covers
documents and every sealed secret, `check-integrity` unseals and decrypts all of them, and a
rotation killed half-way leaves everything readable and finishes when run again.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from tests.vault.conftest import KEY1, KEY2, login, pdf_bytes, upload
from tests.vault.instances import VaultEnv, database_url
from vault_service import audit, keys
from vault_service.app import create_app
from vault_service.crypto import Keyring
from vault_service.db import accounts, audit_log, document_versions
from vault_service.documents import check_integrity
from vault_service.settings import Settings
from vault_service.storage import LocalBlobStore


def with_keyring(settings: Settings, ring: dict[str, bytes]) -> Settings:
    return Settings.from_env({}, **{**settings.__dict__, "keyring": ring})


def deposit(client: TestClient, world: Any, count: int) -> dict[str, bytes]:
    login(client, world.actors["beneficiary_a"])
    files = {}
    for n in range(count):
        content = pdf_bytes(3000 + n * 70_000)
        location = upload(client, content, title=f"Pièce {n}").headers["location"]
        files[location] = content
    return files


def readable(settings: Settings, engine: Any, world: Any, files: dict[str, bytes]) -> None:
    """Every document downloads intact and the administrator logs in with her TOTP code."""
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        for location, content in files.items():
            assert client.get(location + "/telecharger").content == content
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["platform_admin"])  # asserts the 303 of a successful login
        assert client.get("/admin").status_code == 200


def test_rotation_covers_totp_secrets_and_check_integrity_sees_them(
    client, world, settings, engine
):
    files = deposit(client, world, 2)
    store = LocalBlobStore(settings.data_dir)
    # Before rotation, the new key alone reads nothing: check-integrity names every value.
    problems = check_integrity(engine, store, Keyring({"k2": KEY2}))
    assert problems[0] == (
        "journal : sceau de la tête sous la clé « k1 », absente du trousseau "
        "(remettez-la dans VAULT_KEYRING pour vérifier la fin du journal)"
    )
    problems = problems[1:]
    assert len(problems) == 4
    assert sum("secret de double authentification (accounts " in p for p in problems) == 2
    assert all("clé « k1 » absente du trousseau" in p for p in problems)

    done = keys.rotate(engine, Keyring({"k2": KEY2, "k1": KEY1}))
    assert done == {"documents": 2, "totp": 2}
    assert check_integrity(engine, store, Keyring({"k2": KEY2})) == []
    with engine.connect() as conn:
        assert keys.key_usage(conn) == {"k2": 4}
        sealed = conn.execute(
            select(accounts.c.totp_secret).where(accounts.c.totp_secret.is_not(None))
        )
        assert all(value.startswith("k2$") for (value,) in sealed)
        assert audit.verify(conn) == []
    # The old key removed: the administrator still logs in, every document still reads.
    readable(with_keyring(settings, {"k2": KEY2}), engine, world, files)
    # Nothing left to do: a second run re-wraps nothing.
    assert keys.rotate(engine, Keyring({"k2": KEY2, "k1": KEY1})) == {"documents": 0, "totp": 0}


def test_rotation_without_the_old_key_stops_and_names_the_value(client, world, engine):
    deposit(client, world, 1)
    try:
        keys.rotate(engine, Keyring({"k3": bytes(range(64, 96)), "k2": KEY2}))
    except keys.RotationError as error:
        assert error.message.startswith("document ")
        assert error.message.endswith(": clé « k1 » absente du trousseau")
        assert error.done == {"documents": 0, "totp": 0}
    else:
        raise AssertionError("rotation sans l'ancienne clé acceptée")


def test_rotation_killed_half_way_resumes_and_everything_still_decrypts(
    client, world, settings, engine, tmp_path
):
    files = deposit(client, world, 4)
    total = 4 + 2  # documents + TOTP secrets of the two administrators
    ring = {"k2": KEY2, "k1": KEY1}
    env = VaultEnv(database_url(engine), settings.data_dir, ring)
    process = env.start("rotate-keys", "--batch-size", "1", "--pause", "0.4")

    def rewrapped() -> int:
        with engine.connect() as conn:
            docs = conn.execute(
                select(func.count()).where(document_versions.c.key_id == "k2")
            ).scalar_one()
            totps = conn.execute(
                select(func.count()).where(accounts.c.totp_secret.startswith("k2$"))
            ).scalar_one()
        return int(docs) + int(totps)

    deadline = time.monotonic() + 60
    while rewrapped() < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.kill()  # SIGKILL, half-way
    process.wait(timeout=30)
    half = rewrapped()
    assert 2 <= half < total, (half, process.stderr.read() if process.stderr else "")
    with engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action)).scalars().all()
        assert "keys.rotate" not in actions  # not finished, and the journal says so
        assert actions.count("keys.rewrap") == half
        assert audit.verify(conn) == []
    # Half-way, with both keys, everything decrypts (documents, logins, integrity).
    store = LocalBlobStore(settings.data_dir)
    assert check_integrity(engine, store, Keyring(ring)) == []
    readable(with_keyring(settings, ring), engine, world, files)

    # Run again: it re-wraps only what is left, then the old key can go.
    result = env.run("rotate-keys")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Rotation terminée vers la clé « k2 » : ")
    assert lines[1].startswith("Plus rien n'utilise k1 dans la base")
    assert rewrapped() == total
    only_new = VaultEnv(database_url(engine), settings.data_dir, {"k2": KEY2})
    check = only_new.run("check-integrity")
    assert check.returncode == 0, check.stdout
    assert check.stdout.splitlines()[-2:] == [
        f"Clés utilisées : k2 ({total})",
        "Intégrité vérifiée : aucun problème.",
    ]
    readable(with_keyring(settings, {"k2": KEY2}), engine, world, files)


def test_check_integrity_names_an_unreadable_totp_secret(client, world, engine, settings):
    from sqlalchemy import update

    admin = world.actors["platform_admin"]
    with engine.begin() as conn:
        sealed = conn.execute(
            select(accounts.c.totp_secret).where(accounts.c.id == admin.id)
        ).scalar_one()
        damaged = sealed[:-2] + ("00" if not sealed.endswith("00") else "11")
        conn.execute(update(accounts).where(accounts.c.id == admin.id).values(totp_secret=damaged))
    problems = check_integrity(engine, LocalBlobStore(settings.data_dir), Keyring(settings.keyring))
    assert problems == [
        f"secret de double authentification (accounts {admin.id}) : illisible "
        "(valeur chiffrée illisible (mauvaise clé ou donnée altérée))"
    ]
