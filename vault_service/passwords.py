"""Password hashing with Argon2id (cryptography's KDF), parameters encoded with the hash.

Stored form (PHC string): `$argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<hash b64>`.
`needs_rehash` compares the stored parameters with the current ones so that a login
upgrades old hashes (OWASP 2024 minimum: m=19 MiB, t=2, p=1).
"""

from __future__ import annotations

import base64
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from vault_service.i18n import msg

MIN_LENGTH = 10
MAX_LENGTH = 256


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int = 19456
    iterations: int = 2
    lanes: int = 1
    length: int = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, params: Argon2Params) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=params.length,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(password.encode("utf-8"))


def hash_password(password: str, params: Argon2Params) -> str:
    salt = os.urandom(16)
    digest = _derive(password, salt, params)
    return (
        f"$argon2id$v=19$m={params.memory_kib},t={params.iterations},p={params.lanes}"
        f"${_b64(salt)}${_b64(digest)}"
    )


def _parse(stored: str) -> tuple[Argon2Params, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[1] != "argon2id" or parts[2] != "v=19":
        return None
    try:
        options = dict(item.split("=", 1) for item in parts[3].split(","))
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
        params = Argon2Params(
            memory_kib=int(options["m"]),
            iterations=int(options["t"]),
            lanes=int(options["p"]),
            length=len(digest),
        )
    except (KeyError, ValueError):
        return None
    return params, salt, digest


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    params, salt, digest = parsed
    return hmac.compare_digest(_derive(password, salt, params), digest)


def needs_rehash(stored: str, params: Argon2Params) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[0] != params


def password_problem(password: str) -> str | None:
    """French message if the password is unacceptable, else None."""
    if len(password) < MIN_LENGTH:
        return msg("Le mot de passe doit contenir au moins {count} caractères.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return msg("Le mot de passe doit contenir au plus {count} caractères.", count=MAX_LENGTH)
    return None


MISMATCH = "Les deux mots de passe ne sont pas identiques."


def new_password_problem(password: str, again: str) -> str | None:
    """French message if a new password, typed twice, is unacceptable, else None."""
    return password_problem(password) or (MISMATCH if password != again else None)
