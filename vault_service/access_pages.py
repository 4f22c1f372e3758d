"""The professional's side of consent: documents people let me see, opened and passed on.

Every lookup goes through `share_access.visible`: a document that no live share of its owner covers
for this professional (their structure, or them by name) is 404, exactly like a document that
does not exist — also for a structure administrator. Each opening is journaled under the
professional's name with the share used, so that she reads who saw what, why, and through
which of her shares.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import deposits, share_access, share_forwarding, share_requests, shares
from vault_service import documents as docs
from vault_service.document_http import NOT_FOUND, file_response
from vault_service.web import HTTPError, db_read, db_write, form, redirect, render, require, vault

PRO_ROLES = ("professional", "structure_admin")


def _visible(conn: Connection, doc_id: str, viewer: Any) -> tuple[Any, Any]:
    found = share_access.visible(conn, doc_id, viewer)
    if found is None:
        raise HTTPError(404, "introuvable", NOT_FOUND)
    return found  # type: ignore[no-any-return]


def _mine(conn: Connection, viewer: Any) -> dict[str, Any]:
    return {
        "granted": share_access.granted_to(conn, viewer),
        "asked": share_requests.made_by(conn, viewer.id),
        "deposited": deposits.made_by(conn, viewer.id),
    }


async def shared_with_me(request: Request) -> Response:
    viewer = require(request, *PRO_ROLES)
    return render(request, "pro_shared.html", **await db_read(request, _mine, viewer))


def _detail(conn: Connection, doc_id: str, viewer: Any) -> dict[str, Any]:
    document, share = _visible(conn, doc_id, viewer)
    return {
        "document": document,
        "share": share,
        "versions": docs.versions(conn, document.id)[:1],
        "forward": share_forwarding.forward_target(conn, share),
    }


async def shared_document(
    request: Request, error: str | None = None, status: int = 200
) -> Response:
    viewer = require(request, *PRO_ROLES)
    context = await db_read(request, _detail, request.path_params["doc_id"], viewer)
    return render(request, "pro_document.html", error=error, status=status, **context)


def _open(request: Request, inline: bool) -> Response:
    viewer = require(request, *PRO_ROLES)
    with vault(request).engine.connect() as conn:
        document, share = _visible(conn, request.path_params["doc_id"], viewer)
    detail = {"share_id": share.id, "scheme": share.scheme, "structure_id": viewer.structure_id}
    return file_response(request, viewer, document, inline=inline, detail=detail)


def view_shared(request: Request) -> Response:
    return _open(request, inline=True)


def download_shared(request: Request) -> Response:
    return _open(request, inline=False)


async def pass_on(request: Request) -> Response:
    viewer = require(request, *PRO_ROLES)
    data = await form(request)
    doc_id = request.path_params["doc_id"]
    try:
        _, refusal = await db_write(
            request, share_forwarding.pass_on, viewer, doc_id, data.get("structure_id", "")
        )
    except shares.ShareError:
        raise HTTPError(404, "introuvable", NOT_FOUND) from None
    if refusal is not None:
        return await shared_document(request, error=refusal, status=403)
    return redirect(request, f"/pro/documents/{doc_id}?transmis=1")
