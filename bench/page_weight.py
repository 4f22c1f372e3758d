"""Page weight of the site built from the repository's real data, per page type.

Run: ``.venv/bin/python -m bench.page_weight [--dist DIST]``

Without ``--dist`` the site is built first (``python build.py build`` into a temporary
folder). For each page type (home, theme dashboards, indicator pages with and without a
map, territory portraits) it prints the number of pages, the median and largest HTML
weight gzip-compressed (inline SVG included, as a reader downloads it), and how much of
the raw HTML the static charts, the static maps and the inert Leaflet templates take.
It then checks the budgets of the issue:

- an indicator page without a map weighs at most 100 KB gzip;
- no script blocks the first paint: every external ``<script src>`` in ``<head>`` is
  ``defer``/``async`` (inline scripts in ``<head>`` are counted and reported).

Exit code 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_KB = 100.0
CHART = re.compile(r'<svg[^>]*class="marks obs-chart-svg".*?</svg>', re.S)
MAP = re.compile(r'<svg[^>]*class="obs-map-svg".*?</svg>', re.S)
LEAFLET = re.compile(r'<div class="obs-leaflet".*?</template></div>', re.S)
HEAD_SCRIPT = re.compile(r"<script\b([^>]*)>", re.S)


def gzip_kb(data: bytes) -> float:
    return len(gzip.compress(data, compresslevel=6, mtime=0)) / 1024


def page_types(dist: Path) -> dict[str, list[Path]]:
    indicators = sorted(dist.glob("indicateurs/*/index.html"))
    with_map = [p for p in indicators if "obs-map-svg" in p.read_text(encoding="utf-8")]
    return {
        "accueil": [dist / "index.html"],
        "tableau de bord thématique": sorted(dist.glob("themes/*/index.html")),
        "indicateur sans carte": [p for p in indicators if p not in with_map],
        "indicateur avec carte": with_map,
        "portrait de territoire": sorted(dist.glob("territoires/*/index.html")),
    }


def share(pattern: re.Pattern[str], texts: Iterable[str]) -> float:
    texts = list(texts)
    total = sum(len(t) for t in texts) or 1
    return 100 * sum(len(m) for t in texts for m in pattern.findall(t)) / total


def blocking_scripts(html: str) -> tuple[int, int]:
    """(blocking external scripts, inline scripts) inside <head>."""
    head = html.split("</head>", 1)[0]
    blocking = inline = 0
    for attrs in HEAD_SCRIPT.findall(head):
        if "src=" not in attrs:
            inline += 1
        elif "defer" not in attrs and "async" not in attrs and "module" not in attrs:
            blocking += 1
    return blocking, inline


def report(dist: Path) -> int:
    failures = []
    print(f"Poids des pages de {dist} (HTML avec SVG intégrés, gzip niveau 6)")
    print(
        f"{'type de page':30} {'pages':>5} {'médiane':>9} {'max':>9}  graphiques  cartes  Leaflet"
    )
    for name, pages in page_types(dist).items():
        if not pages:
            print(f"{name:30} {0:>5}")
            continue
        sizes = [gzip_kb(p.read_bytes()) for p in pages]
        texts = [p.read_text(encoding="utf-8") for p in pages]
        print(
            f"{name:30} {len(pages):>5} {statistics.median(sizes):>7.1f} Ko {max(sizes):>6.1f} Ko"
            f"  {share(CHART, texts):>9.0f} %  {share(MAP, texts):>5.0f} %  "
            f"{share(LEAFLET, texts):>6.0f} %"
        )
        if name == "indicateur sans carte" and max(sizes) > BUDGET_KB:
            worst = pages[sizes.index(max(sizes))]
            failures.append(f"{worst} : {max(sizes):.1f} Ko > budget {BUDGET_KB:.0f} Ko")
    blocking = inline = 0
    for page in sorted(dist.glob("**/index.html")):
        b, i = blocking_scripts(page.read_text(encoding="utf-8"))
        blocking += b
        inline = max(inline, i)
        if b:
            failures.append(f"{page} : {b} script(s) bloquant(s) dans <head>")
    print(f"Scripts externes bloquants dans <head> : {blocking} ; scripts en ligne : {inline}")
    for failure in failures:
        print(f"Budget dépassé : {failure}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.page_weight", description=__doc__)
    parser.add_argument("--dist", type=Path, help="site déjà construit (sinon : construit)")
    args = parser.parse_args(argv)
    if args.dist:
        return report(args.dist)
    with tempfile.TemporaryDirectory() as tmp:
        dist = Path(tmp) / "dist"
        done = subprocess.run(
            [sys.executable, "build.py", "build", "--dist", str(dist)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n")
            return 1
        return report(dist)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
