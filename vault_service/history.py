"""« Qui a consulté mes documents » : the journal of one person, in plain French.

Each entry says when, who (a name and their structure, or « vous »), what was done, on which
document, for which scheme and through which share of hers. It reads the hash-chained journal
(audit.py) only: what is shown is what the chain proves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from vault_service import audit
from vault_service.db import accounts, documents, shares, structures
from vault_service.schemes import SCHEMES

# What was done, for the person whose journal it is. {doc}, {to}, {from}: names filled in.
LABELS = {
    "account.create": "Création de votre compte",
    "account.search": "Recherche de votre compte par un professionnel",
    "account.password": "Changement de votre mot de passe",
    "account.totp_on": "Double authentification activée",
    "account.totp_off": "Double authentification désactivée",
    "account.disable": "Compte désactivé",
    "account.enable": "Compte réactivé",
    "account.notices_read": "Vous avez lu les avis sur votre compte",
    "account.create_refused": (
        "Un professionnel d'une structure que vous ne suivez pas a essayé de vous créer un "
        "second compte (refusé)"
    ),
    "account.signup_refused": "Inscription refusée : un compte existe déjà pour vous",
    "account.totp_reset": "Double authentification retirée par l'équipe du coffre-fort",
    "account.export": "Export de tous vos documents (fichier ZIP)",
    "account.closure_requested": "Demande de fermeture de votre compte",
    "account.closure_cancelled": "Fermeture de votre compte annulée",
    "account.erased": "Compte fermé : documents et clés effacés",
    "auth.login": "Connexion à votre compte",
    "auth.login_failed": "Connexion refusée (mot de passe incorrect)",
    "auth.totp_failed": "Connexion refusée (code de double authentification incorrect)",
    "auth.code_failed": "Code d'activation ou de secours refusé",
    "auth.logout": "Déconnexion",
    "auth.logout_all": "Déconnexion de tous les appareils",
    "auth.activated": "Activation de votre compte",
    "auth.recovered": "Nouveau mot de passe avec une feuille de secours",
    "code.issue.activation": "Feuille d'activation imprimée",
    "code.issue.recovery": "Feuille de secours imprimée",
    "document.upload": "Dépôt de « {doc} »",
    "document.version": "Nouvelle version de « {doc} »",
    "document.view": "Ouverture de « {doc} »",
    "document.download": "Téléchargement de « {doc} »",
    "document.rename": "« {doc} » renommé ou reclassé",
    "document.delete": "Suppression d'un document",
    "document.restore": "« {doc} » sorti de la corbeille",
    "document.erased": "Document effacé définitivement (fin du délai de la corbeille)",
    "document.origin_check": "Vérification de l'origine de « {doc} »",
    "duplicate.issue": "Duplicata de « {doc} » fait",
    "duplicate.download": "Duplicata de « {doc} » téléchargé",
    "duplicate.revoke": "Duplicata de « {doc} » annulé",
    # Someone checked one of her duplicates on the public page (+ the verdict, below)
    "duplicate.verified": "Votre duplicata de « {doc} » a été vérifié",
    "duplicate.verified.authentique": "Votre duplicata de « {doc} » a été vérifié : authentique",
    "duplicate.verified.annule": (
        "Votre duplicata annulé de « {doc} » a été présenté : il a été dit qu'il ne vaut plus"
    ),
    "duplicate.verified.fichier_modifie": (
        "Une copie modifiée de votre duplicata de « {doc} » a été présentée : elle a été refusée"
    ),
    "duplicate.verified.ne_correspond_pas": (
        "Un duplicata de « {doc} » qui ne correspond pas au registre a été présenté : il a été "
        "refusé"
    ),
    "share.grant": "Accès donné à {to}",
    "share.revoke": "Accès retiré à {to}",
    "share.end": "Accès de {to} terminé : son compte est fermé",
    "share.pass_on": "« {doc} » transmis à {to}, comme vous l'aviez autorisé",
    "share.received": "{to} a reçu votre document transmis",
    "share.pass_on_refused": (
        "Transmission de « {doc} » à {to} refusée : vous ne l'aviez pas autorisée"
    ),
    "request.create": "Demande de documents de {to}",
    "request.accept": "Vous avez accepté la demande de {to}",
    "request.refuse": "Vous avez refusé la demande de {to}",
    "deposit.create": "{to} a déposé « {doc} » dans votre coffre",
    "relationship.create": "Lien avec {to}",
    "relationship.code": "Code de lien créé pour une structure",
    "relationship.end": "Fin du lien avec {to}",
    "relationship.code_failed": "Code de lien refusé",
    "recovery.request": "Demande de récupération de votre compte par un professionnel",
    "structure.create": "Création d'une structure",
    "structure.cap": "Plafond de comptes d'une structure changé",
    "recovery.approve": "Récupération de votre compte approuvée par un second professionnel",
}
OTHER = "Autre opération sur votre compte"
# How a duplicate was checked (detail "how" of duplicate.verified)
HOW = {
    "code": "avec le code imprimé",
    "qr": "avec le QR code",
    "fichier": "avec le fichier PDF",
}


@dataclass(frozen=True)
class Line:
    seq: int
    at: Any
    who: str
    label: str  # LABELS entry (translated by the pages), {doc} and {to} filled from below
    doc: str
    to: str
    scheme: str
    share_at: Any  # when the share used for this access was given (None: not through one)
    how: str = ""  # HOW entry: how a duplicate of hers was checked

    @property
    def what(self) -> str:
        return self.label.format(doc=self.doc, to=self.to)

    def text(self, translated: str) -> str:
        """The label as translated; the French one if a translation broke its {doc}/{to}."""
        try:
            return translated.format(doc=self.doc, to=self.to)
        except (KeyError, IndexError, ValueError):
            return self.what


def _names(conn: Connection, table: Any, ids: set[str], *columns: Any) -> dict[str, Any]:
    if not ids:
        return {}
    return {
        row.id: row for row in conn.execute(select(table.c.id, *columns).where(table.c.id.in_(ids)))
    }


def _who(actor_id: str | None, person_id: str, people: dict[str, Any], names: Any) -> str:
    """Who acted, for her: « Vous », a name and its structure, or someone unknown."""
    actor = people.get(actor_id or "")
    if actor_id is None:
        return "Quelqu'un (sans compte connecté)"
    if actor_id == person_id:
        return "Vous"
    if actor is None:
        return "Un compte supprimé"
    where = names.get(actor.structure_id or "")
    return f"{actor.given_name} {actor.family_name}" + (f" ({where})" if where else "")


def lines(
    conn: Connection, person_id: str, limit: int = 200, before: int | None = None
) -> list[Line]:
    rows = audit.entries(conn, person_id, limit=limit, before=before)
    details = [json.loads(row.detail or "{}") for row in rows]
    actor_ids = {r.actor_id for r in rows if r.actor_id}
    people = _names(
        conn,
        accounts,
        actor_ids,
        accounts.c.given_name,
        accounts.c.family_name,
        accounts.c.structure_id,
    )
    structure_ids = {p.structure_id for p in people.values() if p.structure_id}
    share_ids: set[str] = set()
    doc_ids: set[str] = set()
    for row, detail in zip(rows, details, strict=True):
        for key in ("structure_id", "to_structure_id", "from_structure_id"):
            if isinstance(detail.get(key), str):
                structure_ids.add(detail[key])
        for key in ("share_id", "child_share_id"):
            if isinstance(detail.get(key), str):
                share_ids.add(detail[key])
        if row.action.startswith("share."):
            share_ids.add(row.object_id or "")
        if (
            row.action.startswith(("document.", "deposit.", "duplicate."))
            or row.action == "share.pass_on_refused"
        ):
            doc_ids.add(row.object_id or "")
        if row.action == "share.pass_on":
            doc_ids.add(row.object_id or "")
    found_shares = _names(
        conn, shares, share_ids, shares.c.scheme, shares.c.created_at, shares.c.grantee_structure_id
    )
    structure_ids |= {s.grantee_structure_id for s in found_shares.values()}
    names = {
        r.id: r.name for r in _names(conn, structures, structure_ids, structures.c.name).values()
    }
    titles = {r.id: r.title for r in _names(conn, documents, doc_ids, documents.c.title).values()}
    result = []
    for row, detail in zip(rows, details, strict=True):
        who = _who(row.actor_id, person_id, people, names)
        share = found_shares.get(detail.get("share_id") or "") or (
            found_shares.get(row.object_id or "") if row.action.startswith("share.") else None
        )
        to_id = detail.get("to_structure_id") or detail.get("structure_id")
        if to_id is None and share is not None:
            to_id = share.grantee_structure_id
        to = names.get(to_id or "", "une structure")
        doc = titles.get(row.object_id or "", "un document supprimé")
        action = row.action
        if action == "duplicate.verified":
            action = f"{action}.{detail.get('result')}"
        label = LABELS.get(action, LABELS.get(row.action, OTHER))
        scheme_id = detail.get("scheme") or (share.scheme if share else None)
        result.append(
            Line(
                seq=row.seq,
                at=row.at,
                who=who,
                label=label,
                doc=doc,
                to=to,
                scheme=SCHEMES.get(scheme_id or "", ""),
                share_at=(
                    share.created_at
                    if share is not None and row.action.startswith("document.")
                    else None
                ),
                how=HOW.get(str(detail.get("how")), "") if action != row.action else "",
            )
        )
    return result
