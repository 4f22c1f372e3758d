"""Limits on guessing that hold under concurrency and do not punish the victim.

- **Per account** (the real defence): each password check first claims one of
  `VAULT_LOGIN_ATTEMPTS` attempts in one database update (ratelimit.claim), so 20 parallel
  tries get at most that many checks; then the login is locked 1 minute, 2, 4… up to
  `VAULT_LOGIN_LOCK_MAX_MINUTES` (never a day), and a success clears it.
- **Known device**: after a successful login the browser keeps a signed device cookie (one
  account, `VAULT_DEVICE_DAYS`). From it, the owner's attempts count on the device's own key,
  not on her login: a stranger hammering her login locks himself out, not her.
- **Per address**: a shared address (mobile carriers' NAT) is never locked. Past
  `VAULT_ADDRESS_FREE_FAILURES` failed logins in an hour, or `VAULT_SIGNUP_FREE` sign-ups,
  each new attempt from it needs a challenge (a sum, and a wait: challenge.py), single use,
  and the address gets `SLOTS_PER_SECOND` checked attempts a second (challenges gathered in
  parallel do not multiply the attempts).
  Sign-ups also stop at `VAULT_SIGNUP_MAX` an hour per address.
- **Current password** checks on account pages claim attempts like logins (per account).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import challenge, ratelimit
from vault_service.i18n import msg, msg_plural
from vault_service.settings import Settings
from vault_service.web import HTTPError, check_password, client_ip, db_read, db_write, vault

WINDOW = timedelta(hours=1)
DEVICE_PURPOSE = "vault-device"


def lock_ceiling(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.login_lock_max_minutes)


def locked_message(until: Any) -> str:
    return msg_plural(
        "Trop de tentatives : réessayez dans {count} minute. Depuis un appareil où vous vous "
        "êtes déjà connecté·e, la connexion reste possible ; sinon, la feuille de secours permet "
        "de choisir un nouveau mot de passe.",
        "Trop de tentatives : réessayez dans {count} minutes. Depuis un appareil où vous vous "
        "êtes déjà connecté·e, la connexion reste possible ; sinon, la feuille de secours permet "
        "de choisir un nouveau mot de passe.",
        ratelimit.minutes_left(until),
    )


async def claim(request: Request, key: str, limit: int | None = None) -> ratelimit.Ticket:
    """One of `limit` (default `VAULT_LOGIN_ATTEMPTS`) attempts on `key`, or HTTPError 429
    (nothing counted then). Every guess of a secret (password, printed code, link code) claims
    BEFORE it is checked, so parallel guesses cannot slip in. Give the ticket to
    `ratelimit.release` after a success."""
    settings = vault(request).settings
    try:
        return await db_write(
            request,
            ratelimit.claim,
            key,
            limit or settings.login_attempts,
            lock_ceiling(settings),
        )
    except ratelimit.Locked as locked:
        raise HTTPError(429, "trop_de_tentatives", locked_message(locked.until)) from None


async def current_password_ok(request: Request, account: Any, password: str) -> bool:
    """Is `password` the account's current one? Every check claims an attempt of the account
    first (HTTPError 429 when they are spent): a stolen session cannot guess the password
    behind it, on any page that asks for it (password, sheet, second factor, closure)."""
    key = ratelimit.key("password-check", account.id)
    ticket = await claim(request, key)
    if await check_password(request, password, account.password_hash):
        await db_write(request, ratelimit.release, key, ticket)
        return True
    return False


# --- known devices ------------------------------------------------------------------------


def device_cookie_name(settings: Settings) -> str:
    return "__Host-vault_device" if settings.secure_cookies else "vault_device"


def _devices(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.cookie_key, salt=DEVICE_PURPOSE)


def known_device(request: Request, account_id: str | None) -> str | None:
    """The device id if this browser's device cookie was issued for `account_id`."""
    settings = vault(request).settings
    raw = request.cookies.get(device_cookie_name(settings))
    if not raw or account_id is None:
        return None
    try:
        owner, device = _devices(settings).loads(raw, max_age=settings.device_days * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    return str(device) if owner == account_id else None


def remember_device(request: Request, response: Response, account_id: str) -> None:
    settings = vault(request).settings
    device = known_device(request, account_id) or ratelimit.new_token()
    response.set_cookie(
        device_cookie_name(settings),
        _devices(settings).dumps([account_id, device]),
        max_age=settings.device_days * 86400,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


def login_key(request: Request, login: str, account: Any) -> str:
    """The key a login attempt claims: the device's when known, else the login's."""
    device = known_device(request, account.id if account is not None else None)
    if device is not None:
        return ratelimit.key("login-device", device)
    return ratelimit.key("login", login)


# --- per address: challenge, never lockout ------------------------------------------------


def address_key(request: Request, kind: str) -> str:
    return ratelimit.key(f"{kind}-ip", client_ip(request))


SLOTS_PER_SECOND = 2  # a busy address: so many checked attempts a second, however many challenges
USED = msg("Cette vérification a déjà servi : répondez à la nouvelle question.")
BUSY = msg(
    "Beaucoup de tentatives viennent de votre réseau en ce moment : patientez quelques "
    "secondes, puis renvoyez le formulaire."
)


class _Busy(Exception):
    """Rolls the spent nonce back: the person may send the same answer again."""


def _spend(conn: Connection, nonce: str, slot: str) -> str | None:
    """Spend the challenge (single use) and one of the address's slots of this second,
    together. Without the slots, challenges gathered in parallel and answered at once would
    each buy a check: the brake must not scale with parallelism."""
    if not ratelimit.once(conn, ratelimit.key("challenge", nonce), challenge.MAX_AGE):
        return USED
    for n in range(SLOTS_PER_SECOND):
        if ratelimit.once(conn, ratelimit.key(f"challenge-slot-{n}", slot), 1):
            return None
    raise _Busy


async def challenge_if_busy(request: Request, kind: str, free: int, proof: tuple[str, str]) -> None:
    """Past `free` events of `kind` from this address in the hour, require a met challenge
    (token, answer); else HTTPError 429 carrying a new challenge in `detail`."""
    settings = vault(request).settings
    recent = await db_read(request, ratelimit.recent, address_key(request, kind), WINDOW)
    if recent < free:
        return
    address = client_ip(request)
    problem, nonce = challenge.check(settings, address, *proof)
    if problem is None and nonce is not None:
        try:
            problem = await db_write(request, _spend, nonce, f"{kind}|{address}")
        except _Busy:
            problem = BUSY
    if problem is not None:
        fresh = challenge.new(settings, address)
        raise HTTPError(429, "verification", problem, {"challenge": fresh.as_json()})


def count_address(conn: Connection, request_key: str) -> int:
    return ratelimit.count(conn, request_key, WINDOW)


def proof(data: dict[str, str]) -> tuple[str, str]:
    """The (token, answer) of a challenge sent with a form or JSON body."""
    return data.get("challenge_token", ""), data.get("challenge_answer", "")


def challenge_of(error: HTTPError) -> dict[str, object] | None:
    """The challenge an HTTPError carries (to show it in the form), if any."""
    detail = error.detail if isinstance(error.detail, dict) else {}
    found = detail.get("challenge")
    return found if isinstance(found, dict) else None


async def signup_allowed(request: Request, proof: tuple[str, str]) -> None:
    """Past VAULT_SIGNUP_MAX sign-ups from this address in the hour: 429; past
    VAULT_SIGNUP_FREE: a challenge."""
    settings = vault(request).settings
    recent = await db_read(request, ratelimit.recent, address_key(request, "signup"), WINDOW)
    if recent >= settings.signup_max:
        raise HTTPError(
            429,
            "trop_d_inscriptions",
            msg(
                "Trop de comptes ont été créés depuis votre réseau cette heure-ci : réessayez dans "
                "une heure, ou faites-vous aider par une structure partenaire."
            ),
        )
    await challenge_if_busy(request, "signup", settings.signup_free, proof)
