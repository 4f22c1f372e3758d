"""One printable portrait per territory (communes, EPCI, département), each indicator
compared with the territory's EPCI, the département and a reference territory the reader
chooses, and the list of territories.

The reference territory: each indicator row carries the value of every other territory of
the same level (cells hidden by default, ``refs``); ``site_src/assets/javascripts/reference.js``
shows the chosen one's column. Without JavaScript the portrait lists links to the comparison
page with this territory and each other one (``references``).

Villages and quartiers prioritaires are zonings inside a portrait (``portrait.all_zones``),
listed on the page of all territories with a link to their anchor, never territories of
their own: the reference has neither their outlines nor complete series for them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from observatory.core.labels import LEVEL_WORDS
from observatory.core.model import DEPARTEMENT, Series, Territory
from observatory.core.numbers import fmt_value
from observatory.core.site import Output, Page, Site
from observatory.core.urls import TERRITORIES, indicator_path, territory_path
from observatory.pages import portrait
from observatory.pages.compare import COMPARE
from observatory.pages.figures import (
    latest_point,
    note_of,
    numbered,
    period_of,
    point_at,
    shown_value,
    source_label,
    sources_by_id,
)


@dataclass(frozen=True)
class TerritoryLink:
    name: str
    path: str
    communes: tuple[TerritoryLink, ...] = ()


@dataclass(frozen=True)
class PortraitRow:
    title: str
    path: str
    year: int
    period: str
    here: str
    epci: str
    dept: str
    source: str
    refs: tuple[str, ...] = ()  # the value of each of ``peers(site, territory)``, same year
    note: str = ""  # the observation's note on the territory's value
    mark: int = 0  # its number in ``PortraitGroup.notes`` (0: no note)


@dataclass(frozen=True)
class Reference:
    code: str
    name: str
    query: str  # for the comparison page: this territory and the reference one


@dataclass(frozen=True)
class PortraitGroup:
    title: str
    rows: tuple[PortraitRow, ...]
    notes: tuple[str, ...] = ()  # printed below the table, numbered from 1


def link_to(t: Territory) -> TerritoryLink:
    return TerritoryLink(t.name, territory_path(t.code))


def _show(series: Series, code: str | None, year: int) -> str:
    other = point_at(series, code, year) if code else None
    if other is None:
        return "–"
    ind = series.indicator
    return fmt_value(other.value, ind.unit, ind.decimals, other.status)


def peers(site: Site, territory: Territory) -> tuple[Territory, ...]:
    """The territories a reader may choose as reference: the others of the same level."""
    return tuple(
        t
        for t in site.project.territories
        if t.level == territory.level and t.code != territory.code
    )


def references(site: Site, territory: Territory) -> tuple[Reference, ...]:
    return tuple(
        Reference(t.code, t.name, f"?territoires={territory.code}~{t.code}")
        for t in peers(site, territory)
    )


def portrait_groups(site: Site, territory: Territory) -> tuple[PortraitGroup, ...]:
    sources = sources_by_id(site)
    others = peers(site, territory)
    groups = []
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        rows = []
        for ind in site.indicators:
            if ind.theme != theme.id or ind.id not in site.series:
                continue
            series = site.series[ind.id]
            point = latest_point(series, territory.code)
            if point is None:
                continue

            rows.append(
                PortraitRow(
                    title=ind.title,
                    path=indicator_path(ind.id),
                    year=point.year,
                    period=period_of(point),
                    here=shown_value(point, ind),
                    epci=_show(series, territory.epci, point.year),
                    dept=_show(series, DEPARTEMENT, point.year),
                    source=source_label(point, sources)[0],
                    refs=tuple(_show(series, t.code, point.year) for t in others),
                    note=note_of(point),
                )
            )
        if rows:
            marks, notes = numbered([r.note for r in rows])
            marked = tuple(replace(r, mark=m) for r, m in zip(rows, marks, strict=True))
            groups.append(PortraitGroup(theme.title, marked, notes))
    return tuple(groups)


def members(site: Site, territory: Territory) -> tuple[TerritoryLink, ...]:
    if territory.level != "epci":
        return ()
    codes = set(territory.communes) or {
        t.code for t in site.project.territories if t.epci == territory.code
    }
    return tuple(link_to(t) for t in site.project.territories if t.code in codes)


def produce(site: Site) -> Iterator[Page | Output]:
    terr = site.project.territories
    by_code = {t.code: t for t in terr}
    epcis = tuple(
        TerritoryLink(
            e.name,
            territory_path(e.code),
            tuple(link_to(c) for c in terr if c.level == "commune" and c.epci == e.code),
        )
        for e in terr
        if e.level == "epci"
    )
    zones = portrait.all_zones(site)
    yield Page(
        path=TERRITORIES,
        title="Tous les territoires",
        template="territories_index.md.j2",
        context={
            "departements": tuple(link_to(t) for t in terr if t.level == "departement"),
            "epcis": epcis,
            "zones": zones,
            "names": {t.code: t.name for t in terr},
            "paths": {t.code: territory_path(t.code) for t in terr},
        },
        nav=("Territoires",),
        order=-1,
    )
    for t in terr:
        epci = by_code.get(t.epci) if t.epci else None
        kind = LEVEL_WORDS[t.level].kind
        yield Page(
            path=territory_path(t.code),
            title=t.name,
            template="territory.md.j2",
            context={
                "territory": t,
                "kind": kind,
                "epci": link_to(epci) if epci else None,
                "members": members(site, t),
                "references": references(site, t),
                "compare_path": COMPARE,
                "groups": portrait_groups(site, t),
                "essentials": portrait.essentials(site, t),
                "locator": site.locators.get(t.code, ""),
                "zones": (
                    here := portrait.noted_zones(tuple(z for z in zones if z.territory == t.code))
                )[0],
                "zone_notes": here[1],
                "context": portrait.department_context(site, t),
                "missing": portrait.missing_data(site, t),
                "computed_label": portrait.COMPUTED,
            },
            description=f"Portrait social et médico-social : {t.name} ({kind}).",
            # the département and the 5 EPCI in the navigation; communes from the list
            nav=("Territoires",) if t.level != "commune" else (),
            order=0 if t.level == "departement" else 1,
        )
