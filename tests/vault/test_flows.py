"""Account flows through the pages and the API (both backends)."""

from __future__ import annotations

import base64
import re

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, csrf_token, login, pdf_bytes
from vault_service import totp
from vault_service.db import accounts as accounts_table
from vault_service.db import audit_log

NEW = "un nouveau mot de passe"
CODE_RE = re.compile(r'<dd class="big">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</dd>')
LOGIN_RE = re.compile(r'<dt>Nom de connexion</dt><dd class="big">([^<]+)</dd>')


def found(pattern: re.Pattern[str] | str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, f"motif {pattern!r} absent"
    return match.group(1)


def totp_secret(html: str) -> bytes:
    """The TOTP secret a page shows to type in (base32)."""
    text = found(r'<code class="secret">([A-Z2-7]+)</code>', html)
    return base64.b32decode(text + "=" * (-len(text) % 8))


def create_beneficiary(client, given_name, family_name, birth_date):
    """A professional creates an account; the answer is the activation sheet (or an error)."""
    return client.post(
        "/pro/beneficiaires",
        data={
            "csrf_token": csrf_token(client, "/pro"),
            "given_name": given_name,
            "family_name": family_name,
            "birth_date": birth_date,
        },
    )


def redeem(client, login_name, code, page="/activation"):
    """Activation or recovery with a printed code; the new password is NEW."""
    return client.post(
        page,
        data={
            "csrf_token": csrf_token(client, page),
            "login": login_name,
            "code": code,
            "password": NEW,
            "password2": NEW,
        },
    )


def sign_in(client, login_name, password=NEW, **extra):
    """The login form, without following the redirect."""
    data = {"csrf_token": csrf_token(client), "login": login_name, "password": password}
    return client.post("/connexion", data={**data, **extra}, follow_redirects=False)


def signup(client, **overrides):
    data = {
        "given_name": "Zaïnaba",
        "family_name": "Madi",
        "birth_date": "1995-06-30",
        "login": "zainaba",
        "password": NEW,
        "password2": NEW,
    }
    data.update(overrides)
    data["csrf_token"] = csrf_token(client, "/inscription")
    return client.post("/inscription", data=data, follow_redirects=False)


def test_signup_then_duplicate_is_offered_recovery(app, client, world):
    response = signup(client)
    assert response.status_code == 303 and response.headers["location"] == "/documents"
    assert client.get("/api/me").json()["login"] == "zainaba"
    other = TestClient(app)
    again = signup(other, login="zainaba2", given_name="ZAINABA", family_name=" madi ")
    assert again.status_code == 400
    assert "Ce compte ne peut pas être créé avec ces informations" in again.text
    assert "Un compte existe déjà" not in again.text  # nothing said about who exists
    assert 'href="/recuperation"' in again.text


def test_signup_session_is_journaled(client, engine):
    assert signup(client).status_code == 303
    account_id = client.get("/api/me").json()["id"]
    with engine.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action)
            .where(audit_log.c.subject_id == account_id)
            .order_by(audit_log.c.seq)
        ).scalars()
        assert list(actions) == ["account.create", "auth.login"]


def test_password_change_closes_the_other_sessions(app, client, world):
    amina = world.actors["beneficiary_a"]
    login(client, amina)
    phone = TestClient(app)
    login(phone, amina)
    changed = client.post(
        "/compte/mot-de-passe",
        data={
            "csrf_token": csrf_token(client, "/compte"),
            "current": PASSWORD,
            "password": NEW,
            "password2": NEW,
        },
    )
    assert changed.status_code == 200
    assert "Mot de passe modifié. Vous êtes déconnecté·e sur vos autres appareils." in (
        changed.text
    )
    assert client.get("/api/me").status_code == 200
    assert phone.get("/api/me").status_code == 401
    assert sign_in(phone, amina.login, PASSWORD).status_code == 401
    assert sign_in(phone, amina.login, NEW).headers["location"] == "/documents"


