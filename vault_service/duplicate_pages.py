"""Duplicates over HTTP: the owner issues and downloads them; anyone verifies them.

- `/documents/{doc_id}/duplicata`: form (recipient, purpose, scheme), then issue (owner only);
- `/documents/{doc_id}/duplicatas/{code}`: the signed PDF (owner only, journaled);
- `/verification`: public page: type the code, follow the QR code, or upload the PDF;
- `/cles-publiques` and `/cles-publiques/{kid}.pem`: the platform's public keys (duplicates),
  for offline checks, and the list of structures whose keys signed deposits;
- `/cles-publiques/structures/{structure_id}` and `….pem`: one structure's public keys.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from vault_service import audit, deposits, duplicate_http, signing
from vault_service import documents as docs
from vault_service import duplicates as dups
from vault_service.document_http import owned, plaintext_bytes
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


def _published(request: Request) -> dict[bytes, str]:
    """In a worker thread (plain handlers): every published platform key → keyring id."""
    service = vault(request)
    with service.engine.connect() as conn:
        return dups.trusted_keys(conn, service.signing)


def _document_and_version(conn: Connection, doc_id: str, owner_id: str) -> tuple[Any, Any]:
    document = owned(conn, doc_id, owner_id)
    return document, docs.version_row(conn, document.id, document.current_version)


def _page_data(conn: Connection, doc_id: str, owner_id: str) -> tuple[Any, list[Any]]:
    document = owned(conn, doc_id, owner_id)
    return document, dups.for_document(conn, document.id, owner_id)


async def issue_page(request: Request) -> Response:
    account = require(request, "beneficiary")
    doc_id = request.path_params["doc_id"]
    if request.method in ("GET", "HEAD"):
        document, issued = await db_read(request, _page_data, doc_id, account.id)
        return render(
            request, "duplicate.html", document=document, issued=issued, values={}, show=dups
        )
    data = await form(request)
    document, version = await db_read(request, _document_and_version, doc_id, account.id)
    scheme = data.get("scheme", document.scheme)
    if scheme not in docs.SCHEMES:
        scheme = document.scheme

    def work(conn: Connection) -> dict[str, Any]:
        return dups.issue(
            conn,
            vault(request).signing,
            owner=account,
            document=document,
            version=version,
            recipient=data.get("recipient", ""),
            purpose=data.get("purpose", ""),
            scheme=scheme,
        )

    try:
        fields = await db_write(request, work)
    except dups.DuplicateError as error:
        _, issued = await db_read(request, _page_data, doc_id, account.id)
        return render(
            request,
            "duplicate.html",
            status=400,
            error=error.message,
            document=document,
            issued=issued,
            values=data,
            show=dups,
        )
    return redirect(request, f"/documents/{document.id}/duplicatas/{fields['code']}")


def _pdf(request: Request, account: Any) -> bytes:
    """Decrypt the original version and build the signed duplicate (worker thread)."""
    service = vault(request)
    code = dups.normalise_code(request.path_params["code"])
    with service.engine.connect() as conn:
        document = owned(conn, request.path_params["doc_id"], account.id)
        record = dups.find(conn, code)
        if record is None or record.document_id != document.id or not record.payload:
            raise HTTPError(404, "introuvable", msg("Duplicata introuvable."))
        version = docs.version_row(conn, document.id, record.version)
    if version is None:
        raise HTTPError(404, "introuvable", msg("La version de ce duplicata a été supprimée."))
    original = plaintext_bytes(request, version)
    fields = dups.json_fields(record.payload)
    pdf = dups.build_pdf(
        service.signing,
        fields,
        original,
        version.media_type,
        # `serve` requires VAULT_PUBLIC_URL with secure cookies: the request's address is
        # only a fallback for local http use (demo and tests).
        service.public_url or str(request.base_url),
        docs.SCHEMES.get(record.scheme, record.scheme),
    )
    with service.engine.begin() as conn:
        audit.record(
            conn,
            "duplicate.download",
            actor_id=account.id,
            subject_id=account.id,
            object_id=document.id,
            detail={"code": code, "version": version.version},
        )
    return pdf


def download(request: Request) -> Response:
    account = require(request, "beneficiary")
    pdf = _pdf(request, account)
    code = dups.normalise_code(request.path_params["code"])
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="duplicata-{code}.pdf"',
            "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        },
    )


async def revoke(request: Request) -> Response:
    account = require(request, "beneficiary")
    await form(request)
    doc_id = request.path_params["doc_id"]
    code = dups.normalise_code(request.path_params["code"])
    await db_read(request, owned, doc_id, account.id)  # another person's document: 404
    if not await db_write(request, dups.revoke, code, doc_id, account.id):
        raise HTTPError(404, "introuvable", msg("Duplicata introuvable ou déjà annulé."))
    return redirect(request, f"/documents/{doc_id}/duplicata")


async def verify_page(request: Request) -> Response:
    """Public: no account needed; a check of her duplicate goes to her journal."""
    missing = "Choisissez le fichier PDF du duplicata."
    verdict = await duplicate_http.verdict(request, missing)
    code = request.query_params.get("code", "")
    return render(
        request,
        "verify.html",
        verdict=verdict,
        code=code,
        show=dups,
        scheme_label=docs.SCHEMES,
    )


def _key_rows(published: dict[bytes, str]) -> list[dict[str, str]]:
    return [
        {"id": kid, "base64": signing.b64(public), "fingerprint": signing.fingerprint(public)}
        for public, kid in published.items()
    ]


def _pem(published: dict[bytes, str], kid: str) -> Response:
    found = [public for public, key_id in published.items() if key_id == kid]
    if not found:
        raise HTTPError(404, "introuvable", msg("Clé publique introuvable."))
    return PlainTextResponse(signing.pem(found[0]), media_type="application/x-pem-file")


def _signer(request: Request) -> tuple[Any, dict[bytes, str]]:
    """In a worker thread: a structure that signed deposits and its public keys, or 404."""
    service = vault(request)
    with service.engine.connect() as conn:
        found = deposits.signer(conn, service.signing, request.path_params["structure_id"])
    if found is None:
        raise HTTPError(404, "introuvable", msg("Aucune clé publique pour cette structure."))
    return found  # type: ignore[no-any-return]


def public_keys(request: Request) -> Response:
    """The platform's keys (duplicates), then the structures whose keys signed deposits."""
    service = vault(request)
    with service.engine.connect() as conn:
        structures = deposits.signers(conn)
    rows = _key_rows(_published(request))
    return render(request, "keys.html", keys=rows, structures=structures, structure=None)


def structure_keys(request: Request) -> Response:
    structure, published = _signer(request)
    return render(request, "keys.html", keys=_key_rows(published), structure=structure)


def public_key_pem(request: Request) -> Response:
    return _pem(_published(request), request.path_params["kid"])


def structure_key_pem(request: Request) -> Response:
    _, published = _signer(request)
    return _pem(published, request.path_params["kid"])
