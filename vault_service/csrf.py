"""CSRF protection for forms and the API.

Forms: a random `vault_csrf` cookie (HttpOnly, SameSite=Strict, `__Host-` prefix when Secure)
and a hidden field holding HMAC(cookie key, "csrf|" + cookie value + "|" + session id); both
must match, and the token is bound to the session it was issued in: a token taken from an
anonymous page, another session or before a logout is worthless. The cookie is renewed at
login (no fixation).
API: state-changing requests must carry the header `X-Vault-CSRF: 1`; browsers cannot add a
custom header cross-site without a CORS preflight, which the service never grants.
Beside that, the security middleware refuses unsafe requests whose Origin is another site.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.responses import Response

from vault_service.settings import Settings

FIELD = "csrf_token"
API_HEADER = "x-vault-csrf"


def cookie_name(settings: Settings) -> str:
    return "__Host-vault_csrf" if settings.secure_cookies else "vault_csrf"


def new_cookie_value() -> str:
    return secrets.token_urlsafe(24)


def set_cookie(response: Response, settings: Settings, value: str) -> None:
    """The CSRF cookie: HttpOnly, SameSite=Strict, Secure (and `__Host-`) unless local."""
    response.set_cookie(
        cookie_name(settings),
        value,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
        path="/",
    )


def token_for(settings: Settings, cookie_value: str, session_id: str | None = None) -> str:
    """The form token for a CSRF cookie within a session (None: anonymous)."""
    message = f"csrf|{cookie_value}|{session_id or ''}"
    return hmac.new(settings.cookie_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def valid(
    settings: Settings,
    cookie_value: str | None,
    submitted: str | None,
    session_id: str | None = None,
) -> bool:
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(token_for(settings, cookie_value, session_id), submitted)
