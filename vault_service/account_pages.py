"""Account settings: password, optional TOTP (beneficiaries), printed recovery sheet, her links
with structures and the notices of what others did on her account."""

from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import (
    accounts,
    assisted_recovery,
    audit,
    codes,
    crypto,
    guard,
    notices,
    passwords,
    relationships,
    sessions,
    totp,
)
from vault_service.i18n import msg
from vault_service.web import (
    HTTPError,
    db_read,
    db_write,
    form,
    hash_password,
    redirect,
    render,
    require,
    vault,
)

ENROL_PURPOSE = "vault.totp-enrol.v1"


def _enrol_serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(vault(request).settings.cookie_key, salt=ENROL_PURPOSE)


def _set_password(conn: Connection, account_id: str, password_hash: str, session_row: str) -> None:
    """New password; the other sessions (another device, a thief's) are closed, and so are
    the recovery sheets a professional printed for her (she has her access back)."""
    accounts.set_password(conn, account_id, password_hash)
    sessions.revoke_others(conn, account_id, session_row)
    codes.cancel_codes(conn, account_id, assisted_recovery.PURPOSE)
    audit.record(conn, "account.password", actor_id=account_id, subject_id=account_id)


def _set_totp(conn: Connection, account_id: str, sealed: str | None) -> None:
    """Turn the second factor on (a sealed secret) or off (None), in the journal."""
    accounts.set_totp_secret(conn, account_id, sealed)
    action = "account.totp_on" if sealed else "account.totp_off"
    audit.record(conn, action, actor_id=account_id, subject_id=account_id)


def _account_lists(conn: Connection, account_id: str) -> dict[str, Any]:
    return {
        "links": relationships.links_of(conn, account_id),
        "recent_notices": notices.recent(conn, account_id, limit=10),
    }


async def account_page(request: Request, status: int = 200, **context: Any) -> Response:
    """The account page with her links and the recent notices."""
    account = require(request)
    lists = await db_read(request, _account_lists, account.id)
    return render(
        request,
        "account.html",
        status=status,
        ORIGIN_LABELS=relationships.ORIGIN_LABELS,
        **lists,
        **context,
    )


async def _wrong_password(request: Request, account: Any, data: dict[str, str]) -> Response | None:
    """The account page with an error when the current password typed is wrong, else None.

    Each check claims an attempt of the account first (guard.py): a stolen session cannot
    guess the password behind it."""
    try:
        if await guard.current_password_ok(request, account, data.get("current", "")):
            return None
    except HTTPError as error:
        return await account_page(request, status=error.status, error=error.message)
    return await account_page(
        request, status=400, error=msg("Le mot de passe actuel est incorrect.")
    )


async def settings_page(request: Request) -> Response:
    return await account_page(request)


async def change_password(request: Request) -> Response:
    account = require(request)
    data = await form(request)
    if refusal := await _wrong_password(request, account, data):
        return refusal
    new = data.get("password", "")
    problem = passwords.new_password_problem(new, data.get("password2", ""))
    if problem:
        return await account_page(request, status=400, error=problem)
    password_hash = await hash_password(request, new)
    await db_write(request, _set_password, account.id, password_hash, request.state.session_row)
    return await account_page(
        request,
        message=msg("Mot de passe modifié. Vous êtes déconnecté·e sur vos autres appareils."),
    )


async def totp_page(request: Request) -> Response:
    """GET: a new secret to scan (carried signed in the form); POST: enable it with a code."""
    account = require(request, "beneficiary")
    service = vault(request)
    if request.method in ("GET", "HEAD"):
        secret = totp.new_secret()
        token = _enrol_serializer(request).dumps([account.id, secret.hex()])
        return render(
            request, "totp.html", setup=totp.setup_view(secret, account.login), token=token
        )
    data = await form(request)
    try:
        owner, secret_hex = _enrol_serializer(request).loads(data.get("token", ""), max_age=900)
    except BadSignature:
        return await account_page(
            request, status=400, error=msg("La demande a expiré : recommencez l'activation.")
        )
    secret = bytes.fromhex(secret_hex)
    error, status = None, 400
    if owner != account.id or not totp.verify(secret, data.get("code", "")):
        error = msg("Code incorrect : vérifiez l'heure de votre téléphone et recommencez.")
    else:  # the password too: a stolen session must not lock the owner out with a new factor
        try:
            if not await guard.current_password_ok(request, account, data.get("current", "")):
                error = "Le mot de passe actuel est incorrect."
        except HTTPError as refused:
            error, status = refused.message, refused.status
    if error:
        return render(
            request,
            "totp.html",
            status=status,
            setup=totp.setup_view(secret, account.login),
            token=data.get("token", ""),
            error=error,
        )
    sealed = crypto.seal(service.keyring, secret, f"totp|{account.id}")
    await db_write(request, _set_totp, account.id, sealed)
    return redirect(request, "/compte")


async def totp_off(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    if refusal := await _wrong_password(request, account, data):
        return refusal
    await db_write(request, _set_totp, account.id, None)
    return redirect(request, "/compte")


async def recovery_sheet(request: Request) -> Response:
    """A printable sheet with a recovery code (no expiry; a new one cancels the old one)."""
    account = require(request)
    data = await form(request)
    if refusal := await _wrong_password(request, account, data):
        return refusal
    code = await db_write(request, codes.issue_code, account.id, "recovery", None, account.id)
    return render(
        request, "sheet.html", person=account, code=code, purpose="recovery", expires_days=None
    )
