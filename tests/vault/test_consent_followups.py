"""What issue 9 left: the public verification is bounded per address (429, Retry-After), has
one upload limit, and is traced in her journal; /cles-publiques lists the structures' keys the
origin page points to; the end of the grace period erases an account by itself (SQLite and
PostgreSQL)."""

from __future__ import annotations

import dataclasses
import html
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, csrf_token
from tests.vault.test_duplicates import issue, real_pdf
from tests.vault.test_exchanges import deposit
from tests.vault.test_shares import share, signed_in, status
from vault_service import closure, ratelimit, signing
from vault_service.db import accounts, audit_log, deposits, documents, now, rate_limits
from vault_service.duplicate_http import max_bytes, too_many

PER_HOUR = 3


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, verify_per_hour=PER_HOUR, max_upload_bytes=200_000)


def anonymous(app: Any) -> TestClient:
    return TestClient(app, base_url="http://testserver")


def test_verification_is_limited_per_address_with_retry_after(app, world, engine):
    """Page and API share one counter per address; the refusal is French, with Retry-After,
    and counts nothing; the empty page (no code, no file) is not counted."""
    client = anonymous(app)
    for _ in range(5):
        assert client.get("/verification").status_code == 200
    assert client.get("/verification", params={"code": "0000-0000-0000-0000"}).status_code == 200
    assert client.get("/api/verification", params={"code": "0000"}).status_code == 200
    upload = client.post("/verification", files={"file": ("d.pdf", real_pdf(1), "application/pdf")})
    assert upload.status_code == 200
    page = client.get("/verification", params={"code": "0000-0000-0000-0000"})
    assert page.status_code == 429
    assert too_many(3600) in html.unescape(page.text)
    assert 3500 < int(page.headers["retry-after"]) <= 3600
    api = client.get("/api/verification", params={"d": "x"})
    assert api.status_code == 429 and 3500 < int(api.headers["retry-after"]) <= 3600
    error = api.json()["error"]
    assert error["code"] == "trop_de_verifications"
    assert error["message"] == (
        "Trop de vérifications de duplicata depuis votre réseau cette heure-ci : réessayez "
        "dans 60 minutes."
    )
    refused_upload = client.post(
        "/api/verification",
        headers={"X-Vault-CSRF": "1"},
        files={"file": ("d.pdf", real_pdf(1), "application/pdf")},
    )
    assert refused_upload.status_code == 429
    # The window ends: counted again from one.
    with engine.begin() as conn:
        conn.execute(update(rate_limits).values(locked_until=now() - timedelta(seconds=1)))
    assert client.get("/api/verification", params={"code": "0000"}).status_code == 200


def test_a_verification_beyond_its_schema_is_refused_and_not_counted(app, world):
    """?code= longer than 100 characters or ?d= longer than 4000 (what the OpenAPI schema
    declares) is no duplicate: 400 with the fix, on the API and the page, and the address's
    hourly allowance is not spent on it."""
    client = anonymous(app)
    for _ in range(PER_HOUR + 1):
        long_code = client.get("/api/verification", params={"code": "A" * 101})
        assert long_code.status_code == 400
        assert long_code.json()["error"] == {
            "code": "parametre",
            "message": "Le paramètre « code » dépasse 100 caractères : ce n'est pas un "
            "duplicata du coffre-fort. Vérifiez le code ou scannez de nouveau le QR code.",
            "detail": None,
        }
    assert client.get("/api/verification", params={"d": "x" * 4001}).status_code == 400
    assert client.get("/verification", params={"d": "x" * 4001}).status_code == 400
    assert client.get("/api/verification", params={"code": "A" * 100}).status_code == 200


def test_spend_counts_each_event_of_a_window_once(engine):
    key = ratelimit.key("verify-ip", "192.0.2.1")
    with engine.begin() as conn:
        results = [ratelimit.spend(conn, key, 2, timedelta(hours=1)) for _ in range(4)]
    assert results[:2] == [None, None]
    assert results[2] is not None and results[2] == results[3]
    assert timedelta(minutes=59) < results[2] - now() <= timedelta(hours=1)
    assert [m for m in (too_many(1), too_many(61), too_many(3600))] == [
        "Trop de vérifications de duplicata depuis votre réseau cette heure-ci : réessayez "
        "dans 1 minute.",
        "Trop de vérifications de duplicata depuis votre réseau cette heure-ci : réessayez "
        "dans 2 minutes.",
        "Trop de vérifications de duplicata depuis votre réseau cette heure-ci : réessayez "
        "dans 60 minutes.",
    ]


def test_one_upload_limit_for_the_page_and_the_api(app, settings, engine):
    """The file may have `max_bytes` bytes, on the page and in the API; one more: 413."""
    limit = max_bytes(settings)
    assert limit == 2 * settings.max_upload_bytes
    message = "Le fichier dépasse la taille maximale d'un duplicata (391 Ko)."
    client = anonymous(app)
    for size, expected in ((limit, 200), (limit + 1, 413)):
        with engine.begin() as conn:  # not this test's subject: the limit per hour
            conn.execute(delete(rate_limits))
        body = b"%PDF-1.4\n" + b"0" * (size - 9)
        page = client.post("/verification", files={"file": ("d.pdf", body, "application/pdf")})
        api = client.post(
            "/api/verification",
            headers={"X-Vault-CSRF": "1"},
            files={"file": ("d.pdf", body, "application/pdf")},
        )
        assert (page.status_code, api.status_code) == (expected, expected)
        if expected == 413:
            assert message in html.unescape(page.text)
            assert api.json()["error"]["message"] == message
        else:
            assert api.json()["status"] == "sans_signature"


