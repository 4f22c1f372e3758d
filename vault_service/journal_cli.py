"""Journal verbs of `python -m vault_service`: verify-journal, journal (French messages).

`verify-journal` walks the hash chain, checks the head's seal and the checkpoint file kept in
the data folder (audit.py), names the first entry edited, deleted, inserted or moved, and on
success writes a new checkpoint. `journal` is NF Z42-020 « compter » (--count) and « lister »
(one JSON entry per line, oldest first), of everyone or of one person.
Exit codes: 0 done (journal intact), 1 journal tampered, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys

from vault_service import accounts, audit
from vault_service.cli import Verb, arg, load_settings
from vault_service.crypto import Keyring
from vault_service.settings import Settings


def cmd_verify_journal(settings: Settings) -> int:
    keyring = Keyring(settings.keyring)
    with audit.engine_for(settings).connect() as conn:
        problems = audit.verify(conn, keyring)
        problems += audit.checkpoint_check(conn, keyring, settings.data_dir)
        if problems:
            for problem in problems:
                print(problem)
            print(f"Journal altéré : {len(problems)} problème(s), le premier en tête.")
            return 1
        seq = audit.checkpoint_write(conn, keyring, settings.data_dir)
    print(
        f"Journal intact : {seq} entrées, chaîne et sceau de la tête vérifiés ; point de "
        f"contrôle enregistré dans {settings.data_dir / audit.CHECKPOINT}."
    )
    return 0


def cmd_journal(args: argparse.Namespace, settings: Settings) -> int:
    with audit.engine_for(settings).connect() as conn:
        subject = None
        if args.person:
            account = accounts.by_login(conn, args.person.strip().lower())
            if account is None:
                print(f"Aucun compte n'a l'identifiant « {args.person} ».", file=sys.stderr)
                return 2
            subject = account.id
        if args.count:
            print(audit.count(conn, subject))
            return 0
        for row in reversed(audit.entries(conn, subject, limit=args.limit)):
            entry = {
                "seq": row.seq,
                "at": row.at.isoformat(),
                "action": row.action,
                "actor_id": row.actor_id,
                "subject_id": row.subject_id,
                "object_id": row.object_id,
                "detail": json.loads(row.detail),
                "hash": row.hash,
            }
            print(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    return 0


VERBS = (
    Verb(
        "verify-journal",
        "vérifier le journal (chaîne, sceau de la tête) : nomme la première entrée "
        "modifiée, supprimée, insérée ou déplacée",
        lambda args: cmd_verify_journal(load_settings(args)),
    ),
    Verb(
        "journal",
        "lister (JSON, une entrée par ligne) ou compter les entrées du journal",
        lambda args: cmd_journal(args, load_settings(args)),
        (
            arg("--count", action="store_true", help="seulement le nombre d'entrées"),
            arg("--person", help="identifiant de la personne concernée"),
            arg("--limit", type=int, default=1000, help="les N dernières entrées (défaut : 1000)"),
        ),
    ),
)
