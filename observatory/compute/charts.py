"""Charts: the Altair specs of ``compute.chart_specs``, precomputed to inline SVG with
vl-convert (fr-FR).

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
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from observatory.compute.buildcache import code_token
from observatory.compute.chart_specs import ChartJob, alt_text, build_spec
from observatory.core.numbers import D3_FORMAT_LOCALE
from observatory.core.site import Chart

# Below this many charts, starting worker processes (importing Altair and starting the Vega
# runtime: about 2–3 s each) costs more than it saves.
POOL_MIN_JOBS = 16


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
    return code_token(
        ("compute/charts.py", "compute/chart_specs.py", "core/numbers.py"),
        ("vl-convert-python", "altair"),
    )
