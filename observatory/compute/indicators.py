"""Indicators stage: observations -> one ``Series`` per indicator.

1. **Aggregation** commune -> EPCI -> département where the indicator declares it:
   ``sum`` (an EPCI is the sum of its communes) or ``ratio_of_sums`` (the numerator and
   the denominator are indicators of the project, summed then divided). An aggregate is
   computed only when every member has a value and no published figure exists at that
   level (a published figure always wins). Computed points carry ``computed=True``.
2. **Statistical secrecy** (``secrecy_threshold``):
   - primary suppression: a value ``v`` with ``0 < v < threshold`` is hidden;
   - secondary suppression: for an additive indicator every relation
     ``parent = sum(children)`` (EPCI = its communes, département = its EPCI) must hide
     either nothing or at least two cells, otherwise the hidden cell is the difference
     of the shown ones (subtraction attack, e.g. the 2-commune EPCI of Petite-Terre).
     The smallest shown child is hidden (ties: by code), else the parent, until no
     relation has exactly one hidden cell.
   A hidden point has ``status="secret"`` and ``value=None``: never shown, never zero.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace

from observatory.core.labels import SECRET_NOTE
from observatory.core.model import (
    LEVEL_ORDER,
    LEVELS,
    Indicator,
    Level,
    Observation,
    Point,
    Project,
    Series,
    Territory,
)

Dims = tuple[tuple[str, str], ...]
CellKey = tuple[str, int, Dims]  # (code, year, dimensions)


def point_sort_key(point: Point) -> tuple[int, str, int, Dims]:
    return (LEVEL_ORDER[point.level], point.code, point.year, point.dimensions)


Relation = tuple[str, Level, tuple[str, ...]]  # (aggregate code, its level, member codes)


def relations(territories: Iterable[Territory]) -> tuple[Relation, ...]:
    """Every additive relation, in the order aggregates are computed: each EPCI from its
    communes, then the département from its EPCI, then from its communes."""
    terr = tuple(territories)
    by_epci: dict[str, list[str]] = defaultdict(list)
    for t in terr:
        if t.level == "commune" and t.epci:
            by_epci[t.epci].append(t.code)
    found: list[Relation] = []
    for t in sorted(terr, key=lambda t: t.code):
        if t.level == "epci":
            found.append((t.code, "epci", tuple(sorted(t.communes or by_epci.get(t.code, ())))))
    for t in sorted(terr, key=lambda t: t.code):
        if t.level == "departement":
            epcis = tuple(sorted(e.code for e in terr if e.level == "epci"))
            communes = tuple(sorted(c.code for c in terr if c.level == "commune"))
            found.extend([(t.code, "departement", epcis), (t.code, "departement", communes)])
    return tuple((code, level, kids) for code, level, kids in found if kids)


def _observed(observations: Iterable[Observation]) -> dict[CellKey, Point]:
    cells: dict[CellKey, Point] = {}
    for obs in observations:
        status = "ok"
        if obs.value is None:
            status = "secret" if "secret" in obs.note.lower() else "missing"
        cells[(obs.code, obs.year, obs.dimensions)] = Point(
            code=obs.code,
            level=obs.level,
            year=obs.year,
            value=obs.value,
            status=status,  # type: ignore[arg-type]
            source=obs.source,
            note=obs.note,
            dimensions=obs.dimensions,
            period=obs.period,
        )
    return cells


def _sum_up(
    cells: dict[CellKey, Point], rels: tuple[Relation, ...], levels: tuple[Level, ...]
) -> None:
    """Add missing aggregate cells as sums of their members (in place)."""
    periods = sorted({(year, dims) for (_, year, dims) in cells})
    for code, level, children in rels:
        if level not in levels:
            continue
        for year, dims in periods:
            if (code, year, dims) in cells:
                continue
            parts = [cells.get((child, year, dims)) for child in children]
            values = [p.value for p in parts if p is not None and p.value is not None]
            if len(values) != len(children):
                continue
            sources = sorted({p.source for p in parts if p is not None})
            declared = {p.period for p in parts if p is not None}
            cells[(code, year, dims)] = Point(
                code=code,
                level=level,
                year=year,
                value=sum(values),
                source=" ".join(sources),
                computed=True,
                dimensions=dims,
                period=declared.pop() if len(declared) == 1 else "",
            )


def _ratio_up(
    cells: dict[CellKey, Point],
    num: dict[CellKey, Point],
    den: dict[CellKey, Point],
    rels: tuple[Relation, ...],
    levels: tuple[Level, ...],
    scale: float,
) -> None:
    """Aggregate a ratio as sum(numerators) / sum(denominators) × scale (in place)."""
    _sum_up(num, rels, levels)
    _sum_up(den, rels, levels)
    for key in sorted(set(num) & set(den)):
        n, d = num[key], den[key]
        if key in cells or not (n.computed or d.computed):
            continue
        if n.value is None or d.value is None or d.value == 0:
            continue
        sources = sorted({n.source, d.source})
        cells[key] = Point(
            code=n.code,
            level=n.level,
            year=n.year,
            value=n.value / d.value * scale,
            source=" ".join(sources),
            computed=True,
            dimensions=n.dimensions,
            period=n.period if n.period == d.period else "",
        )


def _hide(point: Point) -> Point:
    return replace(point, value=None, status="secret", note=SECRET_NOTE)


def apply_secrecy(
    cells: dict[CellKey, Point],
    threshold: int | None,
    rels: tuple[Relation, ...],
    additive: bool,
) -> dict[CellKey, Point]:
    """Primary then secondary suppression; returns a new mapping."""
    out = dict(cells)
    if threshold is None:
        return out
    for key, point in cells.items():
        if point.value is not None and 0 < point.value < threshold:
            out[key] = _hide(point)
    if not additive:
        return out
    periods = sorted({(year, dims) for (_, year, dims) in out})
    changed = True
    while changed:
        changed = False
        for parent, _, children in rels:
            for year, dims in periods:
                relation = [(parent, year, dims), *((c, year, dims) for c in children)]
                if any(key not in out for key in relation):
                    continue  # an absent cell is unknown: the relation cannot be solved
                hidden = [key for key in relation if out[key].value is None]
                if len(hidden) != 1:
                    continue
                shown = [
                    key for key in relation[1:] if out[key].value is not None and key != hidden[0]
                ]
                if shown:
                    victim = min(shown, key=lambda k: (out[k].value or 0.0, k[0]))
                else:
                    victim = relation[0]
                out[victim] = _hide(out[victim])
                changed = True
    return out


def _scale(unit: str) -> float:
    unit = unit.strip().lower()
    if unit in {"%", "pourcentage", "pour cent"}:
        return 100.0
    if unit.startswith("pour 1 000") or unit.startswith("‰"):
        return 1000.0
    return 1.0


def indicator_series(
    indicator: Indicator,
    observations: Iterable[Observation],
    territories: Iterable[Territory],
    related: Mapping[str, Iterable[Observation]] | None = None,
) -> Series:
    """The series of one indicator. ``related`` holds the observations of other
    indicators by id (used by ``ratio_of_sums`` for the numerator and denominator)."""
    rels = relations(territories)
    cells = _observed(o for o in observations if o.indicator == indicator.id)
    levels = tuple(level for level in LEVELS if level in indicator.levels)
    if indicator.aggregation == "sum":
        _sum_up(cells, rels, levels)
    elif (
        indicator.aggregation == "ratio_of_sums"
        and related is not None
        and indicator.numerator in related
        and indicator.denominator in related
    ):
        num = _observed(related[indicator.numerator])
        den = _observed(related[indicator.denominator])
        _ratio_up(cells, num, den, rels, levels, _scale(indicator.unit))
    final = apply_secrecy(
        cells, indicator.secrecy_threshold, rels, additive=indicator.aggregation == "sum"
    )
    return Series(indicator=indicator, points=tuple(sorted(final.values(), key=point_sort_key)))


def compute_series(project: Project) -> dict[str, Series]:
    """One series per available indicator of the project, keyed and sorted by id."""
    by_indicator: dict[str, list[Observation]] = defaultdict(list)
    for obs in project.observations:
        by_indicator[obs.indicator].append(obs)
    indicators = sorted(
        (i for p in project.packages for i in p.indicators if i.status == "available"),
        key=lambda i: i.id,
    )
    return {
        ind.id: indicator_series(
            ind, by_indicator.get(ind.id, ()), project.territories, by_indicator
        )
        for ind in indicators
    }
