"""Pages of professionals, structure administrators and the platform administrator.

- professional (and structure administrator): assisted creation of a beneficiary account with
  a printed activation sheet; find a person (exact names + birth date) to print a recovery
  sheet. A second account for the same person is refused and the existing one offered.
- structure administrator: the structure's professional accounts (cap enforced), disable one.
- platform administrator: structures (name, cap) and their administrators.
Every operation is in the audit journal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from starlette.requests import Request
from starlette.responses import Response

from vault_service import accounts, audit, sessions
from vault_service.db import accounts as accounts_table
from vault_service.db import structures
from vault_service.web import HTTPError, form, render, require, vault

PRO_ROLES = ("professional", "structure_admin")


def _person(data: dict[str, str]) -> accounts.Person:
    return accounts.Person(
        data.get("given_name", ""), data.get("family_name", ""), data.get("birth_date", "")
    )


def _sheet(request: Request, account_id: str, purpose: str, actor: Any) -> Response:
    service = vault(request)
    days = service.settings.activation_days
    with service.engine.begin() as conn:
        code = accounts.issue_code(conn, account_id, purpose, days, actor.id)
        person = accounts.get(conn, account_id)
    return render(
        request, "sheet.html", person=person, code=code, purpose=purpose, expires_days=days
    )


async def pro_home(request: Request) -> Response:
    require(request, *PRO_ROLES)
    return render(request, "pro.html", query={}, found=None, searched=False, values={})


async def search_beneficiary(request: Request) -> Response:
    """Find a person by exact names and birth date (POST: no personal data in URLs or logs)."""
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    query = {k: data.get(k, "").strip() for k in ("given_name", "family_name", "birth_date")}
    if not all(query.values()):
        return render(
            request,
            "pro.html",
            status=400,
            query=query,
            found=None,
            searched=False,
            values={},
            error="Renseignez le prénom, le nom et la date de naissance.",
        )
    service = vault(request)
    with service.engine.begin() as conn:
        found = accounts.find_beneficiary(conn, _person(query))
        audit.record(
            conn,
            "account.search",
            actor_id=actor.id,
            subject_id=found.id if found else None,
            detail={"found": bool(found)},
        )
    return render(request, "pro.html", query=query, found=found, searched=True, values={})


async def create_beneficiary(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    person = _person(data)
    service = vault(request)
    try:
        with service.engine.begin() as conn:
            login = accounts.suggest_login(conn, person)
            account_id = accounts.create_account(
                conn,
                role="beneficiary",
                person=person,
                login=login,
                password_hash=None,
                structure_id=None,
                created_by=actor.id,
            )
    except accounts.AccountError as error:
        found = None
        if error.existing_id:
            with service.engine.connect() as conn:
                found = accounts.get(conn, error.existing_id)
        return render(
            request,
            "pro.html",
            status=400,
            error=error.message,
            found=found,
            query={},
            searched=False,
            values=data,
        )
    return _sheet(request, account_id, "activation", actor)


async def recovery_for(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    await form(request)
    with vault(request).engine.connect() as conn:
        target = accounts.get(conn, request.path_params["account_id"])
    if target is None or target.role != "beneficiary":
        raise HTTPError(404, "introuvable", "Compte introuvable.")
    return _sheet(request, target.id, "recovery", actor)


def _members(conn: Any, structure_id: str) -> list[Any]:
    return list(
        conn.execute(
            select(accounts_table)
            .where(accounts_table.c.structure_id == structure_id)
            .order_by(accounts_table.c.family_name, accounts_table.c.given_name)
        )
    )


async def structure_home(
    request: Request,
    error: str | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    actor = require(request, "structure_admin")
    with vault(request).engine.connect() as conn:
        structure = conn.execute(
            select(structures).where(structures.c.id == actor.structure_id)
        ).first()
        members = _members(conn, actor.structure_id)
    return render(
        request,
        "structure.html",
        structure=structure,
        members=members,
        error=error,
        status=status,
        values=values or {},
    )


async def create_professional(request: Request) -> Response:
    actor = require(request, "structure_admin")
    data = await form(request)
    role = "structure_admin" if data.get("role") == "structure_admin" else "professional"
    service = vault(request)
    try:
        with service.engine.begin() as conn:
            account_id = accounts.create_account(
                conn,
                role=role,
                person=_person(data),
                login=data.get("login", "").strip(),
                password_hash=None,
                structure_id=actor.structure_id,
                created_by=actor.id,
            )
    except accounts.AccountError as error:
        return await structure_home(request, error=error.message, status=400, values=data)
    return _sheet(request, account_id, "activation", actor)


async def disable_professional(request: Request) -> Response:
    actor = require(request, "structure_admin")
    await form(request)
    service = vault(request)
    with service.engine.begin() as conn:
        target = accounts.get(conn, request.path_params["account_id"])
        if target is None or target.structure_id != actor.structure_id or target.id == actor.id:
            raise HTTPError(404, "introuvable", "Compte introuvable.")
        conn.execute(
            update(accounts_table).where(accounts_table.c.id == target.id).values(status="disabled")
        )
        sessions.revoke_all(conn, target.id)
        audit.record(conn, "account.disable", actor_id=actor.id, object_id=target.id)
    return await structure_home(request)


async def admin_home(request: Request, error: str | None = None, status: int = 200) -> Response:
    require(request, "platform_admin")
    with vault(request).engine.connect() as conn:
        used = (
            select(accounts_table.c.structure_id, func.count().label("used"))
            .where(accounts_table.c.role.in_(PRO_ROLES), accounts_table.c.status != "disabled")
            .group_by(accounts_table.c.structure_id)
            .subquery()
        )
        rows = list(
            conn.execute(
                select(structures, func.coalesce(used.c.used, 0).label("used"))
                .outerjoin(used, used.c.structure_id == structures.c.id)
                .order_by(structures.c.name)
            )
        )
    return render(request, "admin.html", structures=rows, error=error, status=status)


def _cap(data: dict[str, str]) -> int:
    raw = data.get("cap", "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 0


async def create_structure(request: Request) -> Response:
    actor = require(request, "platform_admin")
    data = await form(request)
    try:
        with vault(request).engine.begin() as conn:
            accounts.create_structure(conn, data.get("name", ""), _cap(data), actor.id)
    except accounts.AccountError as error:
        return await admin_home(request, error=error.message, status=400)
    return await admin_home(request)


def _structure(conn: Any, structure_id: str) -> Any:
    row = conn.execute(select(structures).where(structures.c.id == structure_id)).first()
    if row is None:
        raise HTTPError(404, "introuvable", "Structure introuvable.")
    return row


async def set_cap(request: Request) -> Response:
    actor = require(request, "platform_admin")
    data = await form(request)
    try:
        with vault(request).engine.begin() as conn:
            _structure(conn, request.path_params["structure_id"])
            accounts.set_cap(conn, request.path_params["structure_id"], _cap(data), actor.id)
    except accounts.AccountError as error:
        return await admin_home(request, error=error.message, status=400)
    return await admin_home(request)


async def create_structure_admin(request: Request) -> Response:
    actor = require(request, "platform_admin")
    data = await form(request)
    try:
        with vault(request).engine.begin() as conn:
            structure = _structure(conn, request.path_params["structure_id"])
            account_id = accounts.create_account(
                conn,
                role="structure_admin",
                person=_person(data),
                login=data.get("login", "").strip(),
                password_hash=None,
                structure_id=structure.id,
                created_by=actor.id,
            )
    except accounts.AccountError as error:
        return await admin_home(request, error=error.message, status=400)
    return _sheet(request, account_id, "activation", actor)
