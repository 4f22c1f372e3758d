"""Documents as people use them: filters by type and scheme, counts (page and API), expiry
reminders, several phone photos merged into one PDF at upload."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image
from pypdf import PdfReader

from tests.vault.conftest import csrf_token, login, pdf_bytes
from vault_service import api, listing

API = {"X-Vault-CSRF": "1"}


def deposit(client, title, doc_type, scheme, expires_on="", content=None, files=None):
    token = csrf_token(client, "/documents/depot")
    data = {
        "csrf_token": token,
        "title": title,
        "doc_type": doc_type,
        "scheme": scheme,
        "expires_on": expires_on,
    }
    if files is None:
        files = {"file": ("piece.pdf", content or pdf_bytes(1500), "application/pdf")}
    return client.post("/documents/depot", data=data, files=files, follow_redirects=False)


def picture(fmt: str, size=(120, 80), color=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def test_filters_and_counts_on_the_page_and_the_api(client, world):
    login(client, world.actors["beneficiary_a"])
    for title, doc_type, scheme in [
        ("Carte d'identité", "identite", "aucun"),
        ("Passeport", "identite", "titre-sejour"),
        ("Avis d'imposition", "ressources", "rsa"),
    ]:
        assert deposit(client, title, doc_type, scheme).status_code == 303
    page = client.get("/documents", params={"type": "identite"})
    assert "Carte d&#39;identité" in page.text and "Passeport" in page.text
    assert "Avis d&#39;imposition" not in page.text
    assert '<option value="identite" selected>Identité (2)</option>' in page.text
    assert "2 documents affichés sur 3" in page.text
    both = client.get("/documents", params={"type": "identite", "dispositif": "titre-sejour"})
    assert "Passeport" in both.text and "Carte d&#39;identité" not in both.text
    api = client.get("/api/documents", params={"doc_type": "identite"}).json()
    assert sorted(d["title"] for d in api["documents"]) == ["Carte d'identité", "Passeport"]
    counts = client.get("/api/documents/counts").json()
    assert counts["total"] == 3
    assert counts["by_type"]["identite"] == 2 and counts["by_type"]["sante"] == 0
    assert counts["by_scheme"]["rsa"] == 1
    # Another person's counts are her own.
    other = type(client)(client.app, base_url="http://testserver")
    login(other, world.actors["beneficiary_b"])
    assert other.get("/api/documents/counts").json()["total"] == 0


def test_expiry_reminders_and_date_errors(client, world):
    login(client, world.actors["beneficiary_a"])
    today = listing.today()
    soon = (today + timedelta(days=20)).isoformat()
    past = (today - timedelta(days=3)).strftime("%d/%m/%Y")  # typed by hand
    far = (today + timedelta(days=400)).isoformat()
    assert deposit(client, "Titre de séjour", "residence", "titre-sejour", soon).status_code == 303
    assert deposit(client, "Carte d'identité", "identite", "aucun", past).status_code == 303
    assert deposit(client, "Passeport", "identite", "aucun", far).status_code == 303
    page = client.get("/documents").text
    soon_text = (today + timedelta(days=20)).strftime("%d/%m/%Y")
    assert f"n'est plus valable après le {soon_text} (dans 20 jours)" in page
    past_text = (today - timedelta(days=3)).strftime("%d/%m/%Y")
    assert f"n'est plus valable depuis le {past_text}" in page
    assert page.count('role="status"') == 2  # the passport is not due yet
    refused = deposit(client, "Bail", "logement", "aucun", "31/02/2027")
    assert refused.status_code == 400
    assert listing.BAD_DATE.replace("'", "&#39;") in refused.text
    # API: the date is shown, changed, kept when a PATCH does not name it.
    doc = next(
        d for d in client.get("/api/documents").json()["documents"] if d["title"] == "Passeport"
    )
    assert doc["expires_on"] == far
    patched = client.patch(
        f"/api/documents/{doc['id']}", json={"expires_on": "2030-01-31"}, headers=API
    )
    assert patched.json()["expires_on"] == "2030-01-31"
    renamed = client.patch(f"/api/documents/{doc['id']}", json={"title": "Passeport"}, headers=API)
    assert renamed.json()["expires_on"] == "2030-01-31"
    bad = client.patch(f"/api/documents/{doc['id']}", json={"expires_on": "demain"}, headers=API)
    assert bad.status_code == 400 and bad.json()["error"]["message"] == api.API_BAD_DATE


def test_phone_photos_become_one_pdf(client, world):
    login(client, world.actors["beneficiary_a"])
    photos = [
        ("photos", ("page1.jpg", picture("JPEG"), "image/jpeg")),
        ("photos", ("page2.png", picture("PNG", (80, 120)), "image/png")),
        ("photos", ("page3.webp", picture("WEBP"), "image/webp")),
    ]
    empty_file = ("file", ("", b"", "application/octet-stream"))
    response = deposit(client, "Bail", "logement", "aide-logement", files=[empty_file, *photos])
    assert response.status_code == 303, response.text
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    content = client.get(f"/documents/{doc_id}/telecharger")
    assert content.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(content.content)).pages) == 3
    assert client.get(f"/api/documents/{doc_id}").json()["filename"] == "page1.pdf"


def test_refused_photos_are_named(client, world):
    login(client, world.actors["beneficiary_a"])
    polyglot = picture("JPEG") + b"PK\x05\x06" + b"\x00" * 18
    refused = deposit(
        client,
        "Bail",
        "logement",
        "aucun",
        files=[
            ("photos", ("a.jpg", picture("JPEG"), "image/jpeg")),
            ("photos", ("b.jpg", polyglot, "image/jpeg")),
        ],
    )
    assert refused.status_code == 400
    assert "Photo n° 2 (b.jpg) : Le fichier contient une archive ZIP cachée : refusé." in (
        refused.text
    )
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free"
    refused = deposit(
        client, "Bail", "logement", "aucun", files=[("photos", ("c.heic", heic, "image/heic"))]
    )
    assert refused.status_code == 400 and "les photos HEIC ne peuvent pas être réunies" in (
        refused.text
    )
    both = deposit(
        client,
        "Bail",
        "logement",
        "aucun",
        files=[
            ("file", ("piece.pdf", pdf_bytes(1200), "application/pdf")),
            ("photos", ("a.jpg", picture("JPEG"), "image/jpeg")),
        ],
    )
    assert both.status_code == 400 and "soit un fichier, soit des photos" in both.text
    assert client.get("/api/documents/counts").json()["total"] == 0


def test_sign_up_without_inventing_a_login(client):
    token = csrf_token(client, "/inscription")
    response = client.post(
        "/inscription",
        data={
            "csrf_token": token,
            "given_name": "Zaïnaba",
            "family_name": "Madi Combo",
            "birth_date": "1994-03-02",
            "login": "",
            "password": "un mot de passe assez long",
            "password2": "un mot de passe assez long",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/documents?bienvenue=1"
    page = client.get("/documents?bienvenue=1").text
    import re

    found = re.search(r'Votre nom de connexion est <strong class="big">([a-z0-9.]+)</strong>', page)
    assert found and re.fullmatch(r"zainaba\.madi\.combo\.\d{4}", found.group(1))
    # She signs in with it.
    other = type(client)(client.app, base_url="http://testserver")
    signed = other.post(
        "/connexion",
        data={
            "csrf_token": csrf_token(other),
            "login": found.group(1),
            "password": "un mot de passe assez long",
        },
        follow_redirects=False,
    )
    assert signed.status_code == 303


def test_a_phone_photo_taken_sideways_is_turned_upright(client, world):
    login(client, world.actors["beneficiary_a"])
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90°": how phones record a portrait photo
    Image.new("RGB", (300, 200), (0, 0, 0)).save(buffer, "JPEG", exif=exif)
    response = deposit(
        client,
        "Bail",
        "logement",
        "aucun",
        files=[("photos", ("portrait.jpg", buffer.getvalue(), "image/jpeg"))],
    )
    doc_id = response.headers["location"].rsplit("/", 1)[-1]
    pdf = PdfReader(io.BytesIO(client.get(f"/documents/{doc_id}/telecharger").content))
    box = pdf.pages[0].mediabox
    assert float(box.height) > float(box.width)  # upright, as she saw it


def test_photos_over_the_size_limit_are_refused(settings, engine, world):
    import dataclasses
    import os as _os

    from starlette.testclient import TestClient

    from vault_service.app import create_app

    small = dataclasses.replace(settings, max_upload_bytes=60_000)
    client = TestClient(create_app(small, engine=engine), base_url="http://testserver")
    login(client, world.actors["beneficiary_a"])

    def noise() -> bytes:
        buffer = io.BytesIO()
        Image.frombytes("RGB", (260, 260), _os.urandom(260 * 260 * 3)).save(buffer, "JPEG")
        return buffer.getvalue()

    photos = [("photos", (f"p{n}.jpg", noise(), "image/jpeg")) for n in range(2)]
    refused = deposit(client, "Bail", "logement", "aucun", files=photos)
    assert refused.status_code == 413
    assert "Le fichier dépasse la taille maximale" in refused.text
    assert client.get("/api/documents/counts").json()["total"] == 0


def test_a_refused_change_shows_the_document_again_with_the_reason(client, world):
    login(client, world.actors["beneficiary_a"])
    assert deposit(client, "Bail", "logement", "aucun").status_code == 303
    doc = next(d for d in client.get("/api/documents").json()["documents"] if d["title"] == "Bail")
    page = f"/documents/{doc['id']}"
    refused = client.post(
        f"{page}/modifier",
        data={
            "csrf_token": csrf_token(client, page),
            "title": " ",
            "doc_type": "logement",
            "scheme": "aucun",
            "expires_on": "31/02/2027",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert "Le titre est obligatoire." in refused.text
    assert listing.BAD_DATE.replace("'", "&#39;") in refused.text
    assert "Bail" in refused.text  # her document's page, its versions listed
    assert client.get(f"/api/documents/{doc['id']}").json()["title"] == "Bail"  # unchanged
