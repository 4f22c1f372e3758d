"""`python -m vault_service VERB`: the vault's command line (French messages).

Verbs: demo, serve, init-db, create-admin, reset-totp, create-structure, rotate-keys,
check-integrity, fsck, purge, verify-duplicate, verify-journal, journal, i18n, new-key. Secrets
come from environment variables; with `--demo` (and in `demo`), from the development secrets
generated under ./vault-data (never in the repository).
Exit codes: 0 done, 1 problems found (check-integrity, verify-journal, a duplicate not
authentic), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vault_service import journal_cli, operations_cli
from vault_service.settings import Settings, SettingsError, describe, parse_keyring

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEMO_DIR = Path("vault-data")
DEMO_SECRETS = DEMO_DIR / "dev-secrets.json"


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def demo_settings(port: int | None = None) -> Settings:
    """Development secrets beside the data (0600), created on first use."""
    DEMO_DIR.mkdir(mode=0o700, exist_ok=True)
    if not DEMO_SECRETS.exists():
        content = {"cookie_key": secrets.token_urlsafe(48), "keyring": f"dev1:{new_key()}"}
        fd = os.open(DEMO_SECRETS, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(content, handle)
    data = json.loads(DEMO_SECRETS.read_text())
    return Settings.from_env(
        {},
        cookie_key=data["cookie_key"],
        keyring=parse_keyring(data["keyring"], str(DEMO_SECRETS)),
        database_url=f"sqlite:///{DEMO_DIR / 'vault.sqlite3'}",
        data_dir=DEMO_DIR,
        secure_cookies=False,
        public_url=f"http://127.0.0.1:{port or 8001}/",
    )


def load_settings(args: argparse.Namespace) -> Settings:
    if getattr(args, "demo", False):
        return demo_settings(getattr(args, "port", None))
    return Settings.from_env()


def open_engine(settings: Settings) -> Engine:
    """The database, with the journal head sealed by the keyring on every write (audit.py)."""
    from vault_service import audit

    return audit.engine_for(settings)


def cmd_init_db(args: argparse.Namespace) -> int:
    from vault_service.db import make_engine, migrate

    settings = load_settings(args)
    engine = make_engine(settings.database_url)
    migrate(engine)
    print(f"Base de données prête : {engine.url.render_as_string(hide_password=True)}")
    return 0


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


def cmd_create_admin(args: argparse.Namespace) -> int:
    from vault_service import accounts, crypto, totp
    from vault_service.crypto import Keyring
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
            from sqlalchemy import update

            from vault_service.db import accounts as table

            conn.execute(
                update(table)
                .where(table.c.id == account_id)
                .values(
                    totp_secret=crypto.seal(Keyring(settings.keyring), secret, f"totp|{account_id}")
                )
            )
    except accounts.AccountError as error:
        print(error.message, file=sys.stderr)
        return 2
    print(f"Administrateur de la plateforme créé : {args.login}")
    print(
        "La double authentification est obligatoire. Enregistrez cette clé dans une "
        "application d'authentification (FreeOTP, Aegis…) :"
    )
    print(f"  clé : {totp.secret_text(secret)}")
    print(f"  URI : {totp.uri(secret, args.login)}")
    return 0


def cmd_reset_totp(args: argparse.Namespace) -> int:
    """An administrator lost the phone of their second factor: the operator, after checking
    who asks, gives a new secret; sessions close and the journal keeps the act."""
    from sqlalchemy import update

    from vault_service import accounts, audit, crypto, sessions, totp
    from vault_service.crypto import Keyring
    from vault_service.db import accounts as table

    settings = load_settings(args)
    secret = totp.new_secret()
    with open_engine(settings).begin() as conn:
        account = accounts.by_login(conn, args.login.strip().lower())
        if account is None:
            print(f"Aucun compte « {args.login} » : vérifiez l'identifiant.", file=sys.stderr)
            return 2
        conn.execute(
            update(table)
            .where(table.c.id == account.id)
            .values(
                totp_secret=crypto.seal(Keyring(settings.keyring), secret, f"totp|{account.id}"),
                totp_last_step=None,
            )
        )
        sessions.revoke_all(conn, account.id)
        audit.record(
            conn,
            "account.totp_reset",
            actor_id=None,
            subject_id=account.id,
            detail={"via": "commande reset-totp"},
        )
    print(f"Nouvelle double authentification pour {account.login} ; ses sessions sont fermées.")
    print(f"  clé : {totp.secret_text(secret)}")
    print(f"  URI : {totp.uri(secret, account.login)}")
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


def cmd_rotate_keys(args: argparse.Namespace) -> int:
    from vault_service import keys
    from vault_service.crypto import Keyring

    settings = load_settings(args)
    keyring = Keyring(settings.keyring)
    engine = open_engine(settings)
    try:
        done = keys.rotate(engine, keyring, batch_size=args.batch_size, pause=args.pause)
    except keys.RotationError as error:
        print(
            f"Rotation interrompue : {error.message}. Ce qui a déjà été rechiffré "
            f"({_rotation_counts(error.done)}) reste lisible ; remettez la clé manquante dans "
            "VAULT_KEYRING puis relancez rotate-keys, qui reprendra là où il s'est arrêté.",
            file=sys.stderr,
        )
        return 1
    with engine.connect() as conn:
        usage = keys.key_usage(conn)
    print(f"Rotation terminée vers la clé « {keyring.current_id} » : {_rotation_counts(done)}.")
    unused = [kid for kid in keyring.ids()[1:] if not usage.get(kid)]
    if unused:
        print(
            f"Plus rien n'utilise {', '.join(unused)} dans la base : ces clés peuvent quitter "
            "VAULT_KEYRING (gardez-les avec les sauvegardes faites avant cette rotation, "
            "qui en ont encore besoin)."
        )
    return 0


def _rotation_counts(done: dict[str, int]) -> str:
    labels = {"documents": "clé(s) de documents", "totp": "secret(s) de double authentification"}
    return ", ".join(f"{count} {labels.get(name, name)}" for name, count in done.items())


def cmd_check_integrity(args: argparse.Namespace) -> int:
    from vault_service.crypto import Keyring
    from vault_service.documents import check_integrity
    from vault_service.keys import key_usage
    from vault_service.storage import open_store

    settings = load_settings(args)
    engine = open_engine(settings)
    keyring = Keyring(settings.keyring)
    problems = check_integrity(engine, open_store(settings), keyring, settings.data_dir)
    for problem in problems:
        print(problem)
    with engine.connect() as conn:
        usage = key_usage(conn)
    if usage:
        print(
            "Clés utilisées : "
            + ", ".join(f"{kid} ({count})" for kid, count in sorted(usage.items()))
        )
    if any(kid != keyring.current_id for kid in usage):
        print("Des valeurs restent sous une ancienne clé : relancez rotate-keys.")
    print(
        "Intégrité vérifiée : aucun problème." if not problems else f"{len(problems)} problème(s)."
    )
    return 1 if problems else 0


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from vault_service.app import create_app
    from vault_service.db import make_engine, schema_is_current

    try:
        current = schema_is_current(make_engine(settings.database_url))
    except SQLAlchemyError as error:
        print(
            f"Base de données injoignable ({settings.database_url.split('@')[-1]}) : "
            f"{type(error).__name__}",
            file=sys.stderr,
        )
        return 2
    if not current:
        print(
            "La base de données n'est pas à jour : lancer d'abord "
            "`python -m vault_service init-db`.",
            file=sys.stderr,
        )
        return 2
    from vault_service.operations import log_config
    from vault_service.storage import StorageUnavailable, open_store

    try:
        open_store(settings).check()
    except StorageUnavailable as error:
        print(f"Stockage des fichiers indisponible : {error}", file=sys.stderr)
        return 2

    if not settings.public_url:
        print(
            "Attention : VAULT_PUBLIC_URL n'est pas définie. Les feuilles d'activation et de "
            "récupération n'imprimeront pas l'adresse du coffre-fort (elle n'est jamais "
            "déduite de l'en-tête Host, que n'importe qui peut choisir) : définissez-la, "
            "ex. https://coffre.example.yt/",
            file=sys.stderr,
        )
    proxies = settings.trusted_proxies
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_config=log_config(),  # JSON lines without personal data (operations.py)
        access_log=False,  # uvicorn's would name addresses and paths: ours names routes
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
    uvicorn.Server(config).run()  # handles SIGINT / SIGTERM: finishes requests, then stops
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    return _serve(load_settings(args), args.host, args.port)


def cmd_demo(args: argparse.Namespace) -> int:
    from vault_service.db import make_engine, migrate
    from vault_service.demo_seed import DemoRefused, seed

    settings = demo_settings(args.port)
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        logins = seed(engine, settings, DEMO_DIR, dict(os.environ))
    except DemoRefused as error:
        print(str(error), file=sys.stderr)
        return 2
    print(
        f"Coffre-fort (démo, SQLite et clés de développement dans {DEMO_DIR}/) : "
        f"http://127.0.0.1:{args.port}/"
    )
    print("Comptes de démonstration (données fictives, marquées « exemple ») :")
    for entry in logins:
        print(f"  {entry.role} : identifiant {entry.login}, mot de passe {entry.password}")
    print("Elle a donné accès à deux documents à la professionnelle, pour le RSA (90 jours).")
    print("Pour créer le premier administrateur de la plateforme :")
    print(
        "  .venv/bin/python -m vault_service --demo create-admin --login admin "
        "--given-name Prénom --family-name Nom"
    )
    print(
        "Puis une structure : .venv/bin/python -m vault_service --demo create-structure "
        '--name "Nom de la structure" --cap 5'
    )
    return _serve(settings, "127.0.0.1", args.port)


def cmd_purge(args: argparse.Namespace) -> int:
    """Daily (cron): erase accounts past their grace period and documents past the bin."""
    from vault_service.closure import purge
    from vault_service.storage import open_store

    settings = load_settings(args)
    done = purge(open_engine(settings), open_store(settings), settings.deleted_retention_days)
    print(
        f"Comptes fermés et effacés : {done['accounts']} ; "
        f"documents de la corbeille effacés : {done['documents']}."
    )
    return 0


def cmd_verify_duplicate(args: argparse.Namespace) -> int:
    """Offline: only the file and the public key, no database, no secret."""
    from vault_service import duplicate_check as duplicates
    from vault_service import signing

    key_text = args.public_key
    key_path = Path(key_text)
    try:
        if key_path.is_file():
            key_text = key_path.read_text(encoding="utf-8")
        public = signing.parse_public_key(key_text)
    except (OSError, UnicodeDecodeError, signing.KeyFormatError) as error:
        print(
            f"Clé publique « {args.public_key[:60]} » : {error} → donnez le fichier .pem "
            "téléchargé sur /cles-publiques du coffre-fort, ou la clé en base64.",
            file=sys.stderr,
        )
        return 2
    verifier = duplicates.Verifier([public])
    try:
        with open(args.file, "rb") as handle:
            while chunk := handle.read(1024 * 1024):
                verifier.feed(chunk)
    except OSError as error:
        print(f"{args.file} : fichier illisible ({error.strerror}).", file=sys.stderr)
        return 2
    verdict = verifier.verdict()
    print(("AUTHENTIQUE : " if verdict.authentic else "NON VALABLE : ") + verdict.message)
    if verdict.authentic:
        fields = verdict.fields
        for label, value in (
            ("Document", fields["title"]),
            ("Titulaire", fields["holder"]),
            ("Remis à", fields["recipient"]),
            ("Objet", fields["purpose"]),
            ("Code", duplicates.show_code(str(fields["code"]))),
            ("Empreinte SHA-256 du document", fields["document_sha256"]),
        ):
            print(f"  {label} : {value}")
    return 0 if verdict.authentic else 1


def cmd_i18n(args: argparse.Namespace) -> int:
    """Translators' tools: extract the template, start or update a language, check them."""
    from vault_service import i18n

    try:
        if args.action == "extract":
            catalog = i18n.extract()
            i18n.write_template(catalog)
            print(f"{len(catalog)} textes dans {i18n.TEMPLATE}")
        elif args.action == "init":
            if not args.language or not args.name:
                print('Usage : i18n init CODE "Nom de la langue"', file=sys.stderr)
                return 2
            print(f"Catalogue créé : {i18n.init(args.language, args.name)}")
        elif args.action == "update":
            for path in i18n.update():
                print(f"Mis à jour : {path}")
        else:
            for language in i18n.languages()[1:]:
                i18n.compile_catalogue(i18n.catalogue_path(language))
            print("Catalogues valides : " + ", ".join(i18n.languages()))
    except i18n.CatalogueError as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


