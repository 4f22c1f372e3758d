"""The small chart of a dashboard tile: one territory's values on a time axis.

A dashboard shows each series of a sub-topic as a tile (title, latest value, a small
line); the full chart, its text alternative and its data table stay on the indicator
page the tile links to. The line is drawn on a time axis: x is proportional to the year,
and two values are joined only when no year between them is expected (the series' most
common step), so a gap in the series shows as a gap in the line. The SVG is an image
with its own text alternative (first and last values, their years, the number of values).
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass

from observatory.core.model import Series
from observatory.core.numbers import fmt_as_given, fmt_when

WIDTH, HEIGHT, PAD = 200.0, 44.0, 4.0
COLOUR = "#06403c"


@dataclass(frozen=True)
class Sparkline:
    svg: str  # the image (role="img" with its aria-label)
    alt: str  # its text alternative, also said under it
    first: int
    last: int


def _step(years: list[int]) -> int:
    gaps = [b - a for a, b in itertools.pairwise(years)]
    return min(gaps) if gaps else 1


def sparkline(series: Series, code: str, territory: str) -> Sparkline | None:
    """The line of ``code``'s values without dimensions, ``None`` below two years."""
    points = sorted(
        (p for p in series.points if p.code == code and not p.dimensions and p.status == "ok"),
        key=lambda p: p.year,
    )
    values = [(p.year, float(p.value)) for p in points if p.value is not None]
    if len({y for y, _ in values}) < 2:
        return None
    ind = series.indicator
    years = [y for y, _ in values]
    low, high = min(v for _, v in values), max(v for _, v in values)
    span_x, span_y = (years[-1] - years[0]) or 1, (high - low) or 1.0

    def xy(year: int, value: float) -> tuple[float, float]:
        x = PAD + (year - years[0]) / span_x * (WIDTH - 2 * PAD)
        y = HEIGHT - PAD - (value - low) / span_y * (HEIGHT - 2 * PAD)
        return round(x, 1), round(y, 1)

    step = _step(years)
    runs: list[list[tuple[float, float]]] = [[xy(*values[0])]]
    for (y0, _), (y1, v1) in itertools.pairwise(values):
        if y1 - y0 > step:
            runs.append([])
        runs[-1].append(xy(y1, v1))
    lines = "".join(
        f'<polyline points="{" ".join(f"{x:g},{y:g}" for x, y in run)}"/>'
        for run in runs
        if len(run) > 1
    )
    dots = "".join(f'<circle cx="{x:g}" cy="{y:g}" r="2"/>' for run in runs for x, y in run)
    first, last = points[0], points[-1]
    shown = [
        f"{fmt_as_given(p.value, ind.unit, ind.decimals, p.status, p.note)} "
        f"{fmt_when(p.period, p.year)}"
        for p in (first, last)
    ]
    gaps = ", avec des années manquantes" if len(runs) > 1 else ""
    alt = f"Évolution, {territory} : {shown[0]}, {shown[1]} ({len(values)} valeurs{gaps})."
    svg = (
        f'<svg class="obs-spark" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" role="img"'
        f' aria-label="{html.escape(alt)}" focusable="false">'
        f'<g fill="none" stroke="{COLOUR}" stroke-width="1.5">{lines}</g>'
        f'<g fill="{COLOUR}">{dots}</g></svg>'
    )
    return Sparkline(svg, alt, years[0], years[-1])
