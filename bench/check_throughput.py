"""Throughput of ``build.py check`` against plain ``frictionless validate``, same files.

    python -m bench.check_throughput --rows 5000000

Generates a synthetic national-scale project (about 35 000 communes × years × indicators,
see ``bench/synthetic.py``) in a temporary folder, then times, in the same run:

1. ``build.py check`` cold (empty cache): every rule on every package;
2. ``build.py check`` warm: unchanged inputs, served from the content-hash cache;
3. ``frictionless validate`` on the synthetic package (the baseline).

Prints a table (seconds, rows/s, ratio to the baseline) and writes the figures to
``bench/out/check_throughput.json``. Timings are measured, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import write_project

REPOSITORY = Path(__file__).resolve().parents[1]
OUT = REPOSITORY / "bench" / "out"


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    return elapsed, done.returncode, (done.stdout + done.stderr)[-2000:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=500_000, help="observation rows (minimum)")
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--skip-frictionless", action="store_true", help="no baseline")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        root = Path(tmp) / "projet"
        start = time.perf_counter()
        rows = write_project(root, args.rows, communes=args.communes)
        generated = time.perf_counter() - start
        size = (root / "datapackages/synthetique/observations.csv").stat().st_size
        print(f"Projet synthétique : {rows} lignes ({size / 1e6:.0f} Mo) en {generated:.1f} s")
        check = [
            sys.executable,
            str(REPOSITORY / "build.py"),
            "check",
            "--root",
            str(root),
            "--cache",
            str(Path(tmp) / "cache"),
        ]
        results: dict[str, dict[str, float | int | str]] = {}
        for name, command in (("check à froid", check), ("check en cache", check)):
            seconds, code, output = timed(command, REPOSITORY)
            results[name] = {"seconds": seconds, "exit": code}
            if code != 0:
                print(output)
        if not args.skip_frictionless:
            baseline = [
                sys.executable,
                "-m",
                "frictionless",
                "validate",
                str(root / "datapackages/synthetique/datapackage.json"),
            ]
            seconds, code, output = timed(baseline, root)
            results["frictionless validate"] = {"seconds": seconds, "exit": code}
            if code != 0:
                print(output)

    reference = results.get("frictionless validate", {}).get("seconds")
    print(f"\n{'mesure':<24}{'secondes':>10}{'lignes/s':>14}{'× frictionless':>16}{'code':>6}")
    for name, item in results.items():
        seconds = float(item["seconds"])
        item["rows_per_second"] = rows / seconds
        ratio = float(reference) / seconds if reference else float("nan")
        item["speedup_vs_frictionless"] = ratio
        print(f"{name:<24}{seconds:>10.2f}{rows / seconds:>14,.0f}{ratio:>16.1f}{item['exit']:>6}")
    OUT.mkdir(parents=True, exist_ok=True)
    report = {
        "rows": rows,
        "communes": args.communes,
        "csv_bytes": size,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "results": results,
    }
    path = OUT / "check_throughput.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nRésultats : {path.relative_to(REPOSITORY)}")
    failed = [n for n, item in results.items() if item["exit"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
