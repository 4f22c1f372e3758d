from __future__ import annotations

import io
import os

import pytest

from vault_service import crypto
from vault_service.crypto import ChunkWriter, DecryptionError, Keyring, iter_decrypt

CHUNK = 1024


def encrypt(data: bytes, dek: bytes, context: str = "doc|v1") -> bytes:
    out = io.BytesIO()
    writer = ChunkWriter(out, dek, context, chunk_size=CHUNK)
    for i in range(0, len(data), 700):
        writer.write(data[i : i + 700])
    writer.close()
    return out.getvalue()


def decrypt(blob: bytes, dek: bytes, context: str = "doc|v1") -> bytes:
    return b"".join(iter_decrypt(io.BytesIO(blob), dek, context))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_round_trip_every_boundary(size):
    dek = crypto.new_data_key()
    data = os.urandom(size)
    blob = encrypt(data, dek)
    assert decrypt(blob, dek) == data
    if size >= 16:  # a 1-byte plaintext may appear in random ciphertext by chance
        assert data not in blob


def test_flipped_bit_fails_closed():
    dek = crypto.new_data_key()
    blob = bytearray(encrypt(os.urandom(3000), dek))
    blob[len(blob) // 2] ^= 1
    with pytest.raises(DecryptionError, match="illisible"):
        decrypt(bytes(blob), dek)


def test_truncation_at_a_chunk_boundary_is_detected():
    dek = crypto.new_data_key()
    blob = encrypt(os.urandom(3 * CHUNK + 10), dek)
    header, record = crypto.HEADER.size, CHUNK + crypto.TAG
    truncated = blob[: header + 2 * record]  # drops the last two records exactly
    with pytest.raises(DecryptionError, match="bloc 1 illisible"):
        decrypt(truncated, dek)


def test_reordered_chunks_are_detected():
    dek = crypto.new_data_key()
    blob = encrypt(os.urandom(3 * CHUNK + 10), dek)
    header, record = crypto.HEADER.size, CHUNK + crypto.TAG
    first, second = blob[header : header + record], blob[header + record : header + 2 * record]
    swapped = blob[:header] + second + first + blob[header + 2 * record :]
    with pytest.raises(DecryptionError, match="bloc 0 illisible"):
        decrypt(swapped, dek)


def test_ciphertext_bound_to_document_and_version():
    dek = crypto.new_data_key()
    blob = encrypt(b"contenu", dek, "doc-a|v1")
    with pytest.raises(DecryptionError):
        decrypt(blob, dek, "doc-b|v1")
    with pytest.raises(DecryptionError):
        decrypt(blob, dek, "doc-a|v2")


def test_wrong_key_fails_closed():
    blob = encrypt(b"contenu", crypto.new_data_key())
    with pytest.raises(DecryptionError):
        decrypt(blob, crypto.new_data_key())


def test_wrap_rotation_and_unknown_key():
    old = Keyring({"k1": os.urandom(32)})
    dek = crypto.new_data_key()
    kid, wrapped = old.wrap(dek, "doc|v1")
    assert kid == "k1"
    rotated = Keyring({"k2": os.urandom(32), "k1": old._keys["k1"]})
    new_kid, rewrapped = rotated.rewrap(kid, wrapped, "doc|v1")
    assert new_kid == "k2" and rotated.unwrap(new_kid, rewrapped, "doc|v1") == dek
    with pytest.raises(DecryptionError, match="clé « k2 » absente du trousseau"):
        old.unwrap("k2", rewrapped, "doc|v1")
    with pytest.raises(DecryptionError, match="mauvaise clé ou donnée altérée"):
        rotated.unwrap("k2", rewrapped, "doc|v2")


def test_seal_small_secret():
    ring = Keyring({"k1": os.urandom(32)})
    sealed = crypto.seal(ring, b"seed", "totp|x")
    assert sealed.startswith("k1$") and b"seed".hex() not in sealed
    assert crypto.unseal(ring, sealed, "totp|x") == b"seed"
    with pytest.raises(DecryptionError):
        crypto.unseal(ring, sealed, "totp|y")
