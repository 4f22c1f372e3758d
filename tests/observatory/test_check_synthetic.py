"""The bench's synthetic national-scale generator, at a tiny scale: the validator takes
its territory codes from the project's own reference (not Mayotte's)."""

from __future__ import annotations

from pathlib import Path

from bench.synthetic import write_project
from observatory.check.validate import check
from observatory.core.config import load_config

OBSERVATIONS = "datapackages/synthetique/observations.csv"


def test_synthetic_project_is_valid(tmp_path: Path) -> None:
    rows = write_project(tmp_path / "p", rows=3000, communes=800)
    assert rows >= 3000
    config = load_config(root=str(tmp_path / "p"), cache=str(tmp_path / "cache"))
    assert check(config) == []


def test_synthetic_sum_mismatch_and_unknown_code(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_project(root, rows=3000, communes=800)
    path = root / OBSERVATIONS
    lines = path.read_text(encoding="utf-8").split("\n")
    epci = next(i for i, line in enumerate(lines) if ",epci," in line)
    commune = max(i for i, line in enumerate(lines) if ",commune," in line)  # another EPCI
    fields = lines[epci].split(",")
    fields[4] = str(int(fields[4]) + 7)
    lines[epci] = ",".join(fields)
    cells = lines[commune].split(",")
    cells[2] = "01999"
    lines[commune] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    problems = check(load_config(root=str(root), cache=str(tmp_path / "cache")))
    assert [(p.row, p.code, p.value) for p in problems] == [
        (epci + 1, "somme-communes", fields[4]),
        (commune + 1, "code-inconnu", "01999"),
    ]
    assert problems[0].message.endswith(", écart 7")
