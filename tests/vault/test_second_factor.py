"""The second factor (A5): enabling it asks the password; a lost phone has a way back.

Before: a stolen session alone could turn TOTP on (locking the owner out), and a recovery
sheet plus a new password still asked for the code of the lost phone.
"""

from __future__ import annotations

import html
import sqlite3

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, csrf_token, login
from tests.vault.test_cli import create_admin, run
from tests.vault.test_flows import CODE_RE, NEW, found, redeem, sign_in, totp_secret
from tests.vault.test_takeover import ask_recovery, signed_in, without_second_approval
from vault_service import totp
from vault_service.db import audit_log


def enrol(client: TestClient, current: str | None) -> tuple[int, str, bytes]:
    """Scan the new secret and confirm with its code (and the password when given)."""
    page = client.get("/compte/double-authentification")
    secret = totp_secret(page.text)
    token = found(r'name="token" value="([^"]+)"', page.text)
    data = {"csrf_token": csrf_token(client, "/compte"), "token": token, "code": totp.code(secret)}
    if current is not None:
        data["current"] = current
    done = client.post("/compte/double-authentification", data=data, follow_redirects=False)
    return done.status_code, html.unescape(done.text), secret


def test_enabling_totp_asks_the_current_password(client, world):
    login(client, world.actors["beneficiary_a"])
    for current in (None, "pas le bon mot de passe"):
        status, text, _ = enrol(client, current)
        assert status == 400 and "Le mot de passe actuel est incorrect." in text
        assert client.get("/api/me").json()["totp"] is False
    status, _, _ = enrol(client, PASSWORD)
    assert status == 303 and client.get("/api/me").json()["totp"] is True


def test_disabling_totp_asks_the_current_password(client, world):
    login(client, world.actors["beneficiary_a"])
    enrol(client, PASSWORD)
    refused = client.post(
        "/compte/double-authentification/desactiver",
        data={"csrf_token": csrf_token(client, "/compte"), "current": "faux"},
    )
    assert refused.status_code == 400 and client.get("/api/me").json()["totp"] is True


def journal_actions(engine, subject_id: str) -> list[tuple[str, str | None, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_log).where(audit_log.c.subject_id == subject_id).order_by(audit_log.c.seq)
        ).all()
    return [(row.action, row.actor_id, row.detail) for row in rows]


def test_recovery_sheet_resets_a_lost_second_factor(app, client, world, engine):
    amina = world.actors["beneficiary_a"]
    login(client, amina)
    enrol(client, PASSWORD)
    sheet = client.post(
        "/compte/feuille-de-secours",
        data={"csrf_token": csrf_token(client, "/compte"), "current": PASSWORD},
    )
    code = found(CODE_RE, sheet.text)
    # The phone is lost: without the sheet, the password alone still asks for the code.
    assert 'name="totp"' in sign_in(TestClient(app), "amina", PASSWORD).text
    person = TestClient(app)
    done = redeem(person, "amina", code, page="/recuperation")
    assert done.status_code == 200
    assert "La double authentification a été retirée" in html.unescape(done.text)
    first = sign_in(person, "amina", NEW)
    assert first.status_code == 303 and first.headers["location"] == "/compte/avis"
    assert "La double authentification a été retirée de votre compte" in html.unescape(
        person.get("/compte/avis").text
    )
    assert person.get("/api/me").json()["totp"] is False
    assert ("account.totp_off", amina.id, '{"via": "recovery"}') in journal_actions(
        engine, amina.id
    )


def test_assisted_recovery_resets_a_lost_second_factor(app, world, engine):
    amina = world.actors["beneficiary_a"]
    person = signed_in(app, world, "beneficiary_a")
    enrol(person, PASSWORD)
    without_second_approval(app)
    sheet = ask_recovery(signed_in(app, world, "pro_x"), amina.id)
    redeem(TestClient(app), "amina", found(CODE_RE, sheet.text), page="/recuperation")
    assert sign_in(TestClient(app), "amina", NEW).status_code == 303
    pro = world.actors["pro_x"].id
    assert ("account.totp_off", pro, '{"via": "assisted"}') in journal_actions(engine, amina.id)


def test_admin_lost_second_factor_is_reset_by_the_operator(tmp_path):
    assert run(["--demo", "init-db"], tmp_path).returncode == 0
    created = create_admin(tmp_path)
    old_key = next(line for line in created.stdout.splitlines() if "clé :" in line)
    missing = run(["--demo", "reset-totp", "--login", "personne"], tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "Aucun compte « personne » : vérifiez l'identifiant."
    reset = run(["--demo", "reset-totp", "--login", "admin"], tmp_path)
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout.startswith("Nouvelle double authentification pour admin")
    new_key = next(line for line in reset.stdout.splitlines() if "clé :" in line)
    assert new_key != old_key
    with sqlite3.connect(tmp_path / "vault-data" / "vault.sqlite3") as db:
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[-1] == "account.totp_reset"
    check = run(["--demo", "check-integrity"], tmp_path)  # in an intact journal
    assert check.returncode == 0, check.stdout
