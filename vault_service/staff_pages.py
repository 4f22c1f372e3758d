"""Pages of professionals, structure administrators and the platform administrator.

- professional (and structure administrator): assisted creation of a beneficiary account with
  a printed activation sheet (it links her with the structure); find a person the structure
  follows (exact names + birth date; nobody else is ever shown). A second account for the same
  person is refused; the existing one is offered only if the structure follows her.
  Recovery and link codes: relationship_pages.py.
- structure administrator: the structure's professional accounts (cap enforced), disable one.
- platform administrator: structures (name, cap) and their administrators.
Every operation is in the audit journal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import accounts, assisted_recovery, audit, codes, relationships, sessions, shares
from vault_service.i18n import msg
from vault_service.web import HTTPError, db_read, db_write, form, render, require, vault

PRO_ROLES = ("professional", "structure_admin")


def _person(data: dict[str, str]) -> accounts.Person:
    return accounts.Person(
        data.get("given_name", ""), data.get("family_name", ""), data.get("birth_date", "")
    )


def _issue(
    conn: Connection, account_id: str, purpose: str, days: int, actor_id: str
) -> tuple[str, Any]:
    code = codes.issue_code(conn, account_id, purpose, days, actor_id)
    return code, accounts.get(conn, account_id)


async def _sheet(request: Request, account_id: str, purpose: str, actor: Any) -> Response:
    days = vault(request).settings.activation_days
    code, person = await db_write(request, _issue, account_id, purpose, days, actor.id)
    return render(
        request, "sheet.html", person=person, code=code, purpose=purpose, expires_days=days
    )


def _pro_lists(conn: Connection, actor: Any) -> dict[str, Any]:
    return {
        "followed": relationships.followed_people(conn, actor.structure_id),
        "followed_count": relationships.followed_count(conn, actor.structure_id),
        "pending": assisted_recovery.pending_for(conn, actor),
    }


async def pro_page(request: Request, actor: Any, status: int = 200, **context: Any) -> Response:
    """The professional's page: people their structure follows, recoveries to approve, forms."""
    lists = await db_read(request, _pro_lists, actor)
    defaults: dict[str, Any] = {"query": {}, "found": None, "searched": False, "values": {}}
    return render(
        request,
        "pro.html",
        status=status,
        **{**defaults, **lists, **context},
        ID_DOCUMENTS=assisted_recovery.ID_DOCUMENTS,
        second_approval=vault(request).settings.recovery_second_approval,
    )


async def pro_home(request: Request) -> Response:
    return await pro_page(request, require(request, *PRO_ROLES))


def _search(conn: Connection, person: accounts.Person, actor: Any) -> Any:
    """Only among the people the actor's structure follows: anyone else is "not found"."""
    found = relationships.find_followed(conn, actor.structure_id, person)
    audit.record(
        conn,
        "account.search",
        actor_id=actor.id,
        subject_id=found.id if found else None,
        detail={"found": bool(found)},
    )
    return found


async def search_beneficiary(request: Request) -> Response:
    """Find a followed person by exact names and birth date (POST: no personal data in URLs)."""
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    query = {k: data.get(k, "").strip() for k in ("given_name", "family_name", "birth_date")}
    if not all(query.values()):
        return await pro_page(
            request,
            actor,
            status=400,
            query=query,
            error=msg("Renseignez le prénom, le nom et la date de naissance."),
        )
    found = await db_write(request, _search, _person(query), actor)
    return await pro_page(request, actor, query=query, found=found, searched=True)


def _new_beneficiary(conn: Connection, person: accounts.Person, actor: Any) -> str:
    """Assisted creation: the account and the link with the actor's structure, together."""
    account_id = accounts.create_account(
        conn,
        role="beneficiary",
        person=person,
        login=accounts.suggest_login(conn, person),
        password_hash=None,
        structure_id=None,
        created_by=actor.id,
    )
    relationships.link(conn, account_id, actor.structure_id, "assisted_creation", actor.id)
    return account_id


def _followed_duplicate(conn: Connection, actor: Any, existing_id: str) -> Any:
    """The existing account if the actor's structure follows her; else None (journaled: she
    may later read that a structure tried to create a second account for her)."""
    if relationships.follows(conn, actor.structure_id, existing_id):
        return accounts.get(conn, existing_id)
    audit.record(conn, "account.create_refused", actor_id=actor.id, subject_id=existing_id)
    return None


UNRELATED_DUPLICATE = msg(
    "Cette personne a déjà un compte (mêmes nom, prénom et date de naissance), que votre "
    "structure ne suit pas. Pour l'accompagner, demandez-lui de créer un code de lien dans "
    "« Mon compte » et saisissez-le ci-dessous ; si elle a perdu son accès, elle peut se servir "
    "de sa feuille de secours ou s'adresser à une structure qui la suit déjà."
)


async def create_beneficiary(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    try:
        account_id = await db_write(request, _new_beneficiary, _person(data), actor)
    except accounts.AccountError as error:
        found, message = None, error.message
        if error.existing_id:
            found = await db_write(request, _followed_duplicate, actor, error.existing_id)
            if found is None:
                message = UNRELATED_DUPLICATE
        return await pro_page(request, actor, status=400, error=message, found=found, values=data)
    return await _sheet(request, account_id, "activation", actor)


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
        raise HTTPError(404, "introuvable", msg("Compte introuvable."))
    accounts.disable(conn, target.id)
    sessions.revoke_all(conn, target.id)
    audit.record(conn, "account.disable", actor_id=actor.id, object_id=target.id)
    shares.end_for_account(conn, target.id, actor.id)


async def disable_professional(request: Request) -> Response:
    actor = require(request, "structure_admin")
    await form(request)
    await db_write(request, _disable, request.path_params["account_id"], actor)
    return await structure_home(request)


def _reenable(conn: Connection, account_id: str, actor: Any) -> None:
    target = accounts.get(conn, account_id)
    if (
        target is None
        or target.structure_id != actor.structure_id
        or target.status != "disabled"
        or target.role not in accounts.STAFF_ROLES
    ):
        raise HTTPError(404, "introuvable", msg("Compte introuvable."))
    accounts.reenable(conn, target)
    audit.record(conn, "account.enable", actor_id=actor.id, object_id=target.id)


async def enable_professional(request: Request) -> Response:
    actor = require(request, "structure_admin")
    await form(request)
    try:
        await db_write(request, _reenable, request.path_params["account_id"], actor)
    except accounts.AccountError as error:
        return await structure_home(request, error=error.message, status=400)
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
        raise HTTPError(404, "introuvable", msg("Structure introuvable."))
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
