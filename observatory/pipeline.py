"""The build pipeline, stage by stage, in one direction:

config -> discover -> validate (gate) -> load -> indicators -> charts / maps /
narratives -> open data -> plan -> render -> write.

Wiring is data: ``PAGE_PRODUCERS`` lists the producers of the plan (the pages of
``pages.plan.PRODUCERS``, then the open-data files) and ``Renderers`` the chart, map and summary
functions (tests pass light stand-ins). A rebuild whose inputs have the same content
hash as the last successful build does nothing; charts and maps are cached one by one.
"""

from __future__ import annotations

import importlib
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from observatory.compute import buildcache, locator
from observatory.compute import maps as map_rules
from observatory.compute.indicators import compute_series
from observatory.compute.opendata import open_data
from observatory.core.config import Config
from observatory.core.model import DEPARTEMENT, Level, Project, Series
from observatory.core.problems import Problem
from observatory.core.site import Chart, MapOutput, Producer, Site
from observatory.core.urls import TERRITORIES, VENDOR, indicator_path, public_url, url_of
from observatory.pages import about as pages_about
from observatory.pages.plan import PRODUCERS, make_plan
from observatory.publish import opendata
from observatory.publish.render import make_environment, nav_tree, render_plan
from observatory.publish.write import write_site

PAGE_PRODUCERS: tuple[Producer, ...] = (*PRODUCERS, opendata.produce)


@dataclass(frozen=True)
class Renderers:
    """The chart, map and summary stages (``compute.charts``, ``maps``, ``narratives``)."""

    charts: Callable[[Sequence[Any]], Sequence[Chart]]
    chart_job: Callable[..., Any]
    figure_html: Callable[[Any, str], str]
    choropleth: Callable[..., MapOutput]
    summarize: Callable[[Series, str, Mapping[str, str]], str]
    # part of every chart/map cache key: changes with the rendering code and libraries
    cache_token: str = ""


def default_renderers() -> Renderers:
    charts = importlib.import_module("observatory.compute.charts")
    specs = importlib.import_module("observatory.compute.chart_specs")
    maps = importlib.import_module("observatory.compute.maps")
    narratives = importlib.import_module("observatory.compute.narratives")
    return Renderers(
        charts=lambda jobs: charts.render_charts(jobs, workers=2),
        chart_job=specs.ChartJob,
        figure_html=charts.figure_html,
        choropleth=maps.choropleth,
        summarize=narratives.summarize,
        cache_token=charts.cache_token() + maps.cache_token(),
    )


def resolve_release(config: Config, project: Project | None = None) -> str:
    """The data release date printed on pages: setting, then project, then today."""
    if config.release:
        return config.release
    if project is not None and project.release:
        return project.release
    return date.today().isoformat()


def chart_codes(series: Series) -> tuple[str, ...]:
    """Territories drawn: the département and the EPCI when the series has them, else
    the communes. For a count summed from communes, the département is the sum of its
    EPCI and would dwarf them on one axis: the EPCI alone are drawn (the table and the
    text give the département)."""
    levels: dict[Level, list[str]] = {"departement": [], "epci": [], "commune": []}
    for p in series.points:
        if p.code not in levels[p.level]:
            levels[p.level].append(p.code)
    additive = series.indicator.aggregation == "sum" and len(levels["epci"]) > 1
    upper = levels["epci"] if additive else levels["departement"] + levels["epci"]
    return tuple(upper if len(upper) > 1 else levels["commune"] or upper)


def make_charts(
    config: Config, project: Project, series: Mapping[str, Series], r: Renderers
) -> dict[str, Chart]:
    names = tuple(sorted((t.code, t.name) for t in project.territories))
    memo = buildcache.Memo(config, "charts")
    jobs = {
        sid: r.chart_job(
            id=f"graphique-{sid}",
            series=s,
            codes=chart_codes(s),
            title=s.indicator.title,
            names=names,
        )
        for sid, s in series.items()
        if s.points
    }
    keys = {sid: buildcache.key_of("chart", r.cache_token, job) for sid, job in jobs.items()}
    out: dict[str, Chart] = {}
    missing = []
    for sid in sorted(jobs):
        hit = memo.get(keys[sid])
        if hit is not None:
            out[sid] = Chart(**hit)
        else:
            missing.append(sid)
    for sid, chart in zip(missing, r.charts([jobs[s] for s in missing]), strict=True):
        html = r.figure_html(chart, chart.alt)
        cached = replace(chart, html=html)
        memo.put(keys[sid], asdict(cached))
        out[sid] = cached
    return out


POOL_MIN_MAPS = 4  # below this, a process pool costs more than it saves


def _draw_map(
    task: tuple[Callable[..., MapOutput], tuple[Any, ...], dict[str, Any]],
) -> dict[str, str]:
    draw, args, options = task
    m = draw(*args, **options)
    return {k: v for k, v in asdict(m).items() if k != "year"}


def _map_output(fields: dict[str, str], year: int) -> MapOutput:
    f = fields
    return MapOutput(
        f["id"], f["svg"], f["legend"], f["alt"], f["leaflet_html"], f["leaflet_year"], year,
        f.get("period", ""),
    )  # fmt: skip


Task = tuple[str, str, int, tuple[Callable[..., MapOutput], tuple[Any, ...], dict[str, Any]]]


