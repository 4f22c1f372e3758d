"""Sign-up, login, logout, activation and recovery (pages), and the login core the API shares.

Login: rate limit per account and per address (database, progressive lockout), Argon2id
check (a dummy hash when the account does not exist, same cost), TOTP when the account has
one (always for administrators), rehash when parameters changed, then a new session and a
new CSRF cookie. Every outcome is written to the audit journal.
"""

from __future__ import annotations

from typing import Any

import segno
from sqlalchemy import Connection, update
from starlette.requests import Request
from starlette.responses import Response

from vault_service import accounts, audit, crypto, csrf, passwords, ratelimit, sessions, totp
from vault_service.db import accounts as accounts_table
from vault_service.settings import Settings
from vault_service.web import (
    HOME_BY_ROLE,
    HTTPError,
    check_password,
    client_ip,
    db_read,
    db_write,
    form,
    hash_password,
    redirect,
    render,
    vault,
    viewer,
)

NEED_TOTP = "need_totp"


IP_FACTOR = 20  # mobile carriers put many people behind one address (CGNAT): be lenient


def _limit_keys(request: Request, kind: str, login: str) -> list[tuple[str, int]]:
    """Per account (the real defence) and, more loosely, per client address."""
    limit = vault(request).settings.login_attempts
    return [
        (f"{kind}:{login.casefold()}", limit),
        (f"{kind}-ip:{client_ip(request)}", limit * IP_FACTOR),
    ]


def _check_locks(conn: Connection, keys: list[tuple[str, int]]) -> None:
    for key, _ in keys:
        until = ratelimit.locked_until(conn, key)
        if until is not None:
            raise HTTPError(429, "trop_de_tentatives", ratelimit.wait_message(until))


def _record_failure(
    conn: Connection, keys: list[tuple[str, int]], action: str, subject_id: str | None, ip: str
) -> None:
    for key, limit in keys:
        ratelimit.fail(conn, key, limit)
    audit.record(conn, action, actor_id=None, subject_id=subject_id, detail={"ip": ip})


async def _fail(request: Request, keys: list[tuple[str, int]], action: str, subject: Any) -> None:
    subject_id = subject.id if subject else None
    await db_write(request, _record_failure, keys, action, subject_id, client_ip(request))


def _spend_step(conn: Connection, account_id: str, step: int) -> None:
    conn.execute(
        update(accounts_table).where(accounts_table.c.id == account_id).values(totp_last_step=step)
    )


def _logged_in(conn: Connection, account_id: str, key: str, rehashed: str | None) -> None:
    ratelimit.succeed(conn, key)
    if rehashed is not None:
        conn.execute(
            update(accounts_table)
            .where(accounts_table.c.id == account_id)
            .values(password_hash=rehashed)
        )


def _open_session(conn: Connection, account_id: str, settings: Settings, ip: str) -> str:
    """A new session, journaled in the same transaction (login, sign-up alike)."""
    cookie, _ = sessions.open_session(conn, account_id, settings)
    audit.record(conn, "auth.login", actor_id=account_id, subject_id=account_id, detail={"ip": ip})
    return cookie


async def authenticate(request: Request, login: str, password: str, code: str) -> Any:
    """The account, or NEED_TOTP; raises HTTPError 401 / 429."""
    service = vault(request)
    login = login.strip().lower()
    keys = _limit_keys(request, "login", login)
    await db_read(request, _check_locks, keys)
    account = await db_read(request, accounts.by_login, login)
    usable = account is not None and account.status == "active"
    ok = await check_password(request, password, account.password_hash if usable else None)
    if not (ok and usable):
        await _fail(request, keys, "auth.login_failed", account)
        raise HTTPError(401, "identifiants", "Identifiant ou mot de passe incorrect.")
    if account.totp_secret or account.role in accounts.ADMIN_ROLES:
        if not code.strip():
            return NEED_TOTP
        secret = (
            crypto.unseal(service.keyring, account.totp_secret, f"totp|{account.id}")
            if account.totp_secret
            else b""
        )
        step = totp.matching_step(secret, code) if secret else None
        if step is None or step <= (account.totp_last_step or 0):
            # Wrong, or already used once (a code seen over someone's shoulder is spent).
            await _fail(request, keys, "auth.totp_failed", account)
            raise HTTPError(401, "code_totp", "Code de double authentification incorrect.")
        await db_write(request, _spend_step, account.id, step)
    # Hash before the transaction: never await while holding a database lock.
    rehashed = (
        await hash_password(request, password)
        if passwords.needs_rehash(account.password_hash, service.argon2)
        else None
    )
    await db_write(request, _logged_in, account.id, keys[0][0], rehashed)
    return account


async def start_session(request: Request, response: Response, account: Any) -> Response:
    service = vault(request)
    ip = client_ip(request)
    cookie = await db_write(request, _open_session, account.id, service.settings, ip)
    response.set_cookie(
        sessions.cookie_name(service.settings),
        cookie,
        max_age=service.settings.session_hours * 3600,
        **sessions.cookie_options(service.settings),
    )
    # A new CSRF cookie at login: a value planted before login is worthless after it.
    response.set_cookie(
        csrf.cookie_name(service.settings),
        csrf.new_cookie_value(),
        httponly=True,
        secure=service.settings.secure_cookies,
        samesite="strict",
        path="/",
    )
    return response


