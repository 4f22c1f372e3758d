"""The command line: configuration errors, demo secrets, admin creation, integrity, demo run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from vault_service import totp
from vault_service.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: str = ""):
    full_env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vault_service", *args],
        cwd=cwd,
        env=full_env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def create_admin(cwd: Path):
    """create-admin for the demo, the password on standard input."""
    names = ["--login", "admin", "--given-name", "Ada", "--family-name", "Admin"]
    return run(
        ["--demo", "create-admin", *names, "--password-stdin"],
        cwd,
        stdin="mot de passe administrateur\n",
    )


def test_serve_without_secret_stops_with_code_2(tmp_path):
    result = run(["serve"], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "Configuration : La variable d'environnement VAULT_COOKIE_KEY est obligatoire et n'a "
        "pas de valeur par défaut"
    )
    other = run(["serve"], tmp_path, env={"VAULT_COOKIE_KEY": "c" * 40})
    assert "VAULT_KEYRING est obligatoire" in other.stderr and other.returncode == 2


def test_bad_keyring_is_named():
    try:
        Settings.from_env({"VAULT_COOKIE_KEY": "c" * 40, "VAULT_KEYRING": "k1:AAAA"})
    except SettingsError as error:
        assert str(error) == (
            "VAULT_KEYRING : la clé « k1 » fait 3 octets au lieu de 32 (AES-256) "
            "→ générez-en une avec `python -m vault_service new-key`"
        )
    else:
        raise AssertionError("clé trop courte acceptée")


def test_secure_cookies_by_default(tmp_path):
    from starlette.testclient import TestClient

    from vault_service.app import create_app
    from vault_service.db import make_engine, migrate

    key = run(["new-key"], tmp_path).stdout.strip()
    settings = Settings.from_env(
        {
            "VAULT_COOKIE_KEY": "c" * 40,
            "VAULT_KEYRING": f"k1:{key}",
            "VAULT_DATA_DIR": str(tmp_path / "d"),
            "VAULT_DATABASE_URL": f"sqlite:///{tmp_path / 'v.db'}",
        }
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    response = TestClient(create_app(settings, engine), base_url="https://testserver").get("/")
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert response.headers["set-cookie"].startswith("__Host-vault_csrf=")
    assert "Secure" in response.headers["set-cookie"]


def test_demo_secrets_admin_and_integrity(tmp_path):
    assert run(["--demo", "init-db"], tmp_path).returncode == 0
    secrets_file = tmp_path / "vault-data" / "dev-secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "vault-data" / "vault.sqlite3").stat().st_mode & 0o077 == 0
    assert (tmp_path / "vault-data").stat().st_mode & 0o777 == 0o700
    created = create_admin(tmp_path)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("Administrateur de la plateforme créé : admin")
    secret_line = next(line for line in created.stdout.splitlines() if "clé :" in line)
    assert len(secret_line.split(":")[1].strip()) == 32
    again = create_admin(tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip() == (
        "Le nom de connexion « admin » est déjà pris : choisissez-en un autre."
    )
    structure = run(
        ["--demo", "create-structure", "--name", "CCAS de Mamoudzou", "--cap", "3"], tmp_path
    )
    assert structure.stdout.startswith("Structure créée : CCAS de Mamoudzou (3 comptes au plus)")
    check = run(["--demo", "check-integrity"], tmp_path)
    assert (check.returncode, check.stdout.splitlines()) == (
        0,
        ["Clés utilisées : dev1 (1)", "Intégrité vérifiée : aucun problème."],
    )
    rotate = run(["--demo", "rotate-keys"], tmp_path)
    assert rotate.stdout.strip() == (
        "Rotation terminée vers la clé « dev1 » : 0 clé(s) de documents, "
        "0 secret(s) de double authentification."
    )
    assert totp.ISSUER in created.stdout.replace("%20", " ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_demo_serves_and_stops_on_sigint(tmp_path):
    port = free_port()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "le coffre-fort n'a pas démarré"
                time.sleep(0.2)
        assert response.status_code == 200 and "Coffre-fort numérique" in response.text
        assert "Secure" not in response.headers["set-cookie"]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "python -m vault_service --demo create-admin --login admin" in out
    assert (tmp_path / "vault-data" / "vault.sqlite3").exists()


def test_check_integrity_exit_code_on_a_damaged_file(tmp_path, monkeypatch):
    from starlette.testclient import TestClient

    from tests.vault.conftest import Actor, login, pdf_bytes, upload
    from vault_service import accounts
    from vault_service.app import create_app
    from vault_service.cli import demo_settings
    from vault_service.db import make_engine, migrate
    from vault_service.passwords import Argon2Params, hash_password

    monkeypatch.chdir(tmp_path)
    settings = demo_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    with engine.begin() as conn:
        account_id = accounts.create_account(
            conn,
            role="beneficiary",
            person=accounts.Person("Ali", "Madi", "1980-02-03"),
            login="ali",
            password_hash=hash_password("correct horse battery", Argon2Params(1024, 1)),
            structure_id=None,
            created_by=None,
        )
    client = TestClient(create_app(settings, engine))
    login(client, Actor("ali", "ali", account_id, "beneficiary"))
    assert upload(client, pdf_bytes(3000)).status_code == 303
    (stored,) = list((tmp_path / "vault-data" / "blobs").rglob("*.vlt"))
    stored.write_bytes(stored.read_bytes()[:-5])
    result = run(["--demo", "check-integrity"], tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 problème(s)."
    assert "bloc 0 illisible" in result.stdout


def test_serve_refuses_a_database_not_migrated(tmp_path):
    key = run(["new-key"], tmp_path).stdout.strip()
    env = {
        "VAULT_COOKIE_KEY": "c" * 40,
        "VAULT_KEYRING": f"k1:{key}",
        "VAULT_DATABASE_URL": f"sqlite:///{tmp_path / 'vide.db'}",
    }
    result = run(["serve", "--port", str(free_port())], tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "La base de données n'est pas à jour : lancer d'abord `python -m vault_service init-db`."
    )
