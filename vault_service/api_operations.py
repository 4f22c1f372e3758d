"""The operations of /api/ (declared data): one `Operation` a method on a path.

Each operation names its success status and schema (api_schemas.py), its request body and query
parameters; openapi.py deduces the rest (path parameters, error answers). A test checks that
every /api/ route of app.py is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vault_service import documents as docs
from vault_service.api_schemas import VERIFY_QUERY, text


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
    file: bool = False  # the success body is a file (openapi.FILE_TYPES)
    # Why some data valid for the schema is still refused (what a schema cannot say): the
    # schemathesis test then skips its « valid data is accepted » check for this operation.
    beyond_schema: str = ""


BENEFICIARY = ("beneficiary",)
STAFF = ("professional", "structure_admin")
CHECKED = (
    "la structure, le dispositif, les documents et la durée sont vérifiés (400 et la correction)"
)
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
        query={name: text(maxLength=longest) for name, longest in VERIFY_QUERY.items()},
        errors=(429,),  # VAULT_VERIFY_PER_HOUR per address, with Retry-After
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
        errors=(429,),  # VAULT_VERIFY_PER_HOUR per address, with Retry-After
        beyond_schema=SNIFFED,
    ),
    Operation(
        "get", "/api/shares", "Mes partages, en cours d'abord", 200, "ShareList", roles=BENEFICIARY
    ),
    Operation(
        "post",
        "/api/shares",
        "Donner accès à une structure (ou à un·e professionnel·le nommé·e) pour un dispositif",
        201,
        "Share",
        body="NewShare",
        roles=BENEFICIARY,
        beyond_schema=CHECKED,
    ),
    Operation(
        "delete",
        "/api/shares/{share_id}",
        "Retirer un partage (effet à la requête suivante)",
        204,
        roles=BENEFICIARY,
    ),
    Operation(
        "get",
        "/api/requests",
        "Les demandes de documents reçues, en attente d'abord",
        200,
        "ShareRequestList",
        roles=BENEFICIARY,
    ),
    Operation(
        "post",
        "/api/requests/{ask_id}/accept",
        "Accepter une demande : c'est mon partage",
        201,
        "Share",
        body="Acceptance",
        roles=BENEFICIARY,
        beyond_schema=CHECKED,
    ),
    Operation(
        "post",
        "/api/requests/{ask_id}/refuse",
        "Refuser une demande",
        204,
        roles=BENEFICIARY,
    ),
    Operation(
        "get",
        "/api/pro/shares",
        "Ce que des partages en cours me laissent voir : personnes, dispositifs, documents",
        200,
        "ProShareList",
        roles=STAFF,
    ),
    Operation(
        "get",
        "/api/pro/documents/{doc_id}/content",
        "Télécharger un document qu'un partage en cours me laisse voir (journalisé)",
        200,
        roles=STAFF,
        file=True,
    ),
    Operation(
        "post",
        "/api/pro/people/{account_id}/requests",
        "Demander des documents à une personne que ma structure suit",
        201,
        "RequestMade",
        body="NewRequest",
        roles=STAFF,
        beyond_schema="le dispositif et les types de documents sont vérifiés (400)",
    ),
    Operation(
        "post",
        "/api/pro/people/{account_id}/deposits",
        "Déposer un document dans son coffre, signé par ma structure",
        201,
        "Deposited",
        body="Upload",
        roles=STAFF,
        beyond_schema=SNIFFED,
    ),
]
