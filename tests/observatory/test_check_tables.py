"""CSV reading and reporting details: capped lists, quoted cells, line endings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from observatory.check.csvread import read_table
from observatory.check.fields import check_table
from observatory.check.tables import CAP, FAST_UNIQUES, Reporter
from tests.observatory.fixtures.projects import (
    OBSERVATIONS,
    SOURCES,
    make_project,
    replace_text,
    run_check,
)


def problems(root: Path) -> list[dict[str, object]]:
    code, out, _ = run_check(root, "--format", "json")
    found: list[dict[str, object]] = json.loads(out)["problems"]
    assert code == (1 if found else 0)
    return found


def test_a_long_list_of_bad_cells_is_capped(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    rows = "".join(
        f"part_jeunes,commune,97611,{2000 + i}a,1.5,fictive,,femmes\n" for i in range(60)
    )
    with (root / OBSERVATIONS).open("a", encoding="utf-8") as handle:
        handle.write(rows)
    found = problems(root)
    assert len(found) == CAP + 1
    assert [p["row"] for p in found[:3]] == [11, 12, 13]
    assert found[CAP] == {
        "file": "datapackages/population/observations.csv",
        "resource": "observations",
        "row": 11 + CAP,
        "field": "annee",
        "value": "",
        "code": "type",
        "message": "… et 10 autres lignes avec la même erreur",
        "fix": "corrigez toutes les lignes de la même manière",
    }


def test_quoted_cells_with_line_breaks_keep_exact_line_numbers(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    replace_text(
        root,
        SOURCES,
        '"Chiffres inventés pour les tests, jamais publiés."',
        '"Chiffres inventés\npour les tests,\njamais publiés."',
    )
    with (root / SOURCES).open("a", encoding="utf-8") as handle:
        handle.write("autre,Org,Titre,https://example.org/,2020,peut-être,citation\n")
    assert [(p["row"], p["field"], p["value"]) for p in problems(root)] == [
        (5, "secondaire", "peut-être")
    ]


def test_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    for rel in (OBSERVATIONS, SOURCES):
        path = root / rel
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems(root) == []


def test_a_row_with_256_extra_cells_is_not_missed(tmp_path: Path) -> None:
    """The fast cell count works modulo 256; the exact total catches the wrap."""
    root = make_project(tmp_path)
    replace_text(
        root, OBSERVATIONS, "97611,2020,200,fictive,,", "97611,2020,200,fictive,," + "," * 256
    )
    assert [(p["row"], p["message"]) for p in problems(root)] == [
        (7, "la ligne a 264 cellules au lieu de 8 : 256 en trop après « sexe »")
    ]


def test_read_table_types_nothing_and_keeps_text() -> None:
    table, found = read_table("t.csv", "t", b"a,b\n007,1.50\n,x\n")
    assert found == []
    assert table is not None
    assert table.columns["a"].tolist() == ["007", ""]
    assert table.columns["b"].tolist() == ["1.50", "x"]
    assert table.lines.tolist() == [2, 3]
    assert np.isnan(table.number("b")[1]) and table.number("b")[0] == 1.5


def test_reporter_names_every_row_under_the_cap() -> None:
    out = Reporter("f.csv", "r")
    out.rows(np.array([3, 9]), field="x", code="c", message="m", fix="f", values={3: "a", 9: "b"})
    assert [(p.row, p.value) for p in out.problems] == [(3, "a"), (9, "b")]


def test_many_distinct_numbers_take_the_fast_path_and_stay_exact() -> None:
    values = [f"{i / 4}" for i in range(FAST_UNIQUES + 10)]
    body = "".join(f"{v},{i}\n" for i, v in enumerate(values)) + ",7\n"
    table, found = read_table("t.csv", "t", ("x,n\n" + body).encode())
    assert table is not None and found == []
    schema = {"fields": [{"name": "x", "type": "number"}, {"name": "n", "type": "integer"}]}
    assert check_table(table, schema) == []
    numbers = table.number("x")
    assert numbers[:3].tolist() == [0.0, 0.25, 0.5]
    assert np.isnan(numbers[-1])


def test_many_distinct_numbers_with_one_bad_cell() -> None:
    body = "".join(f"{i}.5\n" for i in range(FAST_UNIQUES + 10)) + "1_000\n"
    table, _ = read_table("t.csv", "t", ("x\n" + body).encode())
    assert table is not None
    problems = check_table(table, {"fields": [{"name": "x", "type": "number"}]})
    assert [(p.row, p.value) for p in problems] == [(FAST_UNIQUES + 12, "1_000")]
    assert np.isnan(table.number("x")[-1])
