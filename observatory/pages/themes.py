"""One dashboard per theme (key figure, summary and chart of each indicator; the data
still wanted), and the list of themes. A theme appears once it has an indicator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from observatory.core.model import DEPARTEMENT, Indicator, Theme
from observatory.core.site import Chart, Output, Page, Site
from observatory.core.urls import THEMES, indicator_path, theme_path
from observatory.pages.figures import KeyFigure, key_figure


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
    summary: str
    chart: Chart | None


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
        yield Page(
            path=theme_path(theme.id),
            title=theme.title,
            template="theme.md.j2",
            context={
                "theme": theme,
                "cards": tuple(
                    IndicatorCard(
                        id=i.id,
                        title=i.title,
                        path=indicator_path(i.id),
                        figure=key_figure(site, site.series[i.id], DEPARTEMENT),
                        summary=site.narratives.get(i.id, ""),
                        chart=site.charts.get(i.id),
                    )
                    for i in available
                ),
                "desired": tuple(desired),
            },
            nav=("Thèmes",),
            order=theme.order,
            description=theme.description,
        )
