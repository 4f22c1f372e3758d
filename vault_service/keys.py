"""Everything encrypted with the keyring, declared once: rotation and verification.

Two kinds of values depend on the keyring's key-encryption keys (KEK):

- the data key of each document version (`document_versions.key_id` + `wrapped_key`);
- small secrets sealed into text columns as `kid$hex` (`crypto.seal`), declared in `SEALED`
  (today the TOTP secrets; a module that seals something else adds a line there, and rotation
  and `check-integrity` cover it).

Rotation works in batches, one transaction each (rows re-wrapped + one journal entry): if it
is interrupted at any moment (crash, SIGKILL, lost connection), every row is under either the
old or the new key, both still in the keyring, so everything still decrypts; running it again
re-wraps only what is left. The final `keys.rotate` journal entry says that it finished.

Signing keys (signing.py) are derived from the keyring too: before an old key may leave it,
rotation records the public keys of every keyring key (platform and each structure) in the
append-only register `published_keys`, so what they signed still verifies afterwards.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, and_, func, select, update

from vault_service import audit, crypto, public_keys, signing
from vault_service.db import accounts, document_versions, structures


@dataclass(frozen=True)
class SealedColumn:
    """A text column holding `crypto.seal` values; `context(row)` is their bound context."""

    name: str  # stable, in the journal
    label: str  # French, for reports: « secret de double authentification »
    table: Table
    column: str
    context: Callable[[Any], str]

    def where_not_under(self, kid: str) -> Any:
        col = self.table.c[self.column]
        return and_(col.is_not(None), ~col.startswith(f"{kid}$", autoescape=True))

    def row_label(self, row: Any) -> str:
        ids = ", ".join(str(row._mapping[c.name]) for c in self.table.primary_key.columns)
        return f"{self.label} ({self.table.name} {ids})"


SEALED: list[SealedColumn] = [
    SealedColumn(
        name="totp",
        label="secret de double authentification",
        table=accounts,
        column="totp_secret",
        context=lambda row: f"totp|{row.id}",
    ),
]


def document_context(row: Any) -> str:
    """Context bound to a version's data key and file (same as documents.context)."""
    return f"{row.document_id}|v{row.version}"


class RotationError(Exception):
    """A value could not be re-wrapped (its key is missing or it is damaged)."""

    def __init__(self, message: str, done: dict[str, int]) -> None:
        super().__init__(message)
        self.message = message
        self.done = done


def _pk_match(table: Table, row: Any) -> Any:
    return and_(*(c == row._mapping[c.name] for c in table.primary_key.columns))


def _documents_batch(conn: Connection, keyring: crypto.Keyring, size: int) -> int:
    rows = conn.execute(
        select(document_versions)
        .where(document_versions.c.key_id != keyring.current_id)
        .order_by(document_versions.c.document_id, document_versions.c.version)
        .limit(size)
    ).all()
    for row in rows:
        try:
            kid, wrapped = keyring.rewrap(row.key_id, row.wrapped_key, document_context(row))
        except crypto.DecryptionError as error:
            raise crypto.DecryptionError(
                f"document {row.document_id} version {row.version} : {error}"
            ) from None
        conn.execute(
            update(document_versions)
            # Unchanged since read: a second rotation running at once skips it.
            .where(_pk_match(document_versions, row), document_versions.c.key_id == row.key_id)
            .values(key_id=kid, wrapped_key=wrapped)
        )
    return len(rows)


def _sealed_batch(
    conn: Connection, keyring: crypto.Keyring, target: SealedColumn, size: int
) -> int:
    col = target.table.c[target.column]
    rows = conn.execute(
        select(target.table)
        .where(target.where_not_under(keyring.current_id))
        .order_by(*target.table.primary_key.columns)
        .limit(size)
    ).all()
    for row in rows:
        sealed = row._mapping[target.column]
        try:
            secret = crypto.unseal(keyring, sealed, target.context(row))
        except crypto.DecryptionError as error:
            raise crypto.DecryptionError(f"{target.row_label(row)} : {error}") from None
        conn.execute(
            update(target.table)
            .where(_pk_match(target.table, row), col == sealed)
            .values({target.column: crypto.seal(keyring, secret, target.context(row))})
        )
    return len(rows)


def _targets(keyring: crypto.Keyring) -> Iterator[tuple[str, Callable[[Connection, int], int]]]:
    yield "documents", lambda conn, size: _documents_batch(conn, keyring, size)
    for target in SEALED:
        yield target.name, lambda conn, size, t=target: _sealed_batch(conn, keyring, t, size)  # type: ignore[misc]


def rotate(
    engine: Engine, keyring: crypto.Keyring, batch_size: int = 200, pause: float = 0.0
) -> dict[str, int]:
    """Re-wrap everything not under the current key, batch by batch; return counts by kind.

    Raises RotationError (with what was already done) when a value cannot be re-wrapped.
    Its journal entries seal the journal head with the current key (audit.sealing)."""
    engine = audit.sealing(engine, keyring)
    done: dict[str, int] = {"documents": 0, **{t.name: 0 for t in SEALED}}
    for name, batch in _targets(keyring):
        while True:
            try:
                with engine.begin() as conn:
                    count = batch(conn, batch_size)
                    if count:
                        audit.record(
                            conn,
                            "keys.rewrap",
                            actor_id=None,
                            detail={"what": name, "count": count, "key_id": keyring.current_id},
                        )
            except crypto.DecryptionError as error:
                raise RotationError(str(error), done) from None
            done[name] += count
            if count < batch_size:
                break
            if pause:
                time.sleep(pause)
    with engine.begin() as conn:
        publish_signing_keys(conn, keyring)
        audit.record(
            conn, "keys.rotate", actor_id=None, detail={**done, "key_id": keyring.current_id}
        )
    return done


def publish_signing_keys(conn: Connection, keyring: crypto.Keyring) -> int:
    """Record the public signing key of every keyring key, for the platform and every
    structure, in `published_keys` (append-only); return how many purposes."""
    signer = keyring.signing_keys()
    purposes = [signing.PLATFORM]
    purposes += [f"structure:{sid}" for (sid,) in conn.execute(select(structures.c.id))]
    for purpose in purposes:
        for kid, public in signer.published(purpose).items():
            public_keys.record(conn, purpose, kid, public)
    return len(purposes)


def key_usage(conn: Connection) -> Counter[str]:
    """How many values each key id protects (documents and sealed secrets)."""
    usage: Counter[str] = Counter()
    for kid, count in conn.execute(
        select(document_versions.c.key_id, func.count()).group_by(document_versions.c.key_id)
    ):
        usage[str(kid)] += int(count)
    for target in SEALED:
        col = target.table.c[target.column]
        for (sealed,) in conn.execute(select(col).where(col.is_not(None))):
            usage[str(sealed).partition("$")[0]] += 1
    return usage


def check_sealed(conn: Connection, keyring: crypto.Keyring) -> list[str]:
    """French problems for every sealed secret that does not decrypt with this keyring."""
    problems: list[str] = []
    for target in SEALED:
        rows = conn.execute(
            select(target.table)
            .where(target.table.c[target.column].is_not(None))
            .order_by(*target.table.primary_key.columns)
        )
        for row in rows:
            try:
                crypto.unseal(keyring, row._mapping[target.column], target.context(row))
            except (crypto.DecryptionError, ValueError) as error:
                problems.append(f"{target.row_label(row)} : illisible ({error})")
    return problems
