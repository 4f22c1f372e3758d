"""Sign-up, login, logout, activation and recovery pages (the login core is login.py)."""

from __future__ import annotations

from typing import Any

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
    ratelimit,
    sessions,
    totp,
)
from vault_service.i18n import msg
from vault_service.login import (
    NEED_TOTP,
    authenticate,
    end_sessions,
    start_session,
)
from vault_service.web import (
    HOME_BY_ROLE,
    HTTPError,
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


async def login_page(request: Request) -> Response:
    if request.method in ("GET", "HEAD"):
        if viewer(request) is not None:
            return redirect(request, HOME_BY_ROLE[viewer(request).role])
        return render(request, "login.html")
    data = await form(request)
    login, code = data.get("login", ""), data.get("totp", "")
    try:
        account = await authenticate(
            request, login, data.get("password", ""), code, guard.proof(data)
        )
    except HTTPError as error:
        return render(
            request,
            "login.html",
            status=error.status,
            error=error.message,
            login=login,
            challenge=guard.challenge_of(error),
        )
    if account == NEED_TOTP:
        return render(
            request,
            "login.html",
            login=login,
            need_totp=True,
            error=msg("Saisissez le code à 6 chiffres de votre application."),
        )
    target = HOME_BY_ROLE[account.role]
    if await db_read(request, notices.has_unseen, account.id):
        target = "/compte/avis"  # what others did on her account, before anything else
    response = redirect(request, target)
    return await start_session(request, response, account)


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
    """Create her account; with no login typed, one is made from her names (she need not
    invent one): readable, e.g. fatima.ali.4821."""
    if not login and not accounts.person_problems(person, birth_required=True):
        login = accounts.suggest_login(conn, person)
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


SIGNUP_CONFLICT = msg(
    "Ce compte ne peut pas être créé avec ces informations. Si vous avez déjà un compte, "
    "retrouvez l'accès avec votre feuille de secours (« Mot de passe oublié ») ou adressez-vous "
    "à la structure qui vous accompagne ; sinon, choisissez un autre nom de connexion."
)


def _signup_refused(conn: Connection, existing_id: str | None, ip: str) -> None:
    """Journaled under the existing person when it is her identity (her journal shows it)."""
    audit.record(
        conn, "account.signup_refused", actor_id=None, subject_id=existing_id, detail={"ip": ip}
    )


async def signup_page(request: Request) -> Response:
    """Self sign-up. Limited per address (guard.py); a login or a person already registered
    get the same answer (SIGNUP_CONFLICT), which names the way forward for the real person."""
    if request.method in ("GET", "HEAD"):
        return render(request, "signup.html", values={})
    data = await form(request)
    try:
        await guard.signup_allowed(request, guard.proof(data))
    except HTTPError as error:
        challenge = guard.challenge_of(error)
        return render(
            request,
            "signup.html",
            status=error.status,
            error=error.message,
            values=data,
            challenge=challenge,
        )
    person = accounts.Person(
        data.get("given_name", ""), data.get("family_name", ""), data.get("birth_date", "")
    )
    login = data.get("login", "").strip().lower()
    password = data.get("password", "")
    problem = passwords.new_password_problem(password, data.get("password2", ""))
    if problem:
        return render(request, "signup.html", status=400, error=problem, values=data)
    password_hash = await hash_password(request, password)
    await db_write(request, guard.count_address, guard.address_key(request, "signup"))
    try:
        account = await db_write(request, _sign_up, person, login, password_hash)
    except accounts.AccountError as error:
        if not error.conflict:
            return render(request, "signup.html", status=400, error=error.message, values=data)
        await db_write(request, _signup_refused, error.existing_id, client_ip(request))
        return render(
            request,
            "signup.html",
            status=400,
            error=SIGNUP_CONFLICT,
            values={k: v for k, v in data.items() if k != "login"},
            duplicate=True,
        )
    response = redirect(request, "/documents" if login else "/documents?bienvenue=1")
    return await start_session(request, response, account)


def _redeem(
    conn: Connection,
    keyring: crypto.Keyring,
    login: str,
    code: str,
    purposes: tuple[str, ...],
    password_hash: str,
    key: str,
    ticket: ratelimit.Ticket,
) -> tuple[Any, bytes | None, bool]:
    """Use a one-time code: set the password, end sessions. Administrators activating get a
    new TOTP secret (returned); a beneficiary recovering loses a second factor she can no
    longer use (journaled, notice). (None, None, False) when the code is wrong, used or
    expired. A code printed by a professional is journaled under their name."""
    spent = codes.redeem(conn, login, code, purposes)
    if spent is None:
        return None, None, False
    account, row = spent
    recovering = row.purpose != "activation"
    actor_id = row.created_by or account.id
    secret: bytes | None = None
    totp_removed = False
    accounts.set_password(conn, account.id, password_hash)
    sessions.revoke_all(conn, account.id)
    if account.role in accounts.ADMIN_ROLES and not account.totp_secret:
        secret = totp.new_secret()
        sealed = crypto.seal(keyring, secret, f"totp|{account.id}")
        accounts.set_totp_secret(conn, account.id, sealed)
    elif recovering and account.totp_secret and account.role not in accounts.ADMIN_ROLES:
        # The sheet is her way back from a lost phone: the code would dead-end her.
        accounts.set_totp_secret(conn, account.id, None)
        audit.record(
            conn,
            "account.totp_off",
            actor_id=actor_id,
            subject_id=account.id,
            detail={"via": row.purpose},
        )
        notices.add(conn, account.id, "totp_removed")
        totp_removed = True
    audit.record(
        conn,
        "auth.recovered" if recovering else "auth.activated",
        actor_id=actor_id,
        subject_id=account.id,
        detail={"purpose": row.purpose, "issued_by": row.created_by},
    )
    if row.purpose == assisted_recovery.PURPOSE and row.created_by:
        issuer = accounts.get(conn, row.created_by)
        notices.add(
            conn,
            account.id,
            "assisted_recovery_used",
            who=f"{issuer.given_name} {issuer.family_name}",
            structure=assisted_recovery.structure_name(conn, issuer.structure_id),
        )
    ratelimit.release(conn, key, ticket)
    return account, secret, totp_removed


def _code_failed(conn: Connection, address_key: str, ip: str) -> None:
    guard.count_address(conn, address_key)
    audit.record(conn, "auth.code_failed", actor_id=None, detail={"ip": ip})


async def activation_page(request: Request) -> Response:
    """Activation (first password) and recovery (printed sheet): same form, two purposes."""
    recovery = request.url.path == "/recuperation"
    template = "activation.html"
    if request.method in ("GET", "HEAD"):
        return render(request, template, recovery=recovery)
    data = await form(request)
    login = data.get("login", "").strip().lower()
    kind = "recovery" if recovery else "activation"
    password = data.get("password", "")
    problem = passwords.new_password_problem(password, data.get("password2", ""))
    if problem:
        return render(request, template, status=400, error=problem, recovery=recovery, login=login)
    # Same limits as a login (guard.py): the attempt on this login is claimed before the code
    # is checked (parallel guesses cannot slip in); a busy shared address gets a challenge.
    key = ratelimit.key(kind, login)
    try:
        free = vault(request).settings.address_free_failures
        await guard.challenge_if_busy(request, kind, free, guard.proof(data))
        ticket = await guard.claim(request, key)
    except HTTPError as error:
        return render(
            request,
            template,
            status=error.status,
            error=error.message,
            recovery=recovery,
            login=login,
            challenge=guard.challenge_of(error),
        )
    password_hash = await hash_password(request, password)
    purposes = (
        ("recovery", assisted_recovery.PURPOSE, "activation") if recovery else ("activation",)
    )
    account, secret, totp_removed = await db_write(
        request,
        _redeem,
        vault(request).keyring,
        login,
        data.get("code", ""),
        purposes,
        password_hash,
        key,
        ticket,
    )
    if account is None:
        await db_write(request, _code_failed, guard.address_key(request, kind), client_ip(request))
        return render(
            request,
            template,
            status=400,
            recovery=recovery,
            login=login,
            error=msg("Nom de connexion ou code incorrect, déjà utilisé ou expiré."),
        )
    return render(
        request,
        "activated.html",
        login=login,
        totp_setup=totp.setup_view(secret, login) if secret else None,
        totp_removed=totp_removed,
    )


async def home(request: Request) -> Response:
    account = viewer(request)
    if account is not None:
        return redirect(request, HOME_BY_ROLE[account.role])
    return render(request, "home.html")
