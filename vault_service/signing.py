"""Ed25519 signatures of the vault: duplicates (platform key) and deposits (structure keys).

No extra secret to keep: each signing key is derived from a key-encryption key of the keyring
(HKDF-SHA256, one label per purpose), so it lives "in the keyring", rotates with it (new
signatures use the current KEK id; older ids stay verifiable while their KEK is kept for
reading) and is never stored. Purposes are short labels: `duplicata` for the platform,
`structure:<id>` for a structure's deposits (one key per structure).

A signature is over `canonical(fields)`: JSON with sorted keys, no spaces, UTF-8. Public keys
are published raw (32 bytes, base64) and as PEM, so anyone can check offline with any
Ed25519 tool; `fingerprint` is what people compare by eye.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PLATFORM = "duplicata"


class KeyFormatError(ValueError):
    """A public key that is neither 32 raw bytes in base64 nor an Ed25519 PEM (French)."""


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The exact bytes that are signed: same fields → same bytes on every machine."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    """Inverse of `b64`; raises ValueError on anything that is not base64url."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("base64 invalide") from error


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public: bytes) -> str:
    """16 hex digits in groups of 4, e.g. `3f2a 91c0 77de 0b14`: to compare by eye."""
    digest = hashlib.sha256(public).hexdigest()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def pem(public: bytes) -> str:
    key = Ed25519PublicKey.from_public_bytes(public)
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def parse_public_key(text: str) -> bytes:
    """A public key given by a person: PEM (SubjectPublicKeyInfo) or raw base64 / base64url."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError:
            raise KeyFormatError("clé publique PEM illisible") from None
        if not isinstance(key, Ed25519PublicKey):
            raise KeyFormatError("la clé PEM n'est pas une clé Ed25519")
        return raw_public(key)
    try:
        raw = unb64(text.replace("+", "-").replace("/", "_"))
    except ValueError:
        raise KeyFormatError("clé publique illisible : ni PEM, ni base64") from None
    if len(raw) != 32:
        raise KeyFormatError(f"clé publique de {len(raw)} octets au lieu de 32 (Ed25519)")
    return raw


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    """True when `signature` is a valid Ed25519 signature of `message` by `public`."""
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Signature:
    key_id: str  # the keyring id the signing key was derived from
    public: bytes  # raw 32-byte public key
    value: bytes  # 64-byte Ed25519 signature


class KeyIds:
    """Keys by keyring id, in the keyring's order: the first id is the current one. The shape
    of `crypto.Keyring` (the KEKs themselves) and of `SigningKeys` (derived from them)."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise ValueError("empty keyring")
        self._keys = dict(keys)
        self.current_id = next(iter(keys))

    def ids(self) -> list[str]:
        return list(self._keys)


class SigningKeys(KeyIds):
    """Signing keys derived from the keyring's KEKs (`Settings.keyring`); first id is current."""

    def _private(self, purpose: str, key_id: str) -> Ed25519PrivateKey:
        kek = self._keys.get(key_id)
        if kek is None:
            raise KeyError(key_id)
        seed = HKDF(
            algorithm=SHA256(), length=32, salt=None, info=f"vault-ed25519-v1|{purpose}".encode()
        ).derive(kek)
        return Ed25519PrivateKey.from_private_bytes(seed)

    def public_key(self, purpose: str, key_id: str | None = None) -> bytes:
        """Raw public key of `purpose` under `key_id` (default: the current one)."""
        return raw_public(self._private(purpose, key_id or self.current_id).public_key())

    def published(self, purpose: str) -> dict[str, bytes]:
        """Every public key of `purpose`, by keyring id (current first): what the vault shows."""
        return {kid: self.public_key(purpose, kid) for kid in self._keys}

    def sign(self, purpose: str, message: bytes) -> Signature:
        private = self._private(purpose, self.current_id)
        return Signature(self.current_id, raw_public(private.public_key()), private.sign(message))

    def sign_fields(self, purpose: str, fields: Mapping[str, Any]) -> Signature:
        return self.sign(purpose, canonical(fields))

    def is_ours(self, purpose: str, public: bytes) -> bool:
        return public in self.published(purpose).values()
