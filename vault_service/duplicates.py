"""Duplicates: a stamped PDF copy of a document, signed with the vault's Ed25519 key.

Two signatures, both by the platform key (`signing.PLATFORM`, derived from the keyring):

- over the **fields** (code, SHA-256 of the original, title, holder, recipient, purpose,
  scheme, issue date, public key): carried by the QR code, checkable from a scan or a typed
  code;
- over the **file**: SHA-256 of every byte of the PDF before the trailer, plus the fields
  signature. One byte changed anywhere in the PDF breaks it.

The signature is one PDF comment line, inserted just before the final `startxref` (readers
skip comments; offsets before it do not move)::

    <PDF up to startxref> %VAULT-DUPLICATA <base64url(JSON {fields, sig, file_sig})>\\n
    startxref\\n<offset>\\n%%EOF\\n

The file signature covers the PDF without that line: every byte before and after it.

Checking needs only the public keys (`duplicate_check.py`: the offline command and the public
page); this module makes duplicates and keeps their register (table `duplicates`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from vault_service import audit, public_keys, signing
from vault_service.db import as_utc, duplicates, now
from vault_service.duplicate_check import (
    AUTHENTIC,
    MARKER,
    MAX_TRAILER,
    MESSAGES,
    Verdict,
    Verifier,
    VerifierSink,
    authentic,
    file_message,
    issued_text,
    make_verdict,
    message,
    normalise_code,
    show_code,
    verdict_json,
    verify_qr,
)
from vault_service.i18n import joined, msg

__all__ = [  # what callers use as `duplicates.X`; checking lives in duplicate_check.py
    "AUTHENTIC",
    "MARKER",
    "MAX_TRAILER",
    "MESSAGES",
    "QR_FIELDS",
    "DuplicateError",
    "Verdict",
    "Verifier",
    "VerifierSink",
    "authentic",
    "build_pdf",
    "file_message",
    "find",
    "for_document",
    "issue",
    "issued_text",
    "listed",
    "lookup",
    "make_verdict",
    "message",
    "normalise_code",
    "qr_payload",
    "revoke",
    "seal",
    "show_code",
    "trusted_keys",
    "verdict_json",
    "verify_qr",
    "with_register",
]

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
FIELD_NAMES = (
    "code",
    "document_sha256",
    "title",
    "holder",
    "recipient",
    "purpose",
    "scheme",
    "issued_at",
    "key",
)
LABELS = {
    "title": "le titre du document",
    "holder": "le titulaire",
    "recipient": "le destinataire",
    "purpose": "l'objet",
    "scheme": "le dispositif",
    "issued_at": "la date de délivrance",
    "document_sha256": "l'empreinte du document",
}


# Verdicts: (status, French message). Tests assert these texts.
class DuplicateError(Exception):
    """Something a person can fix (French), e.g. a missing recipient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))  # 80 bits


def seal(keys: signing.SigningKeys, fields: dict[str, Any], pdf: bytes) -> bytes:
    """The PDF with its signature line (before the final startxref)."""
    fields_sig = keys.sign_fields(signing.PLATFORM, fields).value
    file_sig = keys.sign(signing.PLATFORM, file_message(hashlib.sha256(pdf).digest(), fields_sig))
    trailer = {
        "fields": fields,
        "sig": signing.b64(fields_sig),
        "file_sig": signing.b64(file_sig.value),
    }
    at = pdf.rindex(b"startxref")
    if pdf[at - 1 : at] != b"\n":
        raise ValueError("PDF without a line break before startxref")
    line = MARKER[1:] + signing.b64(signing.canonical(trailer)).encode() + b"\n"
    return pdf[:at] + line + pdf[at:]


# What the QR code signs: the document hash, issue date, recipient and purpose (with the code
# and the key). Title and holder stay out so that the longest fields still fit in a QR code
# a phone can read; the register gives them back once the signature holds.
QR_FIELDS = ("code", "document_sha256", "recipient", "purpose", "issued_at", "key")


