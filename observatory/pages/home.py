"""The home page: key figures (value, year, source) and the ways into the site."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.core.model import DEPARTEMENT
from observatory.core.site import Output, Page, Site
from observatory.core.urls import HOME
from observatory.pages.figures import KeyFigure, key_figure
from observatory.pages.themes import theme_cards

MAX_FIGURES = 8


def key_figures(site: Site) -> tuple[KeyFigure, ...]:
    """One figure per theme (theme order): the département's latest value of the theme's
    richest series (most points, then first by id) that has one."""
    figures: list[KeyFigure] = []
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        candidates = sorted(
            (
                site.series[i.id]
                for i in site.indicators
                if i.theme == theme.id and i.id in site.series
            ),
            key=lambda s: (-len(s.points), s.indicator.id),
        )
        for series in candidates:
            fig = key_figure(site, series, DEPARTEMENT)
            if fig is not None and fig.value != "secret statistique":
                figures.append(fig)
                break
    return tuple(figures[:MAX_FIGURES])


def produce(site: Site) -> Iterator[Page | Output]:
    yield Page(
        path=HOME,
        title="Accueil",
        template="home.md.j2",
        context={"figures": key_figures(site), "themes": theme_cards(site)},
        nav=("",),
        order=0,
        description="Chiffres publics et sourcés sur la situation sociale et médico-sociale "
        "de Mayotte, par commune, EPCI et département.",
    )
