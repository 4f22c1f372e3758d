"""The plan of the site: which pages and files it has, decided from frozen values.

A *page producer* is a function ``(site: Site) -> Iterable[Page | Output]``. The
plan stage (``pages.plan.make_plan``) calls every producer of
``observatory.pipeline.PAGE_PRODUCERS`` (wiring as data: the page producers of
``pages.plan.PRODUCERS``, then the open-data files) and returns one sorted,
duplicate-free ``Plan``. Nothing here reads or writes files.

- A ``Page`` becomes a Markdown file of the mkdocs ``docs`` folder: ``render`` renders
  its jinja2 ``template`` (under ``templates/``) with ``context`` and adds the front
  matter; mkdocs-material turns it into ``<path without .md>/index.html``.
- An ``Output`` is an extra file copied verbatim into the built site at ``path``
  (downloads CSV/JSON/XLSX, feeds, DCAT, ...). Its bytes must be deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from observatory.core.config import Config
from observatory.core.model import Indicator, Project, Series, Territory, Theme
from observatory.core.opendata import OpenData


@dataclass(frozen=True)
class Chart:
    """A chart precomputed to SVG (``compute.charts``): its Vega-Lite spec for the
    interactive version, its text alternative, and ``html``, the ``<figure>`` the pages
    show (filled by the pipeline). Cached as JSON by ``compute.buildcache``."""

    id: str
    svg: str
    spec_json: str
    alt: str
    html: str = ""


@dataclass(frozen=True)
class MapOutput:
    """A choropleth (``compute.maps``): static SVG, legend, text alternative and the
    Leaflet fragment of the interactive version (empty for the other years of a map), and
    ``leaflet_year``, what the interactive map shows for this ``year`` (JSON)."""

    id: str
    svg: str
    legend: str
    alt: str
    leaflet_html: str
    leaflet_year: str = ""
    year: int = 0
    period: str = ""  # the year or the period as the source gives it (« 2012-2017 »)


@dataclass(frozen=True)
class Site:
    """Everything the page producers may use, computed by the earlier stages.

    Mappings are keyed by indicator id (``series``, ``charts``, ``narratives``) or by
    map id (``maps``: ``"<indicator>-<level>"``). ``release`` is the data release date
    shown on pages (the only date printed in the site).
    """

    project: Project
    config: Config
    release: str
    series: Mapping[str, Series] = field(default_factory=dict)
    charts: Mapping[str, Chart] = field(default_factory=dict)
    maps: Mapping[str, MapOutput] = field(default_factory=dict)
    narratives: Mapping[str, str] = field(default_factory=dict)
    open_data: OpenData = field(default_factory=OpenData)
    # by territory code: a small locator map (SVG) and the area in km² of its outline
    locators: Mapping[str, str] = field(default_factory=dict)
    areas: Mapping[str, float] = field(default_factory=dict)

    # Lookups used by many producers -------------------------------------------------
    def territory(self, code: str) -> Territory:
        for territory in self.project.territories:
            if territory.code == code:
                return territory
        raise KeyError(code)

    @property
    def names(self) -> dict[str, str]:
        return {t.code: t.name for t in self.project.territories}

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        found = [i for p in self.project.packages for i in p.indicators]
        return tuple(sorted(found, key=lambda i: i.id))

    def theme(self, theme_id: str) -> Theme | None:
        for theme in self.project.themes:
            if theme.id == theme_id:
                return theme
        return None


@dataclass(frozen=True)
class Page:
    """One generated page.

    ``path``: POSIX path of the Markdown file inside the docs folder, ending in ``.md``
    (e.g. ``indicateurs/taux-chomage.md``, published at ``indicateurs/taux-chomage/``:
    a stable URL). ``template``: file name under ``templates/`` (``""`` for a hand-written page of
    ``site_src/docs/``, listed only for the navigation). ``context``: the
    template variables (plain values; ``site`` is always added by ``render``).
    ``nav``: the navigation section titles leading to the page, ``()`` to keep the
    page out of the navigation (it is still linked from other pages and searchable).
    ``order`` sorts pages inside one navigation section. ``search`` = False keeps the
    page out of the search index. ``description`` becomes the HTML meta description.
    """

    path: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    nav: tuple[str, ...] = ()
    order: int = 0
    description: str = ""
    search: bool = True


@dataclass(frozen=True)
class Output:
    """An extra file of the site: ``path`` relative to the site root (POSIX), ``content``."""

    path: str
    content: bytes
    media_type: str = "application/octet-stream"


Producer = Callable[[Site], Iterable[Page | Output]]


@dataclass(frozen=True)
class Plan:
    pages: tuple[Page, ...]
    outputs: tuple[Output, ...]
