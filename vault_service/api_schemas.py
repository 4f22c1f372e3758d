"""The component schemas of the OpenAPI document of /api/ (declared data).

Every JSON body the API reads or answers, and the expressions both openapi.py and api.py apply
to a text field (no NUL byte, a title with a letter or digit, an ISO date).
"""

from __future__ import annotations

from typing import Any

from vault_service import documents as docs

ROLES = ["beneficiary", "professional", "structure_admin", "platform_admin"]


def ref(name: str) -> dict[str, str]:
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
# The longest ?code= (typed) and ?d= (a QR code's content) of a duplicate's verification.
VERIFY_QUERY = {"code": 100, "d": 4000}


def text(**extra: Any) -> dict[str, Any]:
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

_NAMED = _object({"id": {"type": "string"}, "name": {"type": "string"}})
_WHEN = {"type": "string", "format": "date-time"}
SHARE = {
    "id": {"type": "string"},
    "structure": _NAMED,
    "professional": _nullable("string"),
    "scheme": {"type": "string"},
    "purpose": {"type": "string"},
    "doc_type": _nullable("string"),
    "documents": {
        "type": "array",
        "items": _object({"id": {"type": "string"}, "title": {"type": "string"}}),
    },
    "forward_structure_id": _nullable("string"),
    "created_at": _WHEN,
    "expires_at": _WHEN,
    "revoked_at": _nullable("string", format="date-time"),
    "live": {"type": "boolean"},
}
_ID_LIST = {"type": "array", "maxItems": 200, "items": text(maxLength=64)}
_DAYS = {"type": "integer", "minimum": 1, "maximum": 365}

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
    "DocumentList": _object({"documents": {"type": "array", "items": ref("Document")}}),
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
            "login": text(maxLength=200),
            "password": text(maxLength=1000),
            "totp": text(maxLength=20),
            "challenge_token": text(maxLength=500),
            "challenge_answer": text(maxLength=20),
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
    "DuplicateList": _object({"duplicates": {"type": "array", "items": ref("Duplicate")}}),
    "Verdict": _object(
        {
            "status": {"type": "string"},
            "authentic": {"type": "boolean"},
            "message": {"type": "string"},
            "fields": {"type": "object"},
        },
        optional=("fields",),
    ),
    "Share": _object(SHARE),
    "ShareList": _object({"shares": {"type": "array", "items": ref("Share")}}),
    "ProShareList": _object(
        {"shares": {"type": "array", "items": _object({"person": _NAMED, **SHARE})}}
    ),
    "NewShare": {
        "type": "object",
        "required": ["structure_id", "scheme", "purpose"],
        "additionalProperties": False,
        "properties": {
            "structure_id": text(maxLength=64),
            "scheme": text(maxLength=40),
            "purpose": text(maxLength=300),
            "documents": _ID_LIST,
            "doc_type": _nullable("string", maxLength=40, pattern=TEXT),
            "professional_login": _nullable("string", maxLength=200, pattern=TEXT),
            "days": _DAYS,
            "forward_structure_id": _nullable("string", maxLength=64, pattern=TEXT),
        },
    },
    "Acceptance": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "documents": _ID_LIST,
            "doc_type": _nullable("string", maxLength=40, pattern=TEXT),
            "days": _DAYS,
            "only_requester": {"type": "boolean"},
            "forward_structure_id": _nullable("string", maxLength=64, pattern=TEXT),
        },
    },
    "ShareRequest": _object(
        {
            "id": {"type": "string"},
            "structure": _NAMED,
            "requester": {"type": "string"},
            "scheme": {"type": "string"},
            "purpose": {"type": "string"},
            "doc_types": {"type": "array", "items": {"type": "string"}},
            "status": {"enum": ["pending", "accepted", "refused"]},
            "created_at": _WHEN,
            "answered_at": _nullable("string", format="date-time"),
            "share_id": _nullable("string"),
        }
    ),
    "ShareRequestList": _object({"requests": {"type": "array", "items": ref("ShareRequest")}}),
    "NewRequest": {
        "type": "object",
        "required": ["scheme", "purpose", "doc_types"],
        "additionalProperties": False,
        "properties": {
            "scheme": text(maxLength=40),
            "purpose": text(maxLength=300),
            "doc_types": {"type": "array", "maxItems": 20, "items": text(maxLength=40)},
        },
    },
    "RequestMade": _object({"id": {"type": "string"}, "status": {"const": "pending"}}),
    "Deposited": _object({"id": {"type": "string"}, "person_id": {"type": "string"}}),
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
