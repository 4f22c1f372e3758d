"""``build.py check`` reports every error frictionless reports on its own invalid fixtures.

The fixtures of frictionless-py (fixtures/frictionless/, MIT) are wrapped as extra
resources of the valid minimal package ``population``. frictionless validates each table
with the same schema, in process; every error it reports must be found in our report on
the same row and field (label errors are on row 1; an error frictionless gives no field,
a blank row or an extra cell, matches any field of that row), in French, with a fix.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import frictionless
import pytest

from tests.observatory.fixtures.projects import POPULATION, edit_json, make_project, run_check

FIXTURES = Path(__file__).parent / "fixtures" / "frictionless"
SCHEMAS: dict[str, dict[str, Any]] = json.loads((FIXTURES / "schemas.json").read_text())
PACKAGE = json.loads((FIXTURES / "invalid" / "datapackage.json").read_text())
# (resource name, file in fixtures/, schema)
TABLES: list[tuple[str, str, dict[str, Any]]] = [
    (name.removesuffix(".csv"), name, schema) for name, schema in sorted(SCHEMAS.items())
] + [(r["name"], f"invalid/{r['path']}", r["schema"]) for r in PACKAGE["resources"]]

Spot = tuple[int, str | None]


def frictionless_errors(tables: list[tuple[str, str, dict[str, Any]]]) -> dict[str, list[Spot]]:
    """(row, field) of every error frictionless reports, per fixture file."""
    package = frictionless.Package(
        resources=[
            frictionless.Resource(
                name=name, path=path, schema=frictionless.Schema.from_descriptor(schema)
            )
            for name, path, schema in tables
        ],
        basepath=str(FIXTURES),
    )
    report = package.validate()
    found: dict[str, list[Spot]] = {path: [] for _, path, _ in tables}
    paths = {name: path for name, path, _ in tables}
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None) or 1
            field = getattr(error, "field_name", None) or None
            found[paths[task.name]].append((row, field))
    return found


def our_problems(tmp_path: Path, tables: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    root = make_project(tmp_path)
    folder = root / "datapackages" / "population"
    for _, path, _ in tables:
        target = folder / "fixtures" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / path, target)

    def add(data: dict[str, Any]) -> None:
        for name, path, schema in tables:
            data["resources"].append({"name": name, "path": f"fixtures/{path}", "schema": schema})

    edit_json(root, POPULATION, add)
    code, out, err = run_check(root, "--format", "json")
    assert (code, err) == (1, "")
    problems: list[dict[str, Any]] = json.loads(out)["problems"]
    return problems


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[Spot]], list[Any]]:
    return frictionless_errors(TABLES), our_problems(tmp_path_factory.mktemp("parite"), TABLES)


def test_the_fixtures_are_invalid_for_frictionless(
    both: tuple[dict[str, list[Spot]], list[Any]],
) -> None:
    theirs, _ = both
    assert sum(len(v) for v in theirs.values()) >= 50
    assert all(theirs.values()), theirs


@pytest.mark.parametrize("path", [path for _, path, _ in TABLES])
def test_every_frictionless_error_is_reported(
    both: tuple[dict[str, list[Spot]], list[Any]], path: str
) -> None:
    theirs, problems = both
    rel = f"datapackages/population/fixtures/{path}"
    ours = [p for p in problems if p["file"] == rel]
    assert "erreur-interne" not in {p["code"] for p in problems}
    spots = {(p["row"], p["field"]) for p in ours}
    rows = {p["row"] for p in ours}
    missed = [
        (row, field)
        for row, field in theirs[path]
        if ((row, field) not in spots if field else row not in rows)
    ]
    assert missed == [], f"{path}: frictionless voit {theirs[path]}, nous : {sorted(spots)}"
    assert all(p["message"] and p["fix"] for p in ours)


def test_parity_counts(both: tuple[dict[str, list[Spot]], list[Any]]) -> None:
    """Every error of frictionless found (the report prints the tally when it fails)."""
    theirs, problems = both
    total = matched = 0
    for path, spots in theirs.items():
        rel = f"datapackages/population/fixtures/{path}"
        ours = {(p["row"], p["field"]) for p in problems if p["file"] == rel}
        rows = {row for row, _ in ours}
        for row, field in spots:
            total += 1
            matched += (row, field) in ours if field else row in rows
    assert (matched, total) == (total, total)
