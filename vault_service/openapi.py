"""The OpenAPI document of /api/, built from one table of operations (api_operations.py).

Path parameters are read from the path itself, and the error answers every operation can give
are added from what it does (the edge's 400 and 413, 401 without a session, 403 for another
role or a missing CSRF header, 404 under an id…), all with the one error shape; the component
schemas are api_schemas.py. A test checks that every /api/ route of app.py is declared;
schemathesis (tests/vault/test_openapi.py) checks the service against this document.
"""

from __future__ import annotations

import re
from typing import Any

from vault_service.api_operations import OPERATIONS, Operation
from vault_service.api_schemas import SCHEMAS, ref

FILE_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"]

UNSAFE = {"post", "patch", "put", "delete"}
MULTIPART = {"Upload", "DuplicateFile"}
_ERROR = {"content": {"application/json": {"schema": ref("Error")}}}
ERROR_TEXT = {
    400: "Requête invalide (champ, encodage, JSON)",
    401: "Non connecté·e, ou identifiants refusés",
    403: "Rôle sans accès, ou en-tête X-Vault-CSRF absent, ou autre site",
    404: "Introuvable (ou pas à vous : même réponse)",
    413: "Corps trop volumineux",
    415: "Type de contenu non accepté",
    429: (
        "Trop de tentatives, ou vérification demandée (detail.challenge) ; en-tête Retry-After "
        "(secondes) quand l'attente est connue"
    ),
    409: "Conflit avec l'état du document (déposé par une structure : il garde son fichier)",
    503: "Service indisponible",
}


def path_parameters(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)


def _error_statuses(op: Operation) -> list[int]:
    statuses = {400, *op.errors}  # 400: the edge refuses NUL bytes and invalid UTF-8 anywhere
    if not op.public:
        statuses.add(401)
    if op.roles or op.method in UNSAFE:
        statuses.add(403)
    if path_parameters(op.path):
        statuses.add(404)
    if op.body is not None:
        statuses |= {413, 415}
    if op.body in MULTIPART:
        statuses.discard(415)  # a non-multipart upload is a 400 with its fix
    return sorted(statuses)


def _operation(op: Operation) -> dict[str, Any]:
    success: dict[str, Any] = {"description": "Succès"}
    if op.schema:
        success["content"] = {"application/json": {"schema": ref(op.schema)}}
    if op.file:
        binary = {"schema": {"type": "string", "format": "binary"}}
        success["content"] = dict.fromkeys(FILE_TYPES, binary)
    responses: dict[str, Any] = {str(op.ok): success}
    for status in _error_statuses(op):
        responses[str(status)] = {"description": ERROR_TEXT[status], **_ERROR}
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in path_parameters(op.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in op.query.items()
    ]
    if op.method in UNSAFE:
        parameters.append(
            {
                "name": "X-Vault-CSRF",
                "in": "header",
                "required": True,
                "schema": {"const": "1"},
                "description": "Protection CSRF : toute requête qui modifie le porte.",
            }
        )
    result: dict[str, Any] = {"summary": op.summary, "responses": responses}
    if parameters:
        result["parameters"] = parameters
    if op.public:
        result["security"] = []
    if op.beyond_schema:
        result["x-beyond-schema"] = op.beyond_schema
    media = "multipart/form-data" if op.body in MULTIPART else "application/json"
    if op.body is not None:
        result["requestBody"] = {"required": True, "content": {media: {"schema": ref(op.body)}}}
    return result


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Coffre-fort numérique de Mayotte",
            "version": "1",
            "description": "API du coffre-fort. Authentification par cookie de session (POST "
            "/api/session). Toute requête qui modifie quelque chose porte l'en-tête "
            "`X-Vault-CSRF: 1`. Toutes les erreurs ont la forme `Error`, message en français.",
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "vault_session"},
            },
        },
        "security": [{"session": []}],
        "paths": paths,
    }


OPENAPI = document()
