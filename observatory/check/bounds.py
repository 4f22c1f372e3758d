"""Bounds implied by an indicator's unit, checked on each value of ``observations.csv``.

A count (personnes, foyers, logements…, and every additive indicator) is positive or
zero; a share (« % des ménages ») lies between 0 and 100 %. A unit that describes a
change (« % par an », growth, balance, variation) may be negative and is left alone, as
are the indicators a package declares without a unit this module understands.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import numpy as np

from observatory.check.rules import declared_indicators, theme_packages
from observatory.check.tables import Reporter
from observatory.core.problems import Problem
from observatory.source.discover import Discovery

CHANGE_WORDS = ("par an", "croissance", "évolution", "variation", "solde", "écart")


def implied_bounds(indicator: dict[str, Any]) -> tuple[float, float | None] | None:
    """(minimum, maximum or None) of the indicator's values, or None when unbounded."""
    unit = str(indicator.get("unit", "")).strip().lower()
    if not unit or any(word in unit for word in CHANGE_WORDS):
        return None
    if unit.startswith("%"):
        return (0.0, 100.0)
    return (0.0, None)


def cell_text(cells: np.ndarray, lines: np.ndarray, line: int) -> str:
    return str(cells[int(np.searchsorted(lines, line))])


def check_bounds(discovery: Discovery) -> Iterator[Problem]:
    for package, table in theme_packages(discovery):
        if "valeur" not in table.columns:
            continue
        out = Reporter(table.file, table.resource)
        indicators = {i["id"]: i for i in declared_indicators(package)}
        values = table.number("valeur")
        text = partial(cell_text, table.columns["valeur"], table.lines)
        codes, names = table.factor("indicateur")
        for index, name in enumerate(names.tolist()):
            bounds = implied_bounds(indicators.get(name, {})) if name in indicators else None
            if bounds is None:
                continue
            low, high = bounds
            unit = indicators[name].get("unit", "")
            mine = codes == index
            with np.errstate(invalid="ignore"):
                below = np.flatnonzero(mine & (values < low))
                above = (
                    np.flatnonzero(mine & (values > high))
                    if high is not None
                    else np.zeros(0, dtype=np.int64)
                )
            share = high is not None
            out.rows(
                table.lines[below],
                field="valeur",
                code="valeur-negative",
                message=f"valeur négative pour « {name} » (unité : {unit}) : "
                + (
                    "une part est comprise entre 0 et 100 %"
                    if share
                    else "un effectif est positif ou nul"
                ),
                fix="corrigez la valeur (signe ou séparateur) ou, s'il s'agit d'une évolution, "
                "déclarez un indicateur dont l'unité le dit (ex. « % par an »)",
                values=text,
            )
            out.rows(
                table.lines[above],
                field="valeur",
                code="part-hors-bornes",
                message=f"part supérieure à 100 % pour « {name} » (unité : {unit})",
                fix="une part s'écrit en pourcentage, de 0 à 100 : vérifiez la virgule "
                "décimale et le dénominateur",
                values=text,
            )
        yield from out.problems