def test_assisted_creation_activation_and_login(app, client, world):
    login(client, world.actors["pro_x"])
    sheet = create_beneficiary(client, "Fatima", "Ali", "1970-01-15")
    assert sheet.status_code == 200
    code, login_name = found(CODE_RE, sheet.text), found(LOGIN_RE, sheet.text)
    assert login_name.startswith("fatima.ali.")
    assert "Ce code est valable 5 jours et ne sert qu'une fois." in sheet.text
    # Same person again: refused, the existing account is offered.
    dup = create_beneficiary(client, "fatima", "ALI", "1970-01-15")
    assert dup.status_code == 400 and login_name in dup.text
    assert "/recuperation" in dup.text
    person = TestClient(app)
    done = redeem(person, login_name, code)
    assert done.status_code == 200 and "Votre compte est prêt" in done.text
    ok = sign_in(person, login_name)
    assert ok.headers["location"] == "/documents"


def test_admin_needs_totp(app, client, world):
    admin = world.actors["platform_admin"]
    first = sign_in(client, admin.login, PASSWORD)
    assert first.status_code == 200 and 'name="totp"' in first.text
    wrong = sign_in(client, admin.login, PASSWORD, totp="000000")
    assert wrong.status_code == 401
    assert "Code de double authentification incorrect." in wrong.text
    login(client, admin)
    assert client.get("/admin").status_code == 200


