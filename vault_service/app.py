"""The application factory: routes and middleware declared as lists, errors for people."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vault_service import (
    access_pages,
    account_pages,
    api,
    audit,
    auth,
    csrf,
    document_pages,
    duplicate_http,
    duplicate_pages,
    exchange_api,
    exchange_pages,
    leaving_pages,
    operations,
    relationship_pages,
    share_pages,
    staff_pages,
)
from vault_service.crypto import Keyring
from vault_service.db import make_engine
from vault_service.edge import Edge
from vault_service.i18n import msg
from vault_service.settings import Settings
from vault_service.storage import open_store
from vault_service.web import (
    HTTPError,
    SessionLoader,
    Vault,
    api_error,
    is_api,
    make_jinja,
    redirect,
    render,
    vault,
)

log = logging.getLogger("vault_service")

GET, POST = ["GET"], ["POST"]
GET_POST = ["GET", "POST"]

ROUTES: list[BaseRoute] = [
    Route("/", auth.home, methods=GET),
    Route("/inscription", auth.signup_page, methods=GET_POST),
    Route("/connexion", auth.login_page, methods=GET_POST),
    Route("/deconnexion", auth.logout, methods=POST),
    Route("/deconnexion-partout", auth.logout, methods=POST),
    Route("/activation", auth.activation_page, methods=GET_POST),
    Route("/recuperation", auth.activation_page, methods=GET_POST),
    Route("/documents", document_pages.my_documents, methods=GET),
    Route("/documents/depot", document_pages.upload_page, methods=GET_POST),
    Route("/documents/corbeille", leaving_pages.bin_page, methods=GET),
    Route("/documents/{doc_id}", document_pages.detail, methods=GET),
    Route("/documents/{doc_id}/telecharger", document_pages.download, methods=GET),
    Route("/documents/{doc_id}/voir", document_pages.view, methods=GET),
    Route("/documents/{doc_id}/modifier", document_pages.edit, methods=POST),
    Route("/documents/{doc_id}/version", document_pages.new_version, methods=POST),
    Route("/documents/{doc_id}/supprimer", document_pages.delete_page, methods=GET_POST),
    Route("/documents/{doc_id}/duplicata", duplicate_pages.issue_page, methods=GET_POST),
    Route("/documents/{doc_id}/duplicatas/{code}", duplicate_pages.download, methods=GET),
    Route("/documents/{doc_id}/duplicatas/{code}/annuler", duplicate_pages.revoke, methods=POST),
    Route("/documents/{doc_id}/restaurer", leaving_pages.restore, methods=POST),
    Route("/verification", duplicate_pages.verify_page, methods=GET_POST),
    Route("/cles-publiques", duplicate_pages.public_keys, methods=GET),
    Route("/cles-publiques/{kid}.pem", duplicate_pages.public_key_pem, methods=GET),
    Route("/cles-publiques/structures/{structure_id}", duplicate_pages.structure_keys, methods=GET),
    Route(
        "/cles-publiques/structures/{structure_id}/{kid}.pem",
        duplicate_pages.structure_key_pem,
        methods=GET,
    ),
    Route("/partages", share_pages.my_shares, methods=GET),
    Route("/partages", share_pages.create_share, methods=POST),
    Route("/partages/nouveau", share_pages.new_share, methods=GET),
    Route("/partages/{share_id}/retirer", share_pages.revoke_share, methods=POST),
    Route("/historique", share_pages.my_history, methods=GET),
    Route("/demandes", exchange_pages.my_requests, methods=GET),
    Route("/demandes/{ask_id}/accepter", exchange_pages.accept, methods=POST),
    Route("/demandes/{ask_id}/refuser", exchange_pages.refuse, methods=POST),
    Route("/documents/{doc_id}/origine", exchange_pages.origin_page, methods=GET),
    Route("/compte", account_pages.settings_page, methods=GET),
    Route("/compte/mot-de-passe", account_pages.change_password, methods=POST),
    Route("/compte/export", leaving_pages.export_page, methods=GET),
    Route("/compte/export.zip", leaving_pages.export_zip, methods=GET),
    Route("/compte/fermeture", leaving_pages.closure_page, methods=GET_POST),
    Route("/compte/fermeture/annuler", leaving_pages.closure_cancel, methods=POST),
    Route("/informations", leaving_pages.info_page, methods=GET),
    Route("/informations/{page}", leaving_pages.info_page, methods=GET),
    Route("/compte/double-authentification", account_pages.totp_page, methods=GET_POST),
    Route("/compte/double-authentification/desactiver", account_pages.totp_off, methods=POST),
    Route("/compte/feuille-de-secours", account_pages.recovery_sheet, methods=POST),
    Route("/compte/avis", relationship_pages.notices_page, methods=GET_POST),
    Route("/compte/liens", relationship_pages.new_link_code, methods=POST),
    Route("/compte/liens/{link_id}/fin", relationship_pages.end_link, methods=POST),
    Route("/pro", staff_pages.pro_home, methods=GET),
    Route("/pro/recherche", staff_pages.search_beneficiary, methods=POST),
    Route("/pro/liens", relationship_pages.redeem_link_code, methods=POST),
    Route("/pro/beneficiaires", staff_pages.create_beneficiary, methods=POST),
    Route(
        "/pro/beneficiaires/{account_id}/recuperation",
        relationship_pages.request_recovery,
        methods=POST,
    ),
    Route(
        "/pro/recuperations/{request_id}/approuver",
        relationship_pages.approve_recovery,
        methods=POST,
    ),
    Route("/pro/partages", access_pages.shared_with_me, methods=GET),
    Route("/pro/personnes/{account_id}", exchange_pages.person_page, methods=GET),
    Route("/pro/personnes/{account_id}/demandes", exchange_pages.ask, methods=POST),
    Route("/pro/personnes/{account_id}/depots", exchange_pages.deposit, methods=POST),
    Route("/pro/documents/{doc_id}", access_pages.shared_document, methods=GET),
    Route("/pro/documents/{doc_id}/voir", access_pages.view_shared, methods=GET),
    Route("/pro/documents/{doc_id}/telecharger", access_pages.download_shared, methods=GET),
    Route("/pro/documents/{doc_id}/transmettre", access_pages.pass_on, methods=POST),
    Route("/structure", staff_pages.structure_home, methods=GET),
    Route("/structure/professionnels", staff_pages.create_professional, methods=POST),
    Route(
        "/structure/professionnels/{account_id}/desactiver",
        staff_pages.disable_professional,
        methods=POST,
    ),
    Route(
        "/structure/professionnels/{account_id}/reactiver",
        staff_pages.enable_professional,
        methods=POST,
    ),
    Route("/admin", staff_pages.admin_home, methods=GET),
    Route("/admin/structures", staff_pages.create_structure, methods=POST),
    Route("/admin/structures/{structure_id}/plafond", staff_pages.set_cap, methods=POST),
    Route(
        "/admin/structures/{structure_id}/administrateurs",
        staff_pages.create_structure_admin,
        methods=POST,
    ),
    Route("/api/openapi.json", api.openapi, methods=GET),
    Route("/api/health", operations.health, methods=GET),
    Route("/api/ready", operations.ready, methods=GET),
    Route("/metrics", operations.metrics, methods=GET),
    Route("/api/session", api.session_endpoint, methods=["POST", "DELETE"]),
    Route("/api/me", api.me, methods=GET),
    Route("/api/journal", api.journal, methods=GET),
    Route("/api/documents", api.document_list, methods=GET_POST),
    Route("/api/documents/counts", api.document_counts, methods=GET),
    Route("/api/documents/{doc_id}", api.document_item, methods=["GET", "PATCH", "DELETE"]),
    Route("/api/documents/{doc_id}/duplicates", api.document_duplicates, methods=GET_POST),
    Route("/api/verification", api.verification, methods=GET_POST),
    Route("/api/shares", exchange_api.share_list, methods=GET_POST),
    Route("/api/shares/{share_id}", exchange_api.share_item, methods=["DELETE"]),
    Route("/api/requests", exchange_api.request_list, methods=GET),
    Route("/api/requests/{ask_id}/accept", exchange_api.request_accept, methods=POST),
    Route("/api/requests/{ask_id}/refuse", exchange_api.request_refuse, methods=POST),
    Route("/api/pro/shares", exchange_api.pro_shares, methods=GET),
    Route("/api/pro/documents/{doc_id}/content", exchange_api.pro_content, methods=GET),
    Route("/api/pro/people/{account_id}/requests", exchange_api.pro_request, methods=POST),
    Route("/api/pro/people/{account_id}/deposits", exchange_api.pro_deposit, methods=POST),
    Route("/api/documents/{doc_id}/content", api.document_content, methods=GET),
    Route("/api/documents/{doc_id}/versions", api.document_versions, methods=POST),
    Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
]

# Routes that receive a file, streamed: body up to this many times VAULT_MAX_UPLOAD_BYTES
# (plus framing); every other body is read by the edge, up to VAULT_MAX_FORM_BYTES (edge.py).
UPLOADS = {
    "/documents/depot": 1,
    "/documents/{doc_id}/version": 1,
    "/verification": duplicate_http.UPLOAD_FACTOR,  # duplicate_http.max_bytes
    "/api/documents": 1,
    "/api/documents/{doc_id}/versions": 1,
    "/api/verification": duplicate_http.UPLOAD_FACTOR,
    "/api/pro/people/{account_id}/deposits": 1,
    "/pro/personnes/{account_id}/depots": 1,
}

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_HEADER_MISSING = msg(
    "En-tête X-Vault-CSRF: 1 manquant : ajoutez-le à toute requête de l'API qui modifie "
    "(POST, PATCH, DELETE)."
)


class SecurityHeaders:
    """Strict headers on every response. Unsafe requests are refused (403) when they come from
    another site (Origin / Sec-Fetch-Site), and on /api/ when the CSRF header is missing."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        refusal = None
        if scope["method"] in UNSAFE and self._cross_site(headers):
            refusal = ("origine", msg("Requête refusée : elle vient d'un autre site."))
        elif (
            scope["method"] in UNSAFE
            and path.startswith("/api/")
            and headers.get(csrf.API_HEADER) != "1"
        ):
            refusal = ("csrf", CSRF_HEADER_MISSING)
        if refusal is not None:
            response = (
                api_error(403, refusal[0], scope["app"].state.vault.translate(refusal[1]))
                if path.startswith("/api/")
                else Response(
                    scope["app"].state.vault.translate(refusal[1]),
                    status_code=403,
                    media_type="text/plain; charset=utf-8",
                )
            )
            await response(scope, receive, self._wrap(send, path))
            return
        await self.app(scope, receive, self._wrap(send, scope["path"]))

    @staticmethod
    def _cross_site(headers: dict[str, str]) -> bool:
        # Browsers send Sec-Fetch-Site (with `Referrer-Policy: no-referrer` their forms carry
        # `Origin: null`, so Sec-Fetch-Site decides). Without it, Origin is the fallback, and
        # `Origin: null` (a sandboxed frame, a data: or file: page) counts as another site.
        fetch_site = headers.get("sec-fetch-site")
        if fetch_site is not None:
            return fetch_site in {"cross-site", "same-site"}
        origin = headers.get("origin")
        if origin is None:
            return False
        return origin == "null" or urlsplit(origin).netloc != headers.get("host")

    def _wrap(self, send: Send, path: str) -> Send:
        static = path.startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {k.lower() for k, _ in raw}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"no-referrer",
                    b"x-content-type-options": b"nosniff",
                    b"cross-origin-opener-policy": b"same-origin",
                    b"cross-origin-resource-policy": b"same-origin",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                    b"cache-control": b"public, max-age=3600" if static else b"no-store",
                }
                if self.secure:
                    extra[b"strict-transport-security"] = b"max-age=63072000; includeSubDomains"
                raw += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = raw
            await send(message)

        return wrapped


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPError)
    response: Response
    if is_api(request):
        message = vault(request).translate(exc.message)
        response = api_error(exc.status, exc.code, message, exc.detail)
    elif exc.status == 401:
        return redirect(request, "/connexion")
    else:
        response = render(request, "error.html", status=exc.status, message=exc.message)
    response.headers.update(exc.headers)
    return response


