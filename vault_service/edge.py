"""What is refused at the edge, before any endpoint runs, and what no error may escape.

- **Bodies bounded before they are read.** A route that receives a file (declared in
  `app.UPLOADS`) may carry `VAULT_MAX_UPLOAD_BYTES` plus the form's framing; every other body
  (login, forms, JSON, PATCH) at most `VAULT_MAX_FORM_BYTES`. A larger `Content-Length` is
  answered 413 without reading a byte; a body sent without length (chunked) is counted as it
  arrives and cut at the limit. Small bodies are read here (≤ the limit), checked, then handed
  on; upload bodies stream through, counted.
- **Text that is text.** NUL bytes and what is not valid UTF-8 (invalid percent-encoding, lone
  surrogates escaped in JSON) are refused with 400 in the path, the query string, url-encoded
  forms and JSON bodies; JSON nested deeper than `MAX_JSON_DEPTH` too. The database never sees
  them (PostgreSQL refuses NUL in text: it used to be a 500).
- **No dropped connection.** Any exception of an endpoint becomes a French 500 page (or the API
  error shape), sent through the security headers middleware like every other answer.

Refusals have the API error shape under /api/ and a French page elsewhere.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vault_service.i18n import msg
from vault_service.web import api_error, human_size, render

log = logging.getLogger("vault_service")

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
UPLOAD_FRAMING = 1024 * 1024  # room for the other form fields and multipart framing
MAX_BOUNDARY = 70  # RFC 2046
MAX_JSON_DEPTH = 32


def bad_text(where: str) -> str:
    return msg(
        "{where} contient un octet nul ou du texte qui n'est pas de l'UTF-8 valide : "
        "corrigez la saisie (sans caractère de contrôle) et recommencez.",
        where=where,
    )


TOO_DEEP = msg(
    "Le corps JSON est imbriqué trop profondément ({depth} niveaux au plus).", depth=MAX_JSON_DEPTH
)
SERVER_ERROR = msg("Erreur interne : l'opération n'a pas été faite. Réessayez plus tard.")


class BodyTooLarge(Exception):
    """The body went past its limit while being read (the upload code turns it into 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _file_too_large(limit: int) -> str:
    return msg("Le fichier dépasse la taille maximale de {size}.", size=human_size(limit))


def _valid_text(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def _percent_text(raw: bytes, plus: bool) -> bool:
    """A percent-encoded path, query string or url-encoded form decodes to valid text."""
    if plus:
        raw = raw.replace(b"+", b" ")
    return _valid_text(raw) and _valid_text(unquote_to_bytes(raw))


def _json_problem(body: bytes) -> str | None:
    """Why a JSON body is refused here, or None (invalid JSON is left to the endpoint)."""
    if not _valid_text(body):
        return bad_text(msg("Le corps JSON"))
    try:
        data = json.loads(body)
    except RecursionError:
        return TOO_DEEP
    except ValueError:
        return None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return TOO_DEEP
        items: Iterable[Any] = ()
        if isinstance(value, dict):
            items = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            items = value
        elif isinstance(value, str) and not _valid_text(value.encode("utf-8", "surrogatepass")):
            return bad_text(msg("Le corps JSON"))
        stack.extend((item, depth + 1) for item in items)
    return None


def _boundary_ok(content_type: str) -> bool:
    match = re.search(r'boundary="?([^";]*)"?', content_type, re.IGNORECASE)
    return match is None or 0 < len(match.group(1)) <= MAX_BOUNDARY


class Edge:
    """The checks above, as an ASGI middleware inside the security headers middleware."""

    def __init__(
        self,
        app: ASGIApp,
        uploads: Mapping[str, int],
        max_form_bytes: int,
        max_upload_bytes: int,
    ) -> None:
        self.app = app
        self.uploads = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), factor * max_upload_bytes)
            for path, factor in uploads.items()
        ]
        self.max_form = max_form_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            refusal, receive = await self._check(scope, receive)
            if refusal is not None:
                await self._refuse(scope, send, *refusal)
                return
            await self.app(scope, receive, tracked)
        except Exception as error:
            if isinstance(error, BodyTooLarge):
                refusal = (413, "trop_gros", _file_too_large(error.limit))
            else:
                log.exception("erreur interne", exc_info=error)
                refusal = (500, "erreur_interne", SERVER_ERROR)
            if started:  # too late for an error page: the server cuts the answer short
                raise
            await self._refuse(scope, send, *refusal)

    async def _check(
        self, scope: Scope, receive: Receive
    ) -> tuple[tuple[int, str, str] | None, Receive]:
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogatepass")
        if not _percent_text(raw_path, plus=False) or not _valid_text(
            scope["path"].encode("utf-8", "surrogatepass")
        ):
            return (400, "encodage", bad_text(msg("L'adresse"))), receive
        if not _percent_text(scope.get("query_string", b""), plus=True):
            return (400, "encodage", bad_text(msg("Les paramètres de l'adresse"))), receive
        if scope["method"] not in BODY_METHODS:
            return None, receive
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        file_limit = next((n for p, n in self.uploads if p.match(scope["path"])), None)
        limit = file_limit + UPLOAD_FRAMING if file_limit is not None else self.max_form
        declared = headers.get("content-length", "")
        if declared and (not declared.isdigit() or len(declared) > 15):
            return (400, "longueur", msg("En-tête Content-Length invalide.")), receive
        if declared and int(declared) > limit:
            message = _file_too_large(file_limit) if file_limit else self._too_large(limit)
            return (413, "trop_gros", message), receive
        content_type = headers.get("content-type", "")
        if content_type.lower().startswith("multipart/") and not _boundary_ok(content_type):
            return (
                400,
                "formulaire",
                msg(
                    "La frontière (boundary) du formulaire multipart est invalide ({count} "
                    "caractères au plus) : renvoyez le formulaire depuis la page.",
                    count=MAX_BOUNDARY,
                ),
            ), receive
        if file_limit is not None:
            return None, self._counted(receive, limit, file_limit)
        body = await self._read(receive, limit)
        if body is None:
            return (413, "trop_gros", self._too_large(limit)), receive
        kind = content_type.split(";")[0].strip().lower()
        problem = None
        if kind == "application/x-www-form-urlencoded" and not _percent_text(body, plus=True):
            problem = bad_text(msg("Le formulaire"))
        elif kind == "application/json" or kind.endswith("+json"):
            problem = _json_problem(body)
        if problem is not None:
            return (400, "encodage", problem), receive
        return None, self._replay(body, receive)

    @staticmethod
    async def _read(receive: Receive, limit: int) -> bytes | None:
        """The whole body, or None as soon as it passes `limit` (the rest is never read)."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay

    @staticmethod
    def _counted(receive: Receive, limit: int, file_limit: int) -> Receive:
        size = 0

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    raise BodyTooLarge(file_limit)
            return message

        return counted

    @staticmethod
    def _too_large(limit: int) -> str:
        return msg(
            "Requête trop volumineuse : {size} au plus pour cette adresse. Allégez l'envoi (un "
            "fichier plus petit, un texte plus court) et recommencez.",
            size=human_size(limit),
        )

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        request = Request(scope, nothing)
        response: Response
        if scope["path"].startswith("/api/"):
            response = api_error(status, code, scope["app"].state.vault.translate(message))
        else:
            try:
                if not getattr(request.state, "viewer_resolved", False):
                    request.state.viewer = None
                    request.state.viewer_resolved = True
                response = render(request, "error.html", status=status, message=message)
            except Exception:  # the page itself failed: plain French text, still an answer
                log.exception("page d'erreur impossible")
                response = Response(message, status, media_type="text/plain; charset=utf-8")
        if status == 413:
            response.headers["Connection"] = "close"
        await response(scope, nothing, send)
