"""Database schema (SQLAlchemy Core 2) and engine; the same code runs on SQLite and PostgreSQL.

Beside accounts and documents: consent-based shares (expiry, revocation, passing on), requests
and signed deposits, duplicates (signature + QR code), and the
hash-chained audit journal with its sealed head. Alembic migrations in `migrations/` create
it; `migrate()` runs them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)

metadata = MetaData()

ROLES = ("platform_admin", "structure_admin", "professional", "beneficiary")

structures = Table(
    "structures",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("max_professionals", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("login", String(80), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("structure_id", String(36), ForeignKey("structures.id"), nullable=True),
    Column("given_name", String(120), nullable=False),
    Column("family_name", String(120), nullable=False),
    Column("birth_date", String(10), nullable=True),
    # Normalised "family|given|birth date" of beneficiaries: one account per person.
    Column("identity_key", String(300), nullable=True, unique=True),
    Column("password_hash", String(200), nullable=True),
    Column("status", String(20), nullable=False),  # pending | active | disabled
    Column("session_version", Integer, nullable=False, default=1),
    Column("totp_secret", Text, nullable=True),  # sealed with the keyring
    Column("totp_last_step", BigInteger, nullable=True),  # refuses a replayed code
    Column("created_by", String(36), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Closure asked by the person: everything is erased at `closes_at` (grace period), by the
    # first request after it (closure.erase_due, every request) or `purge`; `closed_at` marks
    # it done (only the journal remains) and `closes_at` is then cleared (the index holds only
    # pending closures).
    Column("closes_at", DateTime(timezone=True), nullable=True),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Index("ix_accounts_closes_at", "closes_at"),
)

one_time_codes = Table(
    "one_time_codes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("purpose", String(20), nullable=False),  # activation | recovery | assisted | link
    Column("code_hash", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("created_by", String(36), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_codes_account", "account_id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("session_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_sessions_account", "account_id"),
)

rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("lockouts", Integer, nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("doc_type", String(20), nullable=False),
    Column("scheme", String(40), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expires_on", Date, nullable=True),  # end of validity (ID card, residence permit)
    # Deleted by the owner: hidden, kept encrypted until the retention setting erases it.
    Column("deleted_at", DateTime(timezone=True), nullable=True),
    Index("ix_documents_owner", "owner_id"),
)

document_versions = Table(
    "document_versions",
    metadata,
    Column("document_id", String(36), ForeignKey("documents.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("filename", String(200), nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("storage_name", String(120), nullable=False, unique=True),
    Column("created_by", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A link a person chose with a structure (relationships.py writes it): made at assisted
# creation or with a short code she gives in person; `ended_at` set when she ends it. Only a
# live link lets the structure's professionals find her or act for her.
relationships = Table(
    "relationships",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("structure_id", String(36), ForeignKey("structures.id"), nullable=False),
    Column("origin", String(20), nullable=False),  # assisted_creation | link_code
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(36), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("ended_by", String(36), nullable=True),
    Index("ix_relationships_person", "person_id"),
    Index("ix_relationships_structure", "structure_id", "person_id"),
)

# Recovery of a person's access by a professional (assisted_recovery.py): the identity check
# (document seen, by whom) and, when required, a second professional's approval.
assisted_recoveries = Table(
    "assisted_recoveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("person_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("structure_id", String(36), ForeignKey("structures.id"), nullable=False),
    Column("requested_by", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("id_document", String(20), nullable=False),
    Column("approved_by", String(36), ForeignKey("accounts.id"), nullable=True),
    Column("approval_document", String(20), nullable=True),
    Column("issued_at", DateTime(timezone=True), nullable=True),  # sheet printed
    Index("ix_assisted_recoveries_structure", "structure_id"),
)

# What others did on a person's account, shown to her at her next login (notices.py).
notices = Table(
    "notices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("account_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("detail", Text, nullable=False),  # JSON: names as they were at the time
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=True),
    Index("ix_notices_account", "account_id"),
)

# Consent-based sharing (shares.py). A share is her choice: it grants one structure (or, when
# `grantee_account_id` is set, only that professional of it) access to chosen documents
# (`share_documents`) or to every document of one type (`doc_type`), for one scheme and one
# purpose, until `expires_at`; `revoked_at` ends it at once. `forward_structure_id` is the
# structure she allows it to be passed on to; a passed-on share has `parent_id`.
shares = Table(
    "shares",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("grantee_structure_id", String(36), ForeignKey("structures.id"), nullable=False),
    Column("grantee_account_id", String(36), ForeignKey("accounts.id"), nullable=True),
    Column("scheme", String(40), nullable=False),
    Column("purpose", String(300), nullable=False),
    Column("doc_type", String(20), nullable=True),
    Column("forward_structure_id", String(36), ForeignKey("structures.id"), nullable=True),
    Column("parent_id", String(36), ForeignKey("shares.id"), nullable=True),
    Column("request_id", String(36), nullable=True),
    Column("created_by", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(36), nullable=True),
    Column("end_reason", String(40), nullable=True),
    Index("ix_shares_owner", "owner_id"),
    Index("ix_shares_structure", "grantee_structure_id"),
)

share_documents = Table(
    "share_documents",
    metadata,
    Column("share_id", String(36), ForeignKey("shares.id"), primary_key=True),
    Column("document_id", String(36), ForeignKey("documents.id"), primary_key=True),
    Index("ix_share_documents_document", "document_id"),
)

# A professional asks a person for documents for one scheme; she accepts (a share is made,
# `share_id`) or refuses. `doc_types`: comma-separated DOC_TYPES keys asked for.
share_requests = Table(
    "share_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("structure_id", String(36), ForeignKey("structures.id"), nullable=False),
    Column("requester_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("person_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("scheme", String(40), nullable=False),
    Column("purpose", String(300), nullable=False),
    Column("doc_types", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # pending | accepted | refused
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=True),
    Column("share_id", String(36), nullable=True),
    Index("ix_share_requests_person", "person_id"),
    Index("ix_share_requests_structure", "structure_id"),
)

# A document a professional put into her vault: the structure's Ed25519 signature over the
# hash, date and depositor (signing.message("vault-deposit-v1", ...)) proves its origin.
deposits = Table(
    "deposits",
    metadata,
    Column("document_id", String(36), ForeignKey("documents.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("structure_id", String(36), ForeignKey("structures.id"), nullable=False),
    Column("depositor_id", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("deposited_at", DateTime(timezone=True), nullable=False),
    Column("signing_key_id", String(64), nullable=False),  # keyring id (signing.py)
    Column("public_key", LargeBinary, nullable=False),  # raw Ed25519, for offline checks
    Column("signature", LargeBinary, nullable=False),
    # The exact text signed (canonical JSON): verified as it was, names as they were then.
    Column("payload", Text, nullable=True),  # NULL: deposited before migration 0006
    Index("ix_deposits_structure", "structure_id"),
)

# Every public key the vault signed with, by purpose (signing.py): appended when a key
# first signs, never deleted, so what was signed before a rotation still verifies.
published_keys = Table(
    "published_keys",
    metadata,
    Column("purpose", String(80), primary_key=True),
    Column("public_key", String(64), primary_key=True),  # raw Ed25519, base64url
    Column("key_id", String(64), nullable=False),  # keyring id it was derived from
    Column("published_at", DateTime(timezone=True), nullable=False),
)

# Next issue: duplicates, a stamped copy signed by the platform and verifiable from a QR code.
duplicates = Table(
    "duplicates",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("document_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("issued_by", String(36), ForeignKey("accounts.id"), nullable=False),
    Column("issued_to_structure_id", String(36), ForeignKey("structures.id"), nullable=True),
    Column("scheme", String(40), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("signing_key_id", String(64), nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("recipient", String(200), nullable=True),
    Column("purpose", String(200), nullable=True),
    Column("payload", Text, nullable=True),  # the signed fields, canonical JSON
    Index("ix_duplicates_document", "document_id"),
)

# Append-only, hash-chained journal; `audit_head` holds the last hash and is updated in the
# same transaction as the operation (its row lock serialises writers on PostgreSQL).
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_id", String(36), nullable=True),
    Column("action", String(40), nullable=False),
    Column("subject_id", String(36), nullable=True),  # whose data (beneficiary) it concerns
    Column("object_id", String(36), nullable=True),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_audit_subject", "subject_id"),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    # HMAC of "seq|hash" under a key derived from the keyring (audit.py): an operator with
    # only the database cannot fix the head after deleting the last entries.
    Column("seal", String(200), nullable=True),
)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Engine with the same behaviour on SQLite (foreign keys, WAL) and PostgreSQL."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            # Take the write lock up front: a deferred transaction that reads then writes
            # fails at once (SQLITE_BUSY) when another writer got in between; IMMEDIATE
            # waits for the lock instead (busy timeout), like FOR UPDATE on PostgreSQL.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, **kwargs)


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return config


def schema_is_current(engine: Engine) -> bool:
    """True when the database is migrated to the latest revision."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def migrate(engine: Engine) -> None:
    """Run every Alembic migration up to head (programmatically, no alembic.ini)."""
    from alembic import command

    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def ping(conn: Connection) -> None:
    """One round trip (the health check)."""
    conn.execute(text("SELECT 1"))


def now() -> datetime:
    """Current time, aware UTC, truncated to the microsecond (both backends keep it)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite returns naive datetimes (stored as UTC), PostgreSQL aware ones: normalise."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
