from __future__ import annotations

from tests.vault.conftest import login, pdf_bytes, upload


def test_upload_list_download_delete(client, world):
    login(client, world.actors["beneficiary_a"])
    content = pdf_bytes(200_000)
    response = upload(client, content)
    assert response.status_code == 303, response.text
    doc_url = response.headers["location"]
    listing = client.get("/documents")
    assert "Ma pièce" in listing.text
    download = client.get(doc_url + "/telecharger")
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
