"""Time-based one-time passwords (RFC 6238, 6 digits, 30 s) with cryptography's TOTP."""

from __future__ import annotations

import base64
import os
import time

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP

ISSUER = "Coffre-fort Mayotte"


def new_secret() -> bytes:
    return os.urandom(20)


def _totp(secret: bytes) -> TOTP:
    return TOTP(secret, 6, SHA1(), 30, enforce_key_length=False)  # noqa: S303 (RFC 6238)


def code(secret: bytes, at: float | None = None) -> str:
    return _totp(secret).generate(int(at if at is not None else time.time())).decode()


def verify(secret: bytes, submitted: str, at: float | None = None) -> bool:
    """Accept the current code and the ones 30 s before and after (clock drift)."""
    cleaned = submitted.replace(" ", "").strip()
    if len(cleaned) != 6 or not cleaned.isdigit():
        return False
    moment = int(at if at is not None else time.time())
    for drift in (0, -30, 30):
        try:
            _totp(secret).verify(cleaned.encode(), moment + drift)
            return True
        except InvalidToken:
            continue
    return False


def secret_text(secret: bytes) -> str:
    return base64.b32encode(secret).decode().rstrip("=")


def uri(secret: bytes, login: str) -> str:
    return _totp(secret).get_provisioning_uri(login, ISSUER)
