"""Checking a duplicate with the public keys only: the PDF as a stream (constant memory), the
content of its QR code, and the verdict in French. No database, no secret: the offline command
`python -m vault_service verify-duplicate` uses this module alone; `duplicates.py` makes the
duplicates and adds what the register knows (unknown, cancelled).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from vault_service import signing

MARKER = b"\n%VAULT-DUPLICATA "
MAX_TRAILER = 8192
AUTHENTIC = "authentique"
MESSAGES = {
    AUTHENTIC: (
        "Duplicata authentique : délivré le {issued} à « {recipient} » pour « {purpose} ». "
        "Comparez ces mentions avec celles du papier."
    ),
    "sans_signature": (
        "Ce fichier ne porte pas la signature d'un duplicata du coffre-fort numérique : ce "
        "n'est pas un duplicata qu'il a délivré (ou la signature a été retirée). Ne l'acceptez "
        "pas comme duplicata ; demandez-en un nouveau à la personne."
    ),
    "illisible": (
        "La signature de ce duplicata est abîmée et ne peut pas être lue : le fichier a été "
        "modifié. Ne l'acceptez pas ; demandez un nouveau duplicata à la personne."
    ),
    "cle_etrangere": (
        "Ce duplicata est signé avec une clé qui n'est pas celle du coffre-fort numérique "
        "(empreinte {fingerprint}) : c'est un faux. Ne l'acceptez pas."
    ),
    "mentions_modifiees": (
        "Les mentions de ce duplicata (titulaire, destinataire, objet, date ou empreinte) ne "
        "correspondent pas à la signature : elles ont été modifiées. Ne l'acceptez pas."
    ),
    "fichier_modifie": (
        "Le fichier PDF a été modifié après sa délivrance (au moins un octet diffère de "
        "l'original signé). Ne l'acceptez pas ; demandez un nouveau duplicata à la personne."
    ),
    "inconnu": (
        "Aucun duplicata ne porte ce code : vérifiez la saisie (16 caractères, chiffres et "
        "lettres) ; si elle est juste, ce n'est pas un duplicata du coffre-fort numérique."
    ),
    "annule": "Ce duplicata a été annulé le {date} : il ne vaut plus.",
    "ne_correspond_pas": (
        "Ce duplicata ne correspond pas au registre du coffre-fort ({field} diffère) : "
        "ne l'acceptez pas."
    ),
}


@dataclass
class Verdict:
    status: str
    message: str  # French, formatted (CLI); pages translate MESSAGES[status] with `values`
    fields: dict[str, Any] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    @property
    def authentic(self) -> bool:
        return self.status == AUTHENTIC


def normalise_code(text: str) -> str:
    """What people type: spaces, dashes, lower case, O for 0, I or L for 1 are accepted."""
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def show_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issued_text(iso: str) -> str:
    """The issue date as people in Mayotte read it (UTC+3)."""
    from vault_service.web import local_time

    return local_time(datetime.fromisoformat(iso))


def message(status: str, **values: str) -> str:
    return MESSAGES[status].format(**values)


def make_verdict(status: str, fields: dict[str, Any] | None = None, **values: str) -> Verdict:
    return Verdict(status, message(status, **values), fields or {}, values)


def file_message(pdf_sha256: bytes, fields_sig: bytes) -> bytes:
    return b"vault-duplicata-file-v1|" + pdf_sha256 + b"|" + fields_sig


def check_fields(trusted: list[bytes], fields: Any, sig_text: Any) -> tuple[Verdict | None, bytes]:
    """Verdict if the fields fail (None when their signature holds) and the signature bytes."""
    if not isinstance(fields, dict) or not isinstance(sig_text, str):
        return make_verdict("illisible"), b""
    try:
        public = signing.unb64(str(fields.get("key", "")))
        sig = signing.unb64(sig_text)
    except ValueError:
        return make_verdict("illisible"), b""
    if public not in trusted:
        return (
            make_verdict("cle_etrangere", fields, fingerprint=signing.fingerprint(public)),
            sig,
        )
    if not signing.verify(public, sig, signing.canonical(fields)):
        return make_verdict("mentions_modifiees", fields), sig
    return None, sig


def authentic(fields: dict[str, Any]) -> Verdict:
    return make_verdict(
        AUTHENTIC,
        fields,
        issued=issued_text(str(fields["issued_at"])),
        recipient=str(fields["recipient"]),
        purpose=str(fields["purpose"]),
    )


def verify_qr(trusted: list[bytes], payload: str) -> Verdict:
    try:
        data = json.loads(signing.unb64(payload.strip()))
    except (ValueError, UnicodeDecodeError):
        return make_verdict("illisible")
    if not isinstance(data, dict):
        return make_verdict("illisible")
    failed, _ = check_fields(trusted, data.get("fields"), data.get("sig"))
    return failed or authentic(data["fields"])


class Verifier:
    """Feed a file chunk by chunk; `verdict()` checks it with the trusted public keys only.
    Memory stays at one tail buffer, whatever the file size."""

    def __init__(self, trusted: list[bytes]) -> None:
        self.trusted = trusted
        self.digest = hashlib.sha256()
        self.tail = b""
        self.size = 0

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        self.tail += data
        keep = MAX_TRAILER + 64
        if len(self.tail) > 2 * keep:
            self.digest.update(self.tail[:-keep])
            self.tail = self.tail[-keep:]

    def verdict(self) -> Verdict:
        at = self.tail.rfind(MARKER)
        line_end = self.tail.find(b"\n", at + 1)
        if at < 0 or line_end < 0:
            return make_verdict("sans_signature")
        encoded = self.tail[at + len(MARKER) : line_end].rstrip(b"\r")
        try:
            trailer = json.loads(signing.unb64(encoded.decode("ascii")))
        except (ValueError, UnicodeDecodeError):
            return make_verdict("illisible")
        if not isinstance(trailer, dict) or not isinstance(trailer.get("file_sig"), str):
            return make_verdict("illisible")
        fields = trailer.get("fields")
        failed, fields_sig = check_fields(self.trusted, fields, trailer.get("sig"))
        if failed is not None:
            return failed
        assert isinstance(fields, dict)
        self.digest.update(self.tail[: at + 1])
        self.digest.update(self.tail[line_end + 1 :])
        public = signing.unb64(str(fields["key"]))
        try:
            file_sig = signing.unb64(trailer["file_sig"])
        except ValueError:
            return make_verdict("illisible")
        if not signing.verify(public, file_sig, file_message(self.digest.digest(), fields_sig)):
            return make_verdict("fichier_modifie", fields)
        return authentic(fields)


class VerifierSink:
    """An uploaded file streamed straight into a `Verifier` (an `upload.Sink`): no copy."""

    def __init__(self, trusted: list[bytes]) -> None:
        self.verifier = Verifier(trusted)

    def write(self, data: bytes) -> None:
        self.verifier.feed(data)

    def abort(self) -> None:
        pass


def verdict_json(verdict: Verdict) -> dict[str, Any]:
    """The verdict for the API: status, French message, and the fields when authentic."""
    body: dict[str, Any] = {
        "status": verdict.status,
        "authentic": verdict.authentic,
        "message": verdict.message,
    }
    if verdict.authentic:
        body["fields"] = verdict.fields
    return body
