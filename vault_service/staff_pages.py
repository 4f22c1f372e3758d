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

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import accounts, audit, sessions
from vault_service.web import HTTPError, db_read, db_write, form, render, require, vault

PRO_ROLES = ("professional", "structure_admin")


def _person(data: dict[str, str]) -> accounts.Person:
    return accounts.Person(
        data.get("given_name", ""), data.get("family_name", ""), data.get("birth_date", "")
    )


def _issue(
    conn: Connection, account_id: str, purpose: str, days: int, actor_id: str
) -> tuple[str, Any]:
    code = accounts.issue_code(conn, account_id, purpose, days, actor_id)
    return code, accounts.get(conn, account_id)


async def _sheet(request: Request, account_id: str, purpose: str, actor: Any) -> Response:
    days = vault(request).settings.activation_days
    code, person = await db_write(request, _issue, account_id, purpose, days, actor.id)
    return render(
        request, "sheet.html", person=person, code=code, purpose=purpose, expires_days=days
    )


async def pro_home(request: Request) -> Response:
    require(request, *PRO_ROLES)
    return render(request, "pro.html", query={}, found=None, searched=False, values={})


def _search(conn: Connection, person: accounts.Person, actor_id: str) -> Any:
    found = accounts.find_beneficiary(conn, person)
    audit.record(
        conn,
        "account.search",
        actor_id=actor_id,
        subject_id=found.id if found else None,
        detail={"found": bool(found)},
    )
    return found


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
    found = await db_write(request, _search, _person(query), actor.id)
    return render(request, "pro.html", query=query, found=found, searched=True, values={})


def _new_beneficiary(conn: Connection, person: accounts.Person, actor_id: str) -> str:
    return accounts.create_account(
        conn,
        role="beneficiary",
        person=person,
        login=accounts.suggest_login(conn, person),
        password_hash=None,
        structure_id=None,
        created_by=actor_id,
    )


async def create_beneficiary(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    try:
        account_id = await db_write(request, _new_beneficiary, _person(data), actor.id)
    except accounts.AccountError as error:
        found = None
        if error.existing_id:
            found = await db_read(request, accounts.get, error.existing_id)
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
    return await _sheet(request, account_id, "activation", actor)


async def recovery_for(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    await form(request)
    target = await db_read(request, accounts.get, request.path_params["account_id"])
    if target is None or target.role != "beneficiary":
        raise HTTPError(404, "introuvable", "Compte introuvable.")
    return await _sheet(request, target.id, "recovery", actor)


def _structure_and_members(conn: Connection, structure_id: str) -> tuple[Any, list[Any]]:
    return accounts.structure(conn, structure_id), accounts.members(conn, structure_id)


async def structure_home(
    request: Request,
    error: str | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    actor = require(request, "structure_admin")
    structure, members = await db_read(request, _structure_and_members, actor.structure_id)
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
    try:
        account_id = await db_write(
            request,
            accounts.create_account,
            role=role,
            person=_person(data),
            login=data.get("login", "").strip(),
            password_hash=None,
            structure_id=actor.structure_id,
            created_by=actor.id,
        )
    except accounts.AccountError as error:
        return await structure_home(request, error=error.message, status=400, values=data)
    return await _sheet(request, account_id, "activation", actor)


def _disable(conn: Connection, account_id: str, actor: Any) -> None:
    """Disable a member of the actor's structure (not themselves) and end their sessions."""
    target = accounts.get(conn, account_id)
    if target is None or target.structure_id != actor.structure_id or target.id == actor.id:
        raise HTTPError(404, "introuvable", "Compte introuvable.")
    accounts.disable(conn, target.id)
    sessions.revoke_all(conn, target.id)
    audit.record(conn, "account.disable", actor_id=actor.id, object_id=target.id)


async def disable_professional(request: Request) -> Response:
    actor = require(request, "structure_admin")
    await form(request)
    await db_write(request, _disable, request.path_params["account_id"], actor)
    return await structure_home(request)


async def admin_home(request: Request, error: str | None = None, status: int = 200) -> Response:
    require(request, "platform_admin")
    rows = await db_read(request, accounts.structures_with_use)
    return render(request, "admin.html", structures=rows, error=error, status=status)


def _cap(data: dict[str, str]) -> int:
    raw = data.get("cap", "")
    return int(raw) if raw.isdigit() and len(raw) < 6 else 0


async def create_structure(request: Request) -> Response:
    actor = require(request, "platform_admin")
    data = await form(request)
    try:
        await db_write(
            request, accounts.create_structure, data.get("name", ""), _cap(data), actor.id
        )
    except accounts.AccountError as error:
        return await admin_home(request, error=error.message, status=400)
    return await admin_home(request)


def _structure(conn: Connection, structure_id: str) -> Any:
    row = accounts.structure(conn, structure_id)
    if row is None:
        raise HTTPError(404, "introuvable", "Structure introuvable.")
    return row


def _set_cap(conn: Connection, structure_id: str, cap: int, actor_id: str) -> None:
    _structure(conn, structure_id)
    accounts.set_cap(conn, structure_id, cap, actor_id)


async def set_cap(request: Request) -> Response:
    actor = require(request, "platform_admin")
    data = await form(request)
    try:
        await db_write(request, _set_cap, request.path_params["structure_id"], _cap(data), actor.id)
    except accounts.AccountError as error:
        return await admin_home(request, error=error.message, status=400)
    return await admin_home(request)


def _new_structure_admin(
    conn: Connection, structure_id: str, person: accounts.Person, login: str, actor_id: str
) -> str:
    return accounts.create_account(
        conn,
        role="structure_admin",
        person=person,
        login=login,
        password_hash=None,
        structure_id=_structure(conn, structure_id).id,
        created_by=actor_id,
    )


async def create_structure_admin(request: Request) -> Response:
    actor = require(request, "platform_admin")
    data = await form(request)
    try:
        account_id = await db_write(
            request,
            _new_structure_admin,
            request.path_params["structure_id"],
            _person(data),
            data.get("login", "").strip(),
            actor.id,
        )
    except accounts.AccountError as error:
        return await admin_home(request, error=error.message, status=400)
    return await _sheet(request, account_id, "activation", actor)
