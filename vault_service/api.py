"""JSON API under /api/: same rules as the pages, one error shape, an OpenAPI document.

Errors: `{"error": {"code": "...", "message": "<français>", "detail": ...}}`.
State-changing requests need the header `X-Vault-CSRF: 1` (see csrf.py).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vault_service import audit, duplicate_http, history, listing, receiving, sessions
from vault_service import documents as docs
from vault_service import duplicates as dups
from vault_service.api_schemas import ISO_DATE, TITLE
from vault_service.db import as_utc
from vault_service.document_http import (
    file_response,
    owned_with_version,
    receive_document,
    remove_document,
    replaceable,
    save_upload,
)
from vault_service.i18n import joined, msg
from vault_service.login import NEED_TOTP, authenticate, end_sessions, start_session
from vault_service.openapi import OPENAPI
from vault_service.web import HTTPError, db_read, db_write, off_loop, require, vault


def _doc_json(row: Any) -> dict[str, Any]:
    mapping = row._mapping
    return {
        "id": row.id,
        "title": row.title,
        "doc_type": row.doc_type,
        "scheme": row.scheme,
        "version": row.current_version,
        "filename": mapping.get("filename"),
        "media_type": mapping.get("media_type"),
        "size": mapping.get("size"),
        "created_at": as_utc(row.created_at).isoformat(),
        "updated_at": as_utc(row.updated_at).isoformat(),
        "expires_on": row.expires_on.isoformat() if row.expires_on else None,
    }


def _me(account: Any) -> dict[str, Any]:
    return {
        "id": account.id,
        "login": account.login,
        "role": account.role,
        "given_name": account.given_name,
        "family_name": account.family_name,
        "structure_id": account.structure_id,
        "totp": bool(account.totp_secret),
    }


async def _json_body(request: Request, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON object of the body; a field not in `fields` is refused (400), not ignored."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":  # not a prefix: application/jsonp is not JSON
        raise HTTPError(415, "type_contenu", msg("Envoyez un corps JSON (application/json)."))
    body = await request.body()
    if len(body) > 64 * 1024:
        raise HTTPError(413, "trop_gros", msg("Corps JSON trop volumineux."))
    try:
        data = json.loads(body)
    except ValueError:
        raise HTTPError(400, "json", msg("Le corps n'est pas du JSON valide.")) from None
    if not isinstance(data, dict):
        raise HTTPError(400, "json", msg("Le corps doit être un objet JSON."))
    fields = list(fields)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise HTTPError(
            400,
            "champ_inconnu",
            msg(
                "Champ inconnu : « {field} » ; champs acceptés : {fields}.",
                field=unknown[0][:40],
                fields=", ".join(fields),
            ),
            {"fields": unknown[:10]},
        )
    return data


API_BAD_DATE = msg(
    "La date de fin de validité n'est pas une date : dans l'API, écrivez-la AAAA-MM-JJ "
    "(par exemple 2027-12-31), ou null pour aucune."
)
TITLE_RE = re.compile(TITLE)
ISO_DATE_RE = re.compile(ISO_DATE)

# Fields of the JSON bodies with their longest length (kept in step with api_schemas.py).
LOGIN_FIELDS = {
    "login": 200,
    "password": 1000,
    "totp": 20,
    "challenge_token": 500,
    "challenge_answer": 20,
}
CHANGE_FIELDS = ("title", "doc_type", "scheme", "expires_on")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise HTTPError(
            400, "champ", msg("Le champ « {key} » doit être une chaîne.", key=key), {"field": key}
        )
    return value


async def session_endpoint(request: Request) -> Response:
    if request.method == "DELETE":
        account = require(request)
        await db_write(request, end_sessions, account.id, request.state.session_row, False)
        response = Response(status_code=204)
        response.delete_cookie(sessions.cookie_name(vault(request).settings), path="/")
        return response
    data = await _json_body(request, LOGIN_FIELDS)
    for name, longest in LOGIN_FIELDS.items():
        if len(_text(data, name)) > longest:
            raise HTTPError(
                400,
                "champ",
                msg(
                    "Le champ « {name} » dépasse {longest} caractères.", name=name, longest=longest
                ),
                {"field": name},
            )
    proof = (_text(data, "challenge_token"), _text(data, "challenge_answer"))
    account = await authenticate(
        request, _text(data, "login"), _text(data, "password"), _text(data, "totp"), proof
    )
    if account == NEED_TOTP:
        raise HTTPError(
            401, "totp_requis", msg("Code de double authentification requis."), {"field": "totp"}
        )
    return await start_session(request, JSONResponse(_me(account)), account)


async def me(request: Request) -> Response:
    return JSONResponse(_me(require(request)))


async def _owned(request: Request, account: Any) -> Any:
    return await db_read(request, owned_with_version, request.path_params["doc_id"], account.id)


async def document_list(request: Request) -> Response:
    account = require(request, "beneficiary")
    if request.method in ("GET", "HEAD"):
        query = request.query_params
        doc_type, scheme = query.get("doc_type", ""), query.get("scheme", "")
        if (doc_type and doc_type not in docs.DOC_TYPES) or (scheme and scheme not in docs.SCHEMES):
            raise HTTPError(
                400,
                "filtre",
                msg(
                    "Filtre inconnu : doc_type et scheme prennent une valeur de la liste "
                    "(voir /api/openapi.json)."
                ),
            )
        rows = await db_read(request, listing.filtered, account.id, doc_type, scheme)
        return JSONResponse({"documents": [_doc_json(r) for r in rows]})
    document_id = docs.new_id()
    fields, incoming = await receive_document(request, document_id, 1)
    try:
        await save_upload(request, account, fields, incoming)
    except receiving.Rejected as error:
        raise HTTPError(400, "document_refuse", error.message) from None
    document = await db_read(request, owned_with_version, document_id, account.id)
    return JSONResponse(_doc_json(document), status_code=201)


async def document_duplicates(request: Request) -> Response:
    """GET: the duplicates she issued of this document; POST {recipient, purpose[, scheme]}:
    a new one (201, with the address of its PDF)."""
    account = require(request, "beneficiary")
    document = await _owned(request, account)
    if request.method in ("GET", "HEAD"):
        rows = await db_read(request, dups.for_document, document.id, account.id)
        return JSONResponse({"duplicates": [dups.listed(row) for row in rows]})
    data = await _json_body(request, ("recipient", "purpose", "scheme"))
    scheme = _text(data, "scheme") if "scheme" in data else document.scheme
    if scheme not in docs.SCHEMES:
        raise HTTPError(
            400, "champ", msg("Choisissez un dispositif dans la liste."), {"field": "scheme"}
        )
    recipient, purpose = _text(data, "recipient"), _text(data, "purpose")
    for name, value, longest in (("recipient", recipient, 120), ("purpose", purpose, 160)):
        if len(value) > longest or not TITLE_RE.fullmatch(value):
            raise HTTPError(
                400,
                "duplicata_refuse",
                msg(
                    "Le champ « {name} » est obligatoire : 1 à {longest} caractères, dont au "
                    "moins une lettre ou un chiffre.",
                    name=name,
                    longest=longest,
                ),
                {"field": name},
            )
    version = await db_read(request, docs.version_row, document.id, document.current_version)

    def work(conn: Connection) -> Any:
        fields = dups.issue(
            conn,
            vault(request).signing,
            owner=account,
            document=document,
            version=version,
            recipient=recipient,
            purpose=purpose,
            scheme=scheme,
        )
        return dups.find(conn, fields["code"])

    try:
        record = await db_write(request, work)
    except dups.DuplicateError as error:
        raise HTTPError(400, "duplicata_refuse", error.message) from None
    return JSONResponse(dups.listed(record), status_code=201)


async def verification(request: Request) -> Response:
    """Public. GET ?code= (typed) or ?d= (QR code content); POST multipart `file` (the PDF)."""
    missing = "Envoyez le PDF du duplicata (champ file)."
    verdict = await duplicate_http.verdict(request, missing)
    if verdict is None:
        raise HTTPError(
            400,
            "parametre",
            msg("Indiquez le code du duplicata (?code=) ou le contenu du QR code (?d=)."),
        )
    return JSONResponse(dups.verdict_json(verdict))


def _int_param(request: Request, name: str, default: int | None, top: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw[:15]) <= top:
        raise HTTPError(
            400,
            "parametre",
            msg("« {name} » doit être un entier entre 1 et {top}.", name=name, top=top),
            {"field": name},
        )
    return int(raw)


def _journal(conn: Connection, person_id: str, limit: int, before: int | None) -> dict[str, Any]:
    return {
        "count": audit.count(conn, person_id),
        "entries": [
            {
                "seq": line.seq,
                "at": as_utc(line.at).isoformat(),
                "who": line.who,
                "what": line.what,
                "scheme": line.scheme,
                "share_at": as_utc(line.share_at).isoformat() if line.share_at else None,
            }
            for line in history.lines(conn, person_id, limit, before)
        ],
    }


async def journal(request: Request) -> Response:
    """NF Z42-020 « list » and « count » of her journal, in plain French."""
    account = require(request, "beneficiary")
    limit = _int_param(request, "limite", 100, 500) or 100
    before = _int_param(request, "avant", None, 999_999_999_999)
    return JSONResponse(await db_read(request, _journal, account.id, limit, before))


async def document_counts(request: Request) -> Response:
    """NF Z42-020 « count »: how many documents, in all, per type and per scheme."""
    account = require(request, "beneficiary")
    return JSONResponse(await db_read(request, listing.counts, account.id))


async def document_item(request: Request) -> Response:
    account = require(request, "beneficiary")
    document = await _owned(request, account)
    if request.method in ("GET", "HEAD"):
        versions = await db_read(request, docs.versions, document.id)
        body = _doc_json(document)
        body["versions"] = [
            {
                "version": v.version,
                "filename": v.filename,
                "media_type": v.media_type,
                "size": v.size,
                "sha256": v.sha256,
                "created_at": as_utc(v.created_at).isoformat(),
            }
            for v in versions
        ]
        return JSONResponse(body)
    if request.method == "DELETE":
        await remove_document(request, document, account)
        return Response(status_code=204)
    data = await _json_body(request, CHANGE_FIELDS)
    merged = {"title": document.title, "doc_type": document.doc_type, "scheme": document.scheme}
    merged.update({k: _text(data, k) for k in ("title", "doc_type", "scheme") if k in data})
    doc_type, scheme, problems = docs.classify(merged)
    title = merged["title"]
    if "title" in data and not (len(title) <= 200 and TITLE_RE.fullmatch(title)):
        problems.append(
            msg(
                "Le titre est obligatoire : 1 à 200 caractères, dont au moins une lettre ou un "
                "chiffre."
            )
        )
    expires_on = document.expires_on
    if "expires_on" in data:
        raw = data["expires_on"]
        bad_date = None
        if raw is None:
            expires_on = None
        elif isinstance(raw, str) and ISO_DATE_RE.fullmatch(raw):
            expires_on, bad_date = listing.parse_expiry(raw)
            bad_date = bad_date and API_BAD_DATE
        else:
            bad_date = API_BAD_DATE
        if bad_date:
            problems.append(bad_date)
    if problems:
        raise HTTPError(400, "champ", joined(problems))
    await db_write(
        request,
        docs.rename,
        document.id,
        account.id,
        merged["title"],
        doc_type,
        scheme,
        expires_on,
    )
    return JSONResponse(_doc_json(await _owned(request, account)))


def document_content(request: Request) -> Response:
    """A plain function: Starlette runs it in a worker thread (lookup, decryption, audit)."""
    account = require(request, "beneficiary")
    with vault(request).engine.connect() as conn:
        document = owned_with_version(conn, request.path_params["doc_id"], account.id)
    return file_response(request, account, document, inline=False)


async def document_versions(request: Request) -> Response:
    account = require(request, "beneficiary")
    document = await db_read(request, replaceable, request.path_params["doc_id"], account.id)
    _, incoming = await receive_document(request, document.id, document.current_version + 1)
    try:
        version = await off_loop(
            receiving.save_version, vault(request).engine, incoming, account.id
        )
    except receiving.Rejected as error:
        raise HTTPError(400, "document_refuse", error.message) from None
    return JSONResponse({"id": document.id, "version": version}, status_code=201)


async def openapi(request: Request) -> Response:
    """The OpenAPI document (openapi.py), with this instance's session cookie name."""
    document = copy.deepcopy(OPENAPI)
    scheme = document["components"]["securitySchemes"]["session"]
    scheme["name"] = sessions.cookie_name(vault(request).settings)
    return JSONResponse(document)