def map_years(s: Series, level: Level, codes: Sequence[str]) -> list[int]:
    """The default year first (``compute.maps.map_year``), then every other year that makes
    a truthful map, most recent first (selectable on the indicator page)."""
    default = map_rules.map_year(s, level, codes)
    if default is None or not map_rules.can_draw(s, level, default, codes):
        return []
    years = {p.year for p in s.points if p.level == level and not p.dimensions} - {default}
    others = [y for y in sorted(years, reverse=True) if map_rules.can_draw(s, level, y, codes)]
    return [default, *others]


def make_maps(
    config: Config, project: Project, series: Mapping[str, Series], r: Renderers
) -> dict[str, MapOutput]:
    """One map per indicator at the finest mapped level (communes, else EPCI), for the
    most recent year with full coverage (``compute.maps.map_year``) — none when too few distinct
    values would make a misleading map — keyed ``<indicator>-<level>``, and one per other
    drawable year keyed ``<indicator>-<level>@<year>``; cached one by one, drawn on both cores
    when there are several to draw."""
    geo = dict(project.geojson)
    memo = buildcache.Memo(config, "maps")
    out: dict[str, MapOutput] = {}
    todo: list[Task] = []
    basemap = (
        {"basemap": config.basemap, "basemap_attribution": config.basemap_attribution}
        if config.basemap
        else {}
    )
    codes = {lv: [t.code for t in project.territories if t.level == lv] for lv in geo}
    organisations = {
        i.id: {src.id: src.organisation for src in package.sources}
        for package in project.packages
        for i in package.indicators
    }
    for sid in sorted(series):
        s = series[sid]
        for level in ("commune", "epci"):
            if level not in geo or map_rules.map_year(s, level, codes[level]) is None:
                continue
            for n, year in enumerate(map_years(s, level, codes[level])):
                key_id = f"{sid}-{level}" if n == 0 else f"{sid}-{level}@{year}"
                map_id = f"{sid}-{level}" if n == 0 else f"{sid}-{level}-{year}"
                up = "../" * indicator_path(sid).count("/") + "../"
                assets, portraits = up + VENDOR, up + url_of(TERRITORIES)
                used = sorted(
                    {
                        organisations.get(sid, {}).get(p.source, "")
                        for p in s.points
                        if p.level == level and p.year == year and p.source
                    }
                    - {""}
                )
                options: dict[str, Any] = {
                    "assets_url": assets,
                    "portrait_url": portraits,
                    "source": ", ".join(used),
                    "interactive": n == 0,  # one interactive map follows every year
                }
                key = buildcache.key_of(
                    "map", r.cache_token, s, level, year, geo[level], map_id, options, basemap
                )
                hit = memo.get(key)
                if hit is None:
                    args = (s, level, year, geo[level], map_id)
                    todo.append((key_id, key, year, (r.choropleth, args, {**options, **basemap})))
                else:
                    out[key_id] = _map_output(hit, year)
            break
    if len(todo) >= POOL_MIN_MAPS:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            drawn = list(pool.map(_draw_map, [t for _, _, _, t in todo], chunksize=4))
    else:
        drawn = [_draw_map(t) for _, _, _, t in todo]
    for (key_id, key, year, _), fields in zip(todo, drawn, strict=True):
        memo.put(key, fields)
        out[key_id] = _map_output(fields, year)
    return dict(sorted(out.items()))


def build_project(
    project: Project,
    config: Config,
    producers: Sequence[Producer] = PAGE_PRODUCERS,
    renderers: Renderers | None = None,
) -> list[Problem]:
    """Every stage after the gate, from a loaded project to ``dist/``."""
    r = renderers or default_renderers()
    release = resolve_release(config, project)
    series = compute_series(project)
    names = {t.code: t.name for t in project.territories}
    site = Site(
        project=project,
        config=config,
        release=release,
        series=series,
        charts=make_charts(config, project, series, r),
        maps=make_maps(config, project, series, r),
        narratives={sid: r.summarize(s, DEPARTEMENT, names) for sid, s in series.items()},
    )
    members = {t.code: t.communes for t in project.territories if t.level != "commune"}
    locator_svgs, areas = locator.locators(dict(project.geojson), members, names)
    site = replace(site, locators=locator_svgs, areas=areas)
    site = replace(site, open_data=open_data(project, release))
    plan, problems = make_plan(site, producers)
    if problems:
        return problems
    plan = opendata.with_sitemap(plan, pages_about.HAND_WRITTEN, public_url(site.config))
    rendered = render_plan(plan, site, make_environment())
    nav = nav_tree((*plan.pages, *pages_about.HAND_WRITTEN))
    return write_site(config, rendered, plan.outputs, nav, release)


def load(config: Config) -> Project:
    module = importlib.import_module("observatory.source.load")
    project: Project = module.load_project(config)
    return project


def gate(config: Config) -> list[Problem]:
    from observatory.check.validate import check

    return check(config)


def build(
    config: Config,
    renderers: Renderers | None = None,
    loader: Callable[[Config], Project] = load,
    checker: Callable[[Config], list[Problem]] = gate,
) -> list[Problem]:
    """``python build.py build``: nothing to do when the inputs' content hash matches
    the last successful build; else the gate (a build with problems stops with the
    report of ``check``), then every stage."""
    release = resolve_release(config)
    print_ = buildcache.fingerprint(config, release)
    if buildcache.is_fresh(config, print_):
        return []
    problems = checker(config)
    if problems:
        return problems
    problems = build_project(loader(config), config, renderers=renderers)
    if problems:
        buildcache.forget(config)
    else:
        buildcache.record(config, print_)
    return problems
