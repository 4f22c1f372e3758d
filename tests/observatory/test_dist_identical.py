"""The site built from the shipped data is byte-identical to the recorded one.

``dist_digests.txt`` was recorded from the tree before the observatory was split into
packages (commit 21cc675, ``python scripts/dist_digests.py --against 21cc675`` compares
the two trees directly). A refactoring keeps it; a commit that changes the site on
purpose runs ``python scripts/dist_digests.py --write`` and commits the new digests.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def script() -> ModuleType:
    path = ROOT / "scripts" / "dist_digests.py"
    spec = importlib.util.spec_from_file_location("dist_digests", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_file_of_the_built_site_is_identical_to_the_record(tmp_path: Path) -> None:
    digests = script()
    found = digests.digests(digests.build(ROOT, tmp_path))
    expected = digests.parse(digests.RECORD.read_text(encoding="utf-8"))
    assert len(expected) > 500  # the whole site, not a sample
    lines = digests.differences(expected, found)
    assert lines == [], (
        "le site construit a changé ; si c'est voulu : python scripts/dist_digests.py --write"
    )


def test_a_missing_extra_or_changed_file_is_named() -> None:
    digests = script()
    expected = {"a.html": "1", "b.html": "2", "c.html": "3"}
    found = {"a.html": "1", "b.html": "9", "d.html": "4"}
    assert digests.differences(expected, found) == [
        "absent : c.html",
        "en trop : d.html",
        "différent : b.html",
    ]
    text = digests.as_text(found)
    assert text.splitlines()[0] == "1  a.html"  # sha256sum format
    assert digests.parse(text) == found