def test_a_check_of_her_duplicate_is_in_her_journal(app, world, engine):
    amina = signed_in(app, world.actors["beneficiary_a"])
    doc_id, code, _ = issue(amina, real_pdf(1))
    verifier = anonymous(app)
    verifier.headers["X-Forwarded-For"] = "198.51.100.7"
    assert verifier.get("/api/verification", params={"code": code}).json()["authentic"]
    with engine.connect() as conn:
        row = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(1)).one()
    assert (row.action, row.actor_id, row.subject_id, row.object_id) == (
        "duplicate.verified",
        None,
        world.actors["beneficiary_a"].id,
        doc_id,
    )
    assert json.loads(row.detail) == {"code": code, "result": "authentique", "how": "code"}
    assert "testclient" not in row.detail and "198.51" not in row.detail  # no address
    history = html.unescape(amina.get("/historique").text)
    assert "Votre duplicata de « Ma pièce » a été vérifié : authentique" in history
    assert "par Quelqu'un (sans compte connecté) · avec le code imprimé" in history
    # Cancelled, then presented: she sees that too.
    token = csrf_token(amina, f"/documents/{doc_id}/duplicata")
    amina.post(f"/documents/{doc_id}/duplicatas/{code}/annuler", data={"csrf_token": token})
    verifier.get("/verification", params={"code": code})
    history = html.unescape(amina.get("/historique").text)
    assert "Votre duplicata annulé de « Ma pièce » a été présenté" in history


def test_public_keys_list_the_structure_keys_of_deposits(app, world, engine):
    pro = signed_in(app, world.actors["pro_x"])
    client = anonymous(app)
    assert "Structure X" not in client.get("/cles-publiques").text
    assert deposit(pro, world.actors["beneficiary_a"].id).status_code == 303
    with engine.connect() as conn:
        doc_id = conn.execute(select(documents.c.id)).scalar_one()
        public = conn.execute(select(deposits.c.public_key)).scalar_one()
    listing = client.get("/cles-publiques").text
    link = f'/cles-publiques/structures/{world.structure_x}"'
    assert link in listing and "Structure X" in listing and "Structure Y" not in listing
    page = client.get(f"/cles-publiques/structures/{world.structure_x}")
    assert page.status_code == 200
    assert signing.fingerprint(public) in page.text and signing.b64(public) in page.text
    kid = app.state.vault.settings.current_key_id
    pem = client.get(f"/cles-publiques/structures/{world.structure_x}/{kid}.pem")
    assert pem.status_code == 200 and signing.parse_public_key(pem.text) == public
    # The origin page points there, with the same fingerprint.
    origin = signed_in(app, world.actors["beneficiary_a"]).get(f"/documents/{doc_id}/origine")
    assert link in origin.text and signing.fingerprint(public) in origin.text
    # A structure that never signed, an unknown one, an unknown key: 404.
    assert client.get(f"/cles-publiques/structures/{world.structure_y}").status_code == 404
    assert client.get("/cles-publiques/structures/inconnue").status_code == 404
    unknown = client.get(f"/cles-publiques/structures/{world.structure_x}/zz.pem")
    assert unknown.status_code == 404


def _close(amina: TestClient) -> None:
    token = csrf_token(amina, "/compte/fermeture")
    data = {"csrf_token": token, "confirm": "oui", "current": PASSWORD}
    assert "Votre compte sera fermé le" in amina.post("/compte/fermeture", data=data).text


def test_the_grace_period_ends_by_itself_at_the_next_request(app, world, engine):
    """No purge: once her deadline has passed, the next request (anyone's) erases her."""
    amina = signed_in(app, world.actors["beneficiary_a"])
    pro = signed_in(app, world.actors["pro_x"])
    doc_id, code, _ = issue(amina, real_pdf(1))
    assert share(amina, world.structure_x, doc_id).status_code == 303
    assert status(pro, doc_id) == 200
    _close(amina)
    assert status(pro, doc_id) == 200  # during the grace period, nothing changes
    with engine.begin() as conn:
        conn.execute(
            update(accounts)
            .where(accounts.c.id == world.actors["beneficiary_a"].id)
            .values(closes_at=now() - timedelta(seconds=1))
        )
    assert status(pro, doc_id) == 404  # the professional's request erased her first
    assert amina.get("/documents", follow_redirects=False).status_code == 303  # signed out
    verdict = anonymous(app).get("/api/verification", params={"code": code}).json()
    assert verdict["status"] == "inconnu"  # erased: the register keeps no detail of it
    with engine.connect() as conn:
        account = conn.execute(
            select(accounts).where(accounts.c.id == world.actors["beneficiary_a"].id)
        ).one()
        erased = [
            row.action
            for row in conn.execute(
                select(audit_log.c.action).where(audit_log.c.action == "account.erased")
            )
        ]
    assert account.status == "closed" and account.closes_at is None
    assert erased == ["account.erased"]  # once, though later requests looked again
    assert closure.purge(engine, app.state.vault.store, 0) == {"accounts": 0, "documents": 0}


def test_an_account_is_erased_once_by_concurrent_erasers(app, world, engine):
    amina = signed_in(app, world.actors["beneficiary_a"])
    _close(amina)
    account_id = world.actors["beneficiary_a"].id
    with engine.begin() as conn:
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id)
            .values(closes_at=now() - timedelta(seconds=1))
        )
    store = app.state.vault.store
    assert closure.erase_account(engine, store, account_id) == {"documents": 0, "files": 0}
    assert closure.erase_account(engine, store, account_id) is None
    assert closure.erase_due(engine, store) == 0
