"""Beneficiary pages: my documents, upload, detail, view, download, edit, new version, delete.

Every lookup is by (document id, owner = viewer): another person's id gives 404, exactly like
an id that does not exist. Read-only endpoints are plain functions: Starlette runs them in a
worker thread, so their database and decryption work does not block the event loop.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import deposits, listing, receiving, share_access
from vault_service import documents as docs
from vault_service.document_http import (
    file_response,
    owned,
    receive_document,
    remove_document,
    replaceable,
    save_upload,
)
from vault_service.i18n import joined, msg
from vault_service.web import (
    HTTPError,
    db_read,
    db_write,
    form,
    off_loop,
    redirect,
    render,
    require,
    vault,
)


def _owned(request: Request, account: Any) -> Any:
    """For the plain (worker thread) endpoints."""
    with vault(request).engine.connect() as conn:
        return owned(conn, request.path_params["doc_id"], account.id)


async def _owned_async(request: Request, account: Any) -> Any:
    return await db_read(request, owned, request.path_params["doc_id"], account.id)


def _shelf(conn: Connection, owner_id: str, doc_type: str, scheme: str) -> dict[str, Any]:
    every = docs.list_for(conn, owner_id)
    shown = listing.filtered(conn, owner_id, doc_type, scheme)
    return {
        "documents": shown,
        "origins": deposits.origins(conn, [d.id for d in shown]),
        "counts": listing.counts(conn, owner_id),
        "reminders": listing.reminders(every),
    }


async def my_documents(request: Request) -> Response:
    account = require(request, "beneficiary")
    doc_type = request.query_params.get("type", "")
    scheme = request.query_params.get("dispositif", "")
    shelf = await db_read(request, _shelf, account.id, doc_type, scheme)
    return render(
        request,
        "documents.html",
        chosen_type=doc_type if doc_type in docs.DOC_TYPES else "",
        chosen_scheme=scheme if scheme in docs.SCHEMES else "",
        bin_days=vault(request).settings.deleted_retention_days,
        welcome=request.query_params.get("bienvenue") == "1",
        **shelf,
    )


async def upload_page(request: Request) -> Response:
    account = require(request, "beneficiary")
    if request.method in ("GET", "HEAD"):
        return render(request, "upload.html", values={})
    document_id = docs.new_id()
    try:
        fields, incoming = await receive_document(request, document_id, 1)
    except HTTPError as error:
        if error.status == 403:
            raise
        return render(request, "upload.html", status=error.status, error=error.message, values={})
    try:
        await save_upload(request, account, fields, incoming)
    except receiving.Rejected as error:
        return render(request, "upload.html", status=400, error=error.message, values=fields)
    return redirect(request, f"/documents/{document_id}")


def detail(request: Request) -> Response:
    account = require(request, "beneficiary")
    document = _owned(request, account)
    with vault(request).engine.connect() as conn:
        versions = docs.versions(conn, document.id)
        readers = share_access.shares_for_document(conn, account.id, document.id)
        origin = deposits.origin(conn, document.id)
    return render(
        request,
        "document.html",
        document=document,
        versions=versions,
        readers=readers,
        origin=origin,
    )


def download(request: Request) -> Response:
    account = require(request, "beneficiary")
    return file_response(request, account, _owned(request, account), inline=False)


def view(request: Request) -> Response:
    account = require(request, "beneficiary")
    return file_response(request, account, _owned(request, account), inline=True)


async def _refused(request: Request, document: Any, status: int, error: str) -> Response:
    """The document's page again, saying why the change was refused."""
    versions = await db_read(request, docs.versions, document.id)
    return render(
        request,
        "document.html",
        status=status,
        error=error,
        document=document,
        versions=versions,
    )


async def edit(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    document = await _owned_async(request, account)
    doc_type, scheme, problems = docs.classify(data)
    if not docs.clean_title(data.get("title", "")):
        problems.append(msg("Le titre est obligatoire."))
    expires_on, bad_date = listing.parse_expiry(data.get("expires_on"))
    if bad_date:
        problems.append(bad_date)
    if problems:
        return await _refused(request, document, 400, joined(problems))
    await db_write(
        request, docs.rename, document.id, account.id, data["title"], doc_type, scheme, expires_on
    )
    return redirect(request, f"/documents/{document.id}")


async def new_version(request: Request) -> Response:
    account = require(request, "beneficiary")
    document = await _owned_async(request, account)
    try:
        await db_read(request, replaceable, document.id, account.id)
        _, incoming = await receive_document(request, document.id, document.current_version + 1)
        await off_loop(receiving.save_version, vault(request).engine, incoming, account.id)
    except (HTTPError, receiving.Rejected) as error:
        if isinstance(error, HTTPError) and error.status == 403:
            raise
        status = error.status if isinstance(error, HTTPError) else 400
        return await _refused(request, document, status, error.message)
    return redirect(request, f"/documents/{document.id}")


async def delete_page(request: Request) -> Response:
    account = require(request, "beneficiary")
    if request.method in ("GET", "HEAD"):
        return render(
            request,
            "delete.html",
            document=await _owned_async(request, account),
            bin_days=vault(request).settings.deleted_retention_days,
        )
    data = await form(request)
    document = await _owned_async(request, account)
    if data.get("confirm") != "oui":
        return render(
            request,
            "delete.html",
            status=400,
            document=document,
            error=msg("Cochez la case pour confirmer la suppression."),
            bin_days=vault(request).settings.deleted_retention_days,
        )
    await remove_document(request, document, account)
    return redirect(request, "/documents")
