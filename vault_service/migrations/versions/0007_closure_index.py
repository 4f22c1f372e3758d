"""Erasure at the end of the grace period, without a job: every request looks for accounts
whose `closes_at` has passed (closure.erase_due), through this index; an erased account's
`closes_at` is cleared, so the index holds only pending closures.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE accounts SET closes_at = NULL WHERE closed_at IS NOT NULL"))
    op.create_index("ix_accounts_closes_at", "accounts", ["closes_at"])


def downgrade() -> None:
    op.drop_index("ix_accounts_closes_at", table_name="accounts")
