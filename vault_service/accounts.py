"""Accounts and structures.

Rules kept here: one account per person (beneficiaries are unique by normalised names and
birth date), a structure's cap on professional accounts. The printed one-time codes
(activation and recovery sheets, link codes) are `codes.py`.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from vault_service import audit, identity
from vault_service.db import accounts, now, structures
from vault_service.i18n import joined, msg

STAFF_ROLES = ("structure_admin", "professional")
ADMIN_ROLES = ("platform_admin", "structure_admin")  # TOTP required
LOGIN_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


class AccountError(Exception):
    """A rule is broken; `message` is French, `existing_id` points at a duplicate."""

    def __init__(
        self, message: str, existing_id: str | None = None, conflict: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.existing_id = existing_id
        self.conflict = conflict  # the login or the person is already registered


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    birth_date: str | None  # ISO date, required for beneficiaries


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\s\-'’]+", " ", plain).strip()


def identity_key(person: Person) -> str:
    """Same key for the same person however the names are written (identity.py)."""
    return identity.key(person.given_name, person.family_name, person.birth_date)


def person_problems(person: Person, *, birth_required: bool) -> list[str]:
    problems = []
    missing = {"prénom": msg("Le prénom est obligatoire."), "nom": msg("Le nom est obligatoire.")}
    long = {
        "prénom": msg("Le prénom doit faire au plus 120 caractères."),
        "nom": msg("Le nom doit faire au plus 120 caractères."),
    }
    for label, value in (("prénom", person.given_name), ("nom", person.family_name)):
        if not value.strip():
            problems.append(missing[label])
        elif len(value) > 120:
            problems.append(long[label])
    if birth_required or person.birth_date:
        try:
            born = date.fromisoformat(person.birth_date or "")
            if not date(1900, 1, 1) <= born <= date.today():
                problems.append(
                    msg("La date de naissance doit être comprise entre 1900 et aujourd'hui.")
                )
        except ValueError:
            problems.append(
                msg("La date de naissance doit avoir la forme AAAA-MM-JJ (ex. 1990-04-21).")
            )
    return problems


def login_problem(login: str) -> str | None:
    if not LOGIN_RE.match(login):
        return msg(
            "Le nom de connexion doit faire 3 à 40 caractères : lettres minuscules sans "
            "accent, chiffres, point, tiret ou tiret bas, en commençant par une lettre ou un "
            "chiffre."
        )
    return None


def suggest_login(conn: Connection, person: Person) -> str:
    base = re.sub(r"[^a-z0-9]+", ".", f"{_fold(person.given_name)}.{_fold(person.family_name)}")
    base = base.strip(".")[:30] or "compte"
    while True:
        candidate = f"{base}.{secrets.randbelow(9000) + 1000}"
        if conn.execute(select(accounts.c.id).where(accounts.c.login == candidate)).first() is None:
            return candidate


def find_beneficiary(conn: Connection, person: Person) -> Any:
    return conn.execute(
        select(accounts).where(accounts.c.identity_key == identity_key(person))
    ).first()


def create_structure(conn: Connection, name: str, cap: int, actor_id: str | None) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise AccountError(msg("Le nom de la structure est obligatoire (200 caractères au plus)."))
    if cap < 1:
        raise AccountError(msg("Le plafond de comptes professionnels doit être au moins 1."))
    if conn.execute(select(structures.c.id).where(structures.c.name == name)).first():
        raise AccountError(msg("Une structure s'appelle déjà « {name} ».", name=name))
    structure_id = str(uuid.uuid4())
    conn.execute(
        insert(structures).values(
            id=structure_id, name=name, max_professionals=cap, created_at=now()
        )
    )
    audit.record(
        conn,
        "structure.create",
        actor_id=actor_id,
        object_id=structure_id,
        detail={"name": name, "cap": cap},
    )
    return structure_id


def set_cap(conn: Connection, structure_id: str, cap: int, actor_id: str) -> None:
    if cap < 1:
        raise AccountError(msg("Le plafond de comptes professionnels doit être au moins 1."))
    conn.execute(
        update(structures).where(structures.c.id == structure_id).values(max_professionals=cap)
    )
    audit.record(
        conn, "structure.cap", actor_id=actor_id, object_id=structure_id, detail={"cap": cap}
    )


def _check_cap(conn: Connection, structure_id: str) -> None:
    structure = conn.execute(
        select(structures).where(structures.c.id == structure_id).with_for_update()
    ).first()
    if structure is None:
        raise AccountError(msg("Structure inconnue : choisissez une structure de la liste."))
    used = conn.execute(
        select(func.count())
        .select_from(accounts)
        .where(
            accounts.c.structure_id == structure_id,
            accounts.c.role.in_(STAFF_ROLES),
            accounts.c.status != "disabled",
        )
    ).scalar_one()
    if used >= structure.max_professionals:
        raise AccountError(
            msg(
                "La structure « {name} » a atteint son plafond de {cap} comptes "
                "professionnels : désactivez un compte ou demandez à l'administrateur de la "
                "plateforme d'augmenter le plafond.",
                name=structure.name,
                cap=structure.max_professionals,
            )
        )


def _taken(login: str) -> AccountError:
    return AccountError(
        msg("Le nom de connexion « {login} » est déjà pris : choisissez-en un autre.", login=login),
        conflict=True,
    )


def create_account(
    conn: Connection,
    *,
    role: str,
    person: Person,
    login: str,
    password_hash: str | None,
    structure_id: str | None,
    created_by: str | None,
    totp_secret: str | None = None,
) -> str:
    """Insert an account (active if it has a password, else pending activation)."""
    problems = person_problems(person, birth_required=role == "beneficiary")
    problem = login_problem(login)
    if problem:
        problems.append(problem)
    if problems:
        raise AccountError(joined(problems))
    key = None
    if role == "beneficiary":
        key = identity_key(person)
        existing = find_beneficiary(conn, person)
        if existing is not None:
            raise AccountError(
                msg(
                    "Un compte existe déjà pour cette personne (mêmes nom, prénom et date de "
                    "naissance)."
                ),
                existing_id=existing.id,
                conflict=True,
            )
    if role in STAFF_ROLES:
        if structure_id is None:
            raise AccountError(msg("Un compte professionnel appartient à une structure."))
        _check_cap(conn, structure_id)
    if conn.execute(select(accounts.c.id).where(accounts.c.login == login)).first():
        raise _taken(login)
    account_id = str(uuid.uuid4())
    values = {
        "id": account_id,
        "login": login,
        "role": role,
        "structure_id": structure_id,
        "given_name": person.given_name.strip(),
        "family_name": person.family_name.strip(),
        "birth_date": person.birth_date or None,
        "identity_key": key,
        "password_hash": password_hash,
        "status": "active" if password_hash else "pending",
        "session_version": 1,
        "totp_secret": totp_secret,
        "created_by": created_by,
        "created_at": now(),
    }
    try:
        with conn.begin_nested():  # a concurrent twin request loses here, cleanly
            conn.execute(insert(accounts).values(**values))
    except IntegrityError:
        raise AccountError(
            msg(
                "Le nom de connexion « {login} » ou cette personne vient d'être enregistré : "
                "rechargez la page.",
                login=login,
            ),
            conflict=True,
        ) from None
    audit.record(
        conn,
        "account.create",
        actor_id=created_by or account_id,
        subject_id=account_id,
        object_id=account_id,
        detail={"role": role, "structure_id": structure_id},
    )
    return account_id


def set_password(conn: Connection, account_id: str, password_hash: str) -> None:
    conn.execute(
        update(accounts)
        .where(accounts.c.id == account_id)
        .values(password_hash=password_hash, status="active")
    )


def get(conn: Connection, account_id: str) -> Any:
    return conn.execute(select(accounts).where(accounts.c.id == account_id)).first()


def by_login(conn: Connection, login: str) -> Any:
    return conn.execute(select(accounts).where(accounts.c.login == login)).first()


def set_password_hash(conn: Connection, account_id: str, password_hash: str) -> None:
    """A rehash with new Argon2 parameters (same password, status unchanged)."""
    conn.execute(
        update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash)
    )


def set_totp_secret(conn: Connection, account_id: str, sealed: str | None) -> None:
    """The sealed TOTP secret (None: second factor off)."""
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(totp_secret=sealed))


def spend_totp_step(conn: Connection, account_id: str, step: int) -> None:
    """Remember the last TOTP step used, so that a code serves only once."""
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(totp_last_step=step))


def disable(conn: Connection, account_id: str) -> None:
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(status="disabled"))


def reenable(conn: Connection, account: Any) -> None:
    """A disabled colleague comes back, within the structure's cap (AccountError otherwise):
    active if they had a password, else still to activate. Shares that named them stay ended
    (the people choose again)."""
    _check_cap(conn, account.structure_id)
    status = "active" if account.password_hash else "pending"
    conn.execute(update(accounts).where(accounts.c.id == account.id).values(status=status))


def structure(conn: Connection, structure_id: str) -> Any:
    return conn.execute(select(structures).where(structures.c.id == structure_id)).first()


def with_names(
    table: Table,
    structure_id: ColumnElement[Any],
    person_id: ColumnElement[Any],
    prefix: str,
    *,
    optional: bool = False,
    login: bool = False,
) -> Select[Any]:
    """The rows of `table` with their structure's name (`structure_name`) and a person's
    names (`{prefix}_given_name`, `{prefix}_family_name`, and `{prefix}_login` with `login`);
    `optional`: the person may be absent (outer join)."""
    names = [accounts.c.given_name, accounts.c.family_name] + ([accounts.c.login] if login else [])
    query = select(
        table,
        structures.c.name.label("structure_name"),
        *(column.label(f"{prefix}_{column.name}") for column in names),
    ).join(structures, structures.c.id == structure_id)
    if optional:
        return query.outerjoin(accounts, accounts.c.id == person_id)
    return query.join(accounts, accounts.c.id == person_id)


def members(conn: Connection, structure_id: str) -> list[Any]:
    """A structure's accounts, by name."""
    return list(
        conn.execute(
            select(accounts)
            .where(accounts.c.structure_id == structure_id)
            .order_by(accounts.c.family_name, accounts.c.given_name)
        )
    )


def structures_with_use(conn: Connection) -> list[Any]:
    """Every structure with its count of active staff accounts."""
    used = (
        select(accounts.c.structure_id, func.count().label("used"))
        .where(accounts.c.role.in_(STAFF_ROLES), accounts.c.status != "disabled")
        .group_by(accounts.c.structure_id)
        .subquery()
    )
    return list(
        conn.execute(
            select(structures, func.coalesce(used.c.used, 0).label("used"))
            .outerjoin(used, used.c.structure_id == structures.c.id)
            .order_by(structures.c.name)
        )
    )
