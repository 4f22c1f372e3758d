"""Bounded fuzzing of ``check``: random damage to the files of the valid minimal project.

Each case inserts, deletes or overwrites a few bytes (delimiters, quotes, line endings,
NUL, invalid UTF-8, JSON punctuation, huge numbers…) in one CSV or descriptor, with a
fixed seed so that a failure is reproducible. Whatever the damage, ``check`` answers with
exit 0 or 1, a JSON report, no internal error and nothing on stderr.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from tests.observatory.fixtures.projects import (
    OBSERVATIONS,
    POPULATION,
    SOURCES,
    TERRITOIRES,
    make_project,
    run_check,
)

TOKENS = [b",", b'"', b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"{",
          b"}", b"[", b"]", b":", b"-1", b"1e999", b"NaN", b"\\", b" ", b"\t", b";",
          b"\xe2\x80\xa8", b"99999999999999999999999"]  # fmt: skip
FILES = [OBSERVATIONS, SOURCES, POPULATION, TERRITOIRES]
SEEDS = range(8)
PER_SEED = 15


def damage(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(out) + 1)
        op = rng.random()
        if op < 0.4:
            out[pos:pos] = rng.choice(TOKENS)
        elif op < 0.7 and out:
            del out[pos : pos + rng.randint(1, 20)]
        else:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 5)))
    return bytes(out)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_damage_never_breaks_the_validator(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    base = make_project(tmp_path / "base")
    for index in range(PER_SEED):
        root = tmp_path / f"cas-{index}" / "projet"
        shutil.copytree(base, root)
        rel = rng.choice(FILES)
        (root / rel).write_bytes(damage((root / rel).read_bytes(), rng))
        code, out, err = run_check(root, "--format", "json")
        problems = json.loads(out)["problems"]
        where = f"graine {seed}, cas {index}, {rel}"
        assert code in (0, 1) and err == "", where
        assert code == (1 if problems else 0), where
        assert "erreur-interne" not in {p["code"] for p in problems}, (where, problems)
        assert all(p["message"] and p["file"] for p in problems), where
