"""Encryption at rest: envelope encryption with AES-256-GCM, streamed in chunks.

Each document version gets a fresh 256-bit data key (DEK). The DEK is wrapped by a
key-encryption key (KEK) of the keyring; the key id is stored beside the wrapped key, so a
rotation re-wraps DEKs without touching the files.

File format (one file per document version)::

    b"VLT1" | chunk_size (u32 BE) | nonce_prefix (4 bytes) | record*

Each record is AES-GCM(plaintext chunk) + 16-byte tag; every record but the last holds exactly
`chunk_size` plaintext bytes. Nonce = nonce_prefix | chunk index (u64 BE): unique because the key
is fresh for each version. Associated data binds document id, version, chunk index and a final
flag, so a swapped, reordered, truncated or extended file fails to decrypt.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vault_service.signing import KeyIds, SigningKeys

MAGIC = b"VLT1"
HEADER = struct.Struct(">4sI4s")
CHUNK_SIZE = 64 * 1024
TAG = 16


class Sink(Protocol):
    def write(self, data: bytes, /) -> Any: ...


class Source(Protocol):
    def read(self, size: int, /) -> bytes: ...


class DecryptionError(Exception):
    """Wrong key, tampered or truncated ciphertext: nothing is released."""


class Keyring(KeyIds):
    """Key-encryption keys by id; the first id wraps new data keys."""

    def signing_keys(self) -> SigningKeys:
        """The Ed25519 signing keys derived from these KEKs (signing.py)."""
        return SigningKeys(self._keys)

    def derive(self, kid: str, label: bytes) -> bytes:
        """A 256-bit key for another use (`label`), derived from KEK `kid` by HKDF-SHA256."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
            self._keys[kid]
        )

    def wrap(self, dek: bytes, context: str) -> tuple[str, bytes]:
        """Wrap a data key with the current KEK; return (key id, nonce + ciphertext)."""
        kid = self.current_id
        nonce = os.urandom(12)
        aad = f"vault-dek-v1|{kid}|{context}".encode()
        return kid, nonce + AESGCM(self._keys[kid]).encrypt(nonce, dek, aad)

    def unwrap(self, kid: str, wrapped: bytes, context: str) -> bytes:
        key = self._keys.get(kid)
        if key is None:
            raise DecryptionError(f"clé « {kid} » absente du trousseau")
        aad = f"vault-dek-v1|{kid}|{context}".encode()
        try:
            return AESGCM(key).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            raise DecryptionError(
                "valeur chiffrée illisible (mauvaise clé ou donnée altérée)"
            ) from None

    def rewrap(self, kid: str, wrapped: bytes, context: str) -> tuple[str, bytes]:
        return self.wrap(self.unwrap(kid, wrapped, context), context)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _aad(context: str, index: int, final: bool) -> bytes:
    return f"vault-doc-v1|{context}|{index}|{int(final)}".encode()


class ChunkWriter:
    """Encrypt a stream into `out` chunk by chunk; memory stays at about one chunk."""

    def __init__(self, out: Sink, dek: bytes, context: str, chunk_size: int = CHUNK_SIZE) -> None:
        self._out = out
        self._aead = AESGCM(dek)
        self._context = context
        self._chunk_size = chunk_size
        self._prefix = os.urandom(4)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        out.write(HEADER.pack(MAGIC, chunk_size, self._prefix))

    def _emit(self, chunk: bytes | memoryview, final: bool) -> None:
        nonce = self._prefix + self._index.to_bytes(8, "big")
        self._out.write(self._aead.encrypt(nonce, chunk, _aad(self._context, self._index, final)))
        self._index += 1

    def write(self, data: bytes) -> None:
        """Encrypt every full chunk that is followed by more data (the last chunk must be
        written with final=1, so at least one byte stays buffered). Full chunks inside `data`
        are encrypted from a view, without copying."""
        view = memoryview(data)
        size = self._chunk_size
        if self._buffer:
            need = size - len(self._buffer)
            if len(view) <= need:
                self._buffer += view
                return
            self._buffer += view[:need]
            view = view[need:]
            self._emit(bytes(self._buffer), final=False)
            self._buffer.clear()
        while len(view) > size:
            self._emit(view[:size], final=False)
            view = view[size:]
        self._buffer += view

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True


def iter_decrypt(source: Source, dek: bytes, context: str) -> Iterator[bytes]:
    """Yield authenticated plaintext chunks; raise DecryptionError at the first bad record."""
    header = source.read(HEADER.size)
    if len(header) != HEADER.size:
        raise DecryptionError("fichier chiffré tronqué (en-tête)")
    magic, chunk_size, prefix = HEADER.unpack(header)
    if magic != MAGIC or not 0 < chunk_size <= 16 * 1024 * 1024:
        raise DecryptionError("fichier chiffré inconnu (en-tête)")
    aead = AESGCM(dek)
    record_size = chunk_size + TAG
    index = 0
    record = source.read(record_size)
    while True:
        following = source.read(record_size) if len(record) == record_size else b""
        final = not following
        if len(record) < TAG:
            raise DecryptionError("fichier chiffré tronqué")
        nonce = prefix + index.to_bytes(8, "big")
        try:
            yield aead.decrypt(nonce, record, _aad(context, index, final))
        except InvalidTag:
            raise DecryptionError(
                f"bloc {index} illisible : mauvaise clé, fichier altéré, tronqué ou déplacé"
            ) from None
        if final:
            return
        record = following
        index += 1


def seal(keyring: Keyring, secret: bytes, context: str) -> str:
    """Encrypt a small secret (e.g. a TOTP seed) for a database column: `kid$hex`."""
    kid, wrapped = keyring.wrap(secret, context)
    return f"{kid}${wrapped.hex()}"


def unseal(keyring: Keyring, sealed: str, context: str) -> bytes:
    kid, _, hexdata = sealed.partition("$")
    return keyring.unwrap(kid, bytes.fromhex(hexdata), context)
