"""Benchmark of the open-data stage and of study shortcodes (synthetic figures, never shipped).

Run: ``.venv/bin/python -m bench.opendata_publish [--rows 2000] [--scale 10]``

Measures, in one run and on the same machine, as ratios against a baseline:
- ``opendata.produce`` (package copies, zip, DCAT Turtle + JSON-LD, manifest) on one
  package of ``--rows`` observations, then on one of ``--rows × --scale``: the ratio
  shows how the stage scales with the data (linear is ``≈ scale``);
- the release-notes comparison of two manifests of each size;
- a study body with 100 ``chiffre()`` shortcodes against one with 1.

Values are synthetic (generated here), on the real codes of the 17 communes.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from observatory.compute.opendata import compare, for_site, make_manifest
from observatory.core.model import Observation, Study
from observatory.core.site import Site
from observatory.publish.opendata import produce
from observatory.studies.context import Context
from observatory.studies.shortcodes import expand, values_from_project
from tests.observatory.opendata_fixture import fixture_site, with_files
from tests.observatory.test_pipeline_project import COMMUNES


def timed(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def site_with_rows(root: Path, rows: int) -> Site:
    site = fixture_site(root)
    indicator = site.project.packages[0].indicators[0].id
    obs = [
        Observation(indicator, "commune", COMMUNES[i % 17][0], 1900 + i // 17, float(i), "src")
        for i in range(rows)
    ]
    project = with_files(dataclasses.replace(site.project, observations=tuple(obs)))
    return dataclasses.replace(site, project=project)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = site_with_rows(Path(tmp) / "small", args.rows)
        large = site_with_rows(Path(tmp) / "large", args.rows * args.scale)
        t_small = timed(lambda: list(produce(for_site(small))))
        t_large = timed(lambda: list(produce(for_site(large))))
        print(f"produce, {args.rows} lignes : {t_small * 1000:.0f} ms")
        print(
            f"produce, {args.rows * args.scale} lignes : {t_large * 1000:.0f} ms "
            f"(rapport {t_large / t_small:.1f} pour ×{args.scale} données)"
        )
        m_small = make_manifest(small.project, small.release, None)
        m_large = make_manifest(large.project, large.release, None)
        c_small = timed(lambda: compare(m_small, m_small))
        c_large = timed(lambda: compare(m_large, m_large))
        print(f"notes de version : rapport {c_large / c_small:.1f} pour ×{args.scale} données")
        values = values_from_project(small.project)
        indicator = small.project.packages[0].indicators[0].id
        call = f'{{{{ chiffre("{indicator}", "97601", 1900) }}}}\n'
        study = Study(
            "b",
            small.project.root / "studies" / "b",
            "b",
            ("a",),
            "p",
            "2026-01-01",
            ("insertion",),
            "s",
            "x",
            "",
        )
        one = dataclasses.replace(study, body=call)
        hundred = dataclasses.replace(study, body=call * 100)
        ctx = Context(small.project, values, one)
        t_one = timed(lambda: expand(one, ctx), repeat=20)
        t_hundred = timed(lambda: expand(hundred, ctx), repeat=20)
        print(f"raccourcis : 100 chiffres / 1 chiffre = {t_hundred / t_one:.1f}")


if __name__ == "__main__":
    main()
