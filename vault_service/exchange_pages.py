"""Requests and deposits, both sides.

Professional (structure that follows the person, else 404): /pro/personnes/{account_id} (the
two forms), POST …/demandes (ask for documents for a scheme), POST …/depots (deposit an
attestation, signed by the structure). Beneficiary: /demandes (requests received), POST
/demandes/{request_id}/accepter (her share) or …/refuser, and /documents/{doc_id}/origine
(the deposit's origin proof, checked now).
"""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import audit, deposits, receiving, relationships, share_requests, shares, signing
from vault_service import documents as docs
from vault_service.document_http import NOT_FOUND, owned, receive_document, save_deposit
from vault_service.i18n import msg
from vault_service.schemes import SHARE_SCHEMES
from vault_service.share_pages import grant_from
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

PRO_ROLES = ("professional", "structure_admin")


def _person(conn: Connection, actor: Any, account_id: str) -> Any:
    return relationships.guard(conn, actor, account_id)


async def person_page(
    request: Request,
    error: str | None = None,
    status: int = 200,
    message: str | None = None,
) -> Response:
    actor = require(request, *PRO_ROLES)
    person = await db_read(request, _person, actor, request.path_params["account_id"])
    return render(
        request,
        "pro_person.html",
        person=person,
        share_schemes=SHARE_SCHEMES,
        status=status,
        error=error,
        message=message or _DONE.get(request.query_params.get("fait", "")),
    )


_DONE = {
    "demande": msg("Demande envoyée : elle la verra à sa prochaine connexion."),
    "depot": msg("Document déposé dans son coffre, signé par votre structure."),
}


async def ask(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    doc_types = [v for v in (await request.form()).getlist("doc_type") if isinstance(v, str)]
    account_id = request.path_params["account_id"]
    try:
        await db_write(
            request,
            share_requests.create,
            actor,
            account_id,
            data.get("scheme", ""),
            data.get("purpose", ""),
            doc_types,
        )
    except shares.ShareError as error:
        return await person_page(request, error=error.message, status=400)
    return redirect(request, f"/pro/personnes/{account_id}?fait=demande")


async def deposit(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    account_id = request.path_params["account_id"]
    await db_read(request, _person, actor, account_id)  # 404 before reading any byte
    try:
        fields, incoming = await receive_document(request, docs.new_id(), 1)
    except HTTPError as error:
        if error.status == 403:
            raise
        return await person_page(request, error=error.message, status=error.status)
    try:
        await save_deposit(request, actor, account_id, fields, incoming)
    except receiving.Rejected as error:
        return await person_page(request, error=error.message, status=400)
    return redirect(request, f"/pro/personnes/{account_id}?fait=depot")


def _requests_context(conn: Connection, person_id: str) -> dict[str, Any]:
    return {
        "requests": share_requests.for_person(conn, person_id),
        "my_documents": docs.list_for(conn, person_id),
    }


async def my_requests(request: Request, error: str | None = None, status: int = 200) -> Response:
    account = require(request, "beneficiary")
    context = await db_read(request, _requests_context, account.id)
    return render(request, "requests.html", error=error, status=status, **context)


async def accept(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    document_ids = [v for v in (await request.form()).getlist("document") if isinstance(v, str)]
    grant = grant_from({**data, "professional_login": data.get("only_requester", "")}, document_ids)
    try:
        await db_write(
            request, share_requests.accept, account.id, request.path_params["ask_id"], grant
        )
    except shares.ShareError as error:
        if error.status == 404:
            raise HTTPError(404, "introuvable", error.message) from None
        return await my_requests(request, error=error.message, status=400)
    return redirect(request, "/partages")


async def refuse(request: Request) -> Response:
    account = require(request, "beneficiary")
    await form(request)
    try:
        await db_write(request, share_requests.refuse, account.id, request.path_params["ask_id"])
    except shares.ShareError as error:
        raise HTTPError(404, "introuvable", error.message) from None
    return redirect(request, "/demandes")


def _origin(conn: Connection, request: Request, account: Any) -> dict[str, Any]:
    document = owned(conn, request.path_params["doc_id"], account.id)
    service = vault(request)
    authentic, verdict, signed, row = deposits.verify(
        conn, service.store, service.keyring, service.signing, document
    )
    if row is None:
        raise HTTPError(404, "introuvable", NOT_FOUND)
    names = signed or {}  # as they were when signed, not as renamed since
    return {
        "structure_name": names.get("structure_name", row.structure_name),
        "depositor_name": names.get(
            "depositor_name", f"{row.depositor_given_name} {row.depositor_family_name}"
        ),
        "document": document,
        "authentic": authentic,
        "verdict": verdict,
        "signed": signing_text(signed),
        "origin": row,
        "public_key": base64.b64encode(row.public_key).decode(),
        "fingerprint": signing.fingerprint(row.public_key),
        "signature": base64.b64encode(row.signature).decode(),
    }


def signing_text(signed: dict[str, Any] | None) -> str:
    return signing.canonical(signed).decode() if signed else ""


def origin_page(request: Request) -> Response:
    """A plain function (worker thread): decrypts and re-hashes the file."""
    account = require(request, "beneficiary")
    service = vault(request)
    with service.engine.begin() as conn:
        context = _origin(conn, request, account)
        audit.record(
            conn,
            "document.origin_check",
            actor_id=account.id,
            subject_id=account.id,
            object_id=context["document"].id,
            detail={"authentic": context["authentic"]},
        )
    return render(request, "origin.html", **context)