def qr_payload(keys: signing.SigningKeys, fields: dict[str, Any]) -> str:
    """What the QR code carries after the verification address: those fields and their
    signature, base64url of the canonical JSON."""
    signed = {name: fields[name] for name in QR_FIELDS}
    sig = keys.sign_fields(signing.PLATFORM, signed).value
    return signing.b64(signing.canonical({"fields": signed, "sig": signing.b64(sig)}))


def listed(record: Any) -> dict[str, Any]:
    return {
        "code": record.id,
        "version": record.version,
        "recipient": record.recipient,
        "purpose": record.purpose,
        "scheme": record.scheme,
        "issued_at": as_utc(record.issued_at).isoformat(),
        "revoked_at": as_utc(record.revoked_at).isoformat() if record.revoked_at else None,
        "pdf": f"/documents/{record.document_id}/duplicatas/{record.id}",
    }


# --- the register (table `duplicates`) -------------------------------------------------------


def make_fields(
    keys: signing.SigningKeys,
    *,
    code: str,
    version: Any,
    document: Any,
    holder: str,
    recipient: str,
    purpose: str,
    scheme: str,
) -> dict[str, Any]:
    from vault_service.duplicate_pdf import printable

    values = {
        "code": code,
        "document_sha256": version.sha256,
        "title": printable(document.title)[:200],
        "holder": printable(holder)[:250],
        "recipient": printable(recipient)[:200],
        "purpose": printable(purpose)[:200],
        "scheme": scheme,
        "issued_at": as_utc(now()).replace(microsecond=0).isoformat(),
        "key": signing.b64(keys.public_key(signing.PLATFORM)),
    }
    return {name: values[name] for name in FIELD_NAMES}


def issue(
    conn: Connection,
    keys: signing.SigningKeys,
    *,
    owner: Any,
    document: Any,
    version: Any,
    recipient: str,
    purpose: str,
    scheme: str,
) -> dict[str, Any]:
    """Record a new duplicate (and journal it) in the caller's transaction; return its fields."""
    from vault_service.duplicate_pdf import printable

    recipient, purpose = printable(recipient), printable(purpose)
    problems = []
    if not recipient:
        problems.append(msg("Indiquez à qui vous remettez ce duplicata (ex. CCAS de Mamoudzou)."))
    if not purpose:
        problems.append(msg("Indiquez pour quoi (ex. demande de logement social)."))
    if len(recipient) > 120 or len(purpose) > 160:
        problems.append(msg("Destinataire : 120 caractères au plus ; objet : 160 au plus."))
    if problems:
        raise DuplicateError(joined(problems))
    code = new_code()
    fields = make_fields(
        keys,
        code=code,
        version=version,
        document=document,
        holder=f"{owner.given_name} {owner.family_name}",
        recipient=recipient,
        purpose=purpose,
        scheme=scheme,
    )
    signature = keys.sign_fields(signing.PLATFORM, fields)
    conn.execute(
        insert(duplicates).values(
            id=code,
            document_id=document.id,
            version=version.version,
            sha256=version.sha256,
            issued_by=owner.id,
            issued_to_structure_id=None,
            scheme=scheme,
            issued_at=datetime.fromisoformat(fields["issued_at"]),
            signing_key_id=signature.key_id,
            signature=signature.value,
            recipient=recipient,
            purpose=purpose,
            payload=signing.canonical(fields).decode(),
        )
    )
    public_keys.record(conn, signing.PLATFORM, signature.key_id, signature.public)
    audit.record(
        conn,
        "duplicate.issue",
        actor_id=owner.id,
        subject_id=owner.id,
        object_id=document.id,
        detail={"code": code, "version": version.version, "scheme": scheme},
    )
    return fields


def trusted_keys(conn: Connection, keys: signing.SigningKeys) -> dict[bytes, str]:
    """The platform keys a duplicate may be signed with → keyring id: today's keyring and
    every key recorded before a rotation (public_keys.py)."""
    return public_keys.trusted(conn, keys, signing.PLATFORM)


def json_fields(payload: str) -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(payload)
    return fields


