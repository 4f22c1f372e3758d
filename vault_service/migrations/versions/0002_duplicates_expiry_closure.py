"""Duplicates (recipient, purpose, signed fields), document expiry and deleted-documents bin,
account closure (grace period).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("duplicates") as batch:
        batch.add_column(sa.Column("recipient", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("purpose", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.create_index("ix_duplicates_document", ["document_id"])
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("expires_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("closes_at")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("expires_on")
    with op.batch_alter_table("duplicates") as batch:
        batch.drop_index("ix_duplicates_document")
        batch.drop_column("payload")
        batch.drop_column("purpose")
        batch.drop_column("recipient")
