"""Her side of consent: give access, see who can see what, revoke in one tap, read her journal.

Pages: /partages (her shares, live first), /partages/nouveau (the form, a document
pre-ticked with ?document=), POST /partages (give access), POST /partages/{id}/retirer
(revoke), /historique (« Qui a consulté mes documents »). Only beneficiaries; a share id that
is not hers is 404.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import documents as docs
from vault_service import history, share_access, shares
from vault_service.i18n import msg
from vault_service.schemes import SHARE_SCHEMES
from vault_service.web import HTTPError, db_read, db_write, form, redirect, render, require


def _days(raw: str) -> tuple[int, list[str]]:
    raw = raw.strip() or str(shares.DEFAULT_DAYS)
    if not raw.isdigit() or len(raw) > 4:
        return 0, [f"La durée est un nombre de jours, entre 1 et {shares.MAX_DAYS}."]
    return int(raw), []


def grant_from(data: dict[str, str], document_ids: list[str]) -> shares.Grant:
    days, problems = _days(data.get("days", ""))
    doc_type = data.get("doc_type") or None
    return shares.Grant(
        structure_id=data.get("structure_id", ""),
        scheme=data.get("scheme", ""),
        purpose=data.get("purpose", ""),
        document_ids=tuple(d for d in document_ids if d),
        doc_type=doc_type,
        professional_login=data.get("professional_login", ""),
        days=days,
        forward_structure_id=data.get("forward_structure_id") or None,
        problems=problems,
    )


def _form_context(conn: Connection, owner_id: str) -> dict[str, Any]:
    return {
        "my_documents": docs.list_for(conn, owner_id),
        "structures": share_access.structures_list(conn),
        "share_schemes": SHARE_SCHEMES,
        "default_days": shares.DEFAULT_DAYS,
        "max_days": shares.MAX_DAYS,
    }


def _list_context(conn: Connection, owner_id: str) -> dict[str, Any]:
    rows = share_access.shares_of(conn, owner_id)
    return {
        "shares": [
            (row, share_access.is_live(row), share_access.covered_documents(conn, row))
            for row in rows
        ]
    }


async def my_shares(request: Request) -> Response:
    account = require(request, "beneficiary")
    context = await db_read(request, _list_context, account.id)
    return render(request, "shares.html", **context)


async def new_share(request: Request) -> Response:
    account = require(request, "beneficiary")
    context = await db_read(request, _form_context, account.id)
    chosen = request.query_params.get("document", "")
    values = {"documents": [chosen] if chosen else [], "days": str(shares.DEFAULT_DAYS)}
    return render(request, "share_new.html", values=values, **context)


async def create_share(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    document_ids = [v for v in (await request.form()).getlist("document") if isinstance(v, str)]
    try:
        await db_write(request, shares.create, account.id, grant_from(data, document_ids))
    except shares.ShareError as error:
        context = await db_read(request, _form_context, account.id)
        values: dict[str, Any] = {**data, "documents": document_ids}
        return render(
            request, "share_new.html", status=400, error=error.message, values=values, **context
        )
    if len(document_ids) == 1:
        return redirect(request, f"/documents/{document_ids[0]}")
    return redirect(request, "/partages")


async def revoke_share(request: Request) -> Response:
    account = require(request, "beneficiary")
    data = await form(request)
    done = await db_write(request, shares.revoke, account.id, request.path_params["share_id"])
    if not done:
        raise HTTPError(404, "introuvable", msg("Partage introuvable ou déjà terminé."))
    back = data.get("next", "")
    if back.startswith("/documents/") and back[11:].replace("-", "").isalnum():
        return redirect(request, back)
    return redirect(request, "/partages")


async def my_history(request: Request) -> Response:
    account = require(request, "beneficiary")
    raw = request.query_params.get("avant", "")
    before = int(raw) if raw.isdigit() and len(raw) < 19 else None
    lines = await db_read(request, history.lines, account.id, 100, before)
    return render(request, "history.html", lines=lines, more=len(lines) == 100)
