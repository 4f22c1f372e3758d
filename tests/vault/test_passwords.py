from __future__ import annotations

from vault_service.passwords import (
    Argon2Params,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from vault_service.settings import Settings


def test_defaults_follow_owasp():
    settings = Settings.from_env(
        {"VAULT_COOKIE_KEY": "c" * 40, "VAULT_KEYRING": "k1:" + "A" * 43 + "="}
    )
    assert (settings.argon2_memory_kib, settings.argon2_iterations) == (19456, 2)
    stored = hash_password("un mot de passe", Argon2Params())
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password("un mot de passe", stored)
    assert not verify_password("un mot de pass", stored)


def test_rehash_when_parameters_change():
    light = Argon2Params(memory_kib=1024, iterations=1)
    stored = hash_password("un mot de passe", light)
    assert not needs_rehash(stored, light)
    assert needs_rehash(stored, Argon2Params())
    assert needs_rehash("$2b$12$bcrypt-style", light)


def test_malformed_hash_never_verifies():
    assert not verify_password("x", "$argon2id$v=19$m=oops$salt$hash")
    assert not verify_password("x", "")


def test_password_rules():
    assert password_problem("court") == "Le mot de passe doit contenir au moins 10 caractères."
    assert password_problem("x" * 257) == "Le mot de passe doit contenir au plus 256 caractères."
    assert password_problem("assez long mot") is None
