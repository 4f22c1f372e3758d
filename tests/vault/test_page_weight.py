"""Every page works on a cheap phone: HTML + stylesheet under 20 KB, no script, nothing from
another host, plain words (no « identifiant », no « session »). Walked as every actor, with a
vault of 30 documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.vault.conftest import csrf_token, login, pdf_bytes, upload

BUDGET = 20 * 1024
CSS = Path(__file__).resolve().parents[2] / "vault_service" / "static" / "vault.css"
NOT_PAGES = ("/api/", "/telecharger", "/voir", "/duplicatas/", ".zip", ".pem", "/static/")
EXTERNAL = re.compile(r'(?:src|href|action)="(?!/|#|data:)([^"]*)"')


@pytest.mark.slow
def test_every_page_is_light_and_needs_no_script(app, world, engine):
    owner = TestClient(app, base_url="http://testserver")
    login(owner, world.actors["beneficiary_a"])
    doc_id = ""
    for number in range(30):
        response = upload(owner, pdf_bytes(1200), title=f"Justificatif de domicile n° {number}")
        doc_id = response.headers["location"].rsplit("/", 1)[-1]
    token = csrf_token(owner, f"/documents/{doc_id}/duplicata")
    for _ in range(5):
        owner.post(
            f"/documents/{doc_id}/duplicata",
            data={"csrf_token": token, "recipient": "CCAS de Mamoudzou", "purpose": "Logement"},
        )
    values = {"doc_id": doc_id, "page": "partir", "structure_id": world.structure_x}
    css = len(CSS.read_bytes())
    weights: dict[str, int] = {}
    for name in ("anonymous", "beneficiary_a", "pro_x", "structure_admin", "platform_admin"):
        client = owner if name == "beneficiary_a" else TestClient(app, base_url="http://testserver")
        if name not in ("anonymous", "beneficiary_a"):
            login(client, world.actors[name])
        for route in app.routes:
            if not isinstance(route, Route) or "GET" not in (route.methods or ()):
                continue
            if any(part in route.path for part in NOT_PAGES):
                continue
            path = route.path
            for key, value in values.items():
                path = path.replace("{" + key + "}", value)
            if "{" in path:
                continue
            response = client.get(path, follow_redirects=False)
            if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
                continue
            html = response.text
            weights[f"{name} {path}"] = len(response.content) + css
            assert "<script" not in html, f"{path} : script"
            assert re.search(r"<title>[^<]+</title>", html), f"{path} : titre de page abîmé"
            words = re.sub(r"<[^>]+>", " ", html).lower()
            assert "identifiant" not in words and "session" not in words, (
                f"{path} : « identifiant » ou « session » (dites « nom de connexion », "
                "« appareils connectés »)"
            )
            assert EXTERNAL.findall(html) == [], f"{path} : adresse d'un autre site"
    assert len(weights) > 20
    heavy = {page: size for page, size in weights.items() if size > BUDGET}
    assert heavy == {}, f"pages de plus de 20 Ko (HTML + CSS) : {heavy}"
