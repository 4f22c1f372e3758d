"""Vega-Lite specs of a series and their French text alternative.

``build_spec(job)`` chooses the kind of chart once (``chart_kind``: a **line** over
several years, **bars** comparing territories at one year, **columns** for one territory
over the years when the indicator declares bars) and draws it with Altair;
``alt_text(job)`` says in French what the chart shows. Rendering to SVG is in
``compute.charts``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from observatory.core.model import Point, Series
from observatory.core.numbers import (
    D3_FORMAT_LOCALE,
    SUPPRESSED_TEXT,
    fmt_period,
    fmt_unit,
    fmt_value,
    fmt_when,
    fmt_years,
    period_start,
)

WIDTH = 440  # narrow enough that text stays readable when a phone scales the SVG down
LINE_HEIGHT = 240
BAR_ROW = 26
PALETTE = (  # Okabe-Ito, distinguishable with colour-vision deficiencies
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)


@dataclass(frozen=True)
class ChartJob:
    """One chart to draw: ``codes`` are the territories shown, in this order.

    ``names`` maps territory codes to their names (legends, alt text); a code without
    a name is shown as the code.
    """

    id: str
    series: Series
    codes: tuple[str, ...]
    title: str
    names: tuple[tuple[str, str], ...] = ()


def _dims_label(point: Point) -> str:
    return ", ".join(value for _, value in point.dimensions)


def _label(point: Point, names: Mapping[str, str]) -> str:
    name = names.get(point.code, point.code)
    dims = _dims_label(point)
    return f"{name} — {dims}" if dims else name


def _points(job: ChartJob) -> list[Point]:
    order = {code: i for i, code in enumerate(job.codes)}
    chosen = [p for p in job.series.points if p.code in order]
    return sorted(chosen, key=lambda p: (order[p.code], p.dimensions, p.year))


def chart_kind(job: ChartJob) -> str:
    """``line`` for several years, ``bar`` for a comparison between territories at one
    year, ``columns`` for one territory over several years when bars are declared."""
    points = _points(job)
    years = {p.year for p in points if p.status != "missing"}
    lines = {(p.code, p.dimensions) for p in points}
    if job.series.indicator.chart == "bar" and len(lines) == 1 and len(years) > 1:
        return "columns"
    # more lines than distinguishable colours: compare the territories at one year instead
    if job.series.indicator.chart == "bar" or len(years) <= 1 or len(lines) > len(PALETTE):
        return "bar"
    return "line"


def _bar_year(points: Iterable[Point]) -> int | None:
    """The year a bar chart compares: the one with the most published values, the latest
    among ties (so territories are compared at a year where they all have a figure)."""
    points = list(points)
    counts: dict[int, int] = {}
    for p in points:
        counts[p.year] = counts.get(p.year, 0) + (p.status == "ok")
    return max(counts, key=lambda year: (counts[year], year)) if counts else None


def _at_year(points: Sequence[Point], year: int | None) -> list[Point]:
    """One point per line at ``year``; a line without a figure that year is « missing »."""
    found = {(p.code, p.dimensions): p for p in points if p.year == year}
    result = []
    for p in points:
        key = (p.code, p.dimensions)
        if key not in found:
            found[key] = Point(p.code, p.level, year or p.year, None, status="missing")
        if found[key] not in result:
            result.append(found[key])
    return result


def _record(point: Point, job: ChartJob, names: Mapping[str, str]) -> dict[str, Any]:
    indicator = job.series.indicator
    return {
        "serie": _label(point, names),
        "annee": point.year,
        "periode": fmt_period(point.period, point.year),
        "valeur": point.value if point.status == "ok" else None,
        "statut": point.status,
        "libelle": fmt_value(point.value, indicator.unit, indicator.decimals, point.status),
        "court": fmt_value(
            point.value, _short_unit(indicator.unit), indicator.decimals, point.status
        ),
    }


def _short_unit(unit: str) -> str:
    """The unit printed at the end of a bar: « % » for any rate, nothing when long."""
    unit = unit.strip()
    if unit.startswith(("%", "‰")):
        return unit[0]
    return unit if len(unit) <= 12 else ""


def _wrap(text: str, width: int = 32) -> str | list[str]:
    """Long axis titles on several lines (Vega draws a list as lines), never truncated."""
    if len(text) <= width:
        return text
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    return lines


def _axis_title(job: ChartJob) -> str | list[str]:
    unit = fmt_unit(job.series.indicator.unit).strip()
    return _wrap(unit or "Valeur")


def _when(points: Sequence[Point], year: int | None) -> str:
    """« en 2017 », or the period the compared values share (« sur la période 2012-2017 »)."""
    periods = {p.period for p in points if p.status != "missing"}
    return fmt_when(periods.pop() if len(periods) == 1 else "", year or 0)


def _bar_title(job: ChartJob, points: Sequence[Point], year: int | None) -> str | list[str]:
    unit = fmt_unit(job.series.indicator.unit).strip()
    return _wrap(f"Valeur {_when(points, year)}" + (f" ({unit})" if unit else ""), 44)


def build_spec(job: ChartJob, interactive: bool = False) -> dict[str, Any]:
    """The Vega-Lite spec (a plain dict) of a job; ``interactive`` adds tooltips and zoom."""
    import altair as alt

    names = dict(job.names)
    points = _points(job)
    tooltip = [
        alt.Tooltip("serie:N", title="Territoire"),
        alt.Tooltip("periode:N", title="Période"),
        alt.Tooltip("libelle:N", title="Valeur"),
    ]
    series_order = list(dict.fromkeys(_label(p, names) for p in points))
    scale = alt.Scale(domain=series_order, range=list(PALETTE))
    color = alt.Color(
        "serie:N",
        title="Territoire",
        sort=series_order,
        scale=scale,
        # one line needs no legend: the caption and the alt text name the territory
        legend=alt.Legend(orient="bottom", columns=1, labelLimit=WIDTH)
        if len(series_order) > 1
        else None,
    )
    style = _Style(names, series_order, tooltip if interactive else None, scale, color)
    draw = DRAWERS[chart_kind(job)]
    spec: dict[str, Any] = draw(job, points, style).to_dict(validate=False)
    spec.pop("$schema", None)
    spec["config"] = _config()
    spec["description"] = alt_text(job)
    return spec


@dataclass(frozen=True)
class _Style:
    """What every kind of chart shares: names, order and colours of the series, and the
    tooltip of the interactive version (``None`` for the static one)."""

    names: Mapping[str, str]
    order: list[str]
    tooltip: list[Any] | None
    scale: Any
    color: Any


def _line(job: ChartJob, points: list[Point], style: _Style) -> Any:
    import altair as alt

    records = [_record(p, job, style.names) for p in points if p.status != "missing"]
    years = sorted({r["annee"] for r in records})
    base = alt.Chart(alt.Data(values=records))  # type: ignore[no-untyped-call]
    chart = base.mark_line(point=alt.OverlayMarkDef(size=40, filled=True), strokeWidth=2)
    encodings: dict[str, Any] = {
        "x": alt.X(
            "annee:Q",
            title="Année",
            scale=alt.Scale(domain=[years[0], years[-1]], nice=False, zero=False),
            axis=alt.Axis(
                format="d", tickMinStep=1, values=years if len(years) <= 12 else alt.Undefined
            ),
        ),
        "y": alt.Y("valeur:Q", title=_axis_title(job)),
        "color": style.color,
        "shape": alt.Shape("serie:N", sort=style.order, legend=None),
    }
    if style.tooltip is not None:
        encodings["tooltip"] = style.tooltip
    chart = chart.encode(**encodings).properties(width=WIDTH, height=LINE_HEIGHT)
    if style.tooltip is not None:
        chart = chart.add_params(alt.selection_interval(name="zoom", bind="scales"))
    return chart


def _columns(job: ChartJob, points: list[Point], style: _Style) -> Any:
    import altair as alt

    records = [_record(p, job, style.names) for p in points if p.status != "missing"]
    base = alt.Chart(alt.Data(values=records))  # type: ignore[no-untyped-call]
    # time on a time axis: a year without a figure leaves its gap (not an ordinal axis)
    years = sorted({int(r["annee"]) for r in records}) or [0]
    span = years[-1] - years[0] + 1
    x = alt.X(
        "annee:Q",
        title="Année",
        scale=alt.Scale(domain=[years[0] - 0.5, years[-1] + 0.5], nice=False, zero=False),
        axis=alt.Axis(
            format="d",
            labelAngle=0,
            labelOverlap="greedy",
            values=years if len(years) <= 12 else alt.Undefined,
            tickMinStep=1,
        ),
    )
    size = max(4, round(WIDTH / span * 0.7))
    columns = base.mark_bar(color=PALETTE[0], size=size).encode(
        x=x,
        y=alt.Y("valeur:Q", title=_axis_title(job)),
        **({"tooltip": style.tooltip} if style.tooltip is not None else {}),
    )
    # a suppressed year has no column: its label stands on the axis instead
    no_column = (
        base.transform_filter(alt.datum.statut != "ok")
        .mark_text(angle=270, align="left", dx=4, fontSize=12, fontStyle="italic")
        .encode(x=x, y=alt.datum(0), text="libelle:N")
    )
    return alt.layer(columns, no_column).properties(width=WIDTH, height=LINE_HEIGHT)


def _bars(job: ChartJob, points: list[Point], style: _Style) -> Any:
    import altair as alt

    year = _bar_year(points)
    compared = _at_year(points, year)
    records = [_record(p, job, style.names) for p in compared]
    base = alt.Chart(alt.Data(values=records))  # type: ignore[no-untyped-call]
    y = alt.Y("serie:N", title=None, sort=style.order, axis=alt.Axis(labelLimit=180))
    bars = base.mark_bar().encode(
        x=alt.X(
            "valeur:Q",
            title=_bar_title(job, compared, year),
            axis=alt.Axis(tickCount=3, labelOverlap="greedy", labelFlush=True),
        ),
        y=y,
        color=alt.Color("serie:N", sort=style.order, legend=None, scale=style.scale),
        **({"tooltip": style.tooltip} if style.tooltip is not None else {}),
    )
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x=alt.X("valeur:Q"),
        y=y,
        text="court:N",
    )
    no_bar = (
        base.transform_filter(alt.datum.statut != "ok")
        .mark_text(align="left", dx=4, fontSize=12, fontStyle="italic")
        .encode(x=alt.datum(0), y=y, text="libelle:N")
    )
    height = max(BAR_ROW * len(style.order), BAR_ROW)
    return alt.layer(bars, labels, no_bar).properties(width=WIDTH - 180, height=height)


DRAWERS: dict[str, Callable[[ChartJob, list[Point], _Style], Any]] = {
    "line": _line,
    "columns": _columns,
    "bar": _bars,
}


def _config() -> dict[str, Any]:
    return {
        "view": {"stroke": None},
        "font": "sans-serif",
        "axis": {
            "labelFontSize": 13,
            "titleFontSize": 13,
            "labelColor": "#333",
            "titleColor": "#222",
        },
        "legend": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#222"},
        "locale": {"number": D3_FORMAT_LOCALE},
        # no English ARIA descriptions from Vega; the French description labels the chart
        "aria": False,
    }


def alt_text(job: ChartJob) -> str:
    """A French text alternative: what the chart shows, latest values, secret values."""
    indicator = job.series.indicator
    names = dict(job.names)
    points = _points(job)
    unit = fmt_unit(indicator.unit).strip()
    about = f"« {job.title} »" + (f" ({unit})" if unit else "")
    labels = list(dict.fromkeys(_label(p, names) for p in points))
    if not points:
        return f"Graphique {about} : aucune donnée disponible."
    secret = [p for p in points if p.status == "secret"]
    kind = chart_kind(job)
    if kind == "line":
        years = [p.year for p in points if p.status != "missing"]
        period = fmt_years(min(period_start(p.period, p.year) for p in points), max(years))
        text = f"Graphique en courbes {about} pour {_join(labels)}, {period}."
        latest: list[str] = []
        for label in labels:
            known = [p for p in points if _label(p, names) == label and p.status == "ok"]
            if known:
                last = known[-1]
                value = fmt_value(last.value, indicator.unit, indicator.decimals)
                latest.append(f"{label} : {value} {fmt_when(last.period, last.year)}")
        if latest:
            text += " Dernières valeurs connues : " + " ; ".join(latest) + "."
        if secret:
            where = ", ".join(
                f"{_label(p, names)} ({fmt_period(p.period, p.year)})" for p in secret
            )
            text += f" Valeurs couvertes par le {SUPPRESSED_TEXT}, absentes de la courbe : {where}."
    elif kind == "columns":
        shown = [p for p in points if p.status != "missing"]
        years = [p.year for p in shown]
        first = min(period_start(p.period, p.year) for p in shown)
        values = " ; ".join(
            f"{fmt_period(p.period, p.year)} : "
            + fmt_value(p.value, indicator.unit, indicator.decimals, p.status)
            for p in shown
        )
        period = fmt_years(first, max(years))
        text = f"Graphique en barres {about} pour {labels[0]}, {period} : {values}."
    else:
        year = _bar_year(points)
        shown = _at_year(points, year)
        values = " ; ".join(
            f"{_label(p, names)} : "
            + fmt_value(p.value, indicator.unit, indicator.decimals, p.status)
            for p in shown
        )
        text = f"Graphique en barres {about} {_when(shown, year)} : {values}."
    return text + " Les données détaillées figurent dans le tableau."


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]
