"""What every verb of `python -m vault_service` shares: its settings (environment, or the
development secrets of `--demo`), the database engine, and verbs declared as data.

Each `*_cli.py` module declares its verbs in a `VERBS` table (`Verb`: name, help, what it runs,
its arguments); `__main__` adds them to one parser, in the order of its own table.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vault_service.setting_values import parse_keyring
from vault_service.settings import Settings

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


@dataclass(frozen=True)
class Arg:
    """One argument of a verb, as `argparse.ArgumentParser.add_argument` takes it."""

    names: tuple[str, ...]
    options: dict[str, Any]


def arg(*names: str, **options: Any) -> Arg:
    return Arg(names, options)


@dataclass(frozen=True)
class Verb:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    args: tuple[Arg, ...] = ()


def add_verbs(verbs: Any, table: Iterable[Verb]) -> None:
    """Add each verb of the table to the subparsers `verbs`, in order."""
    for verb in table:
        sub = verbs.add_parser(verb.name, help=verb.help)
        for argument in verb.args:
            sub.add_argument(*argument.names, **argument.options)
        sub.set_defaults(run=verb.run)
