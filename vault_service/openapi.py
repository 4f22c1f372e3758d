"""The OpenAPI document of /api/, built from one table of operations (OPERATIONS).

Each operation names its success status and schema, its request body and query parameters;
path parameters are read from the path itself, and the error answers every operation can give
are added from what it does (the edge's 400 and 413, 401 without a session, 403 for another
role or a missing CSRF header, 404 under an id…), all with the one error shape. A test checks
that every /api/ route of app.py is here; schemathesis (tests/vault/test_openapi.py) checks the
service against this document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vault_service import documents as docs

ROLES = ["beneficiary", "professional", "structure_admin", "platform_admin"]
FILE_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


TEXT = "^[^\\u0000]*$"  # no NUL byte (refused at the edge, see edge.py)
# A title (at most 200 characters) has a letter or digit (Latin, Greek, Cyrillic, Arabic, CJK
# scripts); api.py applies the same expressions (re.fullmatch), so both agree exactly.
TITLE = (
    "^[^\\u0000]*"
    "[0-9A-Za-z\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff\\u0600-\\u06ff\\u4e00-\\u9fff]"
    "[^\\u0000]*$"
)
ISO_DATE = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-[0-9]{2}-[0-9]{2}$"


def _text(**extra: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": TEXT, **extra}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
    }


DOCUMENT = {
    "id": {"type": "string"},
    "title": {"type": "string"},
    "doc_type": {"enum": sorted(docs.DOC_TYPES)},
    "scheme": {"enum": sorted(docs.SCHEMES)},
    "version": {"type": "integer", "minimum": 1},
    "filename": _nullable("string"),
    "media_type": _nullable("string"),
    "size": _nullable("integer", minimum=0),
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "expires_on": _nullable("string", format="date"),
}
VERSION = {
    "version": {"type": "integer", "minimum": 1},
    "filename": {"type": "string"},
    "media_type": {"type": "string"},
    "size": {"type": "integer", "minimum": 0},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "created_at": {"type": "string", "format": "date-time"},
}
_COUNT_MAP = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _object(
                {"code": {"type": "string"}, "message": {"type": "string"}, "detail": {}},
                optional=("detail",),
            )
        }
    ),
    "Me": _object(
        {
            "id": {"type": "string"},
            "login": {"type": "string"},
            "role": {"enum": ROLES},
            "given_name": {"type": "string"},
            "family_name": {"type": "string"},
            "structure_id": _nullable("string"),
            "totp": {"type": "boolean"},
        }
    ),
    "Document": _object(DOCUMENT),
    "DocumentDetail": _object(
        {**DOCUMENT, "versions": {"type": "array", "items": _object(VERSION)}}
    ),
    "DocumentList": _object({"documents": {"type": "array", "items": _ref("Document")}}),
    "Counts": _object(
        {"total": {"type": "integer", "minimum": 0}, "by_type": _COUNT_MAP, "by_scheme": _COUNT_MAP}
    ),
    "Journal": _object(
        {
            "count": {"type": "integer", "minimum": 0},
            "entries": {
                "type": "array",
                "items": _object(
                    {
                        "seq": {"type": "integer", "minimum": 1},
                        "at": {"type": "string", "format": "date-time"},
                        "who": {"type": "string"},
                        "what": {"type": "string"},
                        "scheme": {"type": "string"},
                        "share_at": _nullable("string", format="date-time"),
                    }
                ),
            },
        }
    ),
    "NewVersion": _object({"id": {"type": "string"}, "version": {"type": "integer", "minimum": 2}}),
    "Health": _object({"status": {"const": "ok"}}),
    "Ready": _object(
        {"status": {"const": "ok"}, "database": {"const": "ok"}, "storage": {"const": "ok"}}
    ),
    "OpenAPI": {"type": "object", "required": ["openapi", "paths"]},
    "Login": {
        "type": "object",
        "required": ["login", "password"],
        "additionalProperties": False,
        "properties": {
            "login": _text(maxLength=200),
            "password": _text(maxLength=1000),
            "totp": _text(maxLength=20),
            "challenge_token": _text(maxLength=500),
            "challenge_answer": _text(maxLength=20),
        },
    },
    "DocumentChange": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "title": {"type": "string", "maxLength": 200, "pattern": TITLE},
            "doc_type": {"enum": sorted(docs.DOC_TYPES)},
            "scheme": {"enum": sorted(docs.SCHEMES)},
            "expires_on": _nullable("string", format="date", pattern=ISO_DATE),
        },
    },
    "DuplicateRequest": {
        "type": "object",
        "required": ["recipient", "purpose"],
        "additionalProperties": False,
        "properties": {
            "recipient": {"type": "string", "maxLength": 120, "pattern": TITLE},
            "purpose": {"type": "string", "maxLength": 160, "pattern": TITLE},
            "scheme": {"enum": sorted(docs.SCHEMES)},
        },
    },
    "Duplicate": _object(
        {
            "code": {"type": "string"},
            "version": {"type": "integer", "minimum": 1},
            "recipient": {"type": "string"},
            "purpose": {"type": "string"},
            "scheme": {"type": "string"},
            "issued_at": {"type": "string", "format": "date-time"},
            "revoked_at": _nullable("string", format="date-time"),
            "pdf": {"type": "string"},
        }
    ),
    "DuplicateList": _object({"duplicates": {"type": "array", "items": _ref("Duplicate")}}),
    "Verdict": _object(
        {
            "status": {"type": "string"},
            "authentic": {"type": "boolean"},
            "message": {"type": "string"},
            "fields": {"type": "object"},
        },
        optional=("fields",),
    ),
    "DuplicateFile": {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}},
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
}


@dataclass(frozen=True)
class Operation:
    """One method on one path of the API."""

    method: str
    path: str
    summary: str
    ok: int
    schema: str | None = None  # a component schema of the JSON success body
    body: str | None = None  # "Login", "DocumentChange" (JSON) or "Upload" (multipart)
    roles: tuple[str, ...] = ()  # () = any signed-in account
    public: bool = False
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: tuple[int, ...] = ()  # beyond those deduced below
    file: bool = False  # the success body is a file (FILE_TYPES)
    # Why some data valid for the schema is still refused (what a schema cannot say): the
    # schemathesis test then skips its « valid data is accepted » check for this operation.
    beyond_schema: str = ""


BENEFICIARY = ("beneficiary",)
SNIFFED = "un fichier est accepté pour ce qu'il contient (PDF, JPEG, PNG, WebP reconnus)"

OPERATIONS = [
    Operation("get", "/api/openapi.json", "Ce document", 200, "OpenAPI", public=True),
    Operation("get", "/api/health", "Vivacité : le service répond", 200, "Health", public=True),
    Operation(
        "get",
        "/api/ready",
        "Prêt : base de données et stockage répondent",
        200,
        "Ready",
        public=True,
        errors=(503,),
    ),
    Operation(
        "post",
        "/api/session",
        "Se connecter (cookie de session)",
        200,
        "Me",
        body="Login",
        public=True,
        errors=(401, 429),
    ),
    Operation("delete", "/api/session", "Se déconnecter", 204),
    Operation("get", "/api/me", "Mon compte", 200, "Me"),
    Operation(
        "get",
        "/api/documents",
        "Mes documents (filtres facultatifs : doc_type, scheme)",
        200,
        "DocumentList",
        roles=BENEFICIARY,
        query={
            "doc_type": {"enum": sorted(docs.DOC_TYPES)},
            "scheme": {"enum": sorted(docs.SCHEMES)},
        },
    ),
    Operation(
        "get",
        "/api/journal",
        "Mon journal (NF Z42-020 lister et compter) : qui a vu mes documents, tout acte sur "
        "mon compte, du plus récent au plus ancien ; « avant » pour la page suivante",
        200,
        "Journal",
        roles=BENEFICIARY,
        query={
            "limite": {"type": "integer", "minimum": 1, "maximum": 500},
            "avant": {"type": "integer", "minimum": 1, "maximum": 999_999_999_999},
        },
    ),
    Operation(
        "post",
        "/api/documents",
        "Déposer un document",
        201,
        "Document",
        body="Upload",
        roles=BENEFICIARY,
        beyond_schema=SNIFFED,
    ),
    Operation(
        "get",
        "/api/documents/counts",
        "Nombre de documents, en tout, par type et par dispositif",
        200,
        "Counts",
        roles=BENEFICIARY,
    ),
    Operation(
        "get",
        "/api/documents/{doc_id}",
        "Un document et ses versions",
        200,
        "DocumentDetail",
        roles=BENEFICIARY,
    ),
    Operation(
        "patch",
        "/api/documents/{doc_id}",
        "Renommer, reclasser, dater l'échéance",
        200,
        "Document",
        body="DocumentChange",
        roles=BENEFICIARY,
    ),
    Operation("delete", "/api/documents/{doc_id}", "Supprimer", 204, roles=BENEFICIARY),
    Operation(
        "get",
        "/api/documents/{doc_id}/content",
        "Télécharger une version (la dernière par défaut)",
        200,
        roles=BENEFICIARY,
        query={"version": {"type": "integer", "minimum": 1, "maximum": 999_999_999}},
        file=True,
    ),
    Operation(
        "post",
        "/api/documents/{doc_id}/versions",
        "Nouvelle version (409 : document déposé par une structure, il garde son fichier)",
        201,
        "NewVersion",
        body="Upload",
        roles=BENEFICIARY,
        beyond_schema=SNIFFED,
        errors=(409,),
    ),
    Operation(
        "get",
        "/api/documents/{doc_id}/duplicates",
        "Mes duplicatas de ce document",
        200,
        "DuplicateList",
        roles=BENEFICIARY,
    ),
    Operation(
        "post",
        "/api/documents/{doc_id}/duplicates",
        "Faire un duplicata (recipient, purpose, scheme facultatif) ; pdf : son adresse",
        201,
        "Duplicate",
        body="DuplicateRequest",
        roles=BENEFICIARY,
    ),
    Operation(
        "get",
        "/api/verification",
        "Vérifier un duplicata : ?code= (tapé) ou ?d= (contenu du QR code) ; public",
        200,
        "Verdict",
        public=True,
        query={"code": _text(maxLength=100), "d": _text(maxLength=4000)},
        beyond_schema="code ou d est obligatoire (l'un des deux) : sans eux, 400.",
    ),
    Operation(
        "post",
        "/api/verification",
        "Vérifier le PDF d'un duplicata (champ file) ; public",
        200,
        "Verdict",
        body="DuplicateFile",
        public=True,
        beyond_schema=SNIFFED,
    ),
]

UNSAFE = {"post", "patch", "put", "delete"}
MULTIPART = {"Upload", "DuplicateFile"}
_ERROR = {"content": {"application/json": {"schema": _ref("Error")}}}
ERROR_TEXT = {
    400: "Requête invalide (champ, encodage, JSON)",
    401: "Non connecté·e, ou identifiants refusés",
    403: "Rôle sans accès, ou en-tête X-Vault-CSRF absent, ou autre site",
    404: "Introuvable (ou pas à vous : même réponse)",
    413: "Corps trop volumineux",
    415: "Type de contenu non accepté",
    429: "Trop de tentatives, ou vérification demandée (detail.challenge)",
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
        success["content"] = {"application/json": {"schema": _ref(op.schema)}}
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
        result["requestBody"] = {"required": True, "content": {media: {"schema": _ref(op.body)}}}
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
