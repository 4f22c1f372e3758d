"""Identity squatting (issue 8, A13) and sign-up oracles (A10), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.vault.conftest import csrf_token
from vault_service import identity

NEW = "un tout nouveau mot de passe"


@pytest.mark.parametrize(
    "variant",
    [
        "Zaïnaba",
        "ZAINABA",
        "Zai\u200bnaba",  # zero-width space
        "Zain\u00adaba",  # soft hyphen
        "Zаinaba",  # Cyrillic а
        "Zαinaba",  # Greek α
        "Zainaba.",  # trailing dot
        " Zai-naba ",
        "Ｚａｉｎａｂａ",  # full width
        "Zai\u0308naba",  # combining diaeresis
        "Zai\u200dnaba\u202e",  # joiner, bidi override
    ],
)
def test_look_alike_names_fold_to_one_person(variant):
    assert identity.key(variant, "Madi", "1995-06-30") == identity.key(
        "Zaïnaba", "Madi", "1995-06-30"
    )


def test_swapped_names_are_one_person_and_others_are_not():
    assert identity.key("Madi", "Zaïnaba", "1995-06-30") == identity.key(
        "Zaïnaba", "Madi", "1995-06-30"
    )
    assert identity.key("Zaïnaba", "Madi", "1995-06-30") != identity.key(
        "Zaïnaba", "Madi", "1995-06-29"
    )
    assert identity.key("Zaïnaba", "Madi", "1995-06-30") != identity.key(
        "Zaïnab", "Madi", "1995-06-30"
    )
    assert len(identity.key("ﷺ" * 120, "x" * 120, "1995-06-30")) == 64  # bounded, hashed


def _signup(client: TestClient, **fields: str) -> Any:
    data = {
        "given_name": "Zaïnaba",
        "family_name": "Madi",
        "birth_date": "1995-06-30",
        "login": "zainaba",
        "password": NEW,
        "password2": NEW,
        **fields,
    }
    data["csrf_token"] = csrf_token(client, "/inscription")
    return client.post("/inscription", data=data, follow_redirects=False)


@pytest.mark.parametrize(
    "given_name", ["Zai\u200bnaba", "Zаinaba", "Zainaba.", "ZAÏNABA", "Zai naba"]
)
def test_squatting_with_a_look_alike_name_is_refused(app, given_name):
    assert _signup(TestClient(app)).status_code == 303
    squat = _signup(TestClient(app), given_name=given_name, login="squatteur")
    assert squat.status_code == 400


def _error(html: str) -> str:
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    assert found, html[:500]
    return found.group(1)


def test_signup_says_nothing_about_who_exists(app):
    """A10: an existing login and an existing person get the same answer, which offers the
    real person a way forward; the existing login is never echoed."""
    assert _signup(TestClient(app)).status_code == 303
    taken_login = _signup(
        TestClient(app), given_name="Autre", family_name="Personne", login="zainaba"
    )
    same_person = _signup(TestClient(app), login="zainaba.bis")
    assert taken_login.status_code == same_person.status_code == 400
    assert _error(taken_login.text) == _error(same_person.text)
    for response in (taken_login, same_person):
        assert "existe déjà" not in response.text
        assert "déjà pris" not in response.text
        assert 'href="/recuperation"' in response.text
        assert "structure qui vous accompagne" in response.text
        assert 'value="zainaba' not in response.text  # the login typed is not echoed back


def test_the_migration_recomputes_keys_and_keeps_lookalike_twins_working(engine):
    """Accounts made before the folding (old keys in clear) get digests; of two that now
    fold to one person, the older takes the key and the later keeps its old one."""
    import importlib.util

    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy import insert, select

    from vault_service.db import accounts, now

    path = Path(identity.__file__).parent / "migrations" / "versions" / "0004_identity_digest.py"
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    rows = [
        ("a1", "zainaba", "Zaïnaba", "Madi", "madi|zainaba|1995-06-30"),
        ("a2", "squat", "Zai\u200bnaba", "Madi", "madi|zai\u200bnaba|1995-06-30"),
        ("a3", "autre", "Bacar", "Ali", "ali|bacar|1985-02-02"),
    ]
    with engine.begin() as conn:
        for n, (account_id, login, given, family, old_key) in enumerate(rows):
            conn.execute(
                insert(accounts).values(
                    id=account_id,
                    login=login,
                    role="beneficiary",
                    given_name=given,
                    family_name=family,
                    birth_date=old_key[-10:],
                    identity_key=old_key,  # as written before 0004
                    status="active",
                    session_version=1,
                    created_at=now().replace(microsecond=n),
                )
            )
        with Operations.context(MigrationContext.configure(conn)):
            migration.upgrade()
    with engine.connect() as conn:
        keys = dict(conn.execute(select(accounts.c.id, accounts.c.identity_key)).all())
    assert keys["a1"] == identity.key("Zaïnaba", "Madi", "1995-06-30")
    assert keys["a2"] == "madi|zai\u200bnaba|1995-06-30"  # left for an administrator
    assert keys["a3"] == identity.key("Bacar", "Ali", "1985-02-02")
