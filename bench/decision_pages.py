"""Cold build and page weights of the decision pages, before and after, in one run.

Run: ``.venv/bin/python -m bench.decision_pages [--baseline REV]``

Builds the shipped data twice, each in a fresh process with an empty cache: the tree at
``--baseline`` (a detached git worktree; default ``21cc675``, the site before the
observatory was split into packages and before the decision pages) and this tree. For
each it prints the cold build time and, per page type, the median and largest HTML
weight gzip-compressed (inline SVG included). Budgets of the issue, checked on this tree:

- a territory portrait weighs at most 60 KB gzip;
- an indicator page with a map weighs at most 100 KB gzip;
- the cold build takes at most 1.5 × the baseline's.

Exit code 1 when a budget is exceeded. Figures also go to ``bench/out/decision_pages.txt``.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "decision_pages.txt"
PORTRAIT_KB = 60.0
MAP_PAGE_KB = 100.0
BUILD_RATIO = 1.5


def _digests() -> ModuleType:
    path = ROOT / "scripts" / "dist_digests.py"
    spec = importlib.util.spec_from_file_location("dist_digests", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gzip_kb(path: Path) -> float:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)) / 1024


def page_types(dist: Path) -> dict[str, list[Path]]:
    indicators = sorted((dist / "indicateurs").glob("*/index.html"))
    with_map = [p for p in indicators if "obs-map-svg" in p.read_text(encoding="utf-8")]
    return {
        "portrait": sorted((dist / "territoires").glob("*/index.html")),
        "indicateur avec carte": with_map,
        "indicateur sans carte": [p for p in indicators if p not in with_map],
        "tableau de bord": sorted((dist / "themes").glob("*/index.html")),
    }


def timed_build(tree: Path, work: Path) -> tuple[float, Path]:
    start = time.perf_counter()
    dist = _digests().build(tree, work)
    return time.perf_counter() - start, dist


def weights(dist: Path) -> dict[str, tuple[int, float, float]]:
    out = {}
    for name, pages in page_types(dist).items():
        sizes = [gzip_kb(p) for p in pages] or [0.0]
        out[name] = (len(pages), statistics.median(sizes), max(sizes))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="21cc675", help="révision git de référence")
    parser.add_argument(
        "--repeat", type=int, default=2, help="constructions de chaque arbre (minimum retenu)"
    )
    args = parser.parse_args(argv)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-decision-") as tmp:
        work = Path(tmp)
        old_tree = work / "old-tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old_tree), args.baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            if (ROOT / "node_modules").exists():
                (old_tree / "node_modules").symlink_to((ROOT / "node_modules").resolve())
            os.environ.pop("CI", None)  # the builds carry their own public site URL
            # alternate the two trees and keep each one's fastest build: the machine is
            # shared, a single build measures its neighbours as much as itself
            before_times, after_times = [], []
            for i in range(max(args.repeat, 1)):
                seconds, before = timed_build(old_tree, work / f"old-{i}")
                before_times.append(seconds)
                seconds, after = timed_build(ROOT, work / f"new-{i}")
                after_times.append(seconds)
            before_s, after_s = min(before_times), min(after_times)
            old_w, new_w = weights(before), weights(after)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(old_tree)],
                cwd=ROOT,
                capture_output=True,
            )
    ratio = after_s / before_s
    lines.append(
        f"construction à froid (meilleure de {max(args.repeat, 1)}) : avant {before_s:.1f} s, "
        f"après {after_s:.1f} s"
    )
    lines.append(f"  rapport après / avant : {ratio:.2f} (budget {BUILD_RATIO})")
    lines.append("poids des pages (HTML gzip, Ko) : type — pages, médiane, maximum")
    for name in new_w:
        n0, m0, x0 = old_w.get(name, (0, 0.0, 0.0))
        n1, m1, x1 = new_w[name]
        lines.append(
            f"  {name} : avant {n0} pages, {m0:.1f} / {x0:.1f} ; après {n1} pages, "
            f"{m1:.1f} / {x1:.1f}"
        )
    failures = []
    if new_w["portrait"][2] > PORTRAIT_KB:
        failures.append(f"portrait : {new_w['portrait'][2]:.1f} Ko > {PORTRAIT_KB:.0f} Ko")
    if new_w["indicateur avec carte"][2] > MAP_PAGE_KB:
        worst = new_w["indicateur avec carte"][2]
        failures.append(f"indicateur avec carte : {worst:.1f} Ko > {MAP_PAGE_KB:.0f} Ko")
    if ratio > BUILD_RATIO:
        failures.append(f"construction à froid : {ratio:.2f} × > {BUILD_RATIO} ×")
    lines += [f"BUDGET DÉPASSÉ : {f}" for f in failures] or ["budgets respectés"]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
