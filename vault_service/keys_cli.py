"""Key verbs of `python -m vault_service`: rotate-keys, check-integrity, verify-duplicate,
new-key (French messages).

Exit codes: 0 done, 1 problems found (an interrupted rotation, integrity problems, a duplicate
not authentic), 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vault_service.cli import Verb, arg, load_settings, new_key, open_engine


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


def cmd_new_key(args: argparse.Namespace) -> int:
    print(new_key())
    return 0


ROTATE = Verb(
    "rotate-keys",
    "rechiffrer avec la clé courante tout ce qui dépend du trousseau (reprend là où "
    "une rotation interrompue s'est arrêtée)",
    cmd_rotate_keys,
    (
        arg("--batch-size", type=int, default=200, help="valeurs par transaction (défaut : 200)"),
        arg(
            "--pause",
            type=float,
            default=0.0,
            help="secondes de pause entre deux lots, pour ménager une base en service",
        ),
    ),
)
CHECK_INTEGRITY = Verb(
    "check-integrity", "vérifier fichiers, empreintes et journal", cmd_check_integrity
)
VERIFY_DUPLICATE = Verb(
    "verify-duplicate",
    "vérifier un duplicata PDF hors ligne, avec la clé publique (sans base de données)",
    cmd_verify_duplicate,
    (
        arg("file", metavar="FICHIER", help="le duplicata (PDF)"),
        arg(
            "--public-key",
            required=True,
            metavar="CLÉ",
            help="fichier .pem de /cles-publiques, ou la clé Ed25519 en base64",
        ),
    ),
)
NEW_KEY = Verb("new-key", "afficher une nouvelle clé AES-256 en base64", cmd_new_key)
