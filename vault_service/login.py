"""The login core shared by the login page and the JSON API: attempt limits, password,
second factor, then a new session (and CSRF cookie); logging out.

Rate limits live in the database (ratelimit.py); the password is always checked at the same
cost (a dummy hash when the account does not exist); every outcome is journaled.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import accounts, audit, crypto, csrf, passwords, ratelimit, sessions, totp
from vault_service.settings import Settings
from vault_service.web import (
    HTTPError,
    check_password,
    client_ip,
    db_read,
    db_write,
    hash_password,
    vault,
)

NEED_TOTP = "need_totp"

IP_FACTOR = 20  # mobile carriers put many people behind one address (CGNAT): be lenient


def limit_keys(request: Request, kind: str, login: str) -> list[tuple[str, int]]:
    """Per account (the real defence) and, more loosely, per client address."""
    limit = vault(request).settings.login_attempts
    return [
        (f"{kind}:{login.casefold()}", limit),
        (f"{kind}-ip:{client_ip(request)}", limit * IP_FACTOR),
    ]


def check_locks(conn: Connection, keys: list[tuple[str, int]]) -> None:
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


async def fail(request: Request, keys: list[tuple[str, int]], action: str, subject: Any) -> None:
    subject_id = subject.id if subject else None
    await db_write(request, _record_failure, keys, action, subject_id, client_ip(request))


def _logged_in(conn: Connection, account_id: str, key: str, rehashed: str | None) -> None:
    ratelimit.succeed(conn, key)
    if rehashed is not None:
        accounts.set_password_hash(conn, account_id, rehashed)


def _open_session(conn: Connection, account_id: str, settings: Settings, ip: str) -> str:
    """A new session, journaled in the same transaction (login, sign-up alike)."""
    cookie, _ = sessions.open_session(conn, account_id, settings)
    audit.record(conn, "auth.login", actor_id=account_id, subject_id=account_id, detail={"ip": ip})
    return cookie


async def authenticate(request: Request, login: str, password: str, code: str) -> Any:
    """The account, or NEED_TOTP; raises HTTPError 401 / 429."""
    service = vault(request)
    login = login.strip().lower()
    keys = limit_keys(request, "login", login)
    await db_read(request, check_locks, keys)
    account = await db_read(request, accounts.by_login, login)
    usable = account is not None and account.status == "active"
    ok = await check_password(request, password, account.password_hash if usable else None)
    if not (ok and usable):
        await fail(request, keys, "auth.login_failed", account)
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
            await fail(request, keys, "auth.totp_failed", account)
            raise HTTPError(401, "code_totp", "Code de double authentification incorrect.")
        await db_write(request, accounts.spend_totp_step, account.id, step)
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
