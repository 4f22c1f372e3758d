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

from vault_service import accounts, audit, crypto, csrf, guard, passwords, ratelimit, sessions, totp
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


def _login_failed(
    conn: Connection, address_key: str, action: str, subject_id: str | None, ip: str
) -> None:
    """The claim already counted the attempt on the account; count it on the address."""
    guard.count_address(conn, address_key)
    audit.record(conn, action, actor_id=None, subject_id=subject_id, detail={"ip": ip})


async def _refuse(
    request: Request, action: str, account: Any, status: int, code: str, text: str
) -> HTTPError:
    """Journal a failed attempt (counted on the address too); the error to raise."""
    subject_id = account.id if account is not None else None
    address = guard.address_key(request, "login")
    await db_write(request, _login_failed, address, action, subject_id, client_ip(request))
    return HTTPError(status, code, text)


def _logged_in(
    conn: Connection, account_id: str, key: str, ticket: ratelimit.Ticket, rehashed: str | None
) -> None:
    ratelimit.release(conn, key, ticket)
    if rehashed is not None:
        accounts.set_password_hash(conn, account_id, rehashed)


def _open_session(conn: Connection, account_id: str, settings: Settings, ip: str) -> str:
    """A new session, journaled in the same transaction (login, sign-up alike)."""
    cookie, _ = sessions.open_session(conn, account_id, settings)
    audit.record(conn, "auth.login", actor_id=account_id, subject_id=account_id, detail={"ip": ip})
    return cookie


async def authenticate(
    request: Request, login: str, password: str, code: str, proof: tuple[str, str] = ("", "")
) -> Any:
    """The account, or NEED_TOTP; raises HTTPError 401 / 429 (limits: guard.py).

    `proof` is the (token, answer) of a challenge, needed when this address is busy."""
    service = vault(request)
    login = login.strip().lower()
    account = await db_read(request, accounts.by_login, login)
    key = guard.login_key(request, login, account)
    if guard.known_device(request, account.id if account is not None else None) is None:
        free = service.settings.address_free_failures
        await guard.challenge_if_busy(request, "login", free, proof)
    ticket = await guard.claim(
        request, key
    )  # counted before the check: parallel tries cannot slip in
    usable = account is not None and account.status == "active"
    ok = await check_password(request, password, account.password_hash if usable else None)
    if not (ok and usable):
        raise await _refuse(
            request,
            "auth.login_failed",
            account,
            401,
            "identifiants",
            "Nom de connexion ou mot de passe incorrect.",
        )
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
            raise await _refuse(
                request,
                "auth.totp_failed",
                account,
                401,
                "code_totp",
                "Code de double authentification incorrect.",
            )
        await db_write(request, accounts.spend_totp_step, account.id, step)
    # Hash before the transaction: never await while holding a database lock.
    rehashed = (
        await hash_password(request, password)
        if passwords.needs_rehash(account.password_hash, service.argon2)
        else None
    )
    await db_write(request, _logged_in, account.id, key, ticket, rehashed)
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
    guard.remember_device(request, response, account.id)
    # A new CSRF cookie at login: a value planted before login is worthless after it.
    csrf.set_cookie(response, service.settings, csrf.new_cookie_value())
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