async def login_page(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        if viewer(request) is not None:
            return redirect(request, HOME_BY_ROLE[viewer(request).role])
        return render(request, "login.html")
    data = await form(request)
    login, code = data.get("login", ""), data.get("totp", "")
    try:
        account = await authenticate(request, login, data.get("password", ""), code)
    except HTTPError as error:
        return render(request, "login.html", status=error.status, error=error.message, login=login)
    if account == NEED_TOTP:
        return render(
            request,
            "login.html",
            login=login,
            need_totp=True,
            error="Saisissez le code à 6 chiffres de votre application.",
        )
    response = redirect(request, HOME_BY_ROLE[account.role])
    return await start_session(request, response, account)


def end_sessions(conn: Connection, account_id: str, session_row: Any, everywhere: bool) -> None:
    if everywhere:
        sessions.revoke_all(conn, account_id)
    else:
        sessions.revoke(conn, session_row)
    audit.record(
        conn,
        "auth.logout_all" if everywhere else "auth.logout",
        actor_id=account_id,
        subject_id=account_id,
    )


async def logout(request: Request) -> Response:
    await form(request)
    service = vault(request)
    account = viewer(request)
    everywhere = request.url.path.endswith("-partout")
    if account is not None:
        await db_write(request, end_sessions, account.id, request.state.session_row, everywhere)
    response = redirect(request, "/connexion")
    response.delete_cookie(sessions.cookie_name(service.settings), path="/")
    return response


def _sign_up(conn: Connection, person: accounts.Person, login: str, password_hash: str) -> Any:
    account_id = accounts.create_account(
        conn,
        role="beneficiary",
        person=person,
        login=login,
        password_hash=password_hash,
        structure_id=None,
        created_by=None,
    )
    return accounts.get(conn, account_id)


async def signup_page(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        return render(request, "signup.html", values={})
    data = await form(request)
    person = accounts.Person(
        data.get("given_name", ""), data.get("family_name", ""), data.get("birth_date", "")
    )
    login = data.get("login", "").strip().lower()
    password = data.get("password", "")
    problem = passwords.password_problem(password)
    if not problem and password != data.get("password2", ""):
        problem = "Les deux mots de passe ne sont pas identiques."
    if problem:
        return render(request, "signup.html", status=400, error=problem, values=data)
    password_hash = await hash_password(request, password)
    try:
        account = await db_write(request, _sign_up, person, login, password_hash)
    except accounts.AccountError as error:
        return render(
            request,
            "signup.html",
            status=400,
            error=error.message,
            values=data,
            duplicate=error.existing_id is not None,
        )
    response = redirect(request, "/documents")
    return await start_session(request, response, account)


def _redeem(
    conn: Connection,
    keyring: crypto.Keyring,
    login: str,
    code: str,
    purposes: tuple[str, ...],
    password_hash: str,
    key: str,
) -> tuple[Any, bytes | None]:
    """Use a one-time code: set the password, end sessions; administrators activating get a
    new TOTP secret (returned). (None, None) when the code is wrong, used or expired."""
    account = accounts.redeem_code(conn, login, code, purposes)
    if account is None:
        return None, None
    secret: bytes | None = None
    accounts.set_password(conn, account.id, password_hash)
    sessions.revoke_all(conn, account.id)
    if account.role in accounts.ADMIN_ROLES and not account.totp_secret:
        secret = totp.new_secret()
        conn.execute(
            update(accounts_table)
            .where(accounts_table.c.id == account.id)
            .values(totp_secret=crypto.seal(keyring, secret, f"totp|{account.id}"))
        )
    audit.record(
        conn,
        "auth.recovered" if "recovery" in purposes else "auth.activated",
        actor_id=account.id,
        subject_id=account.id,
    )
    ratelimit.succeed(conn, key)
    return account, secret


async def activation_page(request: Request) -> Response:
    """Activation (first password) and recovery (printed sheet): same form, two purposes."""
    recovery = request.url.path == "/recuperation"
    template = "activation.html"
    if request.method in ("GET", "HEAD"):
        return render(request, template, recovery=recovery)
    data = await form(request)
    login = data.get("login", "").strip().lower()
    keys = _limit_keys(request, "recovery" if recovery else "activation", login)
    try:
        await db_read(request, _check_locks, keys)
    except HTTPError as error:
        return render(request, template, status=429, error=error.message, recovery=recovery)
    password = data.get("password", "")
    problem = passwords.password_problem(password)
    if not problem and password != data.get("password2", ""):
        problem = "Les deux mots de passe ne sont pas identiques."
    if problem:
        return render(request, template, status=400, error=problem, recovery=recovery, login=login)
    password_hash = await hash_password(request, password)
    purposes = ("recovery", "activation") if recovery else ("activation",)
    account, secret = await db_write(
        request,
        _redeem,
        vault(request).keyring,
        login,
        data.get("code", ""),
        purposes,
        password_hash,
        keys[0][0],
    )
    if account is None:
        await _fail(request, keys, "auth.code_failed", None)
        return render(
            request,
            template,
            status=400,
            recovery=recovery,
            login=login,
            error="Identifiant ou code incorrect, déjà utilisé ou expiré.",
        )
    return render(
        request,
        "activated.html",
        login=login,
        totp_setup=totp_view(secret, login) if secret else None,
    )


def totp_view(secret: bytes, login: str) -> dict[str, str]:
    """The key to type and the QR code (an SVG data URI, no script) of a TOTP secret."""
    return {
        "secret": totp.secret_text(secret),
        "qr": segno.make(totp.uri(secret, login), error="m").svg_data_uri(scale=4),
    }


async def home(request: Request) -> Response:
    account = viewer(request)
    if account is not None:
        return redirect(request, HOME_BY_ROLE[account.role])
    return render(request, "home.html")
