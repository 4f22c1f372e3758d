"""The vault in real Chromium with JavaScript disabled: sign up, log in, upload, see,
download, delete. Real server (uvicorn on loopback), real SQLite database."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import axe_serious

pytestmark = pytest.mark.e2e

PASSWORD = "mot de passe du test"


def synthetic_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% test\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


@pytest.fixture
def vault_url(tmp_path: Path) -> Iterator[str]:
    import uvicorn

    from vault_service.app import create_app
    from vault_service.db import make_engine, migrate
    from vault_service.settings import Settings

    settings = Settings.from_env(
        {},
        cookie_key="e2e" * 16,
        keyring={"k1": bytes(32)},
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'vault.sqlite3'}",
        secure_cookies=False,
        argon2_memory_kib=1024,
        argon2_iterations=1,
    )
    migrate(make_engine(settings.database_url))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "le serveur n'a pas démarré"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_sign_up_log_in_upload_see_download_delete(
    browser: Any, vault_url: str, tmp_path: Path
) -> None:
    document = tmp_path / "attestation-caf.pdf"
    document.write_bytes(synthetic_pdf())
    requests_elsewhere: list[str] = []
    context = browser.new_context(
        java_script_enabled=False, accept_downloads=True, viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(vault_url) or r.url.startswith("data:")
            else requests_elsewhere.append(r.url)
        ),
    )

    # Sign up (this also signs in).
    page.goto(vault_url + "/")
    page.click("text=Créer un compte")
    page.fill("#given_name", "Zaïnaba")
    page.fill("#family_name", "Madi")
    page.fill("#birth_date", "1995-06-30")
    page.fill("#login", "zainaba")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.click("button:has-text('Créer mon compte')")
    page.wait_for_url(vault_url + "/documents")
    assert page.locator("h1").inner_text() == "Mes documents"

    # Log out, then log in.
    page.click("button:has-text('Se déconnecter')")
    page.wait_for_url(vault_url + "/connexion")
    page.fill("#login", "zainaba")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Se connecter')")
    page.wait_for_url(vault_url + "/documents")
    assert "Vous n'avez encore déposé aucun document." in page.content()

    # Upload.
    page.click("text=Déposer un document")
    page.wait_for_url(vault_url + "/documents/depot")
    page.fill("#title", "Attestation CAF")
    page.select_option("#doc_type", "ressources")
    page.select_option("#scheme", "prestations-familiales")
    page.set_input_files("#file", str(document))
    page.click("button:has-text('Déposer')")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    assert page.locator("h1").inner_text() == "Attestation CAF"
    assert "Ressources et revenus · Prestations familiales" in page.content()

    # See it in the list.
    page.click("text=Mes documents")
    page.wait_for_url(vault_url + "/documents")
    assert page.locator(".cards li").count() == 1
    page.click("text=Attestation CAF")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))

    # Download.
    with page.expect_download() as info:
        page.click("text=Télécharger")
    saved = tmp_path / "downloaded.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes() == document.read_bytes()
    assert info.value.suggested_filename == "attestation-caf.pdf"

    # Delete, with confirmation.
    page.click("text=Supprimer ce document…")
    page.wait_for_url(re.compile(r"/supprimer$"))
    page.check("input[name=confirm]")
    page.click("button:has-text('Supprimer définitivement')")
    page.wait_for_url(vault_url + "/documents")
    assert "Vous n'avez encore déposé aucun document." in page.content()
    context.close()
    assert requests_elsewhere == []


def test_vault_pages_have_no_serious_accessibility_violation(
    browser: Any, vault_url: str, tmp_path: Path
) -> None:
    """axe-core on the main pages (JavaScript on only to run axe; CSP bypassed to inject it)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 640})
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    for path in ("/", "/connexion", "/inscription", "/activation"):
        page.goto(vault_url + path)
        problems[path] = axe_serious(page)
    page.goto(vault_url + "/inscription")
    for field, value in (
        ("#given_name", "Ali"),
        ("#family_name", "Madi"),
        ("#birth_date", "1980-02-03"),
        ("#login", "ali.madi"),
        ("#password", PASSWORD),
        ("#password2", PASSWORD),
    ):
        page.fill(field, value)
    page.click("button:has-text('Créer mon compte')")
    page.wait_for_url(vault_url + "/documents")
    document = tmp_path / "piece.pdf"
    document.write_bytes(synthetic_pdf())
    page.goto(vault_url + "/documents/depot")
    problems["/documents/depot"] = axe_serious(page)
    page.set_input_files("#file", str(document))
    page.click("button:has-text('Déposer')")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    problems["/documents/{id}"] = axe_serious(page)
    for path in ("/documents", "/compte"):
        page.goto(vault_url + path)
        problems[path] = axe_serious(page)
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}


