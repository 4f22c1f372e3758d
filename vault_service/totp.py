"""Time-based one-time passwords (RFC 6238, 6 digits, 30 s) with cryptography's TOTP."""

from __future__ import annotations

import base64
import os
import time

import segno
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


def matching_step(secret: bytes, submitted: str, at: float | None = None) -> int | None:
    """The 30-second step the code belongs to (current, previous or next), else None."""
    cleaned = submitted.replace(" ", "").strip()
    if len(cleaned) != 6 or not cleaned.isdigit():
        return None
    moment = int(at if at is not None else time.time())
    for drift in (0, -30, 30):
        try:
            _totp(secret).verify(cleaned.encode(), moment + drift)
            return (moment + drift) // 30
        except InvalidToken:
            continue
    return None


def verify(secret: bytes, submitted: str, at: float | None = None) -> bool:
    return matching_step(secret, submitted, at) is not None


def secret_text(secret: bytes) -> str:
    return base64.b32encode(secret).decode().rstrip("=")


def uri(secret: bytes, login: str) -> str:
    return _totp(secret).get_provisioning_uri(login, ISSUER)


def setup_view(secret: bytes, login: str) -> dict[str, str]:
    """The key to type and the QR code (an SVG data URI, no script) of a TOTP secret."""
    return {
        "secret": secret_text(secret),
        "qr": segno.make(uri(secret, login), error="m").svg_data_uri(scale=4),
    }