MESSAGES = {
    404: ("introuvable", msg("Page introuvable.")),
    405: ("methode", msg("Méthode non autorisée pour cette adresse.")),
}


async def starlette_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = MESSAGES.get(
        exc.status_code, ("erreur", msg("Requête refusée : rechargez la page et recommencez."))
    )
    response = (
        api_error(exc.status_code, code, vault(request).translate(message))
        if is_api(request)
        else render(request, "error.html", status=exc.status_code, message=message)
    )
    response.headers.update(exc.headers or {})  # 405: Allow
    return response


def create_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    """The vault as an ASGI app. The database must already be migrated (init-db)."""
    store = open_store(settings)
    keyring = Keyring(settings.keyring)
    base_engine = engine or make_engine(settings.database_url)
    service = Vault(
        settings=settings,
        engine=audit.sealing(base_engine, keyring),
        keyring=keyring,
        store=store,
        jinja=make_jinja(settings.language),
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(store.clean_temp)
        yield
        if engine is None:
            base_engine.dispose()

    app = Starlette(
        routes=ROUTES,
        middleware=[
            Middleware(operations.Metrics),
            Middleware(SecurityHeaders, secure=settings.secure_cookies),
            Middleware(
                Edge,
                uploads=UPLOADS,
                max_form_bytes=settings.max_form_bytes,
                max_upload_bytes=settings.max_upload_bytes,
            ),
            Middleware(SessionLoader),
        ],
        exception_handlers={
            HTTPError: http_error,
            HTTPException: starlette_error,  # any other exception: a 500 page (edge.py)
        },
        lifespan=lifespan,
    )
    # No "add the trailing slash" redirects: Starlette builds them from the Host header, an
    # address anyone can set (the service never derives an address from it: VAULT_PUBLIC_URL).
    app.router.redirect_slashes = False
    app.state.vault = service
    return app
