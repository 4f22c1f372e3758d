"""Command line of the observatory: ``python build.py [build|check|serve]``.

Exit codes: 0 success, 1 problems in the data, 2 usage error (130 after Ctrl-C).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from observatory.core.config import SETTINGS, Config, load_config, publication_error
from observatory.core.problems import (
    Problem,
    format_github,
    format_json,
    format_text,
    sort_problems,
)

FORMATS: dict[str, Callable[[Sequence[Problem]], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
}


def report(problems: Sequence[Problem], fmt: str) -> int:
    ordered = sort_problems(problems)
    out = FORMATS[fmt](ordered)
    if out:
        print(out)
    return 1 if ordered else 0


def cmd_check(config: Config, args: argparse.Namespace) -> int:
    from observatory.check.validate import check

    return report(check(config), args.format)


def cmd_build(config: Config, args: argparse.Namespace) -> int:
    from observatory.pipeline import build

    refused = publication_error(config, os.environ)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    problems = build(config)
    if problems:
        return report(problems, args.format)
    print(f"Site construit dans {config.dist}")
    if config.local:
        print(LOCAL_NOTICE)
    return 0


LOCAL_NOTICE = (
    "Construction locale : aucune URL publique (--site-url) ; le catalogue DCAT, le plan du "
    "site, les flux et les citations portent des adresses relatives. Pour publier : "
    "--site-url https://… --release AAAA-MM."
)


def cmd_serve(config: Config, args: argparse.Namespace) -> int:
    from observatory.serve import serve

    return serve(config, host=args.host, port=args.port, watch=not args.no_watch)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[Config, argparse.Namespace], int]


COMMANDS: tuple[Command, ...] = (
    Command("build", "valider les données puis construire le site statique dans dist/", cmd_build),
    Command(
        "check", "valider tous les paquets de données et les études, sans construire", cmd_check
    ),
    Command(
        "serve",
        "construire, servir le site en local et reconstruire à chaque modification",
        cmd_serve,
    ),
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Observatoire social et médico-social de Mayotte"
    )
    sub = parser.add_subparsers(dest="command", metavar="commande")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        for setting in SETTINGS:
            p.add_argument(f"--{setting.name.replace('_', '-')}", default=None, help=setting.help)
        p.add_argument(
            "--format",
            choices=sorted(FORMATS),
            default="text",
            help="format du rapport de problèmes",
        )
        if command.name == "serve":
            p.add_argument("--host", default="127.0.0.1", help="adresse d'écoute")
            p.add_argument("--port", type=int, default=8000, help="port d'écoute")
            p.add_argument("--no-watch", action="store_true", help="ne pas reconstruire")
        p.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # plain `python build.py` builds the site
        args = parser.parse_args(["build"])
    overrides = {s.name: getattr(args, s.name) for s in SETTINGS}
    config = load_config(**overrides)
    if not config.root.is_dir():
        print(f"Erreur : le dossier du projet {config.root} n'existe pas.", file=sys.stderr)
        return 2
    if args.command in ("build", "check") and not config.datapackages.is_dir():
        print(
            f"Erreur : pas de dossier datapackages/ dans {config.root} ; "
            "indiquez la racine du projet avec --root.",
            file=sys.stderr,
        )
        return 2
    code: int = args.run(config, args)
    return code


def run(argv: Sequence[str]) -> int:
    """``main`` for a terminal: a reader that stops early (``build.py check | head``) or
    Ctrl-C ends the command quietly, without a traceback."""
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints escaped
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # stdout is gone: point it at /dev/null so that the interpreter's final flush
        # does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    return code
