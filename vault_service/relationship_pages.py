"""Pages of relationships: the person makes and ends her links, a professional enters her link
code, recovers her access inside the link (identity check, second approval), and she reads
the notices of what others did on her account.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from vault_service import assisted_recovery, audit, guard, notices, ratelimit, relationships
from vault_service.i18n import msg
from vault_service.staff_pages import PRO_ROLES, pro_page
from vault_service.web import (
    HOME_BY_ROLE,
    HTTPError,
    db_read,
    db_write,
    form,
    redirect,
    render,
    require,
    vault,
)

NO_CODE = msg(
    "Saisissez le code de lien que la personne vous donne (8 caractères, par exemple "
    "K7PM-2QXD) : elle le crée dans « Mon compte », rubrique « Mes structures »."
)
BAD_CODE = msg(
    "Code de lien incorrect, déjà utilisé ou expiré (il vaut 30 minutes) : demandez à la "
    "personne d'en créer un nouveau dans « Mon compte »."
)
AWAITING = msg(
    "Contrôle d'identité enregistré. Un·e autre professionnel·le de votre structure doit "
    "maintenant valider la demande depuis sa page « Accompagnement », dans les 24 heures, en "
    "voyant à son tour la pièce d'identité : la feuille sera imprimée à ce moment-là."
)


# --- the person -----------------------------------------------------------------------------


async def new_link_code(request: Request) -> Response:
    """A short code she gives, in person, to the professional who will follow her."""
    account = require(request, "beneficiary")
    await form(request)
    code = await db_write(request, relationships.issue_link_code, account.id)
    return render(request, "link_code.html", code=code, minutes=relationships.LINK_CODE_MINUTES)


async def end_link(request: Request) -> Response:
    account = require(request, "beneficiary")
    await form(request)
    ended = await db_write(request, relationships.end, request.path_params["link_id"], account.id)
    if not ended:
        raise HTTPError(404, "introuvable", msg("Lien introuvable."))
    return redirect(request, "/compte")


async def notices_page(request: Request) -> Response:
    """GET: what others did on her account; POST: she has read it, then goes home."""
    account = require(request)
    if request.method in ("GET", "HEAD"):
        unseen = await db_read(request, notices.unseen, account.id)
        return render(request, "notices.html", notices=unseen)
    await form(request)
    await db_write(request, notices.mark_seen, account.id)
    return redirect(request, HOME_BY_ROLE[account.role])


# --- the professional -----------------------------------------------------------------------


def _limit_key(actor: Any) -> str:
    return f"link:{actor.id}"


def _redeem(conn: Connection, code: str, actor: Any) -> Any:
    """The attempt was already claimed (guard.claim); a success clears the counter."""
    person = relationships.redeem_link_code(conn, code, actor)
    if person is None:
        audit.record(conn, "relationship.code_failed", actor_id=actor.id)
    else:
        ratelimit.succeed(conn, _limit_key(actor))
    return person


async def redeem_link_code(request: Request) -> Response:
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    code = data.get("code", "").strip()
    if not code:
        return await pro_page(request, actor, status=400, error=NO_CODE)
    try:  # counted before the code is checked: parallel guesses cannot slip in
        await guard.claim(request, _limit_key(actor))
    except HTTPError as error:
        return await pro_page(request, actor, status=429, error=error.message)
    person = await db_write(request, _redeem, code[:40], actor)
    if person is None:
        return await pro_page(request, actor, status=400, error=BAD_CODE)
    return await pro_page(
        request,
        actor,
        found=person,
        message=msg(
            "Votre structure suit désormais {given_name} {family_name}.",
            given_name=person.given_name,
            family_name=person.family_name,
        ),
    )


def _sheet(request: Request, person: Any, code: str) -> Response:
    days = vault(request).settings.activation_days
    return render(
        request, "sheet.html", person=person, code=code, purpose="assisted", expires_days=days
    )


async def request_recovery(request: Request) -> Response:
    """Identity check recorded; the sheet now, or after a colleague's approval (setting)."""
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    settings = vault(request).settings
    person_id = request.path_params["account_id"]
    try:
        person, code = await db_write(
            request,
            assisted_recovery.request,
            actor,
            person_id,
            data.get("id_document", ""),
            second_approval=settings.recovery_second_approval,
            days=settings.activation_days,
        )
    except HTTPError as error:
        if error.status != 400:
            raise
        found = await db_read(request, relationships.guard, actor, person_id)
        return await pro_page(request, actor, status=400, error=error.message, found=found)
    if code is None:
        return await pro_page(request, actor, message=AWAITING)
    return _sheet(request, person, code)


async def approve_recovery(request: Request) -> Response:
    """A second professional of the structure approves (after seeing the document too)."""
    actor = require(request, *PRO_ROLES)
    data = await form(request)
    try:
        person, code = await db_write(
            request,
            assisted_recovery.approve,
            actor,
            request.path_params["request_id"],
            data.get("id_document", ""),
            vault(request).settings.activation_days,
        )
    except HTTPError as error:
        if error.status == 404:
            raise
        return await pro_page(request, actor, status=error.status, error=error.message)
    return _sheet(request, person, code)
