"""Time and peak memory of ``build.py check`` on hostile files, against a valid project.

    python -m bench.check_hostile

Copies the minimal valid project of the tests, then checks, each in a fresh process:

1. the valid project (the baseline);
2. a header of 320 000 columns on one line of 640 Ko;
3. one line of 200 Mo (past the file-size limit: refused on its size);
4. one line of 90 Mo (under the file-size limit: read, refused on its line length);
5. 999 columns (just under the column limit) × 2 000 rows;
6. a ``datapackage.json`` of 100 000 nested lists.

Prints seconds, peak resident memory (the child's ``ru_maxrss``), ratios to the baseline
and the first problem reported; writes the figures to ``bench/out/check_hostile.json``.
Measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
MINIMAL = REPOSITORY / "tests" / "observatory" / "fixtures" / "minimal"
OUT = REPOSITORY / "bench" / "out"
OBSERVATIONS = "datapackages/population/observations.csv"
DESCRIPTOR = "datapackages/population/datapackage.json"
HEADER = b"indicateur,niveau,code_geo,annee,valeur,source,note,sexe\n"


def one_line(size: int) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        with open(root / OBSERVATIONS, "wb") as handle:
            handle.write(HEADER)
            chunk = b"x" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                handle.write(chunk)

    return write


def many_columns(root: Path) -> None:
    (root / OBSERVATIONS).write_bytes(b"a," * 319_999 + b"a\n")


def wide_table(root: Path) -> None:
    header = ",".join(f"c{i}" for i in range(999)) + "\n"
    row = ",".join(str(i) for i in range(999)) + "\n"
    (root / OBSERVATIONS).write_text(header + row * 2000, encoding="utf-8")


def deep_json(root: Path) -> None:
    (root / DESCRIPTOR).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


CASES: tuple[tuple[str, Callable[[Path], None] | None], ...] = (
    ("projet valide (référence)", None),
    ("320 000 colonnes, ligne de 640 Ko", many_columns),
    ("une ligne de 200 Mo", one_line(200 * 1024 * 1024)),
    ("une ligne de 90 Mo", one_line(90 * 1024 * 1024)),
    ("999 colonnes × 2 000 lignes", wide_table),
    ("JSON de 100 000 niveaux", deep_json),
)


def measure(root: Path, cache: Path) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit code, first line of the report) of one check."""
    command = [sys.executable, str(REPOSITORY / "build.py"), "check", "--root", str(root)]
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--cache", str(cache)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # reaps the child: its own peak memory
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    first = output.decode("utf-8", "replace").splitlines()[:1]
    return elapsed, usage.ru_maxrss / 1024, process.returncode, first[0][:160] if first else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    results: dict[str, dict[str, float | int | str]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        for index, (name, breaks) in enumerate(CASES):
            root = Path(tmp) / f"cas-{index}"
            shutil.copytree(MINIMAL, root)
            if breaks is not None:
                breaks(root)
            size = (root / OBSERVATIONS).stat().st_size
            seconds, peak, code, first = measure(root, Path(tmp) / f"cache-{index}")
            results[name] = {
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(peak, 1),
                "csv_bytes": size,
                "exit": code,
                "first_problem": first,
            }
            shutil.rmtree(root)
    base = results[CASES[0][0]]
    print(f"{'cas':38} {'taille CSV':>11} {'s':>7} {'× réf.':>7} {'Mo RSS':>8} {'× réf.':>7} code")
    for name, r in results.items():
        print(
            f"{name:38} {int(r['csv_bytes']) / 1e6:>9.1f} Mo {r['seconds']:>7.2f} "
            f"{float(r['seconds']) / float(base['seconds']):>7.1f} {r['peak_rss_mb']:>8.0f} "
            f"{float(r['peak_rss_mb']) / float(base['peak_rss_mb']):>7.1f} {r['exit']}"
        )
        print(f"    {r['first_problem']}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "check_hostile.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
