"""One dashboard per theme, and the list of themes. A theme appears once it has an
indicator.

A dashboard reads in a few screens: first the key figures the theme declares
(``key_indicators`` in ``observatory/profile/themes.json``, in that order), then the maps
of those indicators side by side (each with the year choice of its indicator page), then
the other indicators grouped by sub-topic in the declared order (``subtopics``, less the
key figures; the rest under « Autres indicateurs »), each a small tile in a grid: its
latest value, and for a series a small line on a time axis (``pages.sparkline``) — a
single value (``chart: figure``) is a figure card, not a one-bar chart. Each tile links to
its indicator page, which keeps the full chart, its text alternative and its data table.
Then the compact list of all the theme's indicators and the data still wanted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from observatory.core.model import DEPARTEMENT, Indicator, Theme
from observatory.core.site import MapOutput, Output, Page, Site
from observatory.core.urls import THEMES, indicator_path, theme_path
from observatory.pages.figures import KeyFigure, key_figure
from observatory.pages.indicators import map_for, other_years
from observatory.pages.sparkline import Sparkline, sparkline


@dataclass(frozen=True)
class ThemeCard:
    id: str
    title: str
    description: str
    path: str
    count: int


@dataclass(frozen=True)
class IndicatorCard:
    id: str
    title: str
    path: str
    figure: KeyFigure | None


@dataclass(frozen=True)
class Tile:
    """One indicator of a sub-topic: its latest value, and its line when it is a series."""

    figure: KeyFigure
    line: Sparkline | None


@dataclass(frozen=True)
class Subtopic:
    title: str
    tiles: tuple[Tile, ...]  # in the declared order


@dataclass(frozen=True)
class MapCard:
    id: str
    title: str
    path: str
    map: MapOutput
    years: tuple[MapOutput, ...] = ()  # the other truthful years, as on the indicator page


MAX_MAPS = 3


def card(site: Site, ind: Indicator) -> IndicatorCard:
    return IndicatorCard(
        id=ind.id,
        title=ind.title,
        path=indicator_path(ind.id),
        figure=latest_figure(site, ind),
    )


def latest_figure(site: Site, ind: Indicator) -> KeyFigure | None:
    """The département's latest value, else that of the territory published most recently."""
    series = site.series[ind.id]
    found = key_figure(site, series, DEPARTEMENT)
    if found is not None:
        return found
    codes = sorted({p.code for p in series.points if not p.dimensions})
    figures = [f for f in (key_figure(site, series, c) for c in codes) if f is not None]
    return max(figures, key=lambda f: f.year) if figures else None


def is_single_value(site: Site, ind: Indicator) -> bool:
    points = [p for p in site.series[ind.id].points if not p.dimensions]
    return ind.chart == "figure" or len(points) <= 1 or ind.id not in site.charts


def subtopics(site: Site, theme: Theme, available: list[Indicator]) -> tuple[Subtopic, ...]:
    by_id = {i.id: i for i in available}
    keys = set(theme.key_indicators)  # already at the top of the page, as key figures
    groups: list[tuple[str, list[Indicator]]] = [
        (title, [by_id[i] for i in ids if i in by_id and i not in keys])
        for title, ids in theme.subtopics
    ]
    placed = {i.id for _, members in groups for i in members} | keys
    rest = [i for i in available if i.id not in placed]
    if rest:
        groups.append(("Autres indicateurs" if theme.subtopics else "Indicateurs", rest))
    out = []
    for title, members in groups:
        tiles = tuple(t for t in (tile(site, i) for i in members) if t is not None)
        if tiles:
            out.append(Subtopic(title, tiles))
    return tuple(out)


def tile(site: Site, ind: Indicator) -> Tile | None:
    figure = latest_figure(site, ind)
    if figure is None:
        return None
    if is_single_value(site, ind):
        return Tile(figure, None)
    return Tile(figure, sparkline(site.series[ind.id], figure.code, figure.territory))


def theme_indicators(site: Site, theme: Theme) -> tuple[Indicator, ...]:
    return tuple(i for i in site.indicators if i.theme == theme.id)


def theme_cards(site: Site) -> tuple[ThemeCard, ...]:
    cards = []
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        indicators = theme_indicators(site, theme)
        if not indicators:
            continue
        available = sum(1 for i in indicators if i.id in site.series)
        cards.append(
            ThemeCard(theme.id, theme.title, theme.description, theme_path(theme.id), available)
        )
    return tuple(cards)


def produce(site: Site) -> Iterator[Page | Output]:
    cards = theme_cards(site)
    yield Page(
        path=THEMES,
        title="Tous les thèmes",
        template="themes_index.md.j2",
        context={"themes": cards},
        nav=("Thèmes",),
        order=-1,
    )
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        indicators = theme_indicators(site, theme)
        if not indicators:
            continue
        available = [i for i in indicators if i.id in site.series]
        desired = [i for i in indicators if i.id not in site.series]
        by_id = {i.id: i for i in available}
        keys = [by_id[i] for i in theme.key_indicators if i in by_id]
        key_figures = tuple(f for f in (latest_figure(site, i) for i in keys) if f is not None)
        maps = tuple(
            MapCard(
                i.id, i.title, indicator_path(i.id), found, other_years(site, site.series[i.id])
            )
            for i in (*keys, *(i for i in available if i not in keys))
            if (found := map_for(site, site.series[i.id])) is not None
        )[:MAX_MAPS]
        yield Page(
            path=theme_path(theme.id),
            title=theme.title,
            template="theme.md.j2",
            context={
                "theme": theme,
                "key_figures": key_figures,
                "maps": maps,
                "subtopics": subtopics(site, theme, available),
                "cards": tuple(card(site, i) for i in available),
                "desired": tuple(desired),
            },
            nav=("Thèmes",),
            order=theme.order,
            description=theme.description,
        )
