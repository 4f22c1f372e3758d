"""Content-hash cache of ``check`` results.

Key: SHA-256 over the validator version, the source of the observatory modules, and the path and
SHA-256 of every input file. Value: the problem list, stored with its own digest; an
entry that does not parse or whose digest does not match is ignored, never trusted.
Nothing heavy is imported here: a cache hit costs one read of the inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path

from observatory.config import Config
from observatory.problems import Problem

VALIDATOR_VERSION = "1"
FOLDER = "check"


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


MODULE = re.compile(r"observatory\.(\w+)")


def code_files(start: str = "validate") -> list[Path]:
    """The source of ``validate`` and of every observatory module it names, transitively
    (imports and the lazily imported checks alike): a change of the validator's code gives
    a new key, a change of an unrelated page template module does not."""
    here = Path(__file__).parent
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        source = here / f"{name}.py"
        if name in seen or not source.is_file():
            continue
        seen.add(name)
        todo.extend(MODULE.findall(source.read_text(encoding="utf-8")))
    return [here / f"{name}.py" for name in sorted(seen)]


def cache_key(config: Config, files: Sequence[Path]) -> str:
    digest = hashlib.sha256(f"observatoire-check {VALIDATOR_VERSION}\n".encode())
    for source in code_files():
        digest.update(f"code {source.name} {file_digest(source)}\n".encode())
    for path in files:
        try:
            name = path.relative_to(config.root).as_posix()
        except ValueError:
            name = path.name
        digest.update(f"file {name} {file_digest(path)}\n".encode())
    return digest.hexdigest()


def entry(config: Config, key: str) -> Path:
    return config.cache / FOLDER / f"{key}.json"


def payload_digest(problems: list[dict[str, object]]) -> str:
    text = json.dumps(problems, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def load(config: Config, key: str) -> list[Problem] | None:
    """The cached problems, or ``None`` when absent, unreadable or tampered with."""
    path = entry(config, key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["key"] != key or data["digest"] != payload_digest(data["problems"]):
            return None
        names = {f.name for f in fields(Problem)}
        problems = []
        for item in data["problems"]:
            if not isinstance(item, dict) or set(item) != names:
                return None
            problems.append(Problem(**item))
        return problems
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(config: Config, key: str, problems: Sequence[Problem]) -> None:
    """Write the entry atomically; a cache that cannot be written is simply skipped."""
    items = [asdict(p) for p in problems]
    data = {"key": key, "digest": payload_digest(items), "problems": items}
    path = entry(config, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            json.dump(data, handle, ensure_ascii=False)
        os.replace(handle.name, path)
    except OSError:
        return
