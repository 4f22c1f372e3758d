"""The home page: key figures (value, year, source) and the ways into the site."""

from __future__ import annotations

from collections.abc import Iterator

from observatory.pages_figures import KeyFigure, key_figure
from observatory.pages_themes import theme_cards
from observatory.plan import Output, Page, Site

DEPARTEMENT = "976"
MAX_FIGURES = 8


def key_figures(site: Site) -> tuple[KeyFigure, ...]:
    """One figure per theme (theme order), the first indicator with a département value."""
    figures: list[KeyFigure] = []
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        for ind in site.indicators:
            if ind.theme != theme.id or ind.id not in site.series:
                continue
            fig = key_figure(site, site.series[ind.id], DEPARTEMENT)
            if fig is not None:
                figures.append(fig)
                break
    return tuple(figures[:MAX_FIGURES])


def produce(site: Site) -> Iterator[Page | Output]:
    yield Page(
        path="index.md",
        title="Accueil",
        template="home.md.j2",
        context={"figures": key_figures(site), "themes": theme_cards(site)},
        nav=("",),
        order=0,
        description="Chiffres publics et sourcés sur la situation sociale et médico-sociale "
        "de Mayotte, par commune, EPCI et département.",
    )
