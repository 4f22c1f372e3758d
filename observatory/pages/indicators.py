"""One page per indicator (chart, map, data table, summary, definition, sources,
comparability, how to cite, downloads) at a stable URL, and the list of indicators."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from observatory.core.labels import LEVEL_NAMES, LEVEL_WORDS, recipients_label
from observatory.core.model import DEPARTEMENT, LEVELS, Indicator, Package, Series
from observatory.core.numbers import fmt_unit, fmt_years, period_start
from observatory.core.site import MapOutput, Output, Page, Site
from observatory.core.urls import (
    INDICATORS,
    download_path,
    indicator_path,
    indicator_url,
    public_url,
    theme_path,
    url_of,
)
from observatory.pages import provenance
from observatory.pages.figures import key_figure
from observatory.pages.tables import make_table, to_csv, to_json, to_xlsx


@dataclass(frozen=True)
class IndicatorLink:
    title: str
    path: str
    latest: str
    recipients: str = ""


@dataclass(frozen=True)
class ThemeGroup:
    title: str
    indicators: tuple[IndicatorLink, ...]


def map_for(site: Site, series: Series) -> MapOutput | None:
    """The map of the finest mapped level (communes, then EPCI), if the build made one."""
    for level in ("commune", "epci"):
        found = site.maps.get(f"{series.indicator.id}-{level}")
        if found is not None:
            return found
    return None


def other_years(site: Site, series: Series) -> tuple[MapOutput, ...]:
    """The maps of the other drawable years, most recent first (selectable on the page)."""
    for level in ("commune", "epci"):
        if f"{series.indicator.id}-{level}" in site.maps:
            prefix = f"{series.indicator.id}-{level}@"
            found = [m for k, m in site.maps.items() if k.startswith(prefix)]
            return tuple(sorted(found, key=lambda m: -m.year))
    return ()


def unit_label(ind: Indicator) -> str:
    return fmt_unit(ind.unit).strip() or ind.unit or "nombre"


def citation(site: Site, ind: Indicator, organisations: list[str]) -> str:
    url = public_url(site.config) + indicator_url(ind.id)
    origin = ", ".join(organisations) if organisations else "sources citées"
    return (
        f"Observatoire social et médico-social de Mayotte, « {ind.title} », "
        f"d'après {origin}, données publiées le {site.release}, {url}"
    )


def package_of(site: Site, ind: Indicator) -> Package:
    for package in site.project.packages:
        if any(i.id == ind.id for i in package.indicators):
            return package
    raise KeyError(ind.id)


def indicator_page(site: Site, series: Series) -> Iterator[Page | Output]:
    ind = series.indicator
    package = package_of(site, ind)
    table = make_table(series, site.names, package.sources)
    downloads = {ext: download_path(ind.id, ext) for ext in ("csv", "json", "xlsx", "zip")}
    path = indicator_path(ind.id)
    permalink = public_url(site.config) + url_of(path)
    source_names = sorted({s.organisation for s in table.sources})
    about = provenance.Provenance(
        ind, package, table, unit_label(ind), site.release, citation(site, ind, source_names),
        permalink,
    )  # fmt: skip
    csv_bytes = to_csv(table)
    yield Output(downloads["csv"], csv_bytes, "text/csv")
    yield Output(downloads["json"], to_json(table), "application/json")
    yield Output(
        downloads["xlsx"],
        to_xlsx(table, site.release, provenance.about_rows(about)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    yield Output(downloads["zip"], provenance.indicator_zip(about, csv_bytes), "application/zip")
    chart = site.charts.get(ind.id)
    years = sorted({period_start(period, year) for year, period in table.columns})
    theme = site.theme(ind.theme)
    yield Page(
        path=path,
        title=ind.title,
        template="indicator.md.j2",
        context={
            "ind": ind,
            "package": package,
            "table": table,
            "level_labels": LEVEL_NAMES,
            "summary": site.narratives.get(ind.id, ""),
            "chart": chart,
            "map": map_for(site, series),
            "map_years": other_years(site, series),
            "downloads": downloads,
            "unit_label": unit_label(ind),
            "recipients": recipients_label(ind.recipients),
            "levels": ", ".join(LEVEL_WORDS[lv].plural for lv in LEVELS if lv in ind.levels),
            "period": fmt_years(years[0], table.years[-1]) if years else "aucune donnée",
            "theme_path": theme_path(ind.theme),
            "theme_title": theme.title if theme else ind.theme,
            "secret": any(p.status == "secret" for p in series.points),
            "computed": any(p.computed for p in series.points),
            "citation": about.citation,
            "permalink": permalink,
        },
        description=ind.definition[:200],
    )


def index_page(site: Site) -> Page:
    groups = []
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        links = []
        for ind in site.indicators:
            if ind.theme != theme.id or ind.id not in site.series:
                continue
            fig = key_figure(site, site.series[ind.id], DEPARTEMENT)
            latest = (
                f"{fig.territory}, {fig.period or fig.year} : {fig.value} (source : {fig.source}"
                + (", source secondaire)" if fig.secondary else ")")
                if fig
                else ""
            )
            links.append(
                IndicatorLink(
                    ind.title, indicator_path(ind.id), latest, recipients_label(ind.recipients)
                )
            )
        if links:
            groups.append(ThemeGroup(theme.title, tuple(links)))
    return Page(
        path=INDICATORS,
        title="Tous les indicateurs",
        template="indicators_index.md.j2",
        context={"groups": tuple(groups)},
        nav=("Indicateurs",),
    )


def produce(site: Site) -> Iterator[Page | Output]:
    yield index_page(site)
    for indicator_id in sorted(site.series):
        yield from indicator_page(site, site.series[indicator_id])
