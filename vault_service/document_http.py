"""Documents over HTTP, shared by the beneficiary pages and the JSON API: look one up for its
owner (404 otherwise), receive an upload into an encrypted temp file, stream a version back.

Endpoint modules import this one; it imports no endpoint module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from vault_service import audit, crypto, csrf, deposits, listing, photos, receiving
from vault_service import documents as docs
from vault_service.i18n import joined, msg
from vault_service.upload import BadUpload, receive
from vault_service.web import HTTPError, check_csrf, human_size, is_api, off_loop, vault

NOT_FOUND = msg("Document introuvable.")


def owned(conn: Connection, doc_id: str, owner_id: str) -> Any:
    """The owner's document, or 404 (another person's id answers like a missing one)."""
    document = docs.owned(conn, doc_id, owner_id)
    if document is None:
        raise HTTPError(404, "introuvable", NOT_FOUND)
    return document


def owned_with_version(conn: Connection, doc_id: str, owner_id: str) -> Any:
    """Like `owned`, with the current version's file details."""
    document = docs.owned_with_version(conn, doc_id, owner_id)
    if document is None:
        raise HTTPError(404, "introuvable", NOT_FOUND)
    return document


def replaceable(conn: Connection, doc_id: str, owner_id: str) -> Any:
    """Like `owned_with_version`, before a new version: a document a structure deposited is
    not replaced (409), else « déposé par » would vouch for a file the structure never saw."""
    document = owned_with_version(conn, doc_id, owner_id)
    origin = deposits.origin(conn, document.id)
    if origin is not None:
        raise HTTPError(
            409,
            "document_depose",
            msg(
                "Ce document a été déposé par {name} : il garde le fichier que la structure a "
                "signé. Pour un autre fichier, ajoutez un nouveau document (ou demandez un "
                "nouveau dépôt à la structure) ; vous pouvez aussi supprimer celui-ci.",
                name=origin.structure_name,
            ),
        )
    return document


async def receive_document(
    request: Request, document_id: str, version: int
) -> tuple[dict[str, str], receiving.Incoming]:
    """Stream the upload into an encrypted temp file; check CSRF and presence of a file.

    Raises HTTPError 400 / 403 / 413 (the temp file is already removed then)."""
    service = vault(request)
    limit = service.settings.max_upload_bytes

    def begin(filename: str) -> receiving.Incoming:
        return receiving.Incoming(
            service.store, service.keyring, document_id, version, limit, filename=filename
        )

    too_large = HTTPError(
        413,
        "trop_gros",
        msg("Le fichier dépasse la taille maximale de {size}.", size=human_size(limit)),
    )
    album = photos.Photos()
    try:
        fields, incoming = await receive(request, begin, limit, album.begin)
    except receiving.TooLarge:
        raise too_large from None
    except BadUpload as error:
        raise HTTPError(400, "formulaire", error.message) from None
    try:
        if not is_api(request):
            check_csrf(request, fields.get(csrf.FIELD))
        if incoming is not None and album.items:
            raise HTTPError(
                400,
                "fichier_et_photos",
                msg("Choisissez soit un fichier, soit des photos, pas les deux : recommencez."),
            )
        if incoming is None and album.items:
            incoming = await _merged(album, begin)
        if incoming is None:
            raise HTTPError(
                400, "fichier_absent", msg("Choisissez un fichier (ou des photos) à déposer.")
            )
    except HTTPError:
        if incoming is not None:
            incoming.abort()
        raise
    except receiving.TooLarge:
        raise too_large from None
    finally:
        album.abort()
    return fields, incoming


async def _merged(
    album: photos.Photos, begin: Callable[[str], receiving.Incoming]
) -> receiving.Incoming:
    """The photos as one PDF, received like an uploaded file (sniffed, hashed, encrypted)."""
    try:
        pdf = await off_loop(album.to_pdf)
    except photos.PhotoError as error:
        raise HTTPError(400, "photo_refusee", error.message) from None
    incoming = begin(album.items[0].filename)
    try:
        incoming.write(pdf)  # TooLarge if the PDF is over the limit
    except receiving.TooLarge:
        incoming.abort()
        raise
    return incoming


