"""Identity keys recomputed with the folding of identity.py (confusables, format characters,
punctuation) and stored as digests.

Two existing accounts that now fold to the same person keep working: the later one keeps its
old key (listed in the migration's output for an administrator to review).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from vault_service import identity

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    accounts = sa.table(
        "accounts",
        sa.column("id", sa.String),
        sa.column("given_name", sa.String),
        sa.column("family_name", sa.String),
        sa.column("birth_date", sa.String),
        sa.column("identity_key", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    rows = conn.execute(
        sa.select(accounts)
        .where(accounts.c.identity_key.is_not(None))
        .order_by(accounts.c.created_at, accounts.c.id)
    ).all()
    taken: set[str] = set()
    for row in rows:
        new = identity.key(row.given_name, row.family_name, row.birth_date)
        if new in taken:
            print(f"compte {row.id} : même personne qu'un compte plus ancien, à vérifier")
            continue
        taken.add(new)
        conn.execute(sa.update(accounts).where(accounts.c.id == row.id).values(identity_key=new))


def downgrade() -> None:
    """Digests cannot be turned back into the old keys; nothing to undo in the schema."""
