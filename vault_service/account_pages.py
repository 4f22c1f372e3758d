"""Account settings: password, optional TOTP (beneficiaries), printed recovery sheet."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import update
from starlette.requests import Request
from starlette.responses import Response

from vault_service import accounts, audit, crypto, passwords, totp
from vault_service.auth import totp_view
from vault_service.db import accounts as accounts_table
from vault_service.web import (
    check_password,
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


async def settings_page(request: Request) -> Response:
    require(request)
    return render(request, "account.html")


async def change_password(request: Request) -> Response:
    account = require(request)
    data = await form(request)
    if not await check_password(request, data.get("current", ""), account.password_hash):
        return render(
            request, "account.html", status=400, error="Le mot de passe actuel est incorrect."
        )
    new = data.get("password", "")
    problem = passwords.password_problem(new)
    if not problem and new != data.get("password2", ""):
        problem = "Les deux mots de passe ne sont pas identiques."
    if problem:
        return render(request, "account.html", status=400, error=problem)
    password_hash = await hash_password(request, new)
    with vault(request).engine.begin() as conn:
        accounts.set_password(conn, account.id, password_hash)
        audit.record(conn, "account.password", actor_id=account.id, subject_id=account.id)
    return render(request, "account.html", message="Mot de passe modifié.")


async def totp_page(request: Request) -> Response:
    """GET: a new secret to scan (carried signed in the form); POST: enable it with a code."""
    account = require(request, "beneficiary")
    service = vault(request)
    if request.method in ("GET", "HEAD"):
        secret = totp.new_secret()
        token = _enrol_serializer(request).dumps([account.id, secret.hex()])
        return render(request, "totp.html", setup=totp_view(secret, account.login), token=token)
    data = await form(request)
    try:
        owner, secret_hex = _enrol_serializer(request).loads(data.get("token", ""), max_age=900)
    except BadSignature:
        return render(
            request,
            "account.html",
            status=400,
            error="La demande a expiré : recommencez l'activation.",
        )
    secret = bytes.fromhex(secret_hex)
    if owner != account.id or not totp.verify(secret, data.get("code", "")):
        return render(
            request,
            "totp.html",
            status=400,
            setup=totp_view(secret, account.login),
            token=data.get("token", ""),
            error="Code incorrect : vérifiez l'heure de votre téléphone et recommencez.",
        )
    with service.engine.begin() as conn:
        conn.execute(
            update(accounts_table)
            .where(accounts_table.c.id == account.id)
            .values(totp_secret=crypto.seal(service.keyring, secret, f"totp|{account.id}"))
        )
        audit.record(conn, "account.totp_on", actor_id=account.id, subject_id=account.id)
    return redirect(request, "/compte")


async def totp_off(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    if not await check_password(request, data.get("current", ""), account.password_hash):
        return render(
            request, "account.html", status=400, error="Le mot de passe actuel est incorrect."
        )
    with vault(request).engine.begin() as conn:
        conn.execute(
            update(accounts_table).where(accounts_table.c.id == account.id).values(totp_secret=None)
        )
        audit.record(conn, "account.totp_off", actor_id=account.id, subject_id=account.id)
    return redirect(request, "/compte")


async def recovery_sheet(request: Request) -> Response:
    """A printable sheet with a recovery code (no expiry; a new one cancels the old one)."""
    account = require(request)
    data = await form(request)
    if not await check_password(request, data.get("current", ""), account.password_hash):
        return render(
            request, "account.html", status=400, error="Le mot de passe actuel est incorrect."
        )
    with vault(request).engine.begin() as conn:
        code = accounts.issue_code(conn, account.id, "recovery", None, account.id)
    return render(
        request, "sheet.html", person=account, code=code, purpose="recovery", expires_days=None
    )
