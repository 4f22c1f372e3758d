# ruff: noqa: E501
"""The period of a value as the source gives it: the optional column ``periode`` of
observations.csv, checked (exact French messages) and shown as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.core.numbers import fmt_period, period_year
from tests.observatory.fixtures.projects import (
    OBSERVATIONS,
    POPULATION,
    edit_json,
    make_project,
    run_check,
)

PERIOD_FIELD = {
    "name": "periode",
    "type": "string",
    "title": "Période",
    "description": "Période de la valeur quand ce n'est pas l'année civile.",
}


def with_periods(tmp_path: Path, period: str, year: str = "2020") -> Path:
    """The minimal project with a ``periode`` column, ``period`` on one row."""
    root = make_project(tmp_path)

    def add_field(data: dict[str, object]) -> None:
        fields = data["resources"][0]["schema"]["fields"]  # type: ignore[index]
        fields.insert(4, PERIOD_FIELD)

    edit_json(root, POPULATION, add_field)
    path = root / OBSERVATIONS
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        cells = line.split(",")
        cells.insert(4, "periode" if i == 0 else "")
        if i == 8:  # part_jeunes,commune,97601,2020,44.0 (hommes)
            cells[3], cells[4] = year, period
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return root


def test_a_declared_period_is_valid(tmp_path: Path) -> None:
    code, out, err = run_check(with_periods(tmp_path, "2015-2020"))
    assert (out, err, code) == ("Aucun problème : toutes les données sont valides.\n", "", 0)


def test_a_package_without_the_column_stays_valid(tmp_path: Path) -> None:
    code, out, _ = run_check(make_project(tmp_path))
    assert (out, code) == ("Aucun problème : toutes les données sont valides.\n", 0)


def test_a_malformed_period_is_refused(tmp_path: Path) -> None:
    code, out, err = run_check(with_periods(tmp_path, "2020-T5"))
    assert (out, err, code) == (
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 9 › champ « periode » : période mal écrite (valeur : « 2020-T5 »)
    → écrivez une période pluriannuelle AAAA-AAAA (ex. 2012-2017), un trimestre AAAA-T1 à AAAA-T4 (ex. 2024-T1), un mois AAAA-MM (ex. 2025-02) ou une date AAAA-MM-JJ (ex. 2023-01-01), ou laissez la cellule vide quand la valeur porte sur l'année civile de la colonne annee

1 problème trouvé.
""",
        "",
        1,
    )


def test_a_period_with_a_superscript_digit_is_a_precise_problem(tmp_path: Path) -> None:
    """« 2015-202² » was an internal error of the validator (``int`` refused what
    ``str.isdigit`` let through): now the cell, its value and the fix."""
    code, out, err = run_check(with_periods(tmp_path, "2015-202²"))
    assert (out.splitlines()[0], err, code) == (
        "datapackages/population/observations.csv › ressource « observations » › ligne 9 › "
        "champ « periode » : période mal écrite (valeur : « 2015-202² »)",
        "",
        1,
    )


def test_a_period_filed_under_another_year_is_refused(tmp_path: Path) -> None:
    code, out, err = run_check(with_periods(tmp_path, "2012-2017", year="2016"))
    assert (out, err, code) == (
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 9 › champ « annee » : l'année ne correspond pas à la période « 2012-2017 » : une valeur est rangée à la dernière année de sa période (valeur : « 2016 »)
    → écrivez 2017 dans la colonne annee, ou corrigez la période

1 problème trouvé.
""",
        "",
        1,
    )


@pytest.mark.parametrize(
    ("code", "year", "shown"),
    [
        ("2012-2017", 2017, "2012-2017"),
        ("2024-T1", 2024, "1er trimestre 2024"),
        ("2022-T3", 2022, "3e trimestre 2022"),
        ("2025-02", 2025, "février 2025"),
        ("2023-01-01", 2023, "1er janvier 2023"),
        ("2022-10-31", 2022, "31 octobre 2022"),
    ],
)
def test_periods_read_as_the_source_gives_them(code: str, year: int, shown: str) -> None:
    assert period_year(code) == year
    assert fmt_period(code, year) == shown


@pytest.mark.parametrize(
    "code",
    [
        "2017-2012",
        "2012-17",
        "2024-T5",
        "2023-02-30",
        "2024-13",
        "2024",
        "2012-201²",  # str.isdigit takes it, int refuses it
        "²012-2017",
        "2024-0²",
        "２０１２-２０１７",  # fullwidth: int takes it, the site would print it as written
        "٢٠١٢-٢٠١٧",
        "2023-０1-01",
    ],
)
def test_malformed_periods_have_no_year(code: str) -> None:
    assert period_year(code) is None
    assert fmt_period(code, 2017) == "2017"
