"""What every endpoint shares: the services, the viewer, errors, forms and rendering."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from vault_service import closure, csrf, i18n, icons, passwords, sessions
from vault_service.crypto import Keyring
from vault_service.db import as_utc
from vault_service.documents import DOC_TYPES, SCHEMES
from vault_service.i18n import msg
from vault_service.settings import Settings
from vault_service.signing import SigningKeys
from vault_service.storage import BlobStore

TEMPLATES = Path(__file__).parent / "templates"

P = ParamSpec("P")
T = TypeVar("T")

HOME_BY_ROLE = {
    "beneficiary": "/documents",
    "professional": "/pro",
    "structure_admin": "/structure",
    "platform_admin": "/admin",
}
ROLE_LABELS = {
    "beneficiary": "Bénéficiaire",
    "professional": "Professionnel",
    "structure_admin": "Administrateur de structure",
    "platform_admin": "Administrateur de la plateforme",
}


@dataclass
class Vault:
    """Services of one app instance (no request state lives here)."""

    settings: Settings
    engine: Engine
    keyring: Keyring
    store: BlobStore
    jinja: Environment

    @cached_property
    def signing(self) -> SigningKeys:
        """Ed25519 keys derived from the keyring (duplicates, deposits)."""
        return SigningKeys(self.settings.keyring)

    def translate(self, text: str) -> str:
        """A text from Python (i18n.msg, a label) in the configured language."""
        translations = self.jinja.globals["translations"]
        return i18n.translate(text, translations)  # type: ignore[arg-type]

    @cached_property
    def dummy_hash(self) -> str:
        return passwords.hash_password(secrets.token_urlsafe(16), self.argon2)

    @property
    def public_url(self) -> str:
        """The configured address printed on sheets (never the request's Host header, which
        anyone can set); empty when not configured (local use only, see `serve`)."""
        url = self.settings.public_url
        return url.rstrip("/") + "/" if url else ""

    @property
    def argon2(self) -> passwords.Argon2Params:
        return passwords.Argon2Params(
            memory_kib=self.settings.argon2_memory_kib,
            iterations=self.settings.argon2_iterations,
        )


def make_jinja(language: str = i18n.SOURCE_LANGUAGE) -> Environment:
    """Templates with gettext: every text is a catalogue entry (i18n.py)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as extracted (i18n.OPTIONS_MAP)
    translations = i18n.load(language)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    # A text from Python: a label of a table (i18n.labels) or an i18n.msg (errors, notices).
    env.filters["t"] = lambda text: i18n.translate(text, translations)
    env.globals["translations"] = translations
    env.globals.update(DOC_TYPES=DOC_TYPES, SCHEMES=SCHEMES, ROLE_LABELS=ROLE_LABELS)
    env.globals["icon"] = icons.icon
    env.filters["size"] = human_size
    env.filters["local_time"] = local_time
    return env


MAYOTTE = timezone(timedelta(hours=3), "UTC+3")  # Mayotte: UTC+3 all year, no DST


def local_time(value: datetime) -> str:
    """A stored instant as people in Mayotte read it: 29/11/2026 14:55."""
    return as_utc(value).astimezone(MAYOTTE).strftime("%d/%m/%Y %H:%M")


def human_size(value: int) -> str:
    if value < 1024:
        return f"{value} o"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} Ko".replace(".", ",")
    return f"{value / 1024 / 1024:.1f} Mo".replace(".", ",")


class HTTPError(Exception):
    """An error for people: status, stable code and French message (pages and API)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers or {}  # e.g. Retry-After on a 429


def vault(request: Request) -> Vault:
    service: Vault = request.app.state.vault
    return service


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def load_viewer(request: Request) -> None:
    """Resolve the session cookie into request.state (blocking: one database query)."""
    service = vault(request)
    cookie = request.cookies.get(sessions.cookie_name(service.settings))
    found = None
    if cookie:
        with service.engine.connect() as conn:
            found = sessions.resolve(conn, cookie, service.settings)
    request.state.viewer = found[0] if found else None
    request.state.session_row = found[1] if found else None
    request.state.viewer_resolved = True


def viewer(request: Request) -> Any:
    """The signed-in account row (or None); resolved once per request (see SessionLoader)."""
    if not getattr(request.state, "viewer_resolved", False):
        load_viewer(request)
    return request.state.viewer


def prepare(request: Request) -> None:
    """Before any endpoint (blocking): accounts whose grace period has passed are erased now
    (closure.erase_due: the deadline takes effect without a job), then the viewer resolved."""
    service = vault(request)
    closure.erase_due(service.engine, service.store)
    load_viewer(request)


# Liveness, readiness and metrics report on the process and what it can reach (readiness
# names a database that does not answer: 503): no erasure pass before them.
NO_ERASURE = ("/api/health", "/api/ready", "/metrics")


class SessionLoader:
    """Prepares each request (`prepare`) in a worker thread before the endpoint runs, so that
    the database round trips (PostgreSQL) do not block the event loop and requests overlap."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith("/static/"):
            request = Request(scope)
            if not scope["path"].startswith(NO_ERASURE):
                await run_in_threadpool(prepare, request)
            elif request.cookies.get(sessions.cookie_name(vault(request).settings)):
                await run_in_threadpool(load_viewer, request)
            else:
                load_viewer(request)  # no cookie: nothing to look up
        await self.app(scope, receive, send)


