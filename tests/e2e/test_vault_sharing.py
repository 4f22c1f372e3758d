"""She shares a document with one professional, who opens it; she reads that access in « Qui a
consulté mes documents », revokes in one tap, and the professional is refused — in real
Chromium, JavaScript off, phone viewport, real server and SQLite database. axe-core checks the
consent pages on the way (in a context with JavaScript, only to run axe)."""

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
PHONE = {"width": 360, "height": 640}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% test\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[str]:
    """The server, with a structure, two of its professionals and another structure."""
    import uvicorn

    from vault_service import accounts
    from vault_service.app import create_app
    from vault_service.db import make_engine, migrate
    from vault_service.passwords import Argon2Params, hash_password
    from vault_service.settings import Settings

    settings = Settings.from_env(
        {},
        cookie_key="e2e" * 16,
        keyring={"k1": bytes(32)},
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'vault.sqlite3'}",
        secure_cookies=False,
        public_url="https://coffre.example.yt/",
        argon2_memory_kib=1024,
        argon2_iterations=1,
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    with engine.begin() as conn:
        structure = accounts.create_structure(conn, "CCAS de Mamoudzou", 5, None)
        accounts.create_structure(conn, "UDAF de Mayotte", 5, None)
        for login, given in (("pro.anli", "Anli"), ("pro.zaina", "Zaïna")):
            accounts.create_account(
                conn,
                role="professional",
                person=accounts.Person(given, "Soilihi", None),
                login=login,
                password_hash=hash_password(PASSWORD, Argon2Params(1024, 1)),
                structure_id=structure,
                created_by=None,
            )
    engine.dispose()
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


def sign_in(page: Any, url: str, login: str) -> None:
    page.goto(url + "/connexion")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Se connecter')")


def test_share_open_history_revoke_refused(browser: Any, vault: str, tmp_path: Path) -> None:
    document = tmp_path / "avis-caf.pdf"
    document.write_bytes(PDF)
    person = browser.new_context(java_script_enabled=False, viewport=PHONE).new_page()
    pro_context = browser.new_context(
        java_script_enabled=False, accept_downloads=True, viewport=PHONE
    )
    pro = pro_context.new_page()
    colleague = browser.new_context(java_script_enabled=False, viewport=PHONE).new_page()
    checker = browser.new_context(bypass_csp=True, viewport=PHONE).new_page()
    problems: dict[str, list[str]] = {}
    elsewhere: list[str] = []
    for page in (person, pro, colleague):
        page.on(
            "request",
            lambda r: None if r.url.startswith((vault, "data:")) else elsewhere.append(r.url),
        )

    def axe(page: Any, name: str) -> None:
        checker.goto(vault + "/informations")
        checker.set_content(page.content())
        checker.wait_for_load_state()
        problems[name] = axe_serious(checker)

    # She signs up and deposits a document.
    person.goto(vault + "/inscription")
    for field, value in (
        ("#given_name", "Mariama"),
        ("#family_name", "Abdallah"),
        ("#birth_date", "1992-03-14"),
        ("#login", "mariama"),
        ("#password", PASSWORD),
        ("#password2", PASSWORD),
    ):
        person.fill(field, value)
    person.click("button:has-text('Créer mon compte')")
    person.wait_for_url(re.compile(r"/documents"))
    person.goto(vault + "/documents/depot")
    person.fill("#title", "Avis CAF")
    person.set_input_files("#file", str(document))
    person.click("button:has-text('Déposer')")
    person.wait_for_url(re.compile(r"/documents/[0-9a-f-]{36}$"))
    doc_url = person.url
    doc_id = doc_url.rsplit("/", 1)[-1]
    assert "Personne d'autre que vous." in person.content()

    # She shares it with Anli only, for the RSA.
    person.click("text=Donner accès à ce document")
    person.wait_for_url(re.compile(r"/partages/nouveau"))
    axe(person, "/partages/nouveau")
    person.select_option("#structure_id", label="CCAS de Mamoudzou")
    person.fill("#professional_login", "pro.anli")
    person.select_option("#scheme", "rsa")
    person.fill("#purpose", "dossier RSA")
    assert person.is_checked(f"input[name=document][value='{doc_id}']")
    person.click("button:has-text('Donner accès')")
    person.wait_for_url(doc_url)
    card = person.locator("text=seulement Anli Soilihi")
    assert card.count() == 1
    assert "dossier RSA" in person.content() and "Jusqu'au" in person.content()
    axe(person, "/documents/{id}")

    # Anli opens it; his colleague Zaïna cannot.
    sign_in(pro, vault, "pro.anli")
    pro.click("text=Documents partagés")
    pro.wait_for_url(vault + "/pro/partages")
    axe(pro, "/pro/partages")
    pro.click("text=Avis CAF")
    pro.wait_for_url(vault + f"/pro/documents/{doc_id}")
    axe(pro, "/pro/documents/{id}")
    with pro.expect_download() as info:
        pro.click("text=Télécharger")
    saved = tmp_path / "ouvert.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes() == PDF
    sign_in(colleague, vault, "pro.zaina")
    colleague.goto(vault + f"/pro/documents/{doc_id}")
    assert "Document introuvable." in colleague.content()

    # She reads who saw it.
    person.click("text=Qui a vu mes documents")
    person.wait_for_url(vault + "/historique")
    axe(person, "/historique")
    entry = person.locator(".cards li").filter(has_text="Téléchargement de « Avis CAF »")
    assert entry.count() == 1
    text = entry.inner_text()
    assert "Anli Soilihi (CCAS de Mamoudzou)" in text
    assert "Revenu de solidarité active (RSA)" in text and "grâce à votre partage du" in text

    # One tap revokes; his next request is refused.
    person.goto(doc_url)
    person.click('button:has-text("Retirer l\'accès")')
    person.wait_for_url(doc_url)
    assert "Personne d'autre que vous." in person.content()
    response = pro.goto(vault + f"/pro/documents/{doc_id}")
    assert response is not None and response.status == 404
    assert "Document introuvable." in pro.content()
    pro.goto(vault + "/pro/partages")
    assert "Avis CAF" not in pro.content()
    person.goto(vault + "/partages")
    axe(person, "/partages")
    assert "Terminé le" in person.content()
    assert {name: found for name, found in problems.items() if found} == {}
    assert elsewhere == []
