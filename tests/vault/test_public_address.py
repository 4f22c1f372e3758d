"""What the pages say about the service must be true: the address printed on sheets comes from
VAULT_PUBLIC_URL, never from the Host header an attacker chooses; the footer says who holds the
keys."""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from starlette.testclient import TestClient

from tests.vault.conftest import login
from tests.vault.test_cli import ROOT, free_port, run
from tests.vault.test_flows import create_beneficiary
from vault_service.settings import Settings, SettingsError


def test_sheet_never_prints_the_host_header(app, world):
    client = TestClient(app, base_url="http://coffre.attaquant.example")
    login(client, world.actors["pro_x"])
    sheet = create_beneficiary(client, "Said", "Ahmed", "1960-12-01")
    assert sheet.status_code == 200
    assert "attaquant" not in sheet.text
    assert "page « Activation » du coffre-fort" in html.unescape(sheet.text)
    service = app.state.vault
    service.settings = service.settings.__class__(
        **{**service.settings.__dict__, "public_url": "https://coffre.example.yt/"}
    )
    again = create_beneficiary(client, "Said", "Ahmed", "1960-12-02")
    assert "<dd>https://coffre.example.yt/activation</dd>" in again.text
    assert "attaquant" not in again.text


@pytest.mark.parametrize("path", ["/documents/", "/connexion/", "/static", "/api/me/"])
def test_no_redirect_is_built_from_the_host_header(app, path):
    """Found by the black-box probe: a trailing slash was answered 307 to
    `http://<Host header>/documents`, an address the attacker chooses (and plain http)."""
    client = TestClient(app, base_url="http://coffre.attaquant.example")
    response = client.get(path, follow_redirects=False)
    assert "attaquant" not in response.headers.get("location", "")
    assert response.status_code == 404
    assert "introuvable" in response.text.lower()


def test_serve_warns_without_the_public_address(tmp_path):
    """A real server started without VAULT_PUBLIC_URL says so, and a sheet it prints carries
    no address, whatever Host the client sends."""
    key = run(["new-key"], tmp_path).stdout.strip()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "VAULT_COOKIE_KEY": "c" * 40,
        "VAULT_KEYRING": f"k1:{key}",
        "VAULT_DATABASE_URL": f"sqlite:///{tmp_path / 'v.db'}",
        "VAULT_DATA_DIR": str(tmp_path / "d"),
        "VAULT_SECURE_COOKIES": "false",
    }
    assert run(["init-db"], tmp_path, env=env).returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx.get(
                    f"http://127.0.0.1:{port}/", headers={"Host": "coffre.attaquant.example"}
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "le coffre-fort n'a pas démarré"
                time.sleep(0.2)
        assert page.status_code == 200 and "attaquant" not in page.text
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert stderr.startswith("Attention : VAULT_PUBLIC_URL n'est pas définie.")


def test_a_malformed_public_address_is_refused():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(
            {"VAULT_PUBLIC_URL": "coffre.example.yt"}, cookie_key="k" * 40, keyring={"k": b"0" * 32}
        )
    assert str(refused.value) == (
        "VAULT_PUBLIC_URL : « coffre.example.yt » n'est pas une adresse http(s) "
        "→ écrivez par exemple https://coffre.example.yt/"
    )


def test_footer_says_who_holds_the_keys(client):
    for path in ("/", "/informations/service"):
        page = html.unescape(client.get(path).text)
        assert "vous seul·e pouvez les lire" not in page
        assert "qui en gardent les clés" in page and "pas un chiffrement de bout en bout" in page
