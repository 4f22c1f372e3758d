"""Compare territories: every territory for each indicator published below the
département, in one page that reads without JavaScript (one complete table per
indicator), and that ``site_src/assets/javascripts/compare.js`` narrows to the 2 to 6
territories and the indicators chosen by the reader — the choice lives in the address
(``?territoires=97611~97610&indicateurs=population_municipale``) so it can be shared."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from observatory.core.labels import LEVEL_NAMES
from observatory.core.model import LEVEL_ORDER, Series
from observatory.core.numbers import fmt_period
from observatory.core.site import Output, Page, Site
from observatory.core.urls import indicator_path
from observatory.pages.figures import note_of, numbered, period_of, point_at, shown_value

COMPARE = "territoires/comparer.md"


@dataclass(frozen=True)
class CompareRow:
    code: str
    name: str
    level: str
    value: str  # formatted, « – » when absent; its period added when not the table's
    raw: str  # the number for the chart, "" when absent or secret
    mark: int = 0  # the number of its observation note in ``CompareTable.notes`` (0: none)


@dataclass(frozen=True)
class CompareTable:
    id: str
    title: str
    path: str
    unit: str
    year: int
    rows: tuple[CompareRow, ...]
    when: str = ""  # the year or the period the values are for (« 2012-2017 »)
    notes: tuple[str, ...] = ()


def best_year(series: Series) -> int | None:
    """The year with the most territories below the département (the latest among equals)."""
    counts: dict[int, int] = {}
    for p in series.points:
        if p.level != "departement" and not p.dimensions and p.status != "missing":
            counts[p.year] = counts.get(p.year, 0) + 1
    eligible = {y: n for y, n in counts.items() if n >= 2}
    return max(eligible, key=lambda y: (eligible[y], y)) if eligible else None


def tables(site: Site) -> tuple[CompareTable, ...]:
    territories = sorted(site.project.territories, key=lambda t: (LEVEL_ORDER[t.level], t.code))
    out = []
    for ind in site.indicators:
        series = site.series.get(ind.id)
        year = best_year(series) if series else None
        if series is None or year is None:
            continue
        points = [point_at(series, t.code, year) for t in territories]
        periods = Counter(p.period for p in points if p is not None and p.status == "ok")
        period = periods.most_common(1)[0][0] if periods else ""
        marks, notes = numbered([note_of(p) for p in points])
        rows = []
        for t, p, mark in zip(territories, points, marks, strict=True):
            value = shown_value(p, ind) if p else "–"
            if p is not None and p.period != period:
                value += f" ({period_of(p)})"
            raw = repr(p.value) if p and p.status == "ok" and p.value is not None else ""
            rows.append(CompareRow(t.code, t.name, LEVEL_NAMES[t.level], value, raw, mark))
        path = indicator_path(ind.id)
        when = fmt_period(period, year)
        out.append(CompareTable(ind.id, ind.title, path, ind.unit, year, tuple(rows), when, notes))
    return tuple(sorted(out, key=lambda t: t.title))


def produce(site: Site) -> Iterator[Page | Output]:
    yield Page(
        path=COMPARE,
        title="Comparer des territoires",
        template="compare.md.j2",
        context={"tables": tables(site)},
        nav=("Territoires",),
        order=0,
        description="Comparer 2 à 6 territoires de Mayotte sur un ou plusieurs indicateurs.",
    )
