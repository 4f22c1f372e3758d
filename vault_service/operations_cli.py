"""Operators' verbs of `python -m vault_service`: fsck, backup, restore (French messages).

Exit codes as everywhere: 0 done, 1 problems found (a file missing, a backup refused or
damaged), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from vault_service.cli import Verb, arg, load_settings
from vault_service.settings import Settings


def cmd_fsck(args: argparse.Namespace, settings: Settings) -> int:
    from vault_service.db import make_engine
    from vault_service.fsck import fsck
    from vault_service.storage import open_store

    store = open_store(settings)
    report = fsck(
        make_engine(settings.database_url),
        store,
        grace=timedelta(minutes=args.grace_minutes),
        repair=not args.dry_run,
    )
    for line in report.lines(repair=not args.dry_run):
        print(line)
    print(
        f"{report.checked} fichier(s) examiné(s) dans {store.describe()} : "
        f"{len(report.removed)} orphelin(s) {'à supprimer' if args.dry_run else 'supprimé(s)'}, "
        f"{len(report.missing)} manquant(s)."
    )
    return 1 if report.missing else 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from vault_service.backup import BackupError, backup
    from vault_service.db import make_engine
    from vault_service.storage import open_store

    try:
        manifest = backup(make_engine(settings.database_url), open_store(settings), args.folder)
    except BackupError as error:
        print(f"Sauvegarde impossible : {error}", file=sys.stderr)
        return 1
    size = sum(blob["size"] for blob in manifest["blobs"].values())
    print(
        f"Sauvegarde écrite dans {args.folder} : {sum(manifest['rows'].values())} lignes, "
        f"{len(manifest['blobs'])} fichiers chiffrés ({size / 1024 / 1024:.1f} Mio), "
        f"journal jusqu'à l'entrée n° {(manifest['journal_head'] or {}).get('seq', 0)}."
    )
    print(
        f"Le trousseau n'y est pas : pour la restaurer, il faudra les clés "
        f"{', '.join(manifest['key_ids']) or '(aucune)'} (gardées à part)."
    )
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from vault_service.backup import BackupError, restore
    from vault_service.crypto import Keyring
    from vault_service.db import make_engine
    from vault_service.documents import check_integrity
    from vault_service.storage import open_store

    engine = make_engine(settings.database_url)
    store = open_store(settings)
    try:
        counts = restore(engine, store, list(settings.keyring), args.folder)
    except BackupError as error:
        print(f"Restauration refusée, rien n'a été écrit : {error}", file=sys.stderr)
        return 1
    print(f"Restauré : {sum(counts.values())} lignes, dans {store.describe()}.")
    problems = check_integrity(engine, store, Keyring(settings.keyring))
    for problem in problems:
        print(problem)
    print(
        "Intégrité vérifiée : aucun problème."
        if not problems
        else f"{len(problems)} problème(s) après restauration."
    )
    return 1 if problems else 0


VERBS = (
    Verb(
        "fsck",
        "après une panne : supprimer les fichiers orphelins et les envois interrompus, "
        "signaler les fichiers manquants",
        lambda args: cmd_fsck(args, load_settings(args)),
        (
            arg(
                "--grace-minutes",
                type=float,
                default=60,
                help="ne pas toucher aux fichiers plus récents (dépôts en cours ailleurs ; "
                "défaut : 60)",
            ),
            arg("--dry-run", action="store_true", help="signaler sans rien supprimer"),
        ),
    ),
    Verb(
        "backup",
        "sauvegarder base et fichiers chiffrés dans un dossier neuf (sans le trousseau)",
        lambda args: cmd_backup(args, load_settings(args)),
        (arg("folder", type=Path, help="dossier à créer (il ne doit pas exister)"),),
    ),
    Verb(
        "restore",
        "restaurer une sauvegarde dans une instance neuve (init-db fait, stockage vide)",
        lambda args: cmd_restore(args, load_settings(args)),
        (arg("folder", type=Path, help="dossier écrit par backup"),),
    ),
)
