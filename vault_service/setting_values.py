"""How the text of one environment variable becomes a setting's value: the keyring (from
VAULT_KEYRING or a private VAULT_KEYRING_FILE), booleans, integers, text; and the error that
names the variable and says what to do.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable (French / English)."""


def parse_keyring(text: str, variable: str = "VAULT_KEYRING") -> dict[str, bytes]:
    """Parse `id1:base64key,id2:base64key`; the first key is the current one (wraps new keys)."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        if not sep or not kid.isidentifier():
            raise SettingsError(
                f"{variable} : l'élément « {item[:12]}… » doit avoir la forme "
                f"identifiant:clé_base64 "
                f"→ écrivez id:clé_base64, séparés par des virgules"
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise SettingsError(
                f"{variable} : la clé « {kid} » n'est pas du base64 valide "
                f"→ générez-en une avec `python -m vault_service new-key`"
            ) from None
        if len(key) != 32:
            raise SettingsError(
                f"{variable} : la clé « {kid} » fait {len(key)} octets au lieu de 32 (AES-256) "
                f"→ générez-en une avec `python -m vault_service new-key`"
            )
        if kid in keys:
            raise SettingsError(f"{variable} : l'identifiant de clé « {kid} » est en double")
        keys[kid] = key
    if not keys:
        raise SettingsError(
            f"{variable} est vide → indiquez au moins une clé id:clé_base64 "
            "(`python -m vault_service new-key` en génère une)"
        )
    return keys


def read_keyring_file(path: Path) -> dict[str, bytes]:
    """The keyring from a file readable by the service's account only (checked: a keyring
    that other accounts of the machine can read is refused, before anything starts)."""
    try:
        info = path.stat()
    except OSError as error:
        raise SettingsError(
            f"VAULT_KEYRING_FILE : {path} illisible ({error.strerror}) → vérifiez le chemin."
        ) from None
    if not path.is_file():
        raise SettingsError(f"VAULT_KEYRING_FILE : {path} n'est pas un fichier.")
    if info.st_mode & 0o077:
        raise SettingsError(
            f"VAULT_KEYRING_FILE : {path} est accessible à d'autres comptes "
            f"(droits {info.st_mode & 0o777:04o}) → chmod 600 {path}"
        )
    if info.st_uid != os.geteuid():
        raise SettingsError(
            f"VAULT_KEYRING_FILE : {path} appartient à un autre compte (uid {info.st_uid}) → "
            f"chown au compte du service (uid {os.geteuid()}), droits 600."
        )
    text = path.read_text(encoding="utf-8")
    return parse_keyring(",".join(text.split()), f"VAULT_KEYRING_FILE ({path})")


def convert(attr: str, name: str, raw: str) -> Any:
    """The value of the setting `attr` from the text of its variable `name`."""
    if attr == "keyring":
        return parse_keyring(raw, name)
    if attr == "data_dir":
        return Path(raw)
    if attr in {"secure_cookies", "recovery_second_approval"}:
        if raw.lower() in {"1", "true", "oui", "yes"}:
            return True
        if raw.lower() in {"0", "false", "non", "no"}:
            return False
        raise SettingsError(f"{name} : « {raw} » n'est pas un booléen (true/false)")
    if attr in {
        "cookie_key",
        "database_url",
        "public_url",
        "trusted_proxies",
        "storage",
        "s3_bucket",
        "s3_prefix",
        "s3_endpoint_url",
        "s3_region",
        "s3_addressing_style",
        "language",
        "operator",
        "operator_contact",
        "hosting",
        "metrics_token",
        "keyring_file",
    }:
        return raw
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} : « {raw} » n'est pas un nombre entier") from None
