"""`make bench` / `python -m bench`: run every benchmark, one after the other.

Each benchmark measures its own baseline in the same run and prints ratios; figures go
to stdout and to bench/out/. Run one alone with `python -m bench.<name> --help`.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("check_throughput", ("--rows", "5000000")),
    ("check_hostile", ()),
    ("site_build", ()),
    ("page_weight", ()),
    ("decision_pages", ()),
    ("opendata_publish", ()),
    ("vault_throughput", ()),
    ("vault_scale", ()),
    ("vault_memory", ()),
    ("vault_edge", ()),
    ("vault_export", ()),
    ("vault_shares", ()),
    (
        "vault_event_loop",
        ("--latency-ms", "20", "--postgres", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    ),
)


def main() -> int:
    failed = []
    for name, args in BENCHMARKS:
        print(f"\n=== bench.{name} {' '.join(args)}", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{name}", *args], check=False)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nÉchec : {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
