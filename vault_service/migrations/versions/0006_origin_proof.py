"""Origin proof that survives renames and key rotations: each deposit keeps the exact text
its structure signed; `published_keys` keeps every public key the vault signed with (a
rotation appends, nothing deletes), so a deposit or a duplicate signed before a rotation
still verifies once the old keyring key is gone.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

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


def downgrade() -> None:
    raise NotImplementedError("pas de retour en arrière : restaurez une sauvegarde")
