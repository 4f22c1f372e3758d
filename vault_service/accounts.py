"""Accounts, structures and printed one-time codes (activation and recovery sheets).

Rules kept here: one account per person (beneficiaries are unique by normalised names and
birth date), a structure's cap on professional accounts, codes hashed and single-use.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from vault_service import audit, identity
from vault_service.db import accounts, as_utc, now, one_time_codes, structures

STAFF_ROLES = ("structure_admin", "professional")
ADMIN_ROLES = ("platform_admin", "structure_admin")  # TOTP required
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
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
    for label, value in (("prénom", person.given_name), ("nom", person.family_name)):
        if not value.strip():
            problems.append(f"Le {label} est obligatoire.")
        elif len(value) > 120:
            problems.append(f"Le {label} doit faire au plus 120 caractères.")
    if birth_required or person.birth_date:
        try:
            born = date.fromisoformat(person.birth_date or "")
            if not date(1900, 1, 1) <= born <= date.today():
                problems.append(
                    "La date de naissance doit être comprise entre 1900 et aujourd'hui."
                )
        except ValueError:
            problems.append("La date de naissance doit avoir la forme AAAA-MM-JJ (ex. 1990-04-21).")
    return problems


def login_problem(login: str) -> str | None:
    if not LOGIN_RE.match(login):
        return (
            "Le nom de connexion doit faire 3 à 40 caractères : lettres minuscules sans accent, "
            "chiffres, point, tiret ou tiret bas, en commençant par une lettre ou un chiffre."
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
        raise AccountError("Le nom de la structure est obligatoire (200 caractères au plus).")
    if cap < 1:
        raise AccountError("Le plafond de comptes professionnels doit être au moins 1.")
    if conn.execute(select(structures.c.id).where(structures.c.name == name)).first():
        raise AccountError(f"Une structure s'appelle déjà « {name} ».")
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
        raise AccountError("Le plafond de comptes professionnels doit être au moins 1.")
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
        raise AccountError("Structure inconnue : choisissez une structure de la liste.")
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
            f"La structure « {structure.name} » a atteint son plafond de "
            f"{structure.max_professionals} comptes professionnels : désactivez un compte ou "
            f"demandez à l'administrateur de la plateforme d'augmenter le plafond."
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
        raise AccountError(" ".join(problems))
    key = None
    if role == "beneficiary":
        key = identity_key(person)
        existing = find_beneficiary(conn, person)
        if existing is not None:
            raise AccountError(
                "Un compte existe déjà pour cette personne (mêmes nom, prénom et date de "
                "naissance).",
                existing_id=existing.id,
                conflict=True,
            )
    if role in STAFF_ROLES:
        if structure_id is None:
            raise AccountError("Un compte professionnel appartient à une structure.")
        _check_cap(conn, structure_id)
    if conn.execute(select(accounts.c.id).where(accounts.c.login == login)).first():
        raise AccountError(
            f"Le nom de connexion « {login} » est déjà pris : choisissez-en un autre.",
            conflict=True,
        )
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
            f"Le nom de connexion « {login} » ou cette personne vient d'être enregistré : "
            f"rechargez la page.",
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


def code_hash(code: str, domain: str = "code") -> str:
    """How a one-time code is stored: SHA-256 of the code without dashes, spaces or case,
    under a domain per kind of code (`code`: activation and recovery, `link`: link codes)."""
    cleaned = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(f"vault-{domain}|{cleaned}".encode()).hexdigest()


def store_code(
    conn: Connection,
    account_id: str,
    purpose: str,
    length: int,
    lifetime: timedelta | None,
    created_by: str | None,
    domain: str = "code",
) -> str:
    """A fresh random code of `length` characters, stored hashed (earlier unused codes of that
    purpose are cancelled); `lifetime` None never expires. Returns the raw code."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    moment = now()
    conn.execute(
        update(one_time_codes)
        .where(
            one_time_codes.c.account_id == account_id,
            one_time_codes.c.purpose == purpose,
            one_time_codes.c.used_at.is_(None),
        )
        .values(used_at=moment)
    )
    conn.execute(
        insert(one_time_codes).values(
            id=str(uuid.uuid4()),
            account_id=account_id,
            purpose=purpose,
            code_hash=code_hash(raw, domain),
            expires_at=moment + lifetime if lifetime else None,
            created_by=created_by,
            created_at=moment,
        )
    )
    return raw


def issue_code(
    conn: Connection, account_id: str, purpose: str, days: int | None, created_by: str | None
) -> str:
    """A fresh single-use code (earlier unused codes of that purpose are cancelled)."""
    lifetime = timedelta(days=days) if days else None
    raw = store_code(conn, account_id, purpose, 12, lifetime, created_by)
    audit.record(
        conn,
        f"code.issue.{purpose}",
        actor_id=created_by or account_id,
        subject_id=account_id,
        object_id=account_id,
    )
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def redeem_code(conn: Connection, login: str, code: str, purposes: tuple[str, ...]) -> Any:
    """The account if `code` is a valid unused code for it; the code is then spent."""
    spent = redeem(conn, login, code, purposes)
    return spent[0] if spent else None


def redeem(
    conn: Connection, login: str, code: str, purposes: tuple[str, ...]
) -> tuple[Any, Any] | None:
    """(account, code row) if `code` is a valid unused code for it; the code is then spent.
    The row says who issued the code (`created_by`) and for what (`purpose`)."""
    account = conn.execute(select(accounts).where(accounts.c.login == login)).first()
    if account is None or account.status == "disabled":
        return None
    row = conn.execute(
        select(one_time_codes).where(
            one_time_codes.c.account_id == account.id,
            one_time_codes.c.code_hash == code_hash(code),
            one_time_codes.c.purpose.in_(purposes),
            one_time_codes.c.used_at.is_(None),
        )
    ).first()
    if row is None or (row.expires_at is not None and as_utc(row.expires_at) <= now()):
        return None
    conn.execute(update(one_time_codes).where(one_time_codes.c.id == row.id).values(used_at=now()))
    return account, row


def cancel_codes(
    conn: Connection, account_id: str, purpose: str, structure_id: str | None = None
) -> int:
    """Cancel the account's unused codes of `purpose` (only those printed by members of
    `structure_id` when given); the number cancelled."""
    query = update(one_time_codes).where(
        one_time_codes.c.account_id == account_id,
        one_time_codes.c.purpose == purpose,
        one_time_codes.c.used_at.is_(None),
    )
    if structure_id is not None:
        members = select(accounts.c.id).where(accounts.c.structure_id == structure_id)
        query = query.where(one_time_codes.c.created_by.in_(members.scalar_subquery()))
    return int(conn.execute(query.values(used_at=now())).rowcount)


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
