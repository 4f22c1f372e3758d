"""Is the site built from the shipped data byte-identical to the recorded one?

``tests/observatory/dist_digests.txt`` lists the SHA-256 of every file of ``dist/`` built
from the shipped ``datapackages/`` and ``studies/`` with fixed settings (release 2026-11,
default URLs), in ``sha256sum`` format. A refactoring must leave it unchanged; a commit
that changes the site on purpose records the new digests in the same commit.

    python scripts/dist_digests.py              # build, compare with the record (exit 1 if not)
    python scripts/dist_digests.py --write      # build, record the digests
    python scripts/dist_digests.py --against REV  # build REV (git worktree) and this tree,
                                                  # compare every file byte for byte
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "observatory" / "dist_digests.txt"
# Everything the output depends on, fixed (the release date defaults to today).
SETTINGS = {
    "OBSERVATOIRE_RELEASE": "2026-11",
    "OBSERVATOIRE_BASE_URL": "/",
    "OBSERVATOIRE_SITE_URL": "https://observatoire.example.org/",
    "OBSERVATOIRE_BASEMAP": "",
    "OBSERVATOIRE_BASEMAP_ATTRIBUTION": "",
}


def build(tree: Path, work: Path) -> Path:
    """Build the shipped data of the project at ``tree`` into ``work/dist``, with the
    code of that tree, in a fresh process with an empty cache."""
    dist, cache = work / "dist", work / "cache"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")},
        **SETTINGS,
        "PYTHONPATH": str(tree),
    }
    command = [sys.executable, "build.py", "build", "--dist", str(dist), "--cache", str(cache)]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"la construction de {tree} a échoué :\n{done.stdout}{done.stderr}")
    return dist


def digests(dist: Path) -> dict[str, str]:
    return {
        p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dist.rglob("*"))
        if p.is_file()
    }


def as_text(found: dict[str, str]) -> str:
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(found.items()))


def parse(text: str) -> dict[str, str]:
    return {path: digest for digest, path in (line.split("  ", 1) for line in text.splitlines())}


def differences(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """One line per file that is missing, extra or different, sorted."""
    lines = [f"absent : {p}" for p in sorted(expected.keys() - found.keys())]
    lines += [f"en trop : {p}" for p in sorted(found.keys() - expected.keys())]
    lines += [
        f"différent : {p}" for p in sorted(expected) if p in found and found[p] != expected[p]
    ]
    return lines


def compare_trees(old: Path, new: Path) -> list[str]:
    """Every file of two built sites compared (by SHA-256 of its bytes)."""
    return differences(digests(old), digests(new))


def against(rev: str, work: Path) -> list[str]:
    """Build ``rev`` from a detached git worktree and this tree; compare every file."""
    old_tree = work / "old-tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(old_tree), rev], cwd=ROOT, check=True)
    try:
        if (ROOT / "node_modules").exists():  # the vendor assets are copied from there
            (old_tree / "node_modules").symlink_to((ROOT / "node_modules").resolve())
        return compare_trees(build(old_tree, work / "old"), build(ROOT, work / "new"))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old_tree)], cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="enregistrer les empreintes")
    group.add_argument("--against", metavar="REV", help="comparer avec une révision git")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dist-digests-") as tmp:
        work = Path(tmp)
        if args.against:
            lines = against(args.against, work)
        else:
            found = digests(build(ROOT, work))
            if args.write:
                RECORD.write_text(as_text(found), encoding="utf-8")
                print(f"{len(found)} empreintes enregistrées dans {RECORD.relative_to(ROOT)}")
                return 0
            lines = differences(parse(RECORD.read_text(encoding="utf-8")), found)
    for line in lines:
        print(line)
    print("site identique" if not lines else f"{len(lines)} fichier(s) diffèrent")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
