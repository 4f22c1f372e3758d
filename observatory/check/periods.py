"""The optional column ``periode`` of observations.csv: the period of a value as the
source gives it (``2012-2017``, ``2024-T1``, ``2023-01-01``; empty for the calendar year).

A period must be well written, and ``annee`` must be the year it is filed under (the last
year of a span, the year of a quarter or a date), so that charts, tables and the primary
key keep working on years while the pages show the period.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from observatory.check.rules import theme_packages
from observatory.check.tables import Reporter, Table, report_cells
from observatory.core.numbers import PERIOD_FORMS, period_year
from observatory.core.problems import Problem
from observatory.source.discover import Discovery

COLUMN = "periode"


def check_periods(discovery: Discovery) -> Iterator[Problem]:
    for _, table in theme_packages(discovery):
        if COLUMN not in table.columns:
            continue
        out = Reporter(table.file, table.resource)
        _, uniques = table.factor(COLUMN)
        filed = np.array([period_year(str(u)) or 0 for u in uniques], dtype=np.int64)
        report_cells(
            table,
            out,
            COLUMN,
            np.array([u != "" for u in uniques], dtype=bool) & (filed == 0),
            "periode-format",
            "période mal écrite",
            f"écrivez {PERIOD_FORMS}, ou laissez la cellule vide quand la valeur porte "
            "sur l'année civile de la colonne annee",
        )
        if "annee" in table.columns:
            year_problems(table, out, filed)
        yield from out.problems


def year_problems(table: Table, out: Reporter, filed: np.ndarray) -> None:
    """``annee`` must be the year the period is filed under (``filed``, per distinct
    period; 0 for an empty or malformed one)."""
    codes, uniques = table.factor(COLUMN)
    years = table.number("annee")
    expected = filed[codes]
    wrong = np.flatnonzero((expected > 0) & ~np.isnan(years) & (years != expected))
    lines = table.lines[wrong].tolist()
    said = dict(zip(lines, uniques[codes[wrong]].tolist(), strict=True))
    written = dict(zip(lines, table.columns["annee"][wrong].tolist(), strict=True))
    out.rows(
        table.lines[wrong],
        field="annee",
        code="periode-annee",
        message={
            line: f"l'année ne correspond pas à la période « {period} » : une valeur est "
            "rangée à la dernière année de sa période"
            for line, period in said.items()
        },
        fix={
            line: f"écrivez {period_year(period)} dans la colonne annee, ou corrigez la période"
            for line, period in said.items()
        },
        values={line: str(year) for line, year in written.items()},
    )
