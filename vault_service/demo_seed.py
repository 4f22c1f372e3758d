"""`make demo`: a structure, a professional, a beneficiary with sample documents and a live
share, so that a newcomer can judge the vault in a minute — on the demo's own SQLite only.

Guarded twice: `seed` refuses any database but `vault-data/vault.sqlite3` of the demo (never
PostgreSQL, never a configured VAULT_DATABASE_URL), and only `python -m vault_service demo`
calls it (`serve` never does; a test checks both). The documents are generated here (PDF,
reportlab), every page marked « EXEMPLE — document fictif ». Passwords are drawn at random on
first seeding and kept beside the data (0600) so that each start prints the same logins.
"""

from __future__ import annotations

import io
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select

from vault_service import accounts, audit, receiving, relationships, shares
from vault_service import documents as docs
from vault_service.crypto import Keyring
from vault_service.db import structures
from vault_service.passwords import Argon2Params, hash_password
from vault_service.settings import Settings
from vault_service.storage import open_store

STRUCTURE = "CCAS de démonstration (exemple)"
LOGINS = "demo-logins.json"
SAMPLES = [
    ("Carte d'identité (exemple)", "identite", "aucun"),
    ("Attestation de la CAF (exemple)", "ressources", "rsa"),
    ("Justificatif de domicile (exemple)", "residence", "aide-logement"),
]


class DemoRefused(Exception):
    """Seeding was asked for a database that is not the demo's (French message)."""


@dataclass(frozen=True)
class Login:
    role: str
    login: str
    password: str


def check_demo(settings: Settings, demo_dir: Path, environ: dict[str, str]) -> None:
    expected = f"sqlite:///{demo_dir / 'vault.sqlite3'}"
    if settings.database_url != expected or environ.get("VAULT_DATABASE_URL"):
        raise DemoRefused(
            "Données de démonstration refusées : elles ne vont que dans la base SQLite de la "
            f"démo ({expected}), jamais dans une base configurée (VAULT_DATABASE_URL). "
            "Lancez `python -m vault_service demo` sans VAULT_DATABASE_URL."
        )


def sample_pdf(title: str) -> bytes:
    """A one-page PDF, plainly fictitious."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 28)
    page.drawString(60, 760, "EXEMPLE — document fictif")
    page.setFont("Helvetica", 16)
    page.drawString(60, 720, title)
    page.drawString(60, 690, "Amina Exemple, née le 01/01/1990 (personne fictive)")
    page.drawString(60, 660, "Données de démonstration du coffre-fort numérique.")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _saved(demo_dir: Path) -> list[Login] | None:
    path = demo_dir / LOGINS
    if not path.exists():
        return None
    return [Login(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def _save(demo_dir: Path, logins: list[Login]) -> None:
    fd = os.open(demo_dir / LOGINS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump([login.__dict__ for login in logins], handle, ensure_ascii=False, indent=1)


def seed(
    engine: Engine, settings: Settings, demo_dir: Path, environ: dict[str, str]
) -> list[Login]:
    """Seed once (idempotent); return the logins to print."""
    check_demo(settings, demo_dir, environ)
    keyring = Keyring(settings.keyring)
    engine = audit.sealing(engine, keyring)
    with engine.connect() as conn:
        done = conn.execute(select(structures.c.id).where(structures.c.name == STRUCTURE)).first()
    saved = _saved(demo_dir)
    if done is not None and saved is not None:
        return saved
    params = Argon2Params(settings.argon2_memory_kib, settings.argon2_iterations)
    logins = [
        Login("Professionnelle", "pro.demo", secrets.token_urlsafe(9)),
        Login("Bénéficiaire", "amina.demo", secrets.token_urlsafe(9)),
    ]
    with engine.begin() as conn:
        structure_id = accounts.create_structure(conn, STRUCTURE, 5, None)
        pro_id = accounts.create_account(
            conn,
            role="professional",
            person=accounts.Person("Fatima", "Démo", None),
            login=logins[0].login,
            password_hash=hash_password(logins[0].password, params),
            structure_id=structure_id,
            created_by=None,
        )
        person_id = accounts.create_account(
            conn,
            role="beneficiary",
            person=accounts.Person("Amina", "Exemple", "1990-01-01"),
            login=logins[1].login,
            password_hash=hash_password(logins[1].password, params),
            structure_id=None,
            created_by=pro_id,
        )
        relationships.link(conn, person_id, structure_id, "assisted_creation", pro_id)
    store = open_store(settings)
    ids = []
    for title, doc_type, scheme in SAMPLES:
        document_id = docs.new_id()
        incoming = receiving.Incoming(
            store, keyring, document_id, 1, settings.max_upload_bytes, filename="exemple.pdf"
        )
        incoming.write(sample_pdf(title))
        ids.append(receiving.save_new(engine, incoming, person_id, title, doc_type, scheme))
    with engine.begin() as conn:
        grant = shares.Grant(
            structure_id=structure_id,
            scheme="rsa",
            purpose="dossier RSA (exemple)",
            document_ids=(ids[0], ids[1]),
            professional_login=logins[0].login,
        )
        shares.create(conn, person_id, grant)
    _save(demo_dir, logins)
    return logins
