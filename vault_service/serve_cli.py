"""Serving verbs of `python -m vault_service`: serve (secrets from the environment) and demo
(SQLite and development secrets under ./vault-data, demonstration accounts seeded).

Before serving, the schema must be current and the file storage reachable, else exit 2 with
what to do.
"""

from __future__ import annotations

import argparse
import os
import sys

from vault_service.cli import DEMO_DIR, Verb, arg, demo_settings, load_settings
from vault_service.settings import Settings


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from vault_service.app import create_app
    from vault_service.operations import log_config

    if not _ready(settings):
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


def _ready(settings: Settings) -> bool:
    """The database answers with the current schema and the file storage answers; else say
    why on stderr."""
    from sqlalchemy.exc import SQLAlchemyError

    from vault_service.db import make_engine, schema_is_current
    from vault_service.storage import StorageUnavailable, open_store

    try:
        current = schema_is_current(make_engine(settings.database_url))
    except SQLAlchemyError as error:
        print(
            f"Base de données injoignable ({settings.database_url.split('@')[-1]}) : "
            f"{type(error).__name__}",
            file=sys.stderr,
        )
        return False
    if not current:
        print(
            "La base de données n'est pas à jour : lancer d'abord "
            "`python -m vault_service init-db`.",
            file=sys.stderr,
        )
        return False
    try:
        open_store(settings).check()
    except StorageUnavailable as error:
        print(f"Stockage des fichiers indisponible : {error}", file=sys.stderr)
        return False
    return True


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


SERVE = Verb(
    "serve",
    "servir (secrets par variables d'environnement)",
    cmd_serve,
    (arg("--host", default="127.0.0.1"), arg("--port", type=int, default=8001)),
)
DEMO = Verb(
    "demo",
    "démo locale : SQLite, clés de développement",
    cmd_demo,
    (arg("--port", type=int, default=8001),),
)
