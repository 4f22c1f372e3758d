"""The register of published public keys (table `published_keys`): append-only.

Signing keys are derived from the keyring (signing.py) and leave with their keyring key after
a rotation; what they signed must still verify. So each public key is recorded here, in the
transaction of the first signature it makes (deposits, duplicates) and by `rotate-keys` for
every purpose it knows; nothing here deletes a row. Verifiers trust the union of the keys
derived from the keyring today and the keys recorded here; the public-keys page lists both.

Limit (SECURITY.md): someone who can write to the database could add a key here; the keys
derived from the keyring need the keyring. The journal entry of each signature names its key id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from vault_service import signing
from vault_service.db import now, published_keys


def record(conn: Connection, purpose: str, key_id: str, public: bytes) -> None:
    """Append `public` for `purpose` unless it is already there (concurrent signers too)."""
    dialect: Any = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(published_keys)
        .values(purpose=purpose, public_key=signing.b64(public), key_id=key_id, published_at=now())
        .on_conflict_do_nothing()
    )


def record_current(conn: Connection, keys: signing.SigningKeys, purpose: str) -> None:
    record(conn, purpose, keys.current_id, keys.public_key(purpose))


def trusted(conn: Connection, keys: signing.SigningKeys, purpose: str) -> dict[bytes, str]:
    """Every public key of `purpose` the vault vouches for → its keyring id: the keyring's
    today (current first), then those recorded, oldest first."""
    found = {public: kid for kid, public in keys.published(purpose).items()}
    rows = conn.execute(
        select(published_keys.c.public_key, published_keys.c.key_id)
        .where(published_keys.c.purpose == purpose)
        .order_by(published_keys.c.published_at, published_keys.c.key_id)
    )
    for public, kid in rows:
        found.setdefault(signing.unb64(public), str(kid))
    return found


def purposes(conn: Connection) -> list[str]:
    """Purposes with a recorded key (structures that deposited, the platform)."""
    rows = conn.execute(select(published_keys.c.purpose).distinct())
    return sorted(str(p) for (p,) in rows)
