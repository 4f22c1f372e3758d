"""What operators see: liveness, readiness, Prometheus metrics and structured logs.

- `GET /api/health` — liveness: the process answers (no dependency checked, so a database
  outage does not make an orchestrator restart every instance).
- `GET /api/ready` — readiness, for the load balancer: the database answers and the file
  store accepts a write; 503 naming what is down otherwise.
- `GET /metrics` — Prometheus text format: requests by method, route *template* and status,
  latency histogram by route template. No personal data: never a path with an id, a query
  string, an address or an account. Off unless `VAULT_METRICS_TOKEN` is set; then it needs
  `Authorization: Bearer <token>` (Prometheus: `authorization: {credentials_file: …}`).
- Logs: one JSON object per line (`JsonFormatter`), the access log names the route template,
  status and duration only. Exception *messages* are never logged (database errors carry the
  values of the query: names, logins), only the exception type and the stack frames.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as prometheus_text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vault_service import db
from vault_service.i18n import msg
from vault_service.storage import StorageUnavailable
from vault_service.web import HTTPError, db_read, vault

access_log = logging.getLogger("vault_service.access")

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Counts and times every request by route template (outermost middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "vault_http_requests",
            "Requêtes HTTP traitées, par méthode, modèle de route et statut.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "vault_http_request_duration_seconds",
            "Durée des requêtes HTTP (jusqu'au dernier octet envoyé), par modèle de route.",
            ["method", "route"],
            buckets=BUCKETS,
            registry=self.registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["metrics"] = self
        started = time.perf_counter()
        status = 500

        async def counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            elapsed = time.perf_counter() - started
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "OTHER"
            route = route_template(scope)
            self.requests.labels(method, route, str(status)).inc()
            self.latency.labels(method, route).observe(elapsed)
            access_log.info(
                "requête",
                extra={"method": method, "route": route, "status": status, "ms": elapsed * 1000},
            )


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


def route_template(scope: Scope) -> str:
    """`/documents/{doc_id}`, never the path itself (ids are personal data)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "(aucune route)"


async def health(request: Request) -> Response:
    """Liveness: the process serves requests."""
    return JSONResponse({"status": "ok"})


LABELS = {"database": "la base de données", "storage": "le stockage des fichiers"}


async def ready(request: Request) -> Response:
    """Readiness: the database answers and the file store accepts a write."""
    state = {"database": "ok", "storage": "ok"}
    try:
        await db_read(request, db.ping)
    except SQLAlchemyError:
        state["database"] = "indisponible"
    try:
        await run_in_threadpool(vault(request).store.check)
    except (StorageUnavailable, OSError, Exception):  # Exception: an SDK error (network…)
        state["storage"] = "indisponible"
    down = [LABELS[name] for name, value in state.items() if value != "ok"]
    if down:
        raise HTTPError(
            503,
            "indisponible",
            "Service pas prêt (à retirer du répartiteur) : "
            + " ; ".join(f"{label} ne répond pas" for label in down)
            + ".",
            state,
        )
    return JSONResponse({"status": "ok", **state})


async def metrics(request: Request) -> Response:
    token = vault(request).settings.metrics_token
    if not token:
        raise HTTPError(404, "introuvable", msg("Page introuvable."))
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response(
            "Mesures réservées à la supervision : en-tête Authorization: Bearer <jeton> "
            "(VAULT_METRICS_TOKEN).\n",
            status_code=401,
            media_type="text/plain; charset=utf-8",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    collector: Metrics = request.scope["state"]["metrics"]
    return Response(prometheus_text(collector.registry), media_type=CONTENT_TYPE_LATEST)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; exception type and frames, never the exception message."""

    FIELDS = ("method", "route", "status", "ms", "count", "what")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.msg if isinstance(record.msg, str) else type(record.msg).__name__,
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                value = getattr(record, name)
                entry[name] = round(value, 2) if isinstance(value, float) else value
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["error"] = type(error).__module__ + "." + type(error).__qualname__
            entry["trace"] = [
                f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)[-12:]
            ]
        return json.dumps(entry, ensure_ascii=False)


def log_config(level: str = "INFO") -> dict[str, Any]:
    """`logging.config.dictConfig` for the service and uvicorn: JSON lines on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "vault_service": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
