"""Consent shares from outside, on SQLite and PostgreSQL, each case with its exact status:
before, during and after expiry; after revocation (on another instance too); a colleague of
the same structure when the share names one professional; another structure; a document
passed on without her consent; a departing professional."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.vault.conftest import add_account, csrf_token, login, pdf_bytes, upload
from vault_service.app import create_app
from vault_service.db import audit_log, now, shares
from vault_service.db import structures as structures_table


def signed_in(app: Any, actor: Any) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    login(client, actor)
    return client


def share(client: TestClient, structure_id: str, *documents: str, **fields: str) -> Any:
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client, "/partages/nouveau"),
        "structure_id": structure_id,
        "scheme": "rsa",
        "purpose": "dossier RSA",
        "days": "90",
        "document": list(documents),
        **fields,
    }
    return client.post("/partages", data=data, follow_redirects=False)


def share_ids(engine: Any) -> list[str]:
    with engine.connect() as conn:
        return [r.id for r in conn.execute(select(shares.c.id).order_by(shares.c.created_at))]


def status(client: TestClient, doc_id: str, what: str = "/telecharger") -> int:
    code: int = client.get(f"/pro/documents/{doc_id}{what}", follow_redirects=False).status_code
    return code


@pytest.fixture
def scene(app, world, engine, settings):
    people = {
        name: signed_in(app, world.actors[name])
        for name in ("beneficiary_a", "beneficiary_b", "pro_x", "pro_y", "structure_admin")
    }
    people["pro_x2"] = signed_in(
        app, add_account(engine, settings, "pro.x2", "professional", world.structure_x)
    )
    response = upload(people["beneficiary_a"], pdf_bytes(3000), title="Carte d'identité")
    doc = response.headers["location"].rsplit("/", 1)[-1]
    return people, doc


def test_named_professional_only_until_expiry(scene, world, engine):
    people, doc = scene
    amina = people["beneficiary_a"]
    assert status(people["pro_x"], doc) == 404  # before any share
    response = share(amina, world.structure_x, doc, professional_login="pro.x")
    assert response.status_code == 303
    assert response.headers["location"] == f"/documents/{doc}"
    pro = people["pro_x"]
    opened = pro.get(f"/pro/documents/{doc}/telecharger")
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF-")
    assert status(pro, doc, "") == 200
    assert status(pro, doc, "/voir") == 200
    assert "Carte d&#39;identité" in pro.get("/pro/partages").text
    # The share names pro.x: colleagues of the same structure (administrator too) see nothing.
    assert status(people["pro_x2"], doc) == 404
    assert status(people["structure_admin"], doc) == 404
    assert status(people["pro_y"], doc) == 404
    assert "Carte d&#39;identité" not in people["pro_x2"].get("/pro/partages").text
    # Another beneficiary has no professional pages at all.
    assert status(people["beneficiary_b"], doc) == 403
    # During: one second before expiry it still opens; at and after expiry, 404 (no job ran).
    [share_id] = share_ids(engine)
    with engine.begin() as conn:
        conn.execute(
            update(shares)
            .where(shares.c.id == share_id)
            .values(expires_at=now() + timedelta(seconds=30))
        )
    assert status(pro, doc) == 200
    with engine.begin() as conn:
        conn.execute(update(shares).values(expires_at=now() - timedelta(seconds=1)))
    assert status(pro, doc) == 404
    assert status(pro, doc, "") == 404
    assert "Carte d&#39;identité" not in pro.get("/pro/partages").text
    page = amina.get(f"/documents/{doc}").text
    assert "Personne d'autre que vous." in page


def test_whole_structure_and_revocation_on_every_instance(scene, world, engine, settings):
    people, doc = scene
    amina = people["beneficiary_a"]
    assert share(amina, world.structure_x, doc).status_code == 303
    assert status(people["pro_x"], doc) == 200
    assert status(people["pro_x2"], doc) == 200
    assert status(people["structure_admin"], doc) == 200
    assert status(people["pro_y"], doc) == 404
    # She sees, on the document, who can see it, why and until when.
    page = amina.get(f"/documents/{doc}").text
    assert "Structure X" in page and "toute la structure" in page and "dossier RSA" in page
    assert "Jusqu'au" in page
    # A second instance of the vault on the same database: nothing cached anywhere.
    other = create_app(settings, engine=engine)
    pro_elsewhere = signed_in(other, world.actors["pro_x"])
    assert status(pro_elsewhere, doc) == 200
    [share_id] = share_ids(engine)
    revoked = amina.post(
        f"/partages/{share_id}/retirer",
        data={"csrf_token": csrf_token(amina, "/partages"), "next": f"/documents/{doc}"},
        follow_redirects=False,
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == f"/documents/{doc}"
    assert status(pro_elsewhere, doc) == 404
    assert status(people["pro_x"], doc) == 404
    # Revoking twice, or someone else's share: 404.
    again = amina.post(
        f"/partages/{share_id}/retirer", data={"csrf_token": csrf_token(amina, "/partages")}
    )
    assert again.status_code == 404
    bacar = people["beneficiary_b"]
    share(amina, world.structure_x, doc)
    latest = share_ids(engine)[-1]
    stolen = bacar.post(
        f"/partages/{latest}/retirer", data={"csrf_token": csrf_token(bacar, "/partages")}
    )
    assert stolen.status_code == 404
    assert status(people["pro_x"], doc) == 200


def test_share_of_a_document_type_covers_later_documents(scene, world):
    people, doc = scene
    amina = people["beneficiary_a"]
    response = share(amina, world.structure_x, doc_type="identite")
    assert response.status_code == 303 and response.headers["location"] == "/partages"
    later = upload(amina, pdf_bytes(2000), title="Passeport").headers["location"].rsplit("/")[-1]
    assert status(people["pro_x"], later) == 200
    assert status(people["pro_x"], doc) == 200
    assert status(people["pro_y"], later) == 404


def test_passing_on_only_where_she_allowed_it(scene, world, engine):
    people, doc = scene
    amina, pro_x, pro_y = people["beneficiary_a"], people["pro_x"], people["pro_y"]

    def pass_on(target: str) -> Any:
        return pro_x.post(
            f"/pro/documents/{doc}/transmettre",
            data={"csrf_token": csrf_token(pro_x, "/pro"), "structure_id": target},
            follow_redirects=False,
        )

    share(amina, world.structure_x, doc)
    refused = pass_on(world.structure_y)
    assert refused.status_code == 403
    assert "la personne n&#39;a pas autorisé la transmission de ce document" in refused.text
    assert "« Structure Y »" in refused.text
    assert status(pro_y, doc) == 404
    # Her new share says « transmissible à Structure Y ».
    share(amina, world.structure_x, doc, forward_structure_id=world.structure_y)
    assert "Transmettre à Structure Y" in pro_x.get(f"/pro/documents/{doc}").text
    done = pass_on(world.structure_y)
    assert done.status_code == 303
    assert status(pro_y, doc) == 200
    count = len(share_ids(engine))
    assert pass_on(world.structure_y).status_code == 303  # again: the same child share
    assert len(share_ids(engine)) == count
    with engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions.count("share.pass_on_refused") == 1
    assert actions.count("share.pass_on") == 1 and actions.count("share.received") == 1
    history = amina.get("/historique").text
    assert "transmis à Structure Y, comme vous l&#39;aviez autorisé" in history
    assert "Transmission de « Carte d&#39;identité » à Structure Y refusée" in history
    # Y cannot pass it further; revoking her share to X ends Y's access too.
    assert (
        pro_y.post(
            f"/pro/documents/{doc}/transmettre",
            data={"csrf_token": csrf_token(pro_y, "/pro"), "structure_id": world.structure_x},
        ).status_code
        == 403
    )
    allowing = share_ids(engine)[1]
    amina.post(f"/partages/{allowing}/retirer", data={"csrf_token": csrf_token(amina, "/partages")})
    assert status(pro_y, doc) == 404
    assert status(pro_x, doc) == 200  # her first share to X still stands


def test_history_says_who_saw_what_and_through_which_share(scene, world):
    people, doc = scene
    amina = people["beneficiary_a"]
    share(amina, world.structure_x, doc, professional_login="pro.x")
    people["pro_x"].get(f"/pro/documents/{doc}/voir")
    page = amina.get("/historique").text
    assert "Ouverture de « Carte d&#39;identité »" in page
    assert "par Pro.X Test (Structure X)" in page
    assert "pour : Revenu de solidarité active (RSA)" in page
    assert "grâce à votre partage du" in page
    assert "Accès donné à Structure X" in page


def test_departing_professional_loses_access_with_the_account(scene, world, engine):
    people, doc = scene
    share(people["beneficiary_a"], world.structure_x, doc, professional_login="pro.x")
    admin = people["structure_admin"]
    response = admin.post(
        f"/structure/professionnels/{world.actors['pro_x'].id}/desactiver",
        data={"csrf_token": csrf_token(admin, "/structure")},
    )
    assert response.status_code == 200
    with engine.connect() as conn:
        row = conn.execute(select(shares)).one()
    assert row.end_reason == "account_disabled" and row.revoked_at is not None
    assert "son compte est fermé" in people["beneficiary_a"].get("/historique").text
    assert status(people["pro_x"], doc) == 303  # signed out: the session ended with the account
    # Re-enabled within the cap, the colleague signs in again; her ended share stays ended.
    pro_id = world.actors["pro_x"].id

    def reenable() -> Any:
        return admin.post(
            f"/structure/professionnels/{pro_id}/reactiver",
            data={"csrf_token": csrf_token(admin, "/structure")},
        )

    with engine.begin() as conn:
        conn.execute(
            update(structures_table)
            .where(structures_table.c.id == world.structure_x)
            .values(max_professionals=2)
        )
    full = reenable()  # admin.x and pro.x2 already use the cap of 2
    assert full.status_code == 400 and "a atteint son plafond de 2" in full.text
    with engine.begin() as conn:
        conn.execute(update(structures_table).values(max_professionals=5))
    assert reenable().status_code == 200
    assert reenable().status_code == 404  # already active
    login(people["pro_x"], world.actors["pro_x"])
    assert status(people["pro_x"], doc) == 404
    other = people["pro_y"].post(
        f"/structure/professionnels/{pro_id}/reactiver",
        data={"csrf_token": csrf_token(people["pro_y"], "/pro")},
    )
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"professional_login": "pro.y"}, "Aucun professionnel de « Structure X »"),
        ({"scheme": "aucun"}, "Choisissez le dispositif"),
        ({"purpose": "  "}, "Dites en quelques mots pourquoi"),
        ({"days": "0"}, "entre 1 et 365 jours"),
        ({"days": "abc"}, "La durée est un nombre de jours"),
    ],
)
def test_a_bad_share_is_refused_with_the_fix(scene, world, engine, fields, message):
    people, doc = scene
    response = share(people["beneficiary_a"], world.structure_x, doc, **fields)
    assert response.status_code == 400
    assert message in response.text
    assert share_ids(engine) == []


def test_someone_elses_document_cannot_be_shared(scene, world, engine):
    people, doc = scene
    response = share(people["beneficiary_b"], world.structure_x, doc)
    assert response.status_code == 400
    assert "n&#39;existe plus" in response.text
    assert share_ids(engine) == []
