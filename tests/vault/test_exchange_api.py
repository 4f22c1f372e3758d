"""The JSON API of consent (shares, requests, deposits), on SQLite and PostgreSQL, with the
attacks and their exact statuses: an unrelated professional, a colleague when the share names
one person, an expired or revoked share, someone else's document or share, the CSRF header and
another site's origin. Same rules and journal as the pages (the domain functions)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.vault.conftest import add_account, csrf_token, pdf_bytes, upload
from tests.vault.test_shares import signed_in
from vault_service.db import audit_log, documents, now, shares

API = {"X-Vault-CSRF": "1"}


@pytest.fixture
def people(app, world, engine, settings):
    found = {
        name: signed_in(app, world.actors[name])
        for name in ("beneficiary_a", "beneficiary_b", "pro_x", "pro_y", "structure_admin")
    }
    found["pro_x2"] = signed_in(
        app, add_account(engine, settings, "pro.x2", "professional", world.structure_x)
    )
    doc = upload(found["beneficiary_a"], pdf_bytes(3000), title="Carte d'identité")
    found["doc"] = doc.headers["location"].rsplit("/", 1)[-1]
    return found


def post(client: Any, path: str, **body: Any) -> Any:
    return client.post(path, json=body, headers=API)


def give(people: Any, world: Any, **fields: Any) -> Any:
    body = {
        "structure_id": world.structure_x,
        "scheme": "rsa",
        "purpose": "dossier RSA",
        "documents": [people["doc"]],
        **fields,
    }
    return post(people["beneficiary_a"], "/api/shares", **body)


def content(client: Any, doc_id: str) -> int:
    code: int = client.get(f"/api/pro/documents/{doc_id}/content").status_code
    return code


def actions(engine: Any) -> list[str]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq))
        return [row.action for row in rows]


def test_a_share_named_to_one_professional_through_the_api(people, world, engine):
    doc = people["doc"]
    given = give(people, world, professional_login="pro.x", days=30)
    assert given.status_code == 201, given.text
    share = given.json()
    assert share["structure"] == {"id": world.structure_x, "name": "Structure X"}
    assert share["professional"] == "Pro.X Test" and share["live"] is True
    assert share["documents"] == [{"id": doc, "title": "Carte d'identité"}]
    assert actions(engine)[-1] == "share.grant"
    listed = people["beneficiary_a"].get("/api/shares").json()["shares"]
    assert [s["id"] for s in listed] == [share["id"]]
    assert people["beneficiary_b"].get("/api/shares").json() == {"shares": []}
    # He sees it; his colleague, the structure admin and another structure do not.
    seen = people["pro_x"].get("/api/pro/shares").json()["shares"]
    assert [(s["person"]["id"], s["id"]) for s in seen] == [
        (world.actors["beneficiary_a"].id, share["id"])
    ]
    for other in ("pro_x2", "structure_admin", "pro_y"):
        assert people[other].get("/api/pro/shares").json() == {"shares": []}
        assert content(people[other], doc) == 404
    got = people["pro_x"].get(f"/api/pro/documents/{doc}/content")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert actions(engine)[-1] == "document.download"
    # Beneficiaries never use the professional side, and the reverse.
    assert people["beneficiary_a"].get("/api/pro/shares").status_code == 403
    assert people["pro_x"].get("/api/shares").status_code == 403
    # Someone else's share cannot be revoked (404, nothing changes); hers ends at once.
    assert (
        people["beneficiary_b"].delete(f"/api/shares/{share['id']}", headers=API).status_code == 404
    )
    assert content(people["pro_x"], doc) == 200
    assert (
        people["beneficiary_a"].delete(f"/api/shares/{share['id']}", headers=API).status_code == 204
    )
    assert content(people["pro_x"], doc) == 404
    assert (
        people["beneficiary_a"].delete(f"/api/shares/{share['id']}", headers=API).status_code == 404
    )
    assert actions(engine)[-1] == "share.revoke"


def test_an_expired_share_stops_and_bad_shares_are_refused(people, world, engine):
    share = give(people, world).json()
    assert content(people["pro_x2"], people["doc"]) == 200  # the whole structure
    with engine.begin() as conn:
        conn.execute(
            update(shares)
            .where(shares.c.id == share["id"])
            .values(expires_at=now() - timedelta(seconds=1))
        )
    assert content(people["pro_x"], people["doc"]) == 404
    listed = people["beneficiary_a"].get("/api/shares").json()["shares"]
    assert listed[0]["live"] is False
    # Someone else's document, an unknown structure, a bad duration: 400 with the fix.
    bacar_doc = upload(people["beneficiary_b"], pdf_bytes(2000)).headers["location"]
    refused = give(people, world, documents=[bacar_doc.rsplit("/", 1)[-1]])
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "partage_refuse"
    assert give(people, world, days=0).status_code == 400
    assert give(people, world, days="90").status_code == 400
    assert give(people, world, structure_id="inconnue").status_code in (400, 404)
    unknown = give(people, world, colour="bleu")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "champ_inconnu"
    assert give(people, world, documents="tout").status_code == 400


def test_csrf_header_and_origin_rules_apply(people, world, engine):
    before = actions(engine)
    no_header = people["beneficiary_a"].post(
        "/api/shares", json={"structure_id": world.structure_x}
    )
    assert no_header.status_code == 403 and no_header.json()["error"]["code"] == "csrf"
    cross = people["beneficiary_a"].post(
        "/api/shares",
        json={"structure_id": world.structure_x},
        headers={**API, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert cross.status_code == 403 and cross.json()["error"]["code"] == "origine"
    anonymous = TestClient(people["pro_x"].app, base_url="http://testserver")
    assert anonymous.get("/api/shares").status_code == 401
    assert anonymous.get("/api/pro/shares").status_code == 401
    assert actions(engine) == before


def test_requests_through_the_api(people, world, engine):
    amina = world.actors["beneficiary_a"].id
    body = {"scheme": "rsa", "purpose": "dossier RSA", "doc_types": ["identite"]}
    # An unrelated professional: 404, as for a person who does not exist; a beneficiary: 403.
    assert post(people["pro_y"], f"/api/pro/people/{amina}/requests", **body).status_code == 404
    assert post(people["pro_x"], "/api/pro/people/inconnu/requests", **body).status_code == 404
    wrong = post(people["beneficiary_b"], f"/api/pro/people/{amina}/requests", **body)
    assert wrong.status_code == 403
    incomplete = post(people["pro_x"], f"/api/pro/people/{amina}/requests", scheme="rsa")
    assert incomplete.status_code == 400
    assert "Cochez au moins un type de document." in incomplete.json()["error"]["message"]
    made = post(people["pro_x"], f"/api/pro/people/{amina}/requests", **body)
    assert made.status_code == 201 and made.json()["status"] == "pending"
    ask_id = made.json()["id"]
    assert actions(engine)[-1] == "request.create"
    received = people["beneficiary_a"].get("/api/requests").json()["requests"]
    assert [(r["id"], r["status"], r["doc_types"]) for r in received] == [
        (ask_id, "pending", ["identite"])
    ]
    assert people["beneficiary_b"].get("/api/requests").json() == {"requests": []}
    # Only she answers: Bacar gets 404; she accepts for the one who asked.
    path = f"/api/requests/{ask_id}/accept"
    assert post(people["beneficiary_b"], path, documents=[people["doc"]]).status_code == 404
    accepted = post(people["beneficiary_a"], path, documents=[people["doc"]], only_requester=True)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["professional"] == "Pro.X Test"
    assert actions(engine)[-2:] == ["share.grant", "request.accept"]
    assert content(people["pro_x"], people["doc"]) == 200
    assert content(people["pro_x2"], people["doc"]) == 404
    assert post(people["beneficiary_a"], path, documents=[people["doc"]]).status_code == 404
    # A second request, refused.
    second = post(people["pro_x"], f"/api/pro/people/{amina}/requests", **body).json()["id"]
    refuse = f"/api/requests/{second}/refuse"
    assert people["beneficiary_b"].post(refuse, headers=API).status_code == 404
    assert people["beneficiary_a"].post(refuse, headers=API).status_code == 204
    assert people["beneficiary_a"].post(refuse, headers=API).status_code == 404
    assert actions(engine)[-1] == "request.refuse"


def deposit(client: Any, person_id: str, content: bytes) -> Any:
    return client.post(
        f"/api/pro/people/{person_id}/deposits",
        headers=API,
        data={"title": "Attestation", "doc_type": "residence", "scheme": "domiciliation"},
        files={"file": ("attestation.pdf", content, "application/pdf")},
    )


def test_deposits_through_the_api(people, world, engine, settings):
    amina, bacar = world.actors["beneficiary_a"].id, world.actors["beneficiary_b"].id
    body = pdf_bytes(200_000)  # larger than a form: an upload route (the page's too)
    before = sorted(settings.data_dir.rglob("*.vlt"))
    assert deposit(people["pro_y"], amina, body).status_code == 404
    assert deposit(people["pro_x"], bacar, body).status_code == 404
    assert deposit(people["beneficiary_b"], amina, body).status_code == 403
    assert sorted(settings.data_dir.rglob("*.vlt")) == before  # nothing kept
    done = deposit(people["pro_x"], amina, body)
    assert done.status_code == 201, done.text
    doc_id = done.json()["id"]
    assert actions(engine)[-1] == "deposit.create"
    with engine.connect() as conn:
        owner = conn.execute(select(documents.c.owner_id).where(documents.c.id == doc_id))
        assert owner.scalar_one() == amina
    origin = people["beneficiary_a"].get(f"/documents/{doc_id}/origine")
    assert origin.status_code == 200 and "Authentique" in origin.text
    page = people["pro_x"].post(
        f"/pro/personnes/{amina}/depots",
        data={
            "csrf_token": csrf_token(people["pro_x"], "/pro"),
            "title": "Attestation 2",
            "doc_type": "residence",
            "scheme": "domiciliation",
        },
        files={"file": ("attestation.pdf", body, "application/pdf")},
        follow_redirects=False,
    )
    assert page.status_code == 303
    bad = people["pro_x"].post(
        f"/api/pro/people/{amina}/deposits",
        headers=API,
        data={"title": "", "doc_type": "inconnu", "scheme": "domiciliation"},
        files={"file": ("attestation.pdf", pdf_bytes(2000), "application/pdf")},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "document_refuse"


def test_bodies_beyond_their_schema_are_refused_not_cut(people, world, engine):
    """What the OpenAPI schema bounds (purpose ≤ 300 characters, ≤ 200 documents, ≤ 20 types
    asked) is refused with 400 naming the field, never cut without a word; a duration written
    14.0 is the integer JSON says it is, and a bad duration is said once."""
    before = actions(engine)
    long_purpose = give(people, world, purpose="p" * 301)
    assert long_purpose.status_code == 400
    assert long_purpose.json()["error"] == {
        "code": "champ",
        "message": "Le champ « purpose » dépasse 300 caractères.",
        "detail": {"field": "purpose"},
    }
    many = give(people, world, documents=[people["doc"]] * 201)
    assert many.json()["error"]["message"] == (
        "Le champ « documents » a 201 éléments : 200 au plus."
    )
    assert give(people, world, professional_login="p" * 201).status_code == 400
    nan = give(people, world, days="90")
    assert nan.json()["error"]["message"] == "La durée est un nombre de jours, entre 1 et 365."
    amina = world.actors["beneficiary_a"].id
    asks = f"/api/pro/people/{amina}/requests"
    too_many = post(people["pro_x"], asks, scheme="rsa", purpose="x", doc_types=["identite"] * 21)
    assert too_many.status_code == 400
    assert too_many.json()["error"]["detail"] == {"field": "doc_types"}
    wordy = post(people["pro_x"], asks, scheme="rsa", purpose="x" * 301, doc_types=["identite"])
    assert wordy.json()["error"]["message"] == "Le champ « purpose » dépasse 300 caractères."
    assert actions(engine) == before
    for media_type in ("application/jsonp", "application/json-patch+json", "text/plain"):
        confused = people["beneficiary_a"].post(
            "/api/shares", content=b"{}", headers={**API, "Content-Type": media_type}
        )
        assert confused.status_code == 415, media_type
    assert actions(engine) == before
    made = give(people, world, purpose="p" * 300, days=14.0)
    assert made.status_code == 201, made.text
    assert made.json()["purpose"] == "p" * 300


def test_unknown_types_are_named_and_invisible_characters_never_reach_the_other_side(
    people, world, engine
):
    """A request naming a type the vault does not know says which one (not « cochez au moins
    un type »), and nothing is recorded; a purpose carrying a bidi override or zero-width
    characters (to show the professional another text than the one typed) is kept without them."""
    amina = world.actors["beneficiary_a"].id
    asks = f"/api/pro/people/{amina}/requests"
    before = actions(engine)
    unknown = post(people["pro_x"], asks, scheme="rsa", purpose="x", doc_types=["zz", "identite"])
    assert unknown.status_code == 400
    assert unknown.json()["error"]["message"] == "Type de document inconnu : zz."
    assert actions(engine) == before
    disguised = "dossier\u202eASR\u200b\u2066 logement"
    made = give(people, world, purpose=disguised)
    assert made.status_code == 201, made.text
    assert made.json()["purpose"] == "dossierASR logement"
    asked = post(people["pro_x"], asks, scheme="rsa", purpose=disguised, doc_types=["identite"])
    assert asked.status_code == 201, asked.text
    received = people["beneficiary_a"].get("/api/requests").json()["requests"]
    assert [r["purpose"] for r in received] == ["dossierASR logement"]