async def save_upload(
    request: Request, account: Any, fields: dict[str, str], incoming: receiving.Incoming
) -> None:
    """Classify and save a received first version (pages and API). Raises receiving.Rejected, the
    encrypted temp file already removed then."""
    doc_type, scheme, problems = docs.classify(fields)
    expires_on, bad_date = listing.parse_expiry(fields.get("expires_on"))
    if bad_date:
        problems.append(bad_date)
    try:
        if problems:
            raise receiving.Rejected(joined(problems))
        await off_loop(
            receiving.save_new,
            vault(request).engine,
            incoming,
            account.id,
            fields.get("title", ""),
            doc_type,
            scheme,
            expires_on,
        )
    except receiving.Rejected:
        incoming.abort()
        raise


async def save_deposit(
    request: Request,
    actor: Any,
    account_id: str,
    fields: dict[str, str],
    incoming: receiving.Incoming,
) -> None:
    """Classify and save a document a professional deposits into her vault, signed by his
    structure (pages and API). `deposits.save` checks the link again inside the transaction that
    writes it: one she ended meanwhile refuses the deposit. Raises receiving.Rejected; on any
    failure the encrypted temp file is already removed."""
    service = vault(request)
    doc_type, scheme, problems = docs.classify(fields)
    try:
        if problems:
            raise receiving.Rejected(joined(problems))
        await off_loop(
            deposits.save,
            service.engine,
            service.signing,
            incoming,
            actor,
            account_id,
            fields.get("title", ""),
            doc_type,
            scheme,
        )
    except BaseException:
        incoming.abort()
        raise


def _version(request: Request, document: Any) -> Any:
    raw = request.query_params.get("version", str(document.current_version))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9):  # not « ² », not 20 digits
        raise HTTPError(404, "introuvable", msg("Version introuvable."))
    with vault(request).engine.connect() as conn:
        row = docs.version_row(conn, document.id, int(raw))
    if row is None:
        raise HTTPError(404, "introuvable", msg("Version introuvable."))
    return row


def plaintext(request: Request, version: Any) -> Iterator[bytes]:
    """The decrypted chunks of a version row; 500 with a French message on a bad key or a
    missing file (fails closed: nothing of the file is released)."""
    service = vault(request)
    try:
        return docs.open_plaintext(service.store, service.keyring, version)
    except (crypto.DecryptionError, FileNotFoundError):
        raise _unreadable() from None


def plaintext_bytes(request: Request, version: Any) -> bytes:
    """The whole decrypted version in memory (a duplicate's original); the same 500 when any
    chunk fails."""
    try:
        return b"".join(plaintext(request, version))
    except (crypto.DecryptionError, FileNotFoundError):
        raise _unreadable() from None


def _unreadable() -> HTTPError:
    return HTTPError(
        500,
        "illisible",
        msg(
            "Ce document ne peut pas être déchiffré (clé absente ou fichier altéré) : "
            "contactez l'équipe du coffre-fort."
        ),
    )


async def remove_document(request: Request, document: Any, account: Any) -> None:
    """Delete her document (to the bin for `deleted_retention_days`, or erased), off the loop."""
    service = vault(request)
    await off_loop(
        docs.remove,
        service.engine,
        service.store,
        document.id,
        account.id,
        service.settings.deleted_retention_days,
    )


def file_response(
    request: Request,
    account: Any,
    document: Any,
    inline: bool,
    detail: dict[str, Any] | None = None,
) -> Response:
    """Stream the decrypted version; audit the access. Fails closed on a bad key or file."""
    service = vault(request)
    row = _version(request, document)
    chunks = plaintext(request, row)
    with service.engine.begin() as conn:
        audit.record(
            conn,
            "document.view" if inline else "document.download",
            actor_id=account.id,
            subject_id=document.owner_id,
            object_id=document.id,
            detail={"version": row.version, **(detail or {})},
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