def test_a_duplicate_is_issued_and_verified_on_the_public_page(
    browser: Any, vault_url: str, tmp_path: Path
) -> None:
    """Phone viewport, JavaScript off: she issues a duplicate; the recipient, signed out,
    verifies the PDF and the typed code on the public page; a changed byte is caught."""
    document = tmp_path / "titre-de-sejour.pdf"
    document.write_bytes(synthetic_pdf())
    context = browser.new_context(
        java_script_enabled=False, accept_downloads=True, viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    page.goto(vault_url + "/inscription")
    for field, value in (
        ("#given_name", "Fatima"),
        ("#family_name", "Ali"),
        ("#birth_date", "1988-04-12"),
        ("#login", "fatima.ali"),
        ("#password", PASSWORD),
        ("#password2", PASSWORD),
    ):
        page.fill(field, value)
    page.click("button:has-text('Créer mon compte')")
    page.wait_for_url(vault_url + "/documents")
    page.goto(vault_url + "/documents/depot")
    page.fill("#title", "Titre de séjour")
    page.set_input_files("#file", str(document))
    page.click("button:has-text('Déposer')")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))

    page.click("text=Faire un duplicata")
    page.fill("#recipient", "CCAS de Mamoudzou")
    page.fill("#purpose", "Demande de logement social")
    with page.expect_download() as info:
        page.click("button:has-text('Créer le duplicata')")
    duplicate = tmp_path / "duplicata.pdf"
    info.value.save_as(duplicate)
    code = re.fullmatch(r"duplicata-([0-9A-Z]{16})\.pdf", info.value.suggested_filename)
    assert code is not None and duplicate.read_bytes().startswith(b"%PDF-")
    context.close()

    # The recipient has no account.
    visitor = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    check = visitor.new_page()
    check.goto(vault_url + "/verification")
    check.set_input_files("#file", str(duplicate))
    check.click("button:has-text('Vérifier le fichier')")
    verdict = check.locator("#verdict")
    assert verdict.get_attribute("data-status") == "authentique"
    assert "CCAS de Mamoudzou" in verdict.inner_text()
    assert "Demande de logement social" in verdict.inner_text()

    check.goto(vault_url + "/verification")
    check.fill("#code", code.group(1).lower())
    check.click("button:has-text('Vérifier le code')")
    assert check.locator("#verdict").get_attribute("data-status") == "authentique"
    assert "Fatima Ali" in check.locator("#verdict").inner_text()

    altered = bytearray(duplicate.read_bytes())
    altered[len(altered) // 2] ^= 0x01
    forged = tmp_path / "modifie.pdf"
    forged.write_bytes(bytes(altered))
    check.goto(vault_url + "/verification")
    check.set_input_files("#file", str(forged))
    check.click("button:has-text('Vérifier le fichier')")
    assert check.locator("#verdict").get_attribute("data-status") == "fichier_modifie"
    assert "modifié après sa délivrance" in check.locator("#verdict").inner_text()
    visitor.close()


def test_duplicate_export_closure_and_information_pages_are_accessible(
    browser: Any, vault_url: str, tmp_path: Path
) -> None:
    """axe-core on the pages of duplicates, verification, export, closure, information."""
    context = browser.new_context(
        bypass_csp=True, accept_downloads=True, viewport={"width": 360, "height": 640}
    )
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    for path in ("/informations", "/informations/donnees", "/verification", "/cles-publiques"):
        page.goto(vault_url + path)
        problems[path] = axe_serious(page)
    page.goto(vault_url + "/inscription")
    for field, value in (
        ("#given_name", "Anli"),
        ("#family_name", "Soilihi"),
        ("#birth_date", "1979-09-09"),
        ("#password", PASSWORD),
        ("#password2", PASSWORD),
    ):
        page.fill(field, value)
    page.click("button:has-text('Créer mon compte')")
    page.wait_for_url(vault_url + "/documents?bienvenue=1")
    problems["/documents?bienvenue=1"] = axe_serious(page)
    document = tmp_path / "piece.pdf"
    document.write_bytes(synthetic_pdf())
    page.goto(vault_url + "/documents/depot")
    page.set_input_files("#file", str(document))
    page.fill("#expires_on", "2026-12-20")
    page.click("button:has-text('Déposer')")
    page.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    doc_url = page.url
    page.goto(doc_url + "/duplicata")
    page.fill("#recipient", "Pôle emploi")
    page.fill("#purpose", "Inscription")
    with page.expect_download() as info:
        page.click("button:has-text('Créer le duplicata')")
    code = info.value.suggested_filename[len("duplicata-") : -len(".pdf")]
    page.goto(doc_url + "/duplicata")
    problems["/documents/{id}/duplicata"] = axe_serious(page)
    page.goto(vault_url + "/verification?code=" + code)
    problems["/verification?code"] = axe_serious(page)
    for path in ("/documents", "/documents?type=autre", "/compte/export", "/compte/fermeture"):
        page.goto(vault_url + path)
        problems[path] = axe_serious(page)
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}
