"""Attempt limits that hold under concurrency and do not punish the victim (issue 8: A3, A4,
A8, A9, A12), on SQLite and PostgreSQL. Each test tries the attack over HTTP."""

from __future__ import annotations

import base64
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.vault.conftest import PASSWORD, csrf_token, login
from vault_service import passwords, ratelimit
from vault_service.app import create_app
from vault_service.db import as_utc, now, rate_limits
from vault_service.settings import Settings

API = {"X-Vault-CSRF": "1"}
NEW = "un tout nouveau mot de passe"


def _app(settings: Settings, engine: Any, **changes: Any) -> Any:
    return create_app(Settings.from_env({}, **{**settings.__dict__, **changes}), engine=engine)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password actually checked (Argon2 verify), in order."""
    seen: list[str] = []
    lock = threading.Lock()
    real = passwords.verify_password

    def counting(password: str, stored: str) -> bool:
        with lock:
            seen.append(password)
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", counting)
    return seen


def _api_login(client: TestClient, login_name: str, password: str, **extra: str) -> Any:
    body = {"login": login_name, "password": password, **extra}
    return client.post("/api/session", json=body, headers=API)


def _form_login(client: TestClient, login_name: str, password: str, **extra: str) -> Any:
    data = {"csrf_token": csrf_token(client), "login": login_name, "password": password, **extra}
    return client.post("/connexion", data=data, follow_redirects=False)


def test_twenty_parallel_logins_check_at_most_the_limit(app, world, settings, checks):
    """A3: 19 wrong passwords and the right one at once: at most 5 checked, the rest 429."""
    target = world.actors["beneficiary_a"].login
    guesses = [f"mauvais {i}" for i in range(19)] + [PASSWORD]
    barrier = threading.Barrier(len(guesses))

    def attempt(password: str) -> int:
        client = TestClient(app)
        barrier.wait()
        status: int = _api_login(client, target, password).status_code
        return status

    with ThreadPoolExecutor(max_workers=len(guesses)) as pool:
        statuses = list(pool.map(attempt, guesses))
    assert len(checks) <= settings.login_attempts, checks
    assert statuses.count(429) >= len(guesses) - settings.login_attempts
    assert set(statuses) <= {200, 401, 429}


def test_owner_on_a_known_device_logs_in_while_the_attacker_is_locked(app, world, settings):
    """A9: five wrong passwords from a stranger lock the login for unknown devices only."""
    owner = TestClient(app)
    login(owner, world.actors["beneficiary_a"])  # this browser becomes a known device
    assert owner.delete("/api/session", headers=API).status_code == 204  # logged out
    attacker = TestClient(app)
    target = world.actors["beneficiary_a"].login
    for _ in range(settings.login_attempts):
        assert _api_login(attacker, target, "devine").status_code == 401
    refused = _api_login(attacker, target, PASSWORD)
    assert refused.status_code == 429
    assert "appareil" in refused.json()["error"]["message"]
    assert _api_login(TestClient(app), target, PASSWORD).status_code == 429  # a new device
    assert _form_login(owner, target, PASSWORD).status_code == 303  # her phone: welcome


def test_a_forged_or_foreign_device_cookie_does_not_bypass_the_lock(app, world, settings):
    other = TestClient(app)
    login(other, world.actors["beneficiary_b"])  # a device known for ANOTHER account
    target = world.actors["beneficiary_a"].login
    for _ in range(settings.login_attempts):
        _api_login(TestClient(app), target, "devine")
    assert _api_login(other, target, PASSWORD).status_code == 429
    forged = TestClient(app)
    forged.cookies.set("vault_device", "eyJmYWtlIjoxfQ.forged.sig")
    assert _api_login(forged, target, PASSWORD).status_code == 429


def test_a_known_device_has_its_own_limit(app, world, settings, checks):
    """A stolen phone is not an unlimited oracle: the device key is limited too."""
    phone = TestClient(app)
    login(phone, world.actors["beneficiary_a"])
    checks.clear()
    target = world.actors["beneficiary_a"].login
    statuses = [_api_login(phone, target, f"vol {i}").status_code for i in range(8)]
    assert statuses.count(401) == settings.login_attempts
    assert len(checks) == settings.login_attempts


def test_lockout_never_grows_past_the_ceiling(app, world, settings, engine):
    """A9: no 24 h renewable lock: at most VAULT_LOGIN_LOCK_MAX_MINUTES."""
    key = ratelimit.key("login", world.actors["beneficiary_a"].login)
    client = TestClient(app)
    for _round in range(3):
        for _ in range(settings.login_attempts):
            _api_login(client, world.actors["beneficiary_a"].login, "devine")
        with engine.begin() as conn:  # the lock served: it expires, a new round starts
            conn.execute(
                update(rate_limits)
                .where(rate_limits.c.key == key)
                .values(locked_until=now() - timedelta(seconds=1), lockouts=40)
            )
    for _ in range(settings.login_attempts):
        _api_login(client, world.actors["beneficiary_a"].login, "devine")
    with engine.connect() as conn:
        until = conn.execute(
            select(rate_limits.c.locked_until).where(rate_limits.c.key == key)
        ).scalar_one()
    remaining = as_utc(until) - now()
    assert timedelta(minutes=1) < remaining <= timedelta(minutes=settings.login_lock_max_minutes)


def _answer(challenge: dict[str, Any]) -> str:
    a, b = map(int, re.findall(r"\d+", challenge["question"]))
    return str(a + b)


def test_a_busy_shared_address_gets_a_challenge_not_a_lockout(settings, engine, world):
    """A4: ~100 failures on random logins from one address (a carrier's NAT); then a person
    behind the same address, correct password, new device: a sum and a short wait, then in."""
    app = _app(settings, engine, address_free_failures=20, challenge_wait_seconds=1)
    client = TestClient(app)
    for i in range(25):
        status = _api_login(client, f"inconnu{i}", "devine").status_code
        assert status in {401, 429}
    person = TestClient(app)
    target = world.actors["beneficiary_b"].login
    first = _api_login(person, target, PASSWORD)
    assert first.status_code == 429
    error = first.json()["error"]
    assert error["code"] == "verification"
    challenge = error["detail"]["challenge"]
    assert challenge["wait"] == 1
    early = _api_login(
        person, target, PASSWORD, challenge_token=challenge["token"], challenge_answer="0"
    )
    assert early.status_code == 429  # wrong answer (and too early)
    time.sleep(1.2)
    proof = {"challenge_token": challenge["token"], "challenge_answer": _answer(challenge)}
    assert _api_login(person, target, PASSWORD, **proof).status_code == 200
    replay = _api_login(TestClient(app), target, PASSWORD, **proof)
    assert replay.status_code == 429  # a challenge serves once
    assert "déjà servi" in replay.json()["error"]["message"]


def test_the_login_page_shows_the_challenge(settings, engine, world):
    app = _app(settings, engine, address_free_failures=0, challenge_wait_seconds=0)
    client = TestClient(app)
    page = _form_login(client, world.actors["beneficiary_b"].login, PASSWORD)
    assert page.status_code == 429
    done = _form_login(
        client, world.actors["beneficiary_b"].login, PASSWORD, **_page_proof(page.text)
    )
    assert done.status_code == 303


def _signup(client: TestClient, n: int, **extra: str) -> Any:
    data = {
        "given_name": f"Personne{n}",
        "family_name": "Essai",
        "birth_date": "1990-01-01",
        "login": f"essai{n}",
        "password": NEW,
        "password2": NEW,
        "csrf_token": csrf_token(client, "/inscription"),
        **extra,
    }
    return client.post("/inscription", data=data, follow_redirects=False)


def test_signup_is_rate_limited_per_address(settings, engine, world):
    """A8: 12 sign-ups from one address in a row: 3 go through, then a challenge each time;
    past VAULT_SIGNUP_MAX, refused for the hour."""
    app = _app(settings, engine, signup_free=3, signup_max=5, challenge_wait_seconds=0)
    statuses = [_signup(TestClient(app), n).status_code for n in range(12)]
    assert statuses[:3] == [303, 303, 303]
    assert set(statuses[3:]) == {429}
    for n in (50, 51):  # a person behind that address answers the challenge: in
        client = TestClient(app)
        page = _signup(client, n)
        assert _signup(client, n, **_page_proof(page.text)).status_code == 303
    client = TestClient(app)  # 5 sign-ups this hour: the cap
    capped = _signup(client, 52)
    assert capped.status_code == 429
    assert "Trop de comptes ont été créés depuis votre réseau" in capped.text


def _page_proof(html: str) -> dict[str, str]:
    question = re.search(r"Combien font (\d+) \+ (\d+) \?", html)
    token = re.search(r'name="challenge_token" value="([^"]+)"', html)
    assert question and token, "pas de question de vérification dans la page"
    answer = str(int(question.group(1)) + int(question.group(2)))
    return {"challenge_token": token.group(1), "challenge_answer": answer}


def test_current_password_checks_are_counted(client, world, settings, checks):
    """A12: a stolen session cannot guess the password behind it on the account page."""
    login(client, world.actors["beneficiary_a"])
    checks.clear()
    statuses = []
    for i in range(settings.login_attempts + 3):
        response = client.post(
            "/compte/mot-de-passe",
            data={
                "csrf_token": csrf_token(client, "/compte"),
                "current": f"devine {i}",
                "password": NEW,
                "password2": NEW,
            },
        )
        statuses.append(response.status_code)
    assert statuses[: settings.login_attempts] == [400] * settings.login_attempts
    assert set(statuses[settings.login_attempts :]) == {429}
    assert len(checks) == settings.login_attempts


def test_twenty_parallel_recovery_codes_check_at_most_the_limit(app, world, settings, monkeypatch):
    """A3 on printed codes: 20 guesses at once on one login, at most the limit tried."""
    from vault_service import codes

    tried: list[str] = []
    lock = threading.Lock()
    real = codes.redeem

    def counting(*args: Any, **kwargs: Any) -> Any:
        with lock:
            tried.append(args[2])
        return real(*args, **kwargs)

    target = world.actors["beneficiary_a"].login
    clients = [TestClient(app) for _ in range(20)]
    tokens = [csrf_token(c, "/recuperation") for c in clients]
    barrier = threading.Barrier(len(clients))

    def attempt(n: int) -> int:
        barrier.wait()
        data = {
            "csrf_token": tokens[n],
            "login": target,
            "code": f"AAAA-BBBB-{n:04d}",
            "password": NEW,
            "password2": NEW,
        }
        status: int = clients[n].post("/recuperation", data=data).status_code
        return status

    monkeypatch.setattr(codes, "redeem", counting)
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(attempt, range(len(clients))))
    assert len(tried) <= settings.login_attempts
    assert statuses.count(429) >= len(clients) - settings.login_attempts


def _burst(app: Any, send: Any, n: int = 20) -> list[int]:
    """`n` requests at once, each from its own client (no shared cookie jar)."""
    barrier = threading.Barrier(n)

    def attempt(i: int) -> int:
        client = TestClient(app)
        prepared = send(client, i)
        barrier.wait()
        status: int = prepared().status_code
        return status

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


@pytest.fixture
def code_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every printed code or link code actually checked against the database."""
    from vault_service import codes, relationships

    seen: list[str] = []
    lock = threading.Lock()
    real_redeem, real_link = codes.redeem, relationships.redeem_link_code

    def redeem(conn: Any, login: str, code: str, purposes: Any) -> Any:
        with lock:
            seen.append(code)
        return real_redeem(conn, login, code, purposes)

    def link(conn: Any, code: str, actor: Any) -> Any:
        with lock:
            seen.append(code)
        return real_link(conn, code, actor)

    monkeypatch.setattr(codes, "redeem", redeem)
    monkeypatch.setattr(relationships, "redeem_link_code", link)
    return seen


def test_twenty_parallel_activation_codes_check_at_most_the_limit(
    app, world, settings, code_checks
):
    """Found by the black-box probe: the activation page read the lock, hashed the new
    password, then counted the failure, so 20 codes sent at once were all checked."""
    page = "/activation"
    target = world.actors["beneficiary_a"].login

    def send(client: TestClient, i: int) -> Any:
        token = csrf_token(client, page)
        data = {"csrf_token": token, "login": target, "code": f"AAAA-{i:04d}-ZZZZ"}
        data |= {"password": NEW, "password2": NEW}
        return lambda: client.post(page, data=data)

    statuses = _burst(app, send)
    assert len(code_checks) <= settings.login_attempts, code_checks
    assert statuses.count(429) >= len(statuses) - settings.login_attempts, statuses


def test_twenty_parallel_link_codes_check_at_most_the_limit(app, world, settings, code_checks):
    """Same race on the link codes a professional types (one professional's session)."""
    pro = TestClient(app)
    login(pro, world.actors["pro_y"])
    token = csrf_token(pro, "/pro")
    barrier = threading.Barrier(20)

    def attempt(i: int) -> int:
        barrier.wait()
        response = pro.post("/pro/liens", data={"csrf_token": token, "code": f"ZZZZ-{i:04d}"})
        status: int = response.status_code
        return status

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert len(code_checks) <= settings.login_attempts, code_checks
    assert statuses.count(429) >= 20 - settings.login_attempts, statuses


def test_challenges_gathered_in_parallel_do_not_multiply_the_attempts(
    settings, engine, world, checks
):
    """Found by the black-box probe: a script behind a busy address collected 12 challenges at
    once, waited, answered them all in parallel: 12 passwords checked in one go (the brake
    scaled with parallelism). A busy address now gets 2 checked attempts a second."""
    app = _app(settings, engine, address_free_failures=0, challenge_wait_seconds=0)
    target = world.actors["beneficiary_b"].login
    challenges = [
        _api_login(TestClient(app), f"inconnu{i}", "devine").json()["error"]["detail"]["challenge"]
        for i in range(12)
    ]
    barrier = threading.Barrier(len(challenges))

    def attempt(challenge: dict[str, Any]) -> int:
        client = TestClient(app)
        proof = {"challenge_token": challenge["token"], "challenge_answer": _answer(challenge)}
        barrier.wait()
        status: int = _api_login(client, target, "devine encore", **proof).status_code
        return status

    checks.clear()
    with ThreadPoolExecutor(max_workers=len(challenges)) as pool:
        statuses = list(pool.map(attempt, challenges))
    assert len(checks) <= 2, (checks, statuses)
    assert statuses.count(429) >= len(challenges) - 2
    waited = next(c for c, s in zip(challenges, statuses, strict=True) if s == 429)
    time.sleep(1.1)  # the same answer, a second later: the person behind the NAT gets in
    proof = {"challenge_token": waited["token"], "challenge_answer": _answer(waited)}
    assert _api_login(TestClient(app), target, PASSWORD, **proof).status_code == 200


def _closure_guess(client: TestClient, guess: str) -> Any:
    data = {"csrf_token": csrf_token(client, "/compte"), "confirm": "oui", "current": guess}
    return client.post("/compte/fermeture", data=data)


def _totp_guess(client: TestClient, guess: str) -> Any:
    from vault_service import totp

    page = client.get("/compte/double-authentification").text
    token = re.search(r'name="token" value="([^"]+)"', page)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    assert token and secret
    raw = base64.b32decode(secret.group(1) + "=" * (-len(secret.group(1)) % 8))
    data = {
        "csrf_token": csrf_token(client, "/compte"),
        "token": token.group(1),
        "code": totp.code(raw),
        "current": guess,
    }
    return client.post("/compte/double-authentification", data=data)


@pytest.mark.parametrize("guess", [_closure_guess, _totp_guess], ids=["fermeture", "totp"])
def test_every_current_password_check_is_counted(client, world, settings, checks, guess):
    """Found by the black-box probe: closing the account and enabling the second factor
    checked the current password without counting it — a stolen session had an unlimited
    password oracle there (the secret of the second factor is in the page it gets)."""
    login(client, world.actors["beneficiary_a"])
    checks.clear()
    statuses = [
        guess(client, f"devine {i}").status_code for i in range(settings.login_attempts + 3)
    ]
    assert len(checks) <= settings.login_attempts, checks
    assert 429 in statuses[settings.login_attempts :], statuses
    assert client.get("/api/me").json()["totp"] is False
