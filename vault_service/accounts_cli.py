"""Account verbs of `python -m vault_service`: create-admin, reset-totp, create-structure
(French messages). Exit codes: 0 done, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from sqlalchemy import Connection

from vault_service.cli import Verb, arg, load_settings, open_engine
from vault_service.settings import Settings


def _read_password(args: argparse.Namespace) -> str | None:
    from vault_service.passwords import MISMATCH, password_problem

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Mot de passe : ")
        if getpass.getpass("Mot de passe, encore une fois : ") != password:
            print(MISMATCH, file=sys.stderr)
            return None
    problem = password_problem(password)
    if problem:
        print(problem, file=sys.stderr)
        return None
    return password


def _seal_totp(
    conn: Connection, settings: Settings, account_id: str, secret: bytes, **values: Any
) -> None:
    """Store the account's new second-factor secret, sealed by the keyring."""
    from sqlalchemy import update

    from vault_service import crypto
    from vault_service.crypto import Keyring
    from vault_service.db import accounts as table

    sealed = crypto.seal(Keyring(settings.keyring), secret, f"totp|{account_id}")
    conn.execute(update(table).where(table.c.id == account_id).values(totp_secret=sealed, **values))


def _print_totp(secret: bytes, login: str) -> None:
    from vault_service import totp

    print(f"  clé : {totp.secret_text(secret)}")
    print(f"  URI : {totp.uri(secret, login)}")


def cmd_create_admin(args: argparse.Namespace) -> int:
    from vault_service import accounts, totp
    from vault_service.passwords import Argon2Params, hash_password

    settings = load_settings(args)
    password = _read_password(args)
    if password is None:
        return 2
    params = Argon2Params(settings.argon2_memory_kib, settings.argon2_iterations)
    secret = totp.new_secret()
    engine = open_engine(settings)
    try:
        with engine.begin() as conn:
            account_id = accounts.create_account(
                conn,
                role="platform_admin",
                person=accounts.Person(args.given_name, args.family_name, None),
                login=args.login,
                password_hash=hash_password(password, params),
                structure_id=None,
                created_by=None,
            )
            _seal_totp(conn, settings, account_id, secret)
    except accounts.AccountError as error:
        print(error.message, file=sys.stderr)
        return 2
    print(f"Administrateur de la plateforme créé : {args.login}")
    print(
        "La double authentification est obligatoire. Enregistrez cette clé dans une "
        "application d'authentification (FreeOTP, Aegis…) :"
    )
    _print_totp(secret, args.login)
    return 0


def cmd_reset_totp(args: argparse.Namespace) -> int:
    """An administrator lost the phone of their second factor: the operator, after checking
    who asks, gives a new secret; sessions close and the journal keeps the act."""
    from vault_service import accounts, audit, sessions, totp

    settings = load_settings(args)
    secret = totp.new_secret()
    with open_engine(settings).begin() as conn:
        account = accounts.by_login(conn, args.login.strip().lower())
        if account is None:
            print(f"Aucun compte « {args.login} » : vérifiez l'identifiant.", file=sys.stderr)
            return 2
        _seal_totp(conn, settings, account.id, secret, totp_last_step=None)
        sessions.revoke_all(conn, account.id)
        audit.record(
            conn,
            "account.totp_reset",
            actor_id=None,
            subject_id=account.id,
            detail={"via": "commande reset-totp"},
        )
    print(f"Nouvelle double authentification pour {account.login} ; ses sessions sont fermées.")
    _print_totp(secret, account.login)
    return 0


def cmd_create_structure(args: argparse.Namespace) -> int:
    from vault_service import accounts

    settings = load_settings(args)
    try:
        with open_engine(settings).begin() as conn:
            structure_id = accounts.create_structure(conn, args.name, args.cap, None)
    except accounts.AccountError as error:
        print(error.message, file=sys.stderr)
        return 2
    print(f"Structure créée : {args.name} ({args.cap} comptes au plus), id {structure_id}")
    return 0


VERBS = (
    Verb(
        "create-admin",
        "créer l'administrateur de la plateforme",
        cmd_create_admin,
        (
            arg("--login", required=True),
            arg("--given-name", required=True),
            arg("--family-name", required=True),
            arg(
                "--password-stdin",
                action="store_true",
                help="lire le mot de passe sur l'entrée standard",
            ),
        ),
    ),
    Verb(
        "reset-totp",
        "nouvelle double authentification pour un compte qui a perdu son téléphone "
        "(après vérification d'identité ; journalisé)",
        cmd_reset_totp,
        (arg("--login", required=True),),
    ),
    Verb(
        "create-structure",
        "créer une structure partenaire",
        cmd_create_structure,
        (
            arg("--name", required=True),
            arg("--cap", type=int, required=True, help="nombre maximal de comptes professionnels"),
        ),
    ),
)
