"""`python -m vault_service VERB`: the vault's command line (French messages).

Verbs: demo, serve, init-db, create-admin, reset-totp, create-structure, rotate-keys,
check-integrity, fsck, purge, verify-duplicate, verify-journal, journal, i18n, new-key. Secrets
come from environment variables; with `--demo` (and in `demo`), from the development secrets
generated under ./vault-data (never in the repository). The verbs live in the `*_cli.py`
modules, declared as data (`cli.Verb`); this module lists them in the order of the help.
Exit codes: 0 done, 1 problems found (check-integrity, verify-journal, a duplicate not
authentic), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys

from vault_service import accounts_cli, journal_cli, keys_cli, operations_cli, serve_cli
from vault_service.cli import Verb, add_verbs, arg, load_settings, open_engine
from vault_service.settings import SettingsError, describe


def cmd_init_db(args: argparse.Namespace) -> int:
    from vault_service.db import make_engine, migrate

    settings = load_settings(args)
    engine = make_engine(settings.database_url)
    migrate(engine)
    print(f"Base de données prête : {engine.url.render_as_string(hide_password=True)}")
    return 0


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


INIT_DB = Verb("init-db", "créer ou mettre à jour le schéma", cmd_init_db)
PURGE = Verb(
    "purge",
    "effacer les comptes fermés après leur délai et la corbeille (chaque jour, cron)",
    cmd_purge,
)
I18N = Verb(
    "i18n",
    "traductions : extract, init CODE NOM, update, check (locale/README.md)",
    cmd_i18n,
    (
        arg("action", choices=["extract", "init", "update", "check"]),
        arg("language", nargs="?", help="code de la langue (ex. swb)"),
        arg("name", nargs="?", help="nom de la langue (ex. Shimaoré)"),
    ),
)
# The verbs in the order of the help.
VERBS: tuple[Verb, ...] = (
    INIT_DB,
    *accounts_cli.VERBS,  # create-admin, reset-totp, create-structure
    keys_cli.ROTATE,
    keys_cli.CHECK_INTEGRITY,
    *operations_cli.VERBS,  # fsck, backup, restore
    *journal_cli.VERBS,  # verify-journal, journal
    serve_cli.SERVE,
    serve_cli.DEMO,
    PURGE,
    keys_cli.VERIFY_DUPLICATE,
    I18N,
    keys_cli.NEW_KEY,
)


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
    add_verbs(main.add_subparsers(dest="verb", required=True), VERBS)
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
