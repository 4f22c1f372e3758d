"""Duplicates: issued by the owner, verified by anyone (code, QR, PDF upload, offline CLI).

The genuine duplicate verifies; a forged one (no signature), one byte changed in the PDF, a
changed field, another key and a damaged signature each fail with their own French message.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import delete, select
from starlette.testclient import TestClient

from tests.vault.conftest import KEY1, KEY2, csrf_token, login, pdf_bytes, upload
from tests.vault.test_rotation import with_keyring
from vault_service import duplicates as dups
from vault_service import keys, signing
from vault_service.app import create_app
from vault_service.crypto import Keyring
from vault_service.db import audit_log, published_keys

ROOT = Path(__file__).resolve().parents[2]


def real_pdf(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(pages):
        canvas.drawString(72, 720, f"Attestation de test, page {number + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def issue(client, content: bytes, filename: str = "piece.pdf") -> tuple[str, str, bytes]:
    response = upload(client, content, filename=filename)
    assert response.status_code == 303, response.text
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    token = csrf_token(client, f"/documents/{doc_id}/duplicata")
    response = client.post(
        f"/documents/{doc_id}/duplicata",
        data={
            "csrf_token": token,
            "recipient": "CCAS de Mamoudzou",
            "purpose": "Demande de logement social",
            "scheme": "aide-logement",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    code = location.rsplit("/", 1)[-1]
    pdf = client.get(location)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    return doc_id, code, pdf.content


def verify_upload(client, content: bytes):
    response = client.post(
        "/verification", files={"file": ("duplicata.pdf", content, "application/pdf")}
    )
    assert response.status_code == 200
    return response.text


def trailer(pdf: bytes) -> tuple[int, int, dict[str, Any]]:
    start = pdf.rindex(dups.MARKER) + len(dups.MARKER)
    end = pdf.index(b"\n", start)
    return start, end, json.loads(signing.unb64(pdf[start:end].decode()))


def with_trailer(pdf: bytes, data: dict[str, Any]) -> bytes:
    start, end, _ = trailer(pdf)
    return pdf[:start] + signing.b64(signing.canonical(data)).encode() + pdf[end:]


def html_text(message: str) -> str:
    return message.replace("'", "&#39;")


def test_genuine_duplicate_verifies_and_every_forgery_is_named(client, world, app, engine):
    login(client, world.actors["beneficiary_a"])
    doc_id, code, pdf = issue(client, real_pdf(2))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3  # stamp page + the two original pages, each stamped
    assert "CCAS de Mamoudzou" in reader.pages[0].extract_text()
    assert all("DUPLICATA" in page.extract_text() for page in reader.pages)

    anonymous = type(client)(app, base_url="http://testserver")
    assert "Duplicata authentique : délivré le" in verify_upload(anonymous, pdf)

    # One byte changed inside the PDF (before the signature line).
    altered = bytearray(pdf)
    altered[len(pdf) // 3] ^= 0x01
    assert html_text(dups.MESSAGES["fichier_modifie"]) in verify_upload(anonymous, bytes(altered))
    # A field changed in the signature line (recipient).
    _, _, data = trailer(pdf)
    data["fields"]["recipient"] = "Préfecture"
    changed = with_trailer(pdf, data)
    assert html_text(dups.MESSAGES["mentions_modifiees"]) in verify_upload(anonymous, changed)
    # Re-signed with another key (a forger's own key).
    forger = signing.SigningKeys({"x": os.urandom(32)})
    _, _, data = trailer(pdf)
    data["fields"]["key"] = signing.b64(forger.public_key(signing.PLATFORM))
    start, _, _ = trailer(pdf)
    line_start = pdf.rindex(dups.MARKER) + 1
    plain = pdf[:line_start] + pdf[pdf.index(b"\n", start) + 1 :]
    forged = dups.seal(forger, data["fields"], plain)
    expected = dups.message(
        "cle_etrangere", fingerprint=signing.fingerprint(forger.public_key(signing.PLATFORM))
    )
    assert html_text(expected) in verify_upload(anonymous, forged)
    # No signature at all (an ordinary PDF), and a damaged signature line.
    assert html_text(dups.MESSAGES["sans_signature"]) in verify_upload(anonymous, real_pdf(1))
    start, end, _ = trailer(pdf)
    damaged = pdf[:start] + b"AAAA" + pdf[end:]
    assert html_text(dups.MESSAGES["illisible"]) in verify_upload(anonymous, damaged)

    # The typed code, as people type it (lower case, spaces), and an unknown one.
    typed = anonymous.get("/verification", params={"code": dups.show_code(code).lower()})
    assert "Duplicata authentique" in typed.text and "CCAS de Mamoudzou" in typed.text
    unknown = anonymous.get("/verification", params={"code": "0000-0000-0000-0000"})
    assert html_text(dups.MESSAGES["inconnu"]) in unknown.text
    # The QR code's content (fields + their signature), genuine and tampered.
    keys = app.state.vault.signing
    fields = trailer(pdf)[2]["fields"]
    scanned = anonymous.get("/verification", params={"d": dups.qr_payload(keys, fields)})
    assert "Duplicata authentique" in scanned.text
    assert "Attestation" not in dups.qr_payload(keys, fields)  # the title is not in the QR
    assert fields["holder"] in scanned.text  # given back by the register
    fields["purpose"] = "Autre chose"
    sig = signing.b64(keys.sign_fields(signing.PLATFORM, trailer(pdf)[2]["fields"]).value)
    tampered = signing.b64(signing.canonical({"fields": fields, "sig": sig}))
    scanned = anonymous.get("/verification", params={"d": tampered})
    assert html_text(dups.MESSAGES["mentions_modifiees"]) in scanned.text

    with engine.connect() as conn:
        rows = list(
            conn.execute(
                select(audit_log).where(audit_log.c.object_id == doc_id).order_by(audit_log.c.seq)
            )
        )
    actions = [row.action for row in rows]
    assert actions[-6:-4] == ["duplicate.issue", "duplicate.download"]
    # Each check of her genuine duplicate is in her journal: result and how, nobody's address;
    # forged files (no signature, another key, changed fields) name no code of hers: no entry.
    checks = [json.loads(row.detail) for row in rows[-4:]]
    assert {row.action for row in rows[-4:]} == {"duplicate.verified"}
    assert {row.subject_id for row in rows[-4:]} == {world.actors["beneficiary_a"].id}
    assert {row.actor_id for row in rows[-4:]} == {None}
    assert [(c["result"], c["how"]) for c in checks] == [
        ("authentique", "fichier"),
        ("fichier_modifie", "fichier"),
        ("authentique", "code"),
        ("authentique", "qr"),
    ]
    assert all(set(c) == {"code", "result", "how"} and c["code"] == code for c in checks)
    history = client.get("/historique").text
    assert "Votre duplicata de « Ma pièce » a été vérifié : authentique" in history
    assert "avec le code imprimé" in history and "avec le fichier PDF" in history
    assert "Une copie modifiée de votre duplicata de « Ma pièce » a été présentée" in history

    # She cancels it (lost paper): every check says so from now on.
    token = csrf_token(client, f"/documents/{doc_id}/duplicata")
    cancel = client.post(
        f"/documents/{doc_id}/duplicatas/{code}/annuler",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert cancel.status_code == 303
    assert "Ce duplicata a été annulé le" in verify_upload(anonymous, pdf)
    typed = anonymous.get("/verification", params={"code": code})
    assert "Ce duplicata a été annulé le" in typed.text
    again = client.post(
        f"/documents/{doc_id}/duplicatas/{code}/annuler", data={"csrf_token": token}
    )
    assert again.status_code == 404


def test_photo_duplicate_and_form_errors(client, world):
    login(client, world.actors["beneficiary_a"])
    _, _, pdf = issue(client, jpeg(), filename="photo.jpg")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert reader.pages[1].images  # the photo is in the duplicate
    response = upload(client, pdf_bytes(2000))
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    token = csrf_token(client, f"/documents/{doc_id}/duplicata")
    refused = client.post(
        f"/documents/{doc_id}/duplicata",
        data={"csrf_token": token, "recipient": " ", "purpose": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert "Indiquez à qui vous remettez ce duplicata" in refused.text
    assert "Indiquez pour quoi" in refused.text


def test_public_keys_and_offline_check(client, world, tmp_path):
    login(client, world.actors["beneficiary_a"])
    _, _, pdf = issue(client, real_pdf(1))
    page = client.get("/cles-publiques")
    assert page.status_code == 200 and "/cles-publiques/k1.pem" in page.text
    pem = client.get("/cles-publiques/k1.pem")
    assert pem.text.startswith("-----BEGIN PUBLIC KEY-----")
    assert client.get("/cles-publiques/inconnue.pem").status_code == 404
    (tmp_path / "cle.pem").write_text(pem.text)
    (tmp_path / "duplicata.pdf").write_bytes(pdf)
    altered = bytearray(pdf)
    altered[100] ^= 0x20
    (tmp_path / "altere.pdf").write_bytes(bytes(altered))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        # No database, no secret in the environment: only the file and the public key.
        return subprocess.run(
            [sys.executable, "-m", "vault_service", "verify-duplicate", *args],
            cwd=tmp_path,
            env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )

    good = run("duplicata.pdf", "--public-key", "cle.pem")
    assert good.returncode == 0 and good.stdout.startswith("AUTHENTIQUE : Duplicata authentique")
    assert "Remis à : CCAS de Mamoudzou" in good.stdout
    bad = run("altere.pdf", "--public-key", "cle.pem")
    assert bad.returncode == 1
    assert bad.stdout.strip() == "NON VALABLE : " + dups.MESSAGES["fichier_modifie"]
    other = signing.b64(signing.SigningKeys({"z": os.urandom(32)}).public_key("duplicata"))
    foreign = run("duplicata.pdf", "--public-key", other)
    assert foreign.returncode == 1 and "n'est pas celle du coffre-fort" in foreign.stdout
    unreadable = run("duplicata.pdf", "--public-key", "abc")
    assert unreadable.returncode == 2 and "Clé publique « abc »" in unreadable.stderr
    missing = run("absent.pdf", "--public-key", "cle.pem")
    assert missing.returncode == 2 and "absent.pdf : fichier illisible" in missing.stderr


@pytest.mark.parametrize("size", [10, 5 * 1024 * 1024])
def test_verifier_memory_is_bounded(size):
    verifier = dups.Verifier([])
    for _ in range(size // 65536 + 1):
        verifier.feed(b"x" * 65536)
        assert len(verifier.tail) <= 2 * (dups.MAX_TRAILER + 64) + 65536
    assert verifier.verdict().status == "sans_signature"


def test_rotated_offset_and_unreadable_originals():
    from pypdf import PdfWriter

    from vault_service.duplicate_pdf import render

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=400)
    page.rotate(90)
    page.mediabox.lower_left = (50, 50)
    buffer = io.BytesIO()
    writer.write(buffer)
    lines = [("Document", "Test")]
    rotated = PdfReader(
        io.BytesIO(render(lines, "x", "y", "BANDE", buffer.getvalue(), "application/pdf"))
    )
    assert len(rotated.pages) == 2 and "BANDE" in rotated.pages[1].extract_text()
    # Not a PDF pypdf can read: the stamp page and a note page, never an error.
    broken = render(lines, "x", "y", "BANDE", b"%PDF-1.4\ngarbage\n%%EOF\n", "application/pdf")
    pages = PdfReader(io.BytesIO(broken)).pages
    assert len(pages) == 2 and "ne peut pas être reproduit" in pages[1].extract_text()
    heic = render(lines, "x", "y", "BANDE", b"\x00\x00\x00\x18ftypheic", "image/heic")
    assert "ne peut pas être reproduit" in PdfReader(io.BytesIO(heic)).pages[1].extract_text()


def test_duplicates_through_the_api(client, world, app):
    api = {"X-Vault-CSRF": "1"}
    login(client, world.actors["beneficiary_a"])
    doc_id = upload(client, real_pdf(1)).headers["location"].rsplit("/", 1)[-1]
    refused = client.post(
        f"/api/documents/{doc_id}/duplicates", json={"recipient": "", "purpose": ""}, headers=api
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "duplicata_refuse"
    made = client.post(
        f"/api/documents/{doc_id}/duplicates",
        json={"recipient": "Caisse de sécurité sociale", "purpose": "Carte vitale"},
        headers=api,
    )
    assert made.status_code == 201
    body = made.json()
    assert client.get(f"/api/documents/{doc_id}/duplicates").json()["duplicates"] == [body]
    pdf = client.get(body["pdf"]).content
    public = type(client)(app, base_url="http://testserver")
    checked = public.post(
        "/api/verification", files={"file": ("d.pdf", pdf, "application/pdf")}, headers=api
    ).json()
    assert checked["status"] == "authentique" and checked["authentic"] is True
    assert checked["fields"]["recipient"] == "Caisse de sécurité sociale"
    typed = public.get("/api/verification", params={"code": body["code"]}).json()
    assert typed["fields"]["purpose"] == "Carte vitale"
    bad = public.post(
        "/api/verification",
        files={"file": ("d.pdf", pdf[:-40] + b"x" * 40, "application/pdf")},
        headers=api,
    ).json()
    assert bad["authentic"] is False and "fields" not in bad
    assert public.get("/api/verification").status_code == 400


def test_the_longest_fields_still_fit_in_the_qr_code():
    from types import SimpleNamespace

    import segno

    keys = signing.SigningKeys({"k1": bytes(32)})
    fields = dups.make_fields(
        keys,
        code=dups.new_code(),
        version=SimpleNamespace(sha256="a" * 64, version=1),
        document=SimpleNamespace(title="é" * 200),
        holder="Ç" * 250,
        recipient="à" * 120,
        purpose="ù" * 160,
        scheme="aide-logement",
    )
    text = "https://coffre.example.yt/verification?d=" + dups.qr_payload(keys, fields)
    assert int(segno.make(text, error="l", micro=False).version) <= 27  # ~125 modules
    verdict = dups.verify_qr([keys.public_key(signing.PLATFORM)], text.split("?d=", 1)[1])
    assert verdict.authentic


KEY_ARG = ("--public-key", "cle.pem")


def test_a_duplicate_issued_before_a_key_rotation_still_verifies(
    client, world, engine, settings, tmp_path
):
    """Issue 9 point 5: once the old keyring key is gone, a genuine duplicate signed with it
    still verifies on the public page (PDF and QR code) and offline: its public key stays
    published (append-only register), beside the new one."""
    login(client, world.actors["beneficiary_a"])
    _, _, pdf = issue(client, real_pdf(1))
    _, _, data = trailer(pdf)
    qr = dups.qr_payload(signing.SigningKeys({"k1": KEY1}), data["fields"])
    old = signing.SigningKeys({"k1": KEY1}).public_key(signing.PLATFORM)
    with engine.begin() as conn:  # as if issued before 0006: rotate-keys must publish it
        conn.execute(delete(published_keys))
    keys.rotate(engine, Keyring({"k2": KEY2, "k1": KEY1}))
    with engine.connect() as conn:
        recorded = conn.execute(
            select(published_keys.c.key_id).where(published_keys.c.purpose == signing.PLATFORM)
        ).scalars()
        assert sorted(recorded) == ["k1", "k2"]
    after = with_keyring(settings, {"k2": KEY2})  # k1 removed from the keyring
    with TestClient(create_app(after, engine=engine), base_url="http://testserver") as anonymous:
        assert "Duplicata authentique : délivré le" in verify_upload(anonymous, pdf)
        by_qr = anonymous.get("/verification", params={"d": qr})
        assert "Duplicata authentique : délivré le" in by_qr.text
        listed = anonymous.get("/cles-publiques").text
        assert "/cles-publiques/k1.pem" in listed and "/cles-publiques/k2.pem" in listed
        assert signing.fingerprint(old) in listed
        pem = anonymous.get("/cles-publiques/k1.pem").text
        assert signing.parse_public_key(pem) == old
    (tmp_path / "cle.pem").write_text(pem)
    (tmp_path / "duplicata.pdf").write_bytes(pdf)
    offline = subprocess.run(
        [sys.executable, "-m", "vault_service", "verify-duplicate", "duplicata.pdf", *KEY_ARG],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert offline.returncode == 0, offline.stdout + offline.stderr
