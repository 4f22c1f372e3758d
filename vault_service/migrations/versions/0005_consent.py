"""Consent: shares rebuilt (purpose, document type, passing on), requests, signed deposits,
the journal head's seal; document schemes renamed to the observatory's.

The `shares` tables of 0001 were never used (no route wrote them): they are recreated.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RENAMED = {"caf-prestations": "prestations-familiales", "css": "complementaire-sante-solidaire"}
TS = sa.DateTime(timezone=True)


def _id(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=36), nullable=nullable)


def upgrade() -> None:
    op.drop_table("share_documents")
    op.drop_index("ix_shares_owner", table_name="shares")
    op.drop_table("shares")
    op.create_table(
        "shares",
        _id("id"),
        _id("owner_id"),
        _id("grantee_structure_id"),
        _id("grantee_account_id", True),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=True),
        _id("forward_structure_id", True),
        _id("parent_id", True),
        _id("request_id", True),
        _id("created_by"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        _id("revoked_by", True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["grantee_structure_id"], ["structures.id"]),
        sa.ForeignKeyConstraint(["grantee_account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["forward_structure_id"], ["structures.id"]),
        sa.ForeignKeyConstraint(["parent_id"], ["shares.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shares_owner", "shares", ["owner_id"])
    op.create_index("ix_shares_structure", "shares", ["grantee_structure_id"])
    op.create_table(
        "share_documents",
        _id("share_id"),
        _id("document_id"),
        sa.ForeignKeyConstraint(["share_id"], ["shares.id"]),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("share_id", "document_id"),
    )
    op.create_index("ix_share_documents_document", "share_documents", ["document_id"])
    op.create_table(
        "share_requests",
        _id("id"),
        _id("structure_id"),
        _id("requester_id"),
        _id("person_id"),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("doc_types", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("answered_at", TS, nullable=True),
        _id("share_id", True),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"]),
        sa.ForeignKeyConstraint(["requester_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_share_requests_person", "share_requests", ["person_id"])
    op.create_index("ix_share_requests_structure", "share_requests", ["structure_id"])
    op.create_table(
        "deposits",
        _id("document_id"),
        sa.Column("version", sa.Integer(), nullable=False),
        _id("structure_id"),
        _id("depositor_id"),
        sa.Column("deposited_at", TS, nullable=False),
        sa.Column("signing_key_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["structure_id"], ["structures.id"]),
        sa.ForeignKeyConstraint(["depositor_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("document_id", "version"),
    )
    op.create_index("ix_deposits_structure", "deposits", ["structure_id"])
    op.add_column("audit_head", sa.Column("seal", sa.String(length=200), nullable=True))
    documents = sa.table("documents", sa.column("scheme", sa.String))
    for old, new in RENAMED.items():
        op.execute(documents.update().where(documents.c.scheme == old).values(scheme=new))


def downgrade() -> None:
    raise NotImplementedError("pas de retour en arrière : restaurez une sauvegarde")