def find(conn: Connection, code: str) -> Any:
    return conn.execute(select(duplicates).where(duplicates.c.id == code)).first()


def for_document(conn: Connection, document_id: str, owner_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(duplicates)
            .where(duplicates.c.document_id == document_id, duplicates.c.issued_by == owner_id)
            .order_by(duplicates.c.issued_at.desc())
        )
    )


def revoke(conn: Connection, code: str, document_id: str, owner_id: str) -> bool:
    """The owner cancels a duplicate she gave (lost, no longer needed): verification then says
    so. False when it is not hers or already cancelled."""
    done = conn.execute(
        update(duplicates)
        .where(
            duplicates.c.id == code,
            duplicates.c.document_id == document_id,
            duplicates.c.issued_by == owner_id,
            duplicates.c.revoked_at.is_(None),
        )
        .values(revoked_at=now())
    )
    if done.rowcount != 1:
        return False
    audit.record(
        conn,
        "duplicate.revoke",
        actor_id=owner_id,
        subject_id=owner_id,
        object_id=document_id,
        detail={"code": code},
    )
    return True


def against_register(verdict: Verdict, record: Any) -> Verdict:
    """A signature that holds, checked against the register: unknown, cancelled, different."""
    if not verdict.authentic:
        return verdict
    if record is None:
        return make_verdict("inconnu", verdict.fields)
    if record.revoked_at is not None:
        from vault_service.web import local_time

        return make_verdict("annule", verdict.fields, date=local_time(record.revoked_at))
    stored = json.loads(record.payload) if record.payload else {}
    for name in FIELD_NAMES:
        if name in verdict.fields and stored.get(name) != verdict.fields[name]:
            return make_verdict("ne_correspond_pas", verdict.fields, field=LABELS.get(name, name))
    return make_verdict(verdict.status, stored, **verdict.values)  # every field, from the register


def with_register(conn: Connection, verdict: Verdict) -> Verdict:
    """A verdict from the signatures alone, completed by the register when they hold."""
    if not verdict.authentic:
        return verdict
    return against_register(verdict, find(conn, str(verdict.fields.get("code", ""))))


def lookup(conn: Connection, code: str) -> Verdict:
    """A typed code: the register's fields, to compare with the paper."""
    record = find(conn, normalise_code(code))
    if record is None or not record.payload:
        return make_verdict("inconnu")
    fields = json.loads(record.payload)
    return against_register(authentic(fields), record)


def build_pdf(
    keys: signing.SigningKeys,
    fields: dict[str, Any],
    original: bytes,
    media_type: str,
    public_url: str,
    scheme_label: str,
) -> bytes:
    """The signed duplicate: stamp page, stamped original, signature trailer."""
    from vault_service.duplicate_pdf import render

    code = show_code(str(fields["code"]))
    issued = issued_text(str(fields["issued_at"]))
    lines = [
        ("Document", str(fields["title"])),
        ("Titulaire", str(fields["holder"])),
        ("Remis à", str(fields["recipient"])),
        ("Objet", str(fields["purpose"])),
        ("Dispositif", scheme_label),
        ("Délivré le", f"{issued} (heure de Mayotte)"),
        ("Code", code),
        ("Empreinte SHA-256", str(fields["document_sha256"])),
        ("Clé de signature", signing.fingerprint(signing.unb64(str(fields["key"])))),
    ]
    how = (
        f"Pour vérifier ce duplicata : scannez le code QR, ou allez sur {public_url}verification "
        f"et tapez le code {code}, ou déposez-y ce fichier PDF. Hors ligne : "
        "python -m vault_service verify-duplicate FICHIER --public-key CLÉ (clé publique sur "
        f"{public_url}cles-publiques)."
    )
    band = f"DUPLICATA - délivré le {issued} à {fields['recipient']} - {fields['purpose']} - {code}"
    qr = f"{public_url}verification?d={qr_payload(keys, fields)}"
    return seal(keys, fields, render(lines, qr, how, band, original, media_type))
