"""JSON API under /api/: same rules as the pages, one error shape, an OpenAPI document.

Errors: `{"error": {"code": "...", "message": "<français>", "detail": ...}}`.
State-changing requests need the header `X-Vault-CSRF: 1` (see csrf.py).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vault_service import documents as docs
from vault_service import duplicates as dups
from vault_service import listing, sessions, signing
from vault_service.document_http import (
    file_response,
    owned_with_version,
    receive_document,
    save_upload,
)
from vault_service.login import NEED_TOTP, authenticate, end_sessions, start_session
from vault_service.upload import BadUpload, receive
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
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
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


async def _json_body(request: Request) -> dict[str, Any]:
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise HTTPError(415, "type_contenu", "Envoyez un corps JSON (application/json).")
    body = await request.body()
    if len(body) > 64 * 1024:
        raise HTTPError(413, "trop_gros", "Corps JSON trop volumineux.")
    try:
        data = json.loads(body)
    except ValueError:
        raise HTTPError(400, "json", "Le corps n'est pas du JSON valide.") from None
    if not isinstance(data, dict):
        raise HTTPError(400, "json", "Le corps doit être un objet JSON.")
    return data


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise HTTPError(400, "champ", f"Le champ « {key} » doit être une chaîne.", {"field": key})
    return value


async def session_endpoint(request: Request) -> Response:
    if request.method == "DELETE":
        account = require(request)
        await db_write(request, end_sessions, account.id, request.state.session_row, False)
        response = Response(status_code=204)
        response.delete_cookie(sessions.cookie_name(vault(request).settings), path="/")
        return response
    data = await _json_body(request)
    proof = (_text(data, "challenge_token"), _text(data, "challenge_answer"))
    account = await authenticate(
        request, _text(data, "login"), _text(data, "password"), _text(data, "totp"), proof
    )
    if account == NEED_TOTP:
        raise HTTPError(
            401, "totp_requis", "Code de double authentification requis.", {"field": "totp"}
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
        rows = await db_read(request, listing.filtered, account.id, doc_type, scheme)
        return JSONResponse({"documents": [_doc_json(r) for r in rows]})
    document_id = docs.new_id()
    fields, incoming = await receive_document(request, document_id, 1)
    try:
        await save_upload(request, account, fields, incoming)
    except docs.Rejected as error:
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
    data = await _json_body(request)
    scheme = _text(data, "scheme") if "scheme" in data else document.scheme
    if scheme not in docs.SCHEMES:
        raise HTTPError(
            400, "champ", "Choisissez un dispositif dans la liste.", {"field": "scheme"}
        )
    recipient, purpose = _text(data, "recipient"), _text(data, "purpose")
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
    trusted = list(vault(request).signing.published(signing.PLATFORM).values())
    if request.method == "POST":
        limit = 2 * vault(request).settings.max_upload_bytes
        try:
            _, sink = await receive(request, lambda _name: dups.VerifierSink(trusted), limit)
        except docs.TooLarge:
            raise HTTPError(413, "trop_gros", "Fichier trop gros pour un duplicata.") from None
        except BadUpload as error:
            raise HTTPError(400, "formulaire", error.message) from None
        if sink is None:
            raise HTTPError(400, "fichier_absent", "Envoyez le PDF du duplicata (champ file).")
        verdict = await db_read(request, dups.with_register, sink.verifier.verdict())
    elif request.query_params.get("d"):
        verdict = dups.verify_qr(trusted, request.query_params["d"])
        verdict = await db_read(request, dups.with_register, verdict)
    elif request.query_params.get("code"):
        verdict = await db_read(request, dups.lookup, request.query_params["code"])
    else:
        raise HTTPError(
            400,
            "parametre",
            "Indiquez le code du duplicata (?code=) ou le contenu du QR code (?d=).",
        )
    return JSONResponse(dups.verdict_json(verdict))


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
                "created_at": v.created_at.isoformat(),
            }
            for v in versions
        ]
        return JSONResponse(body)
    if request.method == "DELETE":
        service = vault(request)
        await off_loop(
            docs.remove,
            service.engine,
            service.store,
            document.id,
            account.id,
            service.settings.deleted_retention_days,
        )
        return Response(status_code=204)
    data = await _json_body(request)
    merged = {"title": document.title, "doc_type": document.doc_type, "scheme": document.scheme}
    merged.update({k: _text(data, k) for k in ("title", "doc_type", "scheme") if k in data})
    doc_type, scheme, problems = docs.classify(merged)
    if not docs.clean_title(merged["title"]):
        problems.append("Le titre est obligatoire.")
    expires_on = document.expires_on
    if "expires_on" in data:
        expires_on, bad_date = listing.parse_expiry(data["expires_on"] or "")
        if bad_date:
            problems.append(bad_date)
    if problems:
        raise HTTPError(400, "champ", " ".join(problems))
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
    document = await _owned(request, account)
    _, incoming = await receive_document(request, document.id, document.current_version + 1)
    try:
        version = await off_loop(docs.save_version, vault(request).engine, incoming, account.id)
    except docs.Rejected as error:
        raise HTTPError(400, "document_refuse", error.message) from None
    return JSONResponse({"id": document.id, "version": version}, status_code=201)


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)


_ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, ok: int, *errors: int, body: str | None = None) -> dict[str, Any]:
    responses: dict[str, Any] = {str(ok): {"description": "Succès"}}
    for status in errors:
        responses[str(status)] = {
            "description": "Erreur",
            "content": {"application/json": {"schema": _ERROR}},
        }
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if body == "json":
        operation["requestBody"] = {"content": {"application/json": {"schema": {"type": "object"}}}}
    elif body == "multipart":
        operation["requestBody"] = {
            "content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Upload"}}}
        }
    return operation


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Coffre-fort numérique de Mayotte",
        "version": "1",
        "description": "API du coffre-fort. Authentification par cookie de session (POST "
        "/api/session). Toute requête qui modifie quelque chose porte l'en-tête "
        "`X-Vault-CSRF: 1`. Toutes les erreurs ont la forme `Error`.",
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "detail": {},
                        },
                    }
                },
            },
            "Upload": {
                "type": "object",
                "required": ["doc_type", "scheme"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "title": {"type": "string"},
                    "doc_type": {"enum": sorted(docs.DOC_TYPES)},
                    "scheme": {"enum": sorted(docs.SCHEMES)},
                    "expires_on": {"type": "string", "format": "date"},
                    "photos": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "au lieu de file : photos JPEG, PNG, WebP réunies en un PDF",
                    },
                },
            },
        },
    },
    "paths": {
        "/api/openapi.json": {"get": _op("Ce document", 200)},
        "/api/health": {"get": _op("Vivacité : le service répond", 200)},
        "/api/ready": {"get": _op("Prêt : base de données et stockage répondent", 200, 503)},
        "/api/session": {
            "post": _op("Se connecter", 200, 400, 401, 415, 429, body="json"),
            "delete": _op("Se déconnecter", 204, 401, 403),
        },
        "/api/me": {"get": _op("Mon compte", 200, 401)},
        "/api/documents": {
            "get": _op("Mes documents (filtres facultatifs : doc_type, scheme)", 200, 401, 403),
            "post": _op("Déposer un document", 201, 400, 401, 403, 413, body="multipart"),
        },
        "/api/documents/counts": {
            "get": _op("Nombre de documents, en tout, par type et par dispositif", 200, 401, 403)
        },
        "/api/documents/{doc_id}": {
            "get": _op("Un document et ses versions", 200, 401, 403, 404),
            "patch": _op("Renommer, reclasser", 200, 400, 401, 403, 404, body="json"),
            "delete": _op("Supprimer", 204, 401, 403, 404),
        },
        "/api/documents/{doc_id}/duplicates": {
            "get": _op("Mes duplicatas de ce document", 200, 401, 403, 404),
            "post": _op(
                "Faire un duplicata (recipient, purpose, scheme facultatif) ; pdf : son adresse",
                201,
                400,
                401,
                403,
                404,
                415,
                body="json",
            ),
        },
        "/api/verification": {
            "get": _op("Vérifier un duplicata : ?code= ou ?d= (public)", 200, 400),
            "post": _op("Vérifier le PDF d'un duplicata, champ file (public)", 200, 400, 413),
        },
        "/api/documents/{doc_id}/content": {
            "get": _op("Télécharger (paramètre version facultatif)", 200, 401, 403, 404)
        },
        "/api/documents/{doc_id}/versions": {
            "post": _op("Nouvelle version", 201, 400, 401, 403, 404, 413, body="multipart")
        },
    },
}
