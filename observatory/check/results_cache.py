"""Content-hash cache of ``check`` results.

Key: SHA-256 over the validator version, the source of the observatory modules, and the path and
SHA-256 of every input file. Value: the problem list, stored with its own digest; an
entry that does not parse or whose digest does not match is ignored, never trusted.
Nothing heavy is imported here. Like git's index, the SHA-256 of each input is remembered
with the file's size, modification time (ns) and inode: a file whose three are unchanged
is not read again, so a cache hit on millions of rows costs a few ``stat`` calls.
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

from observatory.core.config import Config
from observatory.core.problems import Problem

VALIDATOR_VERSION = "1"
FOLDER = "check"


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


MODULE = re.compile(r"observatory((?:\.\w+)+)")


def code_files(start: str = "check.validate") -> list[Path]:
    """The source of ``check.validate`` and of every observatory module it names,
    transitively (imports and the lazily imported checks alike): a change of the
    validator's code gives a new key, a change of an unrelated page module does not."""
    package = Path(__file__).parents[1]
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        source = package.joinpath(*name.split(".")).with_suffix(".py")
        if name in seen or not source.is_file():
            continue
        seen.add(name)
        for dotted in MODULE.findall(source.read_text(encoding="utf-8")):
            parts = dotted.lstrip(".").split(".")  # the module, or a name inside it
            todo.extend(".".join(parts[:n]) for n in range(2, len(parts) + 1))
    return [package.joinpath(*name.split(".")).with_suffix(".py") for name in sorted(seen)]


DIGESTS = "digests.json"
Digests = dict[str, list[object]]  # absolute path -> [size, mtime_ns, inode, sha256]


def read_digests(config: Config) -> Digests:
    """Remembered digests; anything unexpected gives none (files are re-read)."""
    try:
        data = json.loads((config.cache / FOLDER / DIGESTS).read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("version") != VALIDATOR_VERSION or not isinstance(files, dict):
            return {}
        return {
            k: v
            for k, v in files.items()
            if isinstance(v, list) and len(v) == 4 and isinstance(v[3], str) and len(v[3]) == 64
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def remembered_digest(path: Path, digests: Digests) -> str:
    """The file's SHA-256, read again unless its size, mtime and inode are unchanged."""
    stat = path.stat()
    signature: list[object] = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    known = digests.get(str(path))
    if known is not None and known[:3] == signature:
        return str(known[3])
    digest = file_digest(path)
    digests[str(path)] = [*signature, digest]
    return digest


def cache_key(config: Config, files: Sequence[Path]) -> str:
    digests = read_digests(config)
    before = dict(digests)
    digest = hashlib.sha256(f"observatoire-check {VALIDATOR_VERSION}\n".encode())
    for source in code_files():
        digest.update(f"code {source.name} {file_digest(source)}\n".encode())
    for path in files:
        try:
            name = path.relative_to(config.root).as_posix()
        except ValueError:
            name = path.name
        # a file name that is not UTF-8 (surrogate escapes) still counts, byte for byte
        line = f"file {name} {remembered_digest(path, digests)}\n"
        digest.update(line.encode("utf-8", "surrogateescape"))
    if digests != before:
        write_json(
            config.cache / FOLDER / DIGESTS, {"version": VALIDATOR_VERSION, "files": digests}
        )
    return digest.hexdigest()


def write_json(path: Path, data: object) -> None:
    """Write atomically; a cache that cannot be written is simply skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
        ) as handle:
            json.dump(data, handle)  # ASCII: a file name that is not UTF-8 survives
        os.replace(handle.name, path)
    except OSError:
        return


def entry(config: Config, key: str) -> Path:
    return config.cache / FOLDER / f"{key}.json"


def payload_digest(problems: list[dict[str, object]]) -> str:
    text = json.dumps(problems, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


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
    write_json(entry(config, key), {"key": key, "digest": payload_digest(items), "problems": items})
