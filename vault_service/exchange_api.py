"""JSON API of consent: shares, requests and deposits, both sides (same rules as the pages).

Beneficiary: `GET/POST /api/shares` (her shares; give access), `DELETE /api/shares/{id}`
(revoke), `GET /api/requests` (requests received), `POST /api/requests/{id}/accept` (her
share) and `…/refuse`. Professional (or structure administrator): `GET /api/pro/shares` (what
live shares let him see), `GET /api/pro/documents/{id}/content` (a shared document, journaled),
`POST /api/pro/people/{id}/requests` (ask) and `…/deposits` (deposit, signed by the structure).

Every rule is the domain's: `shares.create` / `revoke`, `share_requests.create` / `accept` /
`refuse`, `share_access.visible` / `granted_to`, `relationships.guard`, `deposits.save` — each
journals in its own transaction. Refusals: 404 for anything not hers or not covered by a live
share (never 403, which would say it exists), 400 with the French fix for a bad body.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vault_service import documents as docs
from vault_service import receiving, relationships, share_access, share_requests, shares
from vault_service.api import _json_body as json_body
from vault_service.api import _text as text_field
from vault_service.api_schemas import SCHEMAS
from vault_service.db import as_utc
from vault_service.document_http import NOT_FOUND, file_response, receive_document, save_deposit
from vault_service.i18n import msg
from vault_service.web import HTTPError, db_read, db_write, require, vault

PRO_ROLES = ("professional", "structure_admin")
SHARE_FIELDS = (
    "structure_id",
    "scheme",
    "purpose",
    "documents",
    "doc_type",
    "professional_login",
    "days",
    "forward_structure_id",
)
ACCEPT_FIELDS = ("documents", "doc_type", "days", "only_requester", "forward_structure_id")
REQUEST_FIELDS = ("scheme", "purpose", "doc_types")


def _at(value: Any) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def share_json(row: Any, documents: list[Any]) -> dict[str, Any]:
    named = row.pro_given_name is not None and row.grantee_account_id is not None
    return {
        "id": row.id,
        "structure": {"id": row.grantee_structure_id, "name": row.structure_name},
        "professional": f"{row.pro_given_name} {row.pro_family_name}" if named else None,
        "scheme": row.scheme,
        "purpose": row.purpose,
        "doc_type": row.doc_type,
        "documents": [{"id": d.id, "title": d.title} for d in documents],
        "forward_structure_id": row.forward_structure_id,
        "created_at": _at(row.created_at),
        "expires_at": _at(row.expires_at),
        "revoked_at": _at(row.revoked_at),
        "live": share_access.is_live(row),
    }


def bounded(data: dict[str, Any], schema: str) -> dict[str, Any]:
    """The body within the lengths its OpenAPI schema declares (400 naming the field beyond
    them: never cut without saying, so a client sees what the schema promised)."""
    for key, spec in SCHEMAS[schema]["properties"].items():
        value = data.get(key)
        items = spec.get("items", {})
        if isinstance(value, list) and len(value) > spec.get("maxItems", len(value)):
            raise HTTPError(
                400,
                "champ",
                msg(
                    "Le champ « {key} » a {count} éléments : {top} au plus.",
                    key=key,
                    count=len(value),
                    top=spec["maxItems"],
                ),
                {"field": key},
            )
        texts = value if isinstance(value, list) else [value]
        longest = (items if isinstance(value, list) else spec).get("maxLength")
        if longest and any(isinstance(t, str) and len(t) > longest for t in texts):
            raise HTTPError(
                400,
                "champ",
                msg("Le champ « {key} » dépasse {longest} caractères.", key=key, longest=longest),
                {"field": key},
            )
    return data


def _strings(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise HTTPError(
            400,
            "champ",
            msg("Le champ « {key} » doit être une liste de chaînes.", key=key),
            {"field": key},
        )
    return value


def _days(data: dict[str, Any]) -> tuple[int, list[str]]:
    """The number of days (an integer; 14.0 is one in JSON), else the default and the
    problem (said once: the domain then finds the default within its bounds)."""
    days = data.get("days", shares.DEFAULT_DAYS)
    if isinstance(days, float) and days.is_integer():
        days = int(days)
    if isinstance(days, bool) or not isinstance(days, int):
        return shares.DEFAULT_DAYS, [
            f"La durée est un nombre de jours, entre 1 et {shares.MAX_DAYS}."
        ]
    return days, []


def _optional(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    return text_field(data, key) or None


def _grant(data: dict[str, Any], structure_id: str, professional_login: str) -> shares.Grant:
    days, problems = _days(data)
    return shares.Grant(
        structure_id=structure_id,
        scheme=text_field(data, "scheme") if "scheme" in data else "",
        purpose=text_field(data, "purpose") if "purpose" in data else "",
        document_ids=tuple(_strings(data, "documents")),
        doc_type=_optional(data, "doc_type"),
        professional_login=professional_login,
        days=days,
        forward_structure_id=_optional(data, "forward_structure_id"),
        problems=problems,
    )


def _share_error(error: shares.ShareError) -> HTTPError:
    if error.status == 404:
        return HTTPError(404, "introuvable", error.message)
    return HTTPError(400, "partage_refuse", error.message)


def _one_share(conn: Any, owner_id: str, share_id: str) -> dict[str, Any]:
    row = next(r for r in share_access.shares_of(conn, owner_id) if r.id == share_id)
    return share_json(row, share_access.covered_documents(conn, row))


def _her_shares(conn: Any, owner_id: str) -> dict[str, Any]:
    rows = share_access.shares_of(conn, owner_id)
    return {"shares": [share_json(r, share_access.covered_documents(conn, r)) for r in rows]}


async def share_list(request: Request) -> Response:
    """GET: her shares, live first; POST: give access (201, the share)."""
    account = require(request, "beneficiary")
    if request.method in ("GET", "HEAD"):
        return JSONResponse(await db_read(request, _her_shares, account.id))
    data = bounded(await json_body(request, SHARE_FIELDS), "NewShare")
    login = _optional(data, "professional_login") or ""
    grant = _grant(data, _optional(data, "structure_id") or "", login)
    try:
        share_id = await db_write(request, shares.create, account.id, grant)
    except shares.ShareError as error:
        raise _share_error(error) from None
    body = await db_read(request, _one_share, account.id, share_id)
    return JSONResponse(body, status_code=201)


async def share_item(request: Request) -> Response:
    """DELETE: revoke one of her live shares (204); not hers, or ended already: 404."""
    account = require(request, "beneficiary")
    if not await db_write(request, shares.revoke, account.id, request.path_params["share_id"]):
        raise HTTPError(404, "introuvable", msg("Partage introuvable ou déjà terminé."))
    return Response(status_code=204)


def request_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "structure": {"id": row.structure_id, "name": row.structure_name},
        "requester": f"{row.requester_given_name} {row.requester_family_name}",
        "scheme": row.scheme,
        "purpose": row.purpose,
        "doc_types": [t for t in row.doc_types.split(",") if t],
        "status": row.status,
        "created_at": _at(row.created_at),
        "answered_at": _at(row.answered_at),
        "share_id": row.share_id,
    }


async def request_list(request: Request) -> Response:
    account = require(request, "beneficiary")
    rows = await db_read(request, share_requests.for_person, account.id)
    return JSONResponse({"requests": [request_json(r) for r in rows]})


async def request_accept(request: Request) -> Response:
    """Her share for a pending request (to the one who asked when only_requester is true)."""
    account = require(request, "beneficiary")
    data = bounded(await json_body(request, ACCEPT_FIELDS), "Acceptance")
    only = data.get("only_requester", False)
    if not isinstance(only, bool):
        raise HTTPError(400, "champ", msg("« only_requester » vaut true ou false."))
    grant = _grant(data, "", "oui" if only else "")
    ask_id = request.path_params["ask_id"]
    try:
        share_id = await db_write(request, share_requests.accept, account.id, ask_id, grant)
    except shares.ShareError as error:
        raise _share_error(error) from None
    body = await db_read(request, _one_share, account.id, share_id)
    return JSONResponse(body, status_code=201)


async def request_refuse(request: Request) -> Response:
    account = require(request, "beneficiary")
    try:
        await db_write(request, share_requests.refuse, account.id, request.path_params["ask_id"])
    except shares.ShareError as error:
        raise _share_error(error) from None
    return Response(status_code=204)


def _granted(conn: Any, viewer: Any) -> dict[str, Any]:
    return {
        "shares": [
            {"person": {"id": p.id, "name": f"{p.given_name} {p.family_name}"}}
            | share_json(share, documents)
            for p, share, documents in share_access.granted_to(conn, viewer)
        ]
    }


async def pro_shares(request: Request) -> Response:
    """What live shares let this professional see: people, schemes, documents."""
    viewer = require(request, *PRO_ROLES)
    return JSONResponse(await db_read(request, _granted, viewer))


def pro_content(request: Request) -> Response:
    """A plain function (worker thread): the file of a document a live share covers."""
    viewer = require(request, *PRO_ROLES)
    with vault(request).engine.connect() as conn:
        found = share_access.visible(conn, request.path_params["doc_id"], viewer)
    if found is None:
        raise HTTPError(404, "introuvable", NOT_FOUND)
    document, share = found
    detail = {"share_id": share.id, "scheme": share.scheme, "structure_id": viewer.structure_id}
    return file_response(request, viewer, document, inline=False, detail=detail)


async def pro_request(request: Request) -> Response:
    """Ask her for documents for a scheme (only a structure she follows: 404 otherwise)."""
    actor = require(request, *PRO_ROLES)
    account_id = request.path_params["account_id"]
    await db_read(request, relationships.guard, actor, account_id)  # 404 before the body
    data = bounded(await json_body(request, REQUEST_FIELDS), "NewRequest")
    scheme = text_field(data, "scheme") if "scheme" in data else ""
    purpose = text_field(data, "purpose") if "purpose" in data else ""
    wanted = _strings(data, "doc_types")
    try:
        ask_id = await db_write(
            request, share_requests.create, actor, account_id, scheme, purpose, wanted
        )
    except shares.ShareError as error:
        raise _share_error(error) from None
    return JSONResponse({"id": ask_id, "status": "pending"}, status_code=201)


async def pro_deposit(request: Request) -> Response:
    """Deposit a document into her vault (multipart: file, title, doc_type, scheme), signed by
    the structure; her link is checked again inside the transaction that writes it."""
    actor = require(request, *PRO_ROLES)
    account_id = request.path_params["account_id"]
    await db_read(request, relationships.guard, actor, account_id)  # 404 before any byte
    document_id = docs.new_id()
    fields, incoming = await receive_document(request, document_id, 1)
    try:
        await save_deposit(request, actor, account_id, fields, incoming)
    except receiving.Rejected as error:
        raise HTTPError(400, "document_refuse", error.message) from None
    return JSONResponse({"id": document_id, "person_id": account_id}, status_code=201)
