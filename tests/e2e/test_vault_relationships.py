"""A person chooses who follows her, then gets her access back with their help — in real
Chromium, JavaScript off, phone viewport, real server and SQLite database.

She signs up and creates a link code; a professional enters it and asks for a recovery after
seeing her passport; a colleague approves and prints the sheet; she sets a new password with
it and, at her next login, reads what was done on her account. axe-core checks the pages on
the way (in a second context with JavaScript, only to run axe).
"""

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
NEW = "un tout nouveau mot de passe"
PHONE = {"width": 360, "height": 640}


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[str]:
    """The server, with a structure and two professionals created by the operator."""
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


def sign_in(page: Any, url: str, login: str, password: str) -> None:
    page.goto(url + "/connexion")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button:has-text('Se connecter')")


def test_link_then_assisted_recovery_with_a_colleague(browser: Any, vault: str) -> None:
    person = browser.new_context(java_script_enabled=False, viewport=PHONE).new_page()
    pro = browser.new_context(java_script_enabled=False, viewport=PHONE).new_page()
    colleague = browser.new_context(java_script_enabled=False, viewport=PHONE).new_page()
    checker = browser.new_context(bypass_csp=True, viewport=PHONE).new_page()
    problems: dict[str, list[str]] = {}

    def axe(page: Any, name: str) -> None:
        """The page as shown (often the answer to a form), with JavaScript: what axe-core
        finds there. Loaded over the vault's origin so that its stylesheet applies."""
        checker.goto(vault + "/informations")
        checker.set_content(page.content())
        checker.wait_for_load_state()
        problems[name] = axe_serious(checker)

    person.goto(vault + "/inscription")
    for field, value in (
        ("#given_name", "Mariama"),
        ("#family_name", "Abdallah"),
        ("#birth_date", "1979-03-08"),
        ("#login", "mariama"),
        ("#password", PASSWORD),
        ("#password2", PASSWORD),
    ):
        person.fill(field, value)
    person.click("button:has-text('Créer mon compte')")
    person.wait_for_url(vault + "/documents")
    person.goto(vault + "/compte")
    assert "Aucune structure ne vous suit." in person.content()
    person.click("button:has-text('Créer un code pour une structure')")
    code = person.inner_text("[aria-label='Code de lien']").strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    axe(person, "code de lien")

    sign_in(pro, vault, "pro.anli", PASSWORD)
    pro.wait_for_url(vault + "/pro")
    pro.fill("#link-code", code)
    pro.click("button:has-text('Suivre cette personne')")
    assert "Votre structure suit désormais Mariama Abdallah." in pro.content()
    axe(pro, "/pro (personne suivie)")
    pro.select_option("#found-doc", "passeport")
    pro.click("button:has-text('Demander la feuille de récupération')")
    assert "Contrôle d'identité enregistré." in pro.content()

    sign_in(colleague, vault, "pro.zaina", PASSWORD)
    colleague.wait_for_url(vault + "/pro")
    assert "Récupérations à valider" in colleague.content()
    axe(colleague, "/pro (à valider)")
    colleague.select_option("#p1-doc", "passeport")
    colleague.click("button:has-text('Valider et imprimer la feuille')")
    sheet = colleague.content()
    assert "<dd>https://coffre.example.yt/recuperation</dd>" in sheet
    recovery = re.search(r'<dd class="big">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</dd>', sheet)
    assert recovery

    person.context.clear_cookies()
    person.goto(vault + "/recuperation")
    person.fill("#login", "mariama")
    person.fill("#code", recovery.group(1))
    person.fill("#password", NEW)
    person.fill("#password2", NEW)
    person.click("button:has-text('Valider')")
    assert "Votre compte est prêt" in person.content()
    sign_in(person, vault, "mariama", NEW)
    person.wait_for_url(vault + "/compte/avis")
    notice = person.inner_text("main")
    assert "Anli Soilihi (CCAS de Mamoudzou) a imprimé une feuille de récupération" in notice
    assert "validée par Zaïna Soilihi" in notice
    axe(person, "/compte/avis")
    person.click('button:has-text("J\'ai lu, continuer")')
    person.wait_for_url(vault + "/documents")
    person.goto(vault + "/compte")
    assert "CCAS de Mamoudzou" in person.content()
    axe(person, "/compte (liens)")
    for page in (person, pro, colleague, checker):
        page.context.close()
    assert {name: found for name, found in problems.items() if found} == {}
