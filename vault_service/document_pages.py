"""Beneficiary pages: my documents, upload, detail, view, download, edit, new version, delete.

Every lookup is by (document id, owner = viewer): another person's id gives 404, exactly like
an id that does not exist. Read-only endpoints are plain functions: Starlette runs them in a
worker thread, so their database and decryption work does not block the event loop.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from vault_service import audit, crypto, csrf
from vault_service import documents as docs
from vault_service.upload import BadUpload, receive
from vault_service.web import (
    HTTPError,
    check_csrf,
    db_read,
    db_write,
    form,
    human_size,
    off_loop,
    redirect,
    render,
    require,
    vault,
)

NOT_FOUND = "Document introuvable."


def _find(conn: Connection, doc_id: str, owner_id: str) -> Any:
    document = docs.owned(conn, doc_id, owner_id)
    if document is None:
        raise HTTPError(404, "introuvable", NOT_FOUND)
    return document


def _owned(request: Request, account: Any) -> Any:
    """For the plain (worker thread) endpoints."""
    with vault(request).engine.connect() as conn:
        return _find(conn, request.path_params["doc_id"], account.id)


async def _owned_async(request: Request, account: Any) -> Any:
    return await db_read(request, _find, request.path_params["doc_id"], account.id)


def classification(data: dict[str, str]) -> tuple[str, str, list[str]]:
    doc_type, scheme = data.get("doc_type", ""), data.get("scheme", "")
    problems = []
    if doc_type not in docs.DOC_TYPES:
        problems.append("Choisissez un type de document dans la liste.")
    if scheme not in docs.SCHEMES:
        problems.append("Choisissez un dispositif dans la liste.")
    return doc_type, scheme, problems


async def receive_document(
    request: Request, document_id: str, version: int
) -> tuple[dict[str, str], docs.Incoming]:
    """Stream the upload into an encrypted temp file; check CSRF and presence of a file.

    Raises HTTPError 400 / 403 / 413 (the temp file is already removed then)."""
    service = vault(request)
    limit = service.settings.max_upload_bytes

    def begin(filename: str) -> docs.Incoming:
        return docs.Incoming(
            service.store, service.keyring, document_id, version, limit, filename=filename
        )

    try:
        fields, incoming = await receive(request, begin, limit)
    except docs.TooLarge:
        raise HTTPError(
            413,
            "trop_gros",
            f"Le fichier dépasse la taille maximale de {human_size(limit)}.",
        ) from None
    except BadUpload as error:
        raise HTTPError(400, "formulaire", error.message) from None
    try:
        if not request.url.path.startswith("/api/"):
            check_csrf(request, fields.get(csrf.FIELD))
        if incoming is None:
            raise HTTPError(400, "fichier_absent", "Choisissez un fichier à déposer.")
    except HTTPError:
        if incoming is not None:
            incoming.abort()
        raise
    return fields, incoming


async def save_upload(
    request: Request, account: Any, fields: dict[str, str], incoming: docs.Incoming
) -> None:
    """Classify and save a received first version (pages and API). Raises docs.Rejected, the
    encrypted temp file already removed then."""
    doc_type, scheme, problems = classification(fields)
    try:
        if problems:
            raise docs.Rejected(" ".join(problems))
        await off_loop(
            docs.save_new,
            vault(request).engine,
            incoming,
            account.id,
            fields.get("title", ""),
            doc_type,
            scheme,
        )
    except docs.Rejected:
        incoming.abort()
        raise


async def my_documents(request: Request) -> Response:
    account = require(request, "beneficiary")
    rows = await db_read(request, docs.list_for, account.id)
    return render(request, "documents.html", documents=rows)


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
    except docs.Rejected as error:
        return render(request, "upload.html", status=400, error=error.message, values=fields)
    return redirect(request, f"/documents/{document_id}")


def detail(request: Request) -> Response:
    account = require(request, "beneficiary")
    document = _owned(request, account)
    with vault(request).engine.connect() as conn:
        versions = docs.versions(conn, document.id)
    return render(request, "document.html", document=document, versions=versions)


def _version(request: Request, document: Any) -> Any:
    raw = request.query_params.get("version", str(document.current_version))
    if not raw.isdigit():
        raise HTTPError(404, "introuvable", "Version introuvable.")
    with vault(request).engine.connect() as conn:
        row = docs.version_row(conn, document.id, int(raw))
    if row is None:
        raise HTTPError(404, "introuvable", "Version introuvable.")
    return row


def file_response(request: Request, account: Any, document: Any, inline: bool) -> Response:
    """Stream the decrypted version; audit the access. Fails closed on a bad key or file."""
    service = vault(request)
    row = _version(request, document)
    try:
        chunks = docs.open_plaintext(service.store, service.keyring, row)
    except (crypto.DecryptionError, FileNotFoundError):
        raise HTTPError(
            500,
            "illisible",
            "Ce document ne peut pas être déchiffré (clé absente ou fichier altéré) : "
            "contactez l'équipe du coffre-fort.",
        ) from None
    with service.engine.begin() as conn:
        audit.record(
            conn,
            "document.view" if inline else "document.download",
            actor_id=account.id,
            subject_id=document.owner_id,
            object_id=document.id,
            detail={"version": row.version},
        )
    disposition = "inline" if inline else "attachment"
    ascii_name = row.filename.encode("ascii", "replace").decode().replace('"', "")
    headers = {
        "Content-Disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(row.filename)}"
        ),
        "Content-Length": str(row.size),
        "X-Content-Type-Options": "nosniff",
        # Images are shown sandboxed; Chromium refuses to open a PDF in a sandboxed document,
        # and its PDF viewer runs in its own origin, so PDFs only get `default-src 'none'`.
        "Content-Security-Policy": (
            "default-src 'none'; frame-ancestors 'none'"
            if row.media_type == "application/pdf"
            else "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox"
        ),
    }
    return StreamingResponse(chunks, media_type=row.media_type, headers=headers)


def download(request: Request) -> Response:
    account = require(request, "beneficiary")
    return file_response(request, account, _owned(request, account), inline=False)


def view(request: Request) -> Response:
    account = require(request, "beneficiary")
    return file_response(request, account, _owned(request, account), inline=True)


async def edit(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    document = await _owned_async(request, account)
    doc_type, scheme, problems = classification(data)
    if not docs.clean_title(data.get("title", "")):
        problems.append("Le titre est obligatoire.")
    if problems:
        versions = await db_read(request, docs.versions, document.id)
        return render(
            request,
            "document.html",
            status=400,
            error=" ".join(problems),
            document=document,
            versions=versions,
        )
    await db_write(request, docs.rename, document.id, account.id, data["title"], doc_type, scheme)
    return redirect(request, f"/documents/{document.id}")


async def new_version(request: Request) -> Response:
    account = require(request, "beneficiary")
    document = await _owned_async(request, account)
    try:
        _, incoming = await receive_document(request, document.id, document.current_version + 1)
        await off_loop(docs.save_version, vault(request).engine, incoming, account.id)
    except (HTTPError, docs.Rejected) as error:
        if isinstance(error, HTTPError) and error.status == 403:
            raise
        status = error.status if isinstance(error, HTTPError) else 400
        versions = await db_read(request, docs.versions, document.id)
        return render(
            request,
            "document.html",
            status=status,
            error=error.message,
            document=document,
            versions=versions,
        )
    return redirect(request, f"/documents/{document.id}")


async def delete_page(request: Request) -> Response:
    account = require(request, "beneficiary")
    if request.method in ("GET", "HEAD"):
        return render(request, "delete.html", document=await _owned_async(request, account))
    data = await form(request)
    document = await _owned_async(request, account)
    if data.get("confirm") != "oui":
        return render(
            request,
            "delete.html",
            status=400,
            document=document,
            error="Cochez la case pour confirmer la suppression.",
        )
    service = vault(request)
    await off_loop(docs.remove, service.engine, service.store, document.id, account.id)
    return redirect(request, "/documents")
