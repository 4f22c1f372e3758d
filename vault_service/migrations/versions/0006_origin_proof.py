"""Origin proof that survives renames and key rotations: each deposit keeps the exact text
its structure signed; `published_keys` keeps every public key the vault signed with (a
rotation appends, nothing deletes), so a deposit or a duplicate signed before a rotation
still verifies once the old keyring key is gone.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deposits", sa.Column("payload", sa.Text(), nullable=True))
    op.create_table(
        "published_keys",
        sa.Column("purpose", sa.String(length=80), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("purpose", "public_key"),
    )
    backfill(op.get_bind())


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _signed_text(row: Any) -> str:
    """The v1 fields of a deposit as 0005's code signed them, from today's rows."""
    fields = {
        "v": "vault-deposit-v1",
        "document_id": row.document_id,
        "version": row.version,
        "sha256": row.sha256,
        "deposited_at": _utc(row.deposited_at).isoformat(timespec="seconds"),
        "structure_id": row.structure_id,
        "structure_name": row.structure_name,
        "depositor_id": row.depositor_id,
        "depositor_name": f"{row.given_name} {row.family_name}",
        "person_id": row.owner_id,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def backfill(conn: sa.Connection) -> int:
    """Store the signed text of earlier deposits, rebuilt from today's rows, only where it
    verifies against the deposit's signature (a name already changed: left empty, and the
    origin page keeps rebuilding it). Returns how many were stored."""
    meta = sa.MetaData()
    deposits, versions, documents, structures, accounts = (
        sa.Table(name, meta, autoload_with=conn)
        for name in ("deposits", "document_versions", "documents", "structures", "accounts")
    )
    rows = conn.execute(
        sa.select(
            deposits,
            versions.c.sha256,
            documents.c.owner_id,
            structures.c.name.label("structure_name"),
            accounts.c.given_name,
            accounts.c.family_name,
        )
        .join(
            versions,
            sa.and_(
                versions.c.document_id == deposits.c.document_id,
                versions.c.version == deposits.c.version,
            ),
        )
        .join(documents, documents.c.id == deposits.c.document_id)
        .join(structures, structures.c.id == deposits.c.structure_id)
        .join(accounts, accounts.c.id == deposits.c.depositor_id)
        .where(deposits.c.payload.is_(None))
    ).all()
    stored = 0
    for row in rows:
        text = _signed_text(row)
        try:
            Ed25519PublicKey.from_public_bytes(row.public_key).verify(row.signature, text.encode())
        except (InvalidSignature, ValueError):
            continue
        conn.execute(
            deposits.update()
            .where(deposits.c.document_id == row.document_id, deposits.c.version == row.version)
            .values(payload=text)
        )
        stored += 1
    return stored


def downgrade() -> None:
    raise NotImplementedError("pas de retour en arrière : restaurez une sauvegarde")
