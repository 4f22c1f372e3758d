"""Requests and deposits from outside (SQLite and PostgreSQL): only a structure she chose to be
followed by may ask or deposit; accepting is her share, refusing ends the request; a deposit is
hers, marked with the structure and signed by it, and any change to it is caught."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.vault.conftest import KEY2, add_account, csrf_token, login, pdf_bytes, upload
from tests.vault.test_rotation import with_keyring
from tests.vault.test_shares import signed_in, status
from vault_service import keys, receiving, signing
from vault_service.app import create_app
from vault_service.crypto import Keyring
from vault_service.db import (
    accounts,
    deposits,
    document_versions,
    documents,
    share_requests,
    shares,
    structures,
)
from vault_service.db import relationships as relationships_table


@pytest.fixture
def people(app, world, engine, settings):
    found = {
        name: signed_in(app, world.actors[name])
        for name in ("beneficiary_a", "beneficiary_b", "pro_x", "pro_y")
    }
    found["pro_x2"] = signed_in(
        app, add_account(engine, settings, "pro.x2", "professional", world.structure_x)
    )
    return found


def ask(client: Any, person_id: str, **fields: Any) -> Any:
    data = {
        "csrf_token": csrf_token(client, "/pro"),
        "scheme": "rsa",
        "purpose": "dossier RSA",
        "doc_type": ["identite", "ressources"],
        **fields,
    }
    return client.post(f"/pro/personnes/{person_id}/demandes", data=data, follow_redirects=False)


def deposit(client: Any, person_id: str, content: bytes | None = None) -> Any:
    return client.post(
        f"/pro/personnes/{person_id}/depots",
        data={
            "csrf_token": csrf_token(client, "/pro"),
            "title": "Attestation de domiciliation",
            "doc_type": "residence",
            "scheme": "domiciliation",
        },
        files={"file": ("attestation.pdf", content or pdf_bytes(3000), "application/pdf")},
        follow_redirects=False,
    )


def test_only_a_structure_she_follows_may_ask_or_deposit(people, world, settings):
    amina, bacar = world.actors["beneficiary_a"].id, world.actors["beneficiary_b"].id
    assert people["pro_x"].get(f"/pro/personnes/{amina}").status_code == 200
    assert people["pro_y"].get(f"/pro/personnes/{amina}").status_code == 404
    assert people["pro_x"].get(f"/pro/personnes/{bacar}").status_code == 404
    assert ask(people["pro_y"], amina).status_code == 404
    assert ask(people["pro_x"], bacar).status_code == 404
    before = sorted((settings.data_dir).rglob("*.vlt"))
    assert deposit(people["pro_y"], amina).status_code == 404
    assert sorted((settings.data_dir).rglob("*.vlt")) == before  # nothing written
    assert people["beneficiary_b"].get(f"/pro/personnes/{amina}").status_code == 403


def test_she_accepts_a_request_and_it_becomes_her_share(people, world, engine):
    amina = world.actors["beneficiary_a"]
    response = ask(people["pro_x"], amina.id)
    assert response.status_code == 303
    assert "Demande envoyée" in people["pro_x"].get(response.headers["location"]).text
    doc = upload(people["beneficiary_a"], pdf_bytes(2000), title="CNI").headers["location"]
    doc_id = doc.rsplit("/", 1)[-1]
    page = people["beneficiary_a"].get("/demandes").text
    assert "Structure X" in page and "dossier RSA" in page
    with engine.connect() as conn:
        request_id = conn.execute(select(share_requests.c.id)).scalar_one()
    # Another person cannot answer it.
    other = people["beneficiary_b"].post(
        f"/demandes/{request_id}/refuser",
        data={"csrf_token": csrf_token(people["beneficiary_b"], "/demandes")},
    )
    assert other.status_code == 404
    assert status(people["pro_x"], doc_id) == 404  # asking shows nothing
    accepted = people["beneficiary_a"].post(
        f"/demandes/{request_id}/accepter",
        data={
            "csrf_token": csrf_token(people["beneficiary_a"], "/demandes"),
            "document": [doc_id],
            "only_requester": "1",
            "days": "30",
        },
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert status(people["pro_x"], doc_id) == 200
    assert status(people["pro_x2"], doc_id) == 404  # she chose only the one who asked
    with engine.connect() as conn:
        share = conn.execute(select(shares)).one()
        row = conn.execute(select(share_requests)).one()
    assert share.request_id == request_id and share.scheme == "rsa"
    assert share.grantee_account_id == world.actors["pro_x"].id
    assert row.status == "accepted" and row.share_id == share.id
    again = people["beneficiary_a"].post(
        f"/demandes/{request_id}/refuser",
        data={"csrf_token": csrf_token(people["beneficiary_a"], "/demandes")},
    )
    assert again.status_code == 404
    mine = people["pro_x"].get("/pro/partages").text
    assert "acceptée" in mine and "CNI" in mine
    history = people["beneficiary_a"].get("/historique").text
    assert "Demande de documents de Structure X" in history
    assert "Vous avez accepté la demande de Structure X" in history


def test_she_refuses_a_request(people, world, engine):
    amina = world.actors["beneficiary_a"]
    ask(people["pro_x"], amina.id)
    with engine.connect() as conn:
        request_id = conn.execute(select(share_requests.c.id)).scalar_one()
    refused = people["beneficiary_a"].post(
        f"/demandes/{request_id}/refuser",
        data={"csrf_token": csrf_token(people["beneficiary_a"], "/demandes")},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(share_requests.c.status)).scalar_one() == "refused"
        assert conn.execute(select(shares)).all() == []
    assert "refusée" in people["pro_x"].get("/pro/partages").text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scheme": "aucun"}, "Choisissez le dispositif"),
        ({"purpose": " "}, "Dites en quelques mots pourquoi"),
        ({"doc_type": []}, "Cochez au moins un type de document"),
    ],
)
def test_an_incomplete_request_is_refused_with_the_fix(people, world, engine, fields, message):
    response = ask(people["pro_x"], world.actors["beneficiary_a"].id, **fields)
    assert response.status_code == 400 and message in response.text
    with engine.connect() as conn:
        assert conn.execute(select(share_requests)).all() == []


def origin_parts(page: str) -> tuple[bytes, bytes, bytes]:
    blocks = [html.unescape(b) for b in re.findall(r'<pre class="secret">([^<]*)</pre>', page)]
    signed, public, signature = blocks
    return signed.encode(), base64.b64decode(public), base64.b64decode(signature)


def test_a_deposit_is_hers_marked_and_signed(people, world, engine, settings):
    amina = people["beneficiary_a"]
    body = pdf_bytes(3000)
    response = deposit(people["pro_x"], world.actors["beneficiary_a"].id, body)
    assert response.status_code == 303
    listing = amina.get("/documents").text
    assert "déposé par Structure X" in listing
    with engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
        owner = conn.execute(select(documents.c.owner_id)).scalar_one()
    assert owner == world.actors["beneficiary_a"].id
    page = amina.get(f"/documents/{doc_id}/origine")
    assert page.status_code == 200
    assert "Authentique : déposé par « Structure X », fichier intact." in html.unescape(page.text)
    # Offline: the published text, key and signature verify with any Ed25519 tool.
    signed, public, signature = origin_parts(page.text)
    assert signing.verify(public, signature, signed)
    assert (
        b'"depositor_name":"Pro.X Test"' in signed and b'"structure_name":"Structure X"' in signed
    )
    assert not signing.verify(public, signature, signed.replace(b"Structure X", b"Structure Z"))
    # Nobody else sees the origin page; pro_x cannot read it (not shared).
    assert people["beneficiary_b"].get(f"/documents/{doc_id}/origine").status_code == 404
    assert status(people["pro_x"], doc_id) == 404
    # Someone with the database changes the recorded hash, or the signature: caught.
    with engine.begin() as conn:
        conn.execute(update(document_versions).values(sha256="0" * 64))
    changed = html.unescape(amina.get(f"/documents/{doc_id}/origine").text)
    assert "Le fichier a changé depuis le dépôt (empreinte différente)." in changed
    with engine.begin() as conn:
        conn.execute(update(document_versions).values(sha256=hashlib.sha256(body).hexdigest()))
    assert "Authentique" in amina.get(f"/documents/{doc_id}/origine").text
    with engine.begin() as conn:
        conn.execute(update(deposits).values(signature=bytes(64)))
    bad = html.unescape(amina.get(f"/documents/{doc_id}/origine").text)
    assert "Signature invalide : ce dépôt n'est pas authentique." in bad
    history = amina.get("/historique").text
    assert "Structure X a déposé « Attestation de domiciliation » dans votre coffre" in history
    # She may delete it like any of her documents.
    token = csrf_token(amina, f"/documents/{doc_id}/supprimer")
    deleted = amina.post(
        f"/documents/{doc_id}/supprimer", data={"csrf_token": token, "confirm": "oui"}
    )
    assert deleted.status_code == 200


def test_a_document_not_deposited_has_no_origin_page(people):
    doc = upload(people["beneficiary_a"], pdf_bytes(2000)).headers["location"]
    assert people["beneficiary_a"].get(f"{doc}/origine").status_code == 404


def test_a_deposit_cannot_be_replaced_by_another_file(people, world, engine):
    """Found by the black-box probe: she could upload a new version of a structure's
    attestation; the page still said « Déposé par Structure X » and the origin check still
    said « Authentique… fichier intact » (about the first version) over a file the structure
    never saw. A deposited document keeps its file (page and API alike); she may delete it."""
    amina = people["beneficiary_a"]
    assert deposit(people["pro_x"], world.actors["beneficiary_a"].id).status_code == 303
    with engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
    forged = pdf_bytes(2500)
    page = amina.post(
        f"/documents/{doc_id}/version",
        data={"csrf_token": csrf_token(amina, f"/documents/{doc_id}")},
        files={"file": ("faux.pdf", forged, "application/pdf")},
        follow_redirects=False,
    )
    assert page.status_code == 409
    assert "déposé par Structure X" in html.unescape(page.text)
    api = amina.post(
        f"/api/documents/{doc_id}/versions",
        headers={"X-Vault-CSRF": "1"},
        files={"file": ("faux.pdf", forged, "application/pdf")},
    )
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "document_depose"
    with engine.connect() as conn:
        versions = conn.execute(
            select(document_versions.c.version).where(document_versions.c.document_id == doc_id)
        ).all()
    assert len(versions) == 1
    assert "Authentique" in amina.get(f"/documents/{doc_id}/origine").text


def origin_of(client: Any, doc_id: str) -> str:
    page = client.get(f"/documents/{doc_id}/origine")
    assert page.status_code == 200
    return html.unescape(page.text)


def test_a_deposit_still_verifies_after_the_structure_and_depositor_are_renamed(
    people, world, engine
):
    """The signed text is kept as signed: renaming the structure or the depositor later used
    to make a genuine deposit fail (fields rebuilt from today's rows). The page shows the
    names of the day of the deposit."""
    assert deposit(people["pro_x"], world.actors["beneficiary_a"].id).status_code == 303
    with engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
    with engine.begin() as conn:
        conn.execute(
            update(structures)
            .where(structures.c.id == world.structure_x)
            .values(name="CCAS renommé")
        )
        conn.execute(
            update(accounts)
            .where(accounts.c.id == world.actors["pro_x"].id)
            .values(given_name="Nouveau", family_name="Nom")
        )
    page = origin_of(people["beneficiary_a"], doc_id)
    assert "Authentique : déposé par « Structure X », fichier intact." in page
    assert "Déposé par Pro.X Test (Structure X) le" in page
    assert "CCAS renommé" not in page and "Nouveau Nom" not in page
    signed, public, signature = origin_parts(page)
    assert signing.verify(public, signature, signed)
    # A genuine signed text of another deposit pasted onto this one is caught.
    with engine.begin() as conn:
        payload = conn.execute(select(deposits.c.payload)).scalar_one()
        forged = payload.replace(doc_id, "0" * len(doc_id))
        conn.execute(update(deposits).values(payload=forged))
    assert "ce dépôt n'est pas authentique" in origin_of(people["beneficiary_a"], doc_id)


def test_a_deposit_signed_before_a_key_rotation_still_verifies(people, world, engine, settings):
    """Once the old keyring key is gone, the deposit is checked with the public key recorded
    at deposit, which the vault keeps published (it used to say « pas une clé publiée »)."""
    assert deposit(people["pro_x"], world.actors["beneficiary_a"].id).status_code == 303
    with engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
        old = conn.execute(select(deposits.c.public_key)).scalar_one()
    keys.rotate(engine, Keyring({"k2": KEY2, **settings.keyring}))
    after = with_keyring(settings, {"k2": KEY2})  # k1 removed from the keyring
    with TestClient(create_app(after, engine=engine), base_url="http://testserver") as client:
        login(client, world.actors["beneficiary_a"])
        page = origin_of(client, doc_id)
        assert "Authentique : déposé par « Structure X », fichier intact." in page
        assert (
            "Signé avec la clé de la structure au moment du dépôt "
            f"(empreinte {signing.fingerprint(old)}, remplacée depuis par une nouvelle clé)."
        ) in page
        # A key the vault never published, with a valid signature of the same text: refused.
        signed, _, _ = origin_parts(page)
        foreign = signing.SigningKeys({"z": bytes(32)})
        sig = foreign.sign("structure:x", signed)
        with engine.begin() as conn:
            conn.execute(update(deposits).values(public_key=sig.public, signature=sig.value))
        refused = origin_of(client, doc_id)
        assert "La clé qui a signé n'est pas une clé publiée de cette structure." in refused


def test_a_link_ended_during_a_deposit_refuses_it(people, world, engine, settings, monkeypatch):
    """The link is checked in the transaction that writes the document: a link she ends
    after the checks made before the upload (and, before this fix, before the save) refuses
    the deposit, and nothing of it survives."""
    from vault_service import relationships

    amina = world.actors["beneficiary_a"].id
    publishing = receiving.publishing

    def she_ends_the_link_meanwhile(*args: Any, **kwargs: Any) -> Any:
        with engine.begin() as conn:
            link_id = conn.execute(
                select(relationships_table.c.id).where(
                    relationships_table.c.person_id == amina,
                    relationships_table.c.structure_id == world.structure_x,
                    relationships_table.c.ended_at.is_(None),
                )
            ).scalar_one()
            assert relationships.end(conn, link_id, amina)
        return publishing(*args, **kwargs)

    monkeypatch.setattr(receiving, "publishing", she_ends_the_link_meanwhile)
    before = sorted(settings.data_dir.rglob("*.vlt"))
    response = deposit(people["pro_x"], amina)
    assert response.status_code == 404
    assert "Personne introuvable parmi celles que suit votre structure." in html.unescape(
        response.text
    )
    with engine.connect() as conn:
        assert conn.execute(select(documents)).all() == []
        assert conn.execute(select(deposits)).all() == []
    assert sorted(settings.data_dir.rglob("*.vlt")) == before  # the file was removed


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_the_deposit_check_holds_the_link_until_the_write_commits(world, engine):
    """PostgreSQL (READ COMMITTED): the check inside the deposit's transaction locks the link
    row, so ending the link waits for the deposit to commit; without the lock it would not."""
    from types import SimpleNamespace

    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from vault_service import relationships

    amina = world.actors["beneficiary_a"].id
    pro = SimpleNamespace(structure_id=world.structure_x)
    with engine.connect() as conn:
        link_id = conn.execute(
            select(relationships_table.c.id).where(
                relationships_table.c.person_id == amina,
                relationships_table.c.structure_id == world.structure_x,
            )
        ).scalar_one()

    def end_meanwhile() -> None:
        with engine.connect() as other:
            other.execute(text("SET lock_timeout = '300ms'"))
            try:
                assert relationships.end(other, link_id, amina)
            finally:
                other.rollback()

    with engine.begin() as deposit_tx:
        relationships.guard(deposit_tx, pro, amina)  # a plain read: ending it does not wait
        end_meanwhile()
    with engine.begin() as deposit_tx:
        relationships.guard(deposit_tx, pro, amina, lock=True)
        with pytest.raises(OperationalError, match="lock timeout"):
            end_meanwhile()


def test_migration_0006_keeps_the_signed_text_of_earlier_deposits(people, world, engine):
    """A deposit made before 0006 had no stored text: the migration stores it, rebuilt from
    the rows, only where it verifies; a name changed before the upgrade is left empty."""
    import importlib

    migration = importlib.import_module("vault_service.migrations.versions.0006_origin_proof")
    amina = world.actors["beneficiary_a"].id
    assert deposit(people["pro_x"], amina).status_code == 303
    assert deposit(people["pro_x"], amina).status_code == 303
    with engine.begin() as conn:
        signed = dict(conn.execute(select(deposits.c.document_id, deposits.c.payload)).all())
        first, second = sorted(signed)
        conn.execute(update(deposits).values(payload=None))  # as before 0006
        assert migration.backfill(conn) == 2
        assert dict(conn.execute(select(deposits.c.document_id, deposits.c.payload)).all()) == (
            signed
        )
        conn.execute(update(deposits).values(payload=None))
        conn.execute(
            update(structures)
            .where(structures.c.id == world.structure_x)
            .values(name="Renommée avant la mise à jour")
        )
        assert migration.backfill(conn) == 0  # the rebuilt text no longer verifies
        conn.execute(
            update(structures)
            .where(structures.c.id == world.structure_x)
            .values(name="Structure X")
        )
        assert migration.backfill(conn) == 2
    assert "Authentique" in origin_of(people["beneficiary_a"], first)
    assert "Authentique" in origin_of(people["beneficiary_a"], second)
