"""Charts: Altair specs of a series, precomputed to inline SVG with vl-convert (fr-FR).

``render_charts(jobs)`` turns each ``ChartJob`` into a ``Chart``:

- a **line** chart for a series over several years (one line per territory), or a
  **bar** chart comparing territories at the latest year (indicator ``chart: bar``, or a
  single year of data);
- suppressed values (``secret``) are never drawn as zero: a line *breaks* at a secret
  year and the alt text names it; a bar chart writes « secret statistique » instead of
  the bar;
- ``svg`` is ready to inline in a page: no XML prolog, no English ARIA text from Vega
  (every ``role``/``aria-*`` Vega adds is removed; the root carries ``role="img"`` and a
  French ``<title>``), element ids derived from the chart id (Vega numbers its clip paths
  with a counter that depends on the rendering history: renamed, so bytes are stable);
- ``spec_json`` is the Vega-Lite spec with inline data, tooltips and zoom, for the
  optional interactive version (``site_src/assets/interactive.js``). It is safe to put
  inside ``<script type="application/json">`` (``<``, ``>`` and ``&`` are escaped) and
  holds no URL.

Rendering runs in a process pool (``workers``, both cores by default) when there are
enough charts to pay for starting the Vega runtime in each process.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from observatory.compute.buildcache import code_token
from observatory.core.model import Point, Series
from observatory.core.numbers import (
    D3_FORMAT_LOCALE,
    SUPPRESSED_TEXT,
    fmt_unit,
    fmt_value,
    fmt_year,
    fmt_years,
)
from observatory.core.site import Chart

WIDTH = 440  # narrow enough that text stays readable when a phone scales the SVG down
LINE_HEIGHT = 240
BAR_ROW = 26
# Below this many charts, starting worker processes (importing Altair and starting the Vega
# runtime: about 2–3 s each) costs more than it saves.
POOL_MIN_JOBS = 16
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


# Spec -----------------------------------------------------------------------------------


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


def _bar_title(job: ChartJob, year: int | None) -> str | list[str]:
    unit = fmt_unit(job.series.indicator.unit).strip()
    return _wrap(f"Valeur en {fmt_year(year or 0)}" + (f" ({unit})" if unit else ""), 44)


def build_spec(job: ChartJob, interactive: bool = False) -> dict[str, Any]:
    """The Vega-Lite spec (a plain dict) of a job; ``interactive`` adds tooltips and zoom."""
    import altair as alt

    names = dict(job.names)
    points = _points(job)
    tooltip = [
        alt.Tooltip("serie:N", title="Territoire"),
        alt.Tooltip("annee:O", title="Année"),
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
    chart: Any
    if chart_kind(job) == "line":
        records = [_record(p, job, names) for p in points if p.status != "missing"]
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
            "color": color,
            "shape": alt.Shape("serie:N", sort=series_order, legend=None),
        }
        if interactive:
            encodings["tooltip"] = tooltip
        chart = chart.encode(**encodings).properties(width=WIDTH, height=LINE_HEIGHT)
        if interactive:
            chart = chart.add_params(alt.selection_interval(name="zoom", bind="scales"))
    elif chart_kind(job) == "columns":
        records = [_record(p, job, names) for p in points if p.status != "missing"]
        base = alt.Chart(alt.Data(values=records))  # type: ignore[no-untyped-call]
        x = alt.X("annee:O", title="Année", axis=alt.Axis(labelAngle=0, labelOverlap="greedy"))
        columns = base.mark_bar(color=PALETTE[0]).encode(
            x=x,
            y=alt.Y("valeur:Q", title=_axis_title(job)),
            **({"tooltip": tooltip} if interactive else {}),
        )
        # a suppressed year has no column: its label stands on the axis instead
        no_column = (
            base.transform_filter(alt.datum.statut != "ok")
            .mark_text(angle=270, align="left", dx=4, fontSize=12, fontStyle="italic")
            .encode(x=x, y=alt.datum(0), text="libelle:N")
        )
        chart = alt.layer(columns, no_column).properties(width=WIDTH, height=LINE_HEIGHT)
    else:
        year = _bar_year(points)
        records = [_record(p, job, names) for p in _at_year(points, year)]
        base = alt.Chart(alt.Data(values=records))  # type: ignore[no-untyped-call]
        y = alt.Y("serie:N", title=None, sort=series_order, axis=alt.Axis(labelLimit=180))
        bars = base.mark_bar().encode(
            x=alt.X(
                "valeur:Q",
                title=_bar_title(job, year),
                axis=alt.Axis(tickCount=3, labelOverlap="greedy", labelFlush=True),
            ),
            y=y,
            color=alt.Color("serie:N", sort=series_order, legend=None, scale=scale),
            **({"tooltip": tooltip} if interactive else {}),
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
        height = max(BAR_ROW * len(series_order), BAR_ROW)
        chart = alt.layer(bars, labels, no_bar).properties(width=WIDTH - 180, height=height)
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    spec["config"] = {
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
    spec["description"] = alt_text(job)
    return spec


# Alt text ---------------------------------------------------------------------------------


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
    if chart_kind(job) == "line":
        years = [p.year for p in points if p.status != "missing"]
        period = fmt_years(min(years), max(years))
        text = f"Graphique en courbes {about} pour {_join(labels)}, {period}."
        latest: list[str] = []
        for label in labels:
            known = [p for p in points if _label(p, names) == label and p.status == "ok"]
            if known:
                last = known[-1]
                value = fmt_value(last.value, indicator.unit, indicator.decimals)
                latest.append(f"{label} : {value} en {fmt_year(last.year)}")
        if latest:
            text += " Dernières valeurs connues : " + " ; ".join(latest) + "."
        if secret:
            where = ", ".join(f"{_label(p, names)} ({fmt_year(p.year)})" for p in secret)
            text += f" Valeurs couvertes par le {SUPPRESSED_TEXT}, absentes de la courbe : {where}."
    elif chart_kind(job) == "columns":
        shown = [p for p in points if p.status != "missing"]
        years = [p.year for p in shown]
        values = " ; ".join(
            f"{fmt_year(p.year)} : "
            + fmt_value(p.value, indicator.unit, indicator.decimals, p.status)
            for p in shown
        )
        period = fmt_years(min(years), max(years))
        text = f"Graphique en barres {about} pour {labels[0]}, {period} : {values}."
    else:
        year = _bar_year(points)
        shown = _at_year(points, year)
        values = " ; ".join(
            f"{_label(p, names)} : "
            + fmt_value(p.value, indicator.unit, indicator.decimals, p.status)
            for p in shown
        )
        text = f"Graphique en barres {about} en {fmt_year(year or 0)} : {values}."
    return text + " Les données détaillées figurent dans le tableau."


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


# SVG post-processing --------------------------------------------------------------------

_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_GEOMETRY = re.compile(r'\s(?:d|transform)="[^"]*"')
_LONG_DECIMAL = re.compile(r"\d+\.\d{2,}")
_ID = re.compile(r'\sid="([^"]+)"')


def clean_svg(svg: str, chart_id: str, alt: str) -> str:
    """Inline-ready SVG: no prolog, no Vega ARIA text, stable ids, a French title."""
    svg = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = _ARIA.sub("", svg)
    # a tenth of a pixel is enough: shorter path data, lighter pages
    svg = _GEOMETRY.sub(
        lambda m: _LONG_DECIMAL.sub(lambda n: f"{float(n.group(0)):.1f}", m.group(0)), svg
    )
    for n, old in enumerate(dict.fromkeys(_ID.findall(svg)), start=1):
        new = f"{chart_id}-d{n}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    title_id = f"{chart_id}-titre"
    svg = re.sub(
        r"<svg\b([^>]*?)\sclass=\"marks\"",
        rf'<svg\1 class="marks obs-chart-svg" role="img" aria-labelledby="{title_id}"',
        svg,
        count=1,
    )
    open_end = svg.index(">") + 1
    title = f'<title id="{title_id}">{html.escape(alt, quote=False)}</title>'
    return svg[:open_end] + title + svg[open_end:]


def spec_to_json(spec: Mapping[str, Any]) -> str:
    """Deterministic JSON, safe inside ``<script type="application/json">``."""
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# Rendering --------------------------------------------------------------------------------


def _to_svg(spec: dict[str, Any]) -> str:
    import vl_convert

    static = dict(spec)
    config = dict(static.get("config", {}))
    config.pop("locale", None)
    static["config"] = config
    svg: str = vl_convert.vegalite_to_svg(
        static, format_locale=D3_FORMAT_LOCALE, time_format_locale="fr-FR"
    )
    return svg


def static_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The spec without what only the interactive version uses (zoom, tooltips)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("params", "tooltip")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    result: dict[str, Any] = strip(spec)
    return result


def _render_one(job: ChartJob) -> Chart:
    alt = alt_text(job)
    spec = build_spec(job, interactive=True)
    svg = _to_svg(static_spec(spec))
    return Chart(id=job.id, svg=clean_svg(svg, job.id, alt), spec_json=spec_to_json(spec), alt=alt)


def render_charts(jobs: Sequence[ChartJob], workers: int = 2) -> tuple[Chart, ...]:
    """Render every job, in the order given, using ``workers`` processes when worth it."""
    if workers <= 1 or len(jobs) < POOL_MIN_JOBS:
        return tuple(_render_one(job) for job in jobs)
    # Never plain "fork": the Vega runtime of vl-convert runs threads that must not be
    # forked. A fork server, started clean, imports Altair once; workers fork from it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["altair", "observatory.compute.charts"])
    chunksize = max(1, len(jobs) // (workers * 4))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return tuple(pool.map(_render_one, jobs, chunksize=chunksize))


def figure_html(chart: Chart, caption: str) -> str:
    """The markup ``interactive.js`` enhances: static SVG, spec, hidden button, caption.

    Without JavaScript the figure shows the SVG; with it, a button « Afficher le
    graphique interactif » replaces the SVG with the Vega view (self-hosted bundle).
    The caption comes last: HTML allows a ``figcaption`` only as the first or the last
    child of its ``figure`` (the Nu Html Checker test holds every page to it).
    """
    return (
        f'<figure class="obs-chart" id="{chart.id}" data-obs-chart>'
        f'<div class="obs-chart-static">{chart.svg}</div>'
        f'<script type="application/json" class="obs-chart-spec">{chart.spec_json}</script>'
        '<button type="button" class="obs-interactive" hidden>'
        "Afficher le graphique interactif</button>"
        f"<figcaption>{html.escape(caption, quote=False)}</figcaption>"
        "</figure>"
    )


def cache_token() -> str:
    """Changes whenever this module, the number formatting or the libraries it renders
    with change: put it in the build-cache key of each chart so that upgrading the code
    never serves a stale chart."""
    return code_token(("compute/charts.py", "core/numbers.py"), ("vl-convert-python", "altair"))