def cmd_new_key(args: argparse.Namespace) -> int:
    print(new_key())
    return 0


def parser() -> argparse.ArgumentParser:
    variables = "\n".join(
        f"  {name} (défaut : {default})\n      {text}" for name, default, text in describe()
    )
    main = argparse.ArgumentParser(
        prog="python -m vault_service",
        description="Coffre-fort numérique de Mayotte.",
        epilog="Variables d'environnement :\n" + variables,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    main.add_argument(
        "--demo", action="store_true", help="utiliser les secrets de développement de ./vault-data"
    )
    verbs = main.add_subparsers(dest="verb", required=True)
    verbs.add_parser("init-db", help="créer ou mettre à jour le schéma").set_defaults(
        run=cmd_init_db
    )
    admin = verbs.add_parser("create-admin", help="créer l'administrateur de la plateforme")
    admin.add_argument("--login", required=True)
    admin.add_argument("--given-name", required=True)
    admin.add_argument("--family-name", required=True)
    admin.add_argument(
        "--password-stdin", action="store_true", help="lire le mot de passe sur l'entrée standard"
    )
    admin.set_defaults(run=cmd_create_admin)
    reset = verbs.add_parser(
        "reset-totp",
        help="nouvelle double authentification pour un compte qui a perdu son téléphone "
        "(après vérification d'identité ; journalisé)",
    )
    reset.add_argument("--login", required=True)
    reset.set_defaults(run=cmd_reset_totp)
    structure = verbs.add_parser("create-structure", help="créer une structure partenaire")
    structure.add_argument("--name", required=True)
    structure.add_argument(
        "--cap", type=int, required=True, help="nombre maximal de comptes professionnels"
    )
    structure.set_defaults(run=cmd_create_structure)
    rotate = verbs.add_parser(
        "rotate-keys",
        help="rechiffrer avec la clé courante tout ce qui dépend du trousseau (reprend là où "
        "une rotation interrompue s'est arrêtée)",
    )
    rotate.add_argument(
        "--batch-size", type=int, default=200, help="valeurs par transaction (défaut : 200)"
    )
    rotate.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="secondes de pause entre deux lots, pour ménager une base en service",
    )
    rotate.set_defaults(run=cmd_rotate_keys)
    verbs.add_parser(
        "check-integrity", help="vérifier fichiers, empreintes et journal"
    ).set_defaults(run=cmd_check_integrity)
    operations_cli.add_verbs(verbs, load_settings)  # fsck, backup, restore
    journal_cli.add_verbs(verbs, load_settings)  # verify-journal, journal
    serve = verbs.add_parser("serve", help="servir (secrets par variables d'environnement)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.set_defaults(run=cmd_serve)
    demo = verbs.add_parser("demo", help="démo locale : SQLite, clés de développement")
    demo.add_argument("--port", type=int, default=8001)
    demo.set_defaults(run=cmd_demo)
    verbs.add_parser(
        "purge",
        help="effacer les comptes fermés après leur délai et la corbeille (chaque jour, cron)",
    ).set_defaults(run=cmd_purge)
    check = verbs.add_parser(
        "verify-duplicate",
        help="vérifier un duplicata PDF hors ligne, avec la clé publique (sans base de données)",
    )
    check.add_argument("file", metavar="FICHIER", help="le duplicata (PDF)")
    check.add_argument(
        "--public-key",
        required=True,
        metavar="CLÉ",
        help="fichier .pem de /cles-publiques, ou la clé Ed25519 en base64",
    )
    check.set_defaults(run=cmd_verify_duplicate)
    translate = verbs.add_parser(
        "i18n", help="traductions : extract, init CODE NOM, update, check (locale/README.md)"
    )
    translate.add_argument("action", choices=["extract", "init", "update", "check"])
    translate.add_argument("language", nargs="?", help="code de la langue (ex. swb)")
    translate.add_argument("name", nargs="?", help="nom de la langue (ex. Shimaoré)")
    translate.set_defaults(run=cmd_i18n)
    verbs.add_parser("new-key", help="afficher une nouvelle clé AES-256 en base64").set_defaults(
        run=cmd_new_key
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    os.umask(0o077)  # everything the vault writes (database, files, secrets) is private
    try:
        code: int = args.run(args)
    except SettingsError as error:
        print(f"Configuration : {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
