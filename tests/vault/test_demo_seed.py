"""`make demo` seeds its own SQLite with a structure, a professional, a beneficiary, sample
documents marked « exemple » and a live share; production never seeds anything."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pypdf
import pytest
from starlette.testclient import TestClient

from tests.vault.conftest import csrf_token
from tests.vault.test_cli import ROOT, free_port, run
from vault_service.app import create_app
from vault_service.cli import DEMO_DIR, demo_settings
from vault_service.db import make_engine, migrate
from vault_service.demo_seed import DemoRefused, seed


def sign_in(client: TestClient, login: str, password: str) -> None:
    data = {"csrf_token": csrf_token(client), "login": login, "password": password}
    response = client.post("/connexion", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_demo_is_seeded_once_and_the_professional_sees_the_shared_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VAULT_DATABASE_URL", raising=False)
    settings = demo_settings(8001)
    engine = make_engine(settings.database_url)
    migrate(engine)
    logins = seed(engine, settings, DEMO_DIR, {})
    assert [entry.login for entry in logins] == ["pro.demo", "amina.demo"]
    assert seed(engine, settings, DEMO_DIR, {}) == logins  # idempotent: same logins, no twin
    assert oct((tmp_path / DEMO_DIR / "demo-logins.json").stat().st_mode & 0o777) == "0o600"
    app = create_app(settings, engine=engine)
    person = TestClient(app)
    sign_in(person, "amina.demo", logins[1].password)
    page = person.get("/documents").text
    assert page.count("(exemple)") == 3
    pro = TestClient(app)
    sign_in(pro, "pro.demo", logins[0].password)
    shared = pro.get("/pro/partages").text
    assert "Amina Exemple" in shared and "Carte d&#39;identité (exemple)" in shared
    doc = shared.split('href="/pro/documents/', 1)[1].split('"', 1)[0]
    opened = pro.get(f"/pro/documents/{doc}/telecharger")
    assert opened.status_code == 200
    text = pypdf.PdfReader(io.BytesIO(opened.content)).pages[0].extract_text()
    assert "EXEMPLE — document fictif" in text
    checked = run(["--demo", "check-integrity"], tmp_path)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(
    ("url", "environ"),
    [
        ("postgresql+psycopg://127.0.0.1/test", {}),
        ("sqlite:///elsewhere/vault.sqlite3", {}),
        (None, {"VAULT_DATABASE_URL": "sqlite:///vault-data/vault.sqlite3"}),
    ],
)
def test_seeding_refuses_any_database_but_the_demo_one(tmp_path, monkeypatch, url, environ):
    monkeypatch.chdir(tmp_path)
    settings = demo_settings(8001)
    if url is not None:
        from dataclasses import replace

        settings = replace(settings, database_url=url)
    engine = make_engine(f"sqlite:///{tmp_path / 'untouched.sqlite3'}")
    migrate(engine)
    with pytest.raises(DemoRefused, match="Données de démonstration refusées"):
        seed(engine, settings, DEMO_DIR, environ)
    with sqlite3.connect(tmp_path / "untouched.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM accounts").fetchone() == (0,)


def test_serve_never_seeds(tmp_path: Path):
    key = run(["new-key"], tmp_path).stdout.strip()
    env = {
        "VAULT_COOKIE_KEY": "c" * 40,
        "VAULT_KEYRING": f"k1:{key}",
        "VAULT_DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
        "VAULT_DATA_DIR": str(tmp_path / "data"),
        "VAULT_PUBLIC_URL": "https://coffre.example.yt/",
        "VAULT_SECURE_COOKIES": "false",
    }
    assert run(["init-db"], tmp_path, env=env).returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "serve", "--port", str(port)],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).is_success
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "le coffre-fort n'a pas démarré"
                time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=15)
    assert "demo" not in out and "exemple" not in out
    with sqlite3.connect(tmp_path / "prod.db") as db:
        assert db.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM structures").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM documents").fetchone() == (0,)
