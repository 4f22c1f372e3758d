"""Taking everything and leaving: the export (one ZIP), the closure of the account (export
offered first, grace period, then crypto-erasure by `purge`), the bin of deleted documents,
and the information pages people read before signing up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from vault_service import audit, closure, guard, listing, portability
from vault_service.i18n import msg
from vault_service.web import (
    HTTPError,
    db_read,
    db_write,
    form,
    redirect,
    render,
    require,
    vault,
)

INFO_PAGES = {
    "service": "Ce que fait le coffre-fort",
    "exploitant": "Qui s'en occupe",
    "donnees": "Où sont vos données, qui peut les voir",
    "partir": "Comment partir avec vos documents",
}


def export_page(request: Request) -> Response:
    require(request, "beneficiary")
    return render(request, "export.html")


def _collect_and_journal(conn: Connection, owner_id: str) -> dict[str, Any]:
    collected = portability.collect(conn, owner_id)
    audit.record(
        conn,
        "account.export",
        actor_id=owner_id,
        subject_id=owner_id,
        detail={"documents": len(collected["manifest"]["documents"])},
    )
    return collected


async def export_zip(request: Request) -> Response:
    account = require(request, "beneficiary")
    collected = await db_write(request, _collect_and_journal, account.id)
    service = vault(request)
    day = collected["manifest"]["exported_at"][:10]
    return StreamingResponse(
        portability.stream_zip(service.store, service.keyring, collected),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="coffre-fort-{day}.zip"'},
    )


async def closure_page(request: Request) -> Response:
    account = require(request, "beneficiary")
    days = vault(request).settings.closure_grace_days
    if request.method in ("GET", "HEAD"):
        return render(request, "closure.html", grace_days=days)
    data = await form(request)
    problem = None
    if data.get("confirm") != "oui":
        problem = "Cochez la case pour confirmer que vous voulez fermer votre compte."
    else:
        try:
            if not await guard.current_password_ok(request, account, data.get("current", "")):
                problem = msg("Mot de passe incorrect : la fermeture n'a pas été demandée.")
        except HTTPError as error:
            return render(request, "closure.html", status=429, error=error.message, grace_days=days)
    if problem:
        return render(request, "closure.html", status=400, error=problem, grace_days=days)
    await db_write(request, closure.request_closure, account.id, days)
    return redirect(request, "/compte/fermeture")


async def closure_cancel(request: Request) -> Response:
    account = require(request, "beneficiary")
    await form(request)
    if account.closes_at is not None:
        await db_write(request, closure.cancel_closure, account.id)
    return redirect(request, "/compte/fermeture")


async def bin_page(request: Request) -> Response:
    account = require(request, "beneficiary")
    rows = await db_read(request, listing.in_bin, account.id)
    return render(
        request,
        "bin.html",
        documents=rows,
        retention=vault(request).settings.deleted_retention_days,
    )


async def restore(request: Request) -> Response:
    account = require(request, "beneficiary")
    await form(request)
    done = await db_write(request, listing.restore, request.path_params["doc_id"], account.id)
    if not done:
        raise HTTPError(404, "introuvable", msg("Ce document n'est pas dans la corbeille."))
    return redirect(request, f"/documents/{request.path_params['doc_id']}")


def info_page(request: Request) -> Response:
    """Public: what the service does, who runs it, where data lives, how to leave."""
    page = request.path_params.get("page", "")
    if page and page not in INFO_PAGES:
        raise HTTPError(404, "introuvable", msg("Page introuvable."))
    settings = vault(request).settings
    return render(
        request,
        "info.html",
        page=page,
        pages=INFO_PAGES,
        operator=settings.operator,
        operator_contact=settings.operator_contact,
        hosting=settings.hosting,
        grace_days=settings.closure_grace_days,
        retention=settings.deleted_retention_days,
    )
