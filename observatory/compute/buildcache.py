"""Content-hash cache of the build.

- ``fingerprint``: one SHA-256 over every input of the site (data packages, studies,
  the code, templates and ``site_src/``, and the settings). When it equals the one
  recorded by the last successful build and ``dist/`` is still there, the build has
  nothing to do.
- ``Memo``: per-item results (charts, maps) stored under ``.cache/<kind>/<hash>.json``,
  keyed by the hash of the item's inputs, so that changing one CSV re-renders only the
  charts and maps of the series that changed.
Entries are plain JSON; a corrupt or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from observatory.core.config import Config

CODE_ROOT = Path(__file__).resolve().parents[2]
CODE_DIRS = ("observatory", "templates", "site_src")
SKIP_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache", "node_modules"}
STATE_FILE = "build-state.json"


def _files(root: Path) -> Iterable[Path]:
    if not root.is_dir():
        return ()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        # regular files only: a named pipe would wait forever, /dev/zero never ends
        found.extend(
            path
            for path in (Path(dirpath) / f for f in filenames if not f.endswith(".pyc"))
            if path.is_file()
        )
    return sorted(found)


def fingerprint(config: Config, release: str, extra: Iterable[Path] = ()) -> str:
    digest = hashlib.sha256()
    settings = (
        config.base_url,
        config.site_url,
        release,
        str(config.dist),
        config.basemap,
        config.basemap_attribution,
    )
    digest.update(json.dumps(settings).encode())
    roots = [
        (config.root, config.datapackages),
        (config.root, config.studies),
        *((CODE_ROOT, CODE_ROOT / d) for d in CODE_DIRS),
        *((p.parent, p) for p in extra),
    ]
    for base, root in roots:
        for path in _files(root):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    previous = config.previous_manifest  # the release notes compare with it
    if previous is not None and previous.is_file():
        digest.update(b"previous-manifest\0" + hashlib.sha256(previous.read_bytes()).digest())
    return digest.hexdigest()


def is_fresh(config: Config, print_: str) -> bool:
    state = config.cache / STATE_FILE
    if not config.dist.is_dir():
        return False
    try:
        recorded = json.loads(state.read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return False
    return bool(recorded == print_)


def record(config: Config, print_: str) -> None:
    config.cache.mkdir(parents=True, exist_ok=True)
    _atomic_write(config.cache / STATE_FILE, json.dumps({"fingerprint": print_}))


def forget(config: Config) -> None:
    (config.cache / STATE_FILE).unlink(missing_ok=True)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def key_of(*parts: object) -> str:
    """A stable key from frozen values (their ``repr`` is deterministic)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def code_token(modules: Iterable[str], dists: Iterable[str]) -> str:
    """16 hex digits that change with the source of ``modules`` (files of observatory/)
    and the installed version of ``dists``: part of a memo key, so that upgrading the
    code or a library never serves a stale result."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for name in modules:
        digest.update((CODE_ROOT / "observatory" / name).read_bytes())
    for dist in dists:
        digest.update(version(dist).encode())
    return digest.hexdigest()[:16]


class Memo:
    """A folder of JSON results keyed by content hash (one kind per folder)."""

    def __init__(self, config: Config, kind: str) -> None:
        self.folder = config.cache / kind

    def get(self, key: str) -> dict[str, str] | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, value: dict[str, str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.folder / f"{key}.json", json.dumps(value, ensure_ascii=False))
