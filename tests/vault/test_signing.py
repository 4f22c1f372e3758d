"""Signing keys derived from the keyring: stable, separated by purpose, verifiable offline."""

from __future__ import annotations

import pytest

from vault_service import signing

K1, K2 = bytes(range(32)), bytes(range(32, 64))


def test_keys_are_stable_and_separated_by_purpose_and_kek():
    keys = signing.SigningKeys({"k1": K1, "k2": K2})
    again = signing.SigningKeys({"k1": K1})
    assert keys.public_key("duplicata") == again.public_key("duplicata")
    assert keys.public_key("duplicata") != keys.public_key("structure:x")
    assert keys.public_key("duplicata", "k2") != keys.public_key("duplicata", "k1")
    assert list(keys.published("duplicata")) == ["k1", "k2"]


def test_signature_verifies_only_for_its_message_and_key():
    keys = signing.SigningKeys({"k1": K1})
    other = signing.SigningKeys({"k9": K2})
    fields = {"b": "é", "a": 1}
    sig = keys.sign_fields("duplicata", fields)
    assert sig.key_id == "k1" and len(sig.value) == 64
    message = signing.canonical(fields)
    assert message == '{"a":1,"b":"é"}'.encode()
    assert signing.verify(sig.public, sig.value, message)
    assert not signing.verify(sig.public, sig.value, message + b" ")
    assert not signing.verify(other.public_key("duplicata"), sig.value, message)
    assert keys.is_ours("duplicata", sig.public)
    assert not other.is_ours("duplicata", sig.public)


def test_public_key_parses_from_pem_and_base64():
    public = signing.SigningKeys({"k1": K1}).public_key("duplicata")
    assert signing.parse_public_key(signing.pem(public)) == public
    assert signing.parse_public_key(signing.b64(public)) == public
    import base64

    assert signing.parse_public_key(base64.b64encode(public).decode()) == public
    with pytest.raises(signing.KeyFormatError, match="16 octets au lieu de 32"):
        signing.parse_public_key(signing.b64(b"x" * 16))
    with pytest.raises(signing.KeyFormatError, match="ni PEM, ni base64"):
        signing.parse_public_key("pas une clé !")
    assert len(signing.fingerprint(public)) == 19