def test_beneficiary_enables_totp(client, world):
    login(client, world.actors["beneficiary_a"])
    page = client.get("/compte/double-authentification")
    secret = totp_secret(page.text)
    token = found(r'name="token" value="([^"]+)"', page.text)
    csrf = csrf_token(client, "/compte")
    done = client.post(
        "/compte/double-authentification",
        data={"csrf_token": csrf, "token": token, "code": totp.code(secret), "current": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/api/me").json()["totp"] is True


def test_rehash_on_login(app, client, world, engine):
    target = world.actors["beneficiary_a"]
    app.state.vault.settings = app.state.vault.settings.__class__(
        **{**app.state.vault.settings.__dict__, "argon2_memory_kib": 2048}
    )
    login(client, target)
    with engine.connect() as conn:
        stored = conn.execute(
            select(accounts_table.c.password_hash).where(accounts_table.c.id == target.id)
        ).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=2048,t=1,p=1$")


def test_cap_message_on_the_page(client, world, engine, settings):
    login(client, world.actors["platform_admin"])
    token = csrf_token(client, "/admin")
    client.post(
        f"/admin/structures/{world.structure_x}/plafond", data={"csrf_token": token, "cap": "2"}
    )
    sadmin = TestClient(client.app)
    login(sadmin, world.actors["structure_admin"])
    token = csrf_token(sadmin, "/structure")
    refused = sadmin.post(
        "/structure/professionnels",
        data={
            "csrf_token": token,
            "given_name": "Nouveau",
            "family_name": "Pro",
            "login": "nouveau",
        },
    )
    assert refused.status_code == 400
    assert "a atteint son plafond de 2 comptes professionnels" in refused.text


def test_api_document_lifecycle(client, world):
    login(client, world.actors["beneficiary_a"])
    headers = {"X-Vault-CSRF": "1"}
    created = client.post(
        "/api/documents",
        headers=headers,
        data={"doc_type": "ressources", "scheme": "prestations-familiales", "title": "Avis CAF"},
        files={"file": ("avis.pdf", pdf_bytes(9000), "application/pdf")},
    )
    assert created.status_code == 201
    doc = created.json()
    assert (doc["title"], doc["media_type"], doc["version"]) == ("Avis CAF", "application/pdf", 1)
    patched = client.patch(
        f"/api/documents/{doc['id']}",
        headers=headers,
        json={"title": "Avis CAF 2025", "scheme": "rsa"},
    )
    assert patched.json()["title"] == "Avis CAF 2025" and patched.json()["scheme"] == "rsa"
    bad = client.patch(f"/api/documents/{doc['id']}", headers=headers, json={"doc_type": "x"})
    assert bad.status_code == 400
    assert bad.json() == {
        "error": {
            "code": "champ",
            "detail": None,
            "message": "Choisissez un type de document dans la liste.",
        }
    }
    listing = client.get("/api/documents").json()["documents"]
    assert [d["id"] for d in listing] == [doc["id"]]
    content = client.get(f"/api/documents/{doc['id']}/content")
    assert content.content.startswith(b"%PDF-")
    assert client.delete(f"/api/documents/{doc['id']}", headers=headers).status_code == 204
    missing = client.get(f"/api/documents/{doc['id']}")
    assert missing.status_code == 404
    assert client.get("/api/nulle-part").json()["error"]["code"] == "introuvable"


def test_api_login_and_openapi(client, world):
    response = client.post(
        "/api/session",
        headers={"X-Vault-CSRF": "1"},
        json={"login": "amina", "password": "faux mot de passe"},
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "identifiants",
            "detail": None,
            "message": "Nom de connexion ou mot de passe incorrect.",
        }
    }
    ok = client.post(
        "/api/session", headers={"X-Vault-CSRF": "1"}, json={"login": "amina", "password": PASSWORD}
    )
    assert ok.status_code == 200 and ok.json()["role"] == "beneficiary"
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    api_paths = {r.path for r in client.app.routes if getattr(r, "path", "").startswith("/api/")}
    assert set(spec["paths"]) == api_paths


def test_security_headers(client, world):
    response = client.get("/connexion")
    headers = response.headers
    assert headers["content-security-policy"].startswith("default-src 'none'; style-src 'self'")
    assert "script-src" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "<script" not in response.text and " style=" not in response.text
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_totp_code_cannot_be_replayed(app, client, world):
    admin = world.actors["platform_admin"]
    assert admin.totp is not None
    code = totp.code(admin.totp)
    data = {"login": admin.login, "password": PASSWORD, "totp": code}
    first = client.post("/api/session", headers={"X-Vault-CSRF": "1"}, json=data)
    assert first.status_code == 200
    replay = TestClient(app).post("/api/session", headers={"X-Vault-CSRF": "1"}, json=data)
    assert replay.status_code == 401
    assert replay.json()["error"]["message"] == "Code de double authentification incorrect."


def test_structure_admin_is_created_activated_with_totp(app, client, world):
    login(client, world.actors["platform_admin"])
    token = csrf_token(client, "/admin")
    created = client.post(
        "/admin/structures", data={"csrf_token": token, "name": "Association Mlezi", "cap": "3"}
    )
    assert created.status_code == 200 and "Association Mlezi" in created.text
    from sqlalchemy import select as sql_select

    from vault_service.db import structures

    with app.state.vault.engine.connect() as conn:
        structure_id = conn.execute(
            sql_select(structures.c.id).where(structures.c.name == "Association Mlezi")
        ).scalar_one()
    sheet = client.post(
        f"/admin/structures/{structure_id}/administrateurs",
        data={
            "csrf_token": token,
            "given_name": "Nadia",
            "family_name": "Abdou",
            "login": "nadia.abdou",
        },
    )
    code = found(CODE_RE, sheet.text)
    person = TestClient(app)
    done = redeem(person, "nadia.abdou", code)
    assert "Votre rôle exige la double authentification" in done.text
    secret = totp_secret(done.text)
    without = sign_in(person, "nadia.abdou")
    assert without.status_code == 200 and 'name="totp"' in without.text
    ok = sign_in(person, "nadia.abdou", totp=totp.code(secret))
    assert ok.headers["location"] == "/structure"


def test_sheet_prints_the_public_address(app, client, world):
    service = app.state.vault
    service.settings = service.settings.__class__(
        **{**service.settings.__dict__, "public_url": "https://coffre.example.yt"}
    )
    login(client, world.actors["pro_x"])
    sheet = create_beneficiary(client, "Said", "Ahmed", "1960-12-01")
    assert "<dd>https://coffre.example.yt/activation</dd>" in sheet.text


def test_times_are_shown_in_mayotte_time():
    from datetime import UTC, datetime

    from vault_service.web import local_time

    assert local_time(datetime(2026, 11, 29, 21, 30, tzinfo=UTC)) == "30/11/2026 00:30"
    assert local_time(datetime(2026, 11, 29, 21, 30)) == "30/11/2026 00:30"  # naive = UTC


def test_disabled_professional_is_logged_out_and_cannot_sign_in(app, client, world):
    pro = world.actors["pro_x"]
    pro_client = TestClient(app)
    login(pro_client, pro)
    login(client, world.actors["structure_admin"])
    token = csrf_token(client, "/structure")
    page = client.post(f"/structure/professionnels/{pro.id}/desactiver", data={"csrf_token": token})
    assert page.status_code == 200 and "désactivé" in page.text
    assert pro_client.get("/api/me").status_code == 401
    again = sign_in(pro_client, pro.login, PASSWORD)
    assert again.status_code == 401
    assert "Nom de connexion ou mot de passe incorrect." in again.text