async def db_read(
    request: Request,
    work: Callable[Concatenate[Connection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(conn, *args)` on one connection, in a worker thread: the event loop never waits
    for the database. `work` is plain synchronous code, so nothing is awaited meanwhile."""
    engine = vault(request).engine

    def run() -> T:
        with engine.connect() as conn:
            return work(conn, *args, **kwargs)

    return await run_in_threadpool(run)


async def db_write(
    request: Request,
    work: Callable[Concatenate[Connection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`work(conn, *args)` in one transaction (committed, or rolled back if it raises), in a
    worker thread. The transaction opens and closes inside the thread: no await while it is
    open, so no lock is held across other requests."""
    engine = vault(request).engine

    def run() -> T:
        with engine.begin() as conn:
            return work(conn, *args, **kwargs)

    return await run_in_threadpool(run)


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Blocking product code that manages its own transaction and files (receiving.save_new,
    save_version, remove) run in a worker thread."""
    return await run_in_threadpool(work, *args, **kwargs)


def require(request: Request, *roles: str) -> Any:
    """The viewer if their role is allowed; 401/redirect when anonymous, 403 otherwise."""
    account = viewer(request)
    if account is None:
        raise HTTPError(401, "non_connecte", msg("Connectez-vous pour accéder à cette page."))
    if roles and account.role not in roles:
        raise HTTPError(403, "interdit", msg("Cette page n'est pas accessible avec votre compte."))
    return account


def csrf_value(request: Request) -> str:
    service = vault(request)
    existing = request.cookies.get(csrf.cookie_name(service.settings))
    if existing:
        return existing
    if not getattr(request.state, "new_csrf", None):
        request.state.new_csrf = csrf.new_cookie_value()
    value: str = request.state.new_csrf
    return value


def check_csrf(request: Request, submitted: str | None) -> None:
    service = vault(request)
    cookie = request.cookies.get(csrf.cookie_name(service.settings))
    viewer(request)  # resolves the session the token must belong to
    if not csrf.valid(service.settings, cookie, submitted, request.state.session_row):
        raise HTTPError(
            403,
            "csrf",
            msg(
                "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et "
                "recommencez."
            ),
        )


async def form(request: Request) -> dict[str, str]:
    """A url-encoded form (small), after the CSRF check."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise HTTPError(
            400,
            "formulaire",
            (
                msg(
                    "Le formulaire n'a pas été envoyé au format attendu "
                    "(application/x-www-form-urlencoded) : rechargez la page et recommencez."
                )
            ),
        )
    data = await request.form(max_fields=50, max_part_size=64 * 1024)
    values = {key: value for key, value in data.items() if isinstance(value, str)}
    check_csrf(request, values.get(csrf.FIELD))
    return values


def finish(request: Request, response: Response) -> Response:
    """Set the CSRF cookie when a new one was made for this response."""
    new = getattr(request.state, "new_csrf", None)
    if new:
        csrf.set_cookie(response, vault(request).settings, new)
    return response


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    service = vault(request)
    account = viewer(request)
    html = service.jinja.get_template(template).render(
        request=request,
        viewer=account,
        csrf_token=csrf.token_for(
            service.settings, csrf_value(request), getattr(request.state, "session_row", None)
        ),
        home=HOME_BY_ROLE.get(account.role, "/") if account is not None else "/",
        public_url=service.public_url,
        **context,
    )
    return finish(request, HTMLResponse(html, status_code=status))


def redirect(request: Request, url: str) -> Response:
    return finish(request, RedirectResponse(url, status_code=303))


def api_error(status: int, code: str, message: str, detail: Any = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "detail": detail}}, status_code=status
    )


# Argon2id takes 19 MiB per hash, and each thread keeps what it used: run in any worker of
# the 40-thread pool, 20 parallel logins left the process 300 MiB bigger. The CPUs are the
# real limit anyway, so hashes run in their own pool of two threads per CPU; the others wait
# their turn on the event loop, holding no memory.
ARGON2 = ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1), thread_name_prefix="argon2")


async def _argon2(work: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(ARGON2, work)


async def hash_password(request: Request, password: str) -> str:
    argon2 = vault(request).argon2
    return await _argon2(lambda: passwords.hash_password(password, argon2))


async def check_password(request: Request, password: str, stored: str | None) -> bool:
    """Verify in the Argon2 threads; without an account, verify a dummy hash of the same cost
    (current parameters) so that the answer time does not reveal whether it exists."""
    against = stored or vault(request).dummy_hash
    return await _argon2(lambda: passwords.verify_password(password, against))


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "inconnu"
