"""Initial schema: accounts, structures, sessions, documents, shares, duplicates, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from vault_service.db import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The first migration creates the tables as declared in vault_service/db.py at revision 0001.
# Later migrations must spell out their changes (op.add_column, ...) rather than use metadata.


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
