"""The sections of a territory's portrait beyond the indicator tables.

- ``essentials``: the population at each census (a small bar chart and a table), and the
  figures the observatory derives from the published series — average annual growth,
  density, share of the EPCI and of Mayotte, rank among the 17 communes — each labelled
  « calculé par l'observatoire » with its formula;
- ``all_zones``: the villages and quartiers prioritaires (QPV) published inside the territory
  (a dimension of its rows, never added into its total), one zoning each with an anchor
  (``#village-…``, ``#qpv-…``) that the list of territories links to; the reference has no
  outline for them, so no map;
- ``department_context``: the key figures of each theme that exist only for Mayotte as a
  whole, labelled « à l'échelle du département »;
- ``missing_data``: the desired data that would document the territory, with its likely
  producer.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass, replace

from observatory.core.model import DEPARTEMENT, Territory
from observatory.core.numbers import fmt_number, fmt_value
from observatory.core.site import Site
from observatory.core.urls import indicator_path, slug
from observatory.pages.figures import (
    KeyFigure,
    key_figure,
    note_of,
    numbered,
    period_of,
    point_at,
    shown_value,
    source_label,
    sources_by_id,
)

POPULATION = "population_municipale"
COMPUTED = "calculé par l'observatoire"


@dataclass(frozen=True)
class Derived:
    label: str
    value: str
    formula: str


@dataclass(frozen=True)
class Essentials:
    censuses: tuple[tuple[int, str], ...]  # (year, population formatted)
    chart: str  # inline SVG bars, "" without a census
    derived: tuple[Derived, ...]
    source: str


@dataclass(frozen=True)
class ZoneRow:
    indicator: str
    path: str
    year: int
    period: str  # as the source gives it (« 2012-2017 »), like the key figures
    value: str  # at the source's precision (« plus de 90 % »)
    source: str
    note: str = ""  # the observation's note, printed below the zone's table
    mark: int = 0  # its number in ``Zone.notes`` (0: no note)


@dataclass(frozen=True)
class Zone:
    """A village or a quartier prioritaire inside a commune or an EPCI, with its figures."""

    kind: str  # « village » or « quartier prioritaire »
    name: str
    anchor: str  # its id in the portrait of ``territory``
    territory: str  # the code of the commune or EPCI it belongs to
    rows: tuple[ZoneRow, ...]


@dataclass(frozen=True)
class MissingData:
    title: str
    needed: str
    producer: str


def _population(site: Site, code: str) -> dict[int, float]:
    series = site.series.get(POPULATION)
    if series is None:
        return {}
    return {
        p.year: p.value
        for p in series.points
        if p.code == code and not p.dimensions and p.status == "ok" and p.value is not None
    }


def bars_svg(name: str, censuses: dict[int, float]) -> str:
    """A labelled bar per census; readable without JavaScript, a few hundred bytes."""
    if not censuses:
        return ""
    top = max(censuses.values())
    width, bar, gap, height = 260, 56, 24, 120
    parts = []
    for i, (year, value) in enumerate(sorted(censuses.items())):
        h = 0 if top == 0 else round(80 * value / top)
        x = 10 + i * (bar + gap)
        parts.append(
            f'<rect x="{x}" y="{100 - h}" width="{bar}" height="{h}" fill="#225ea8"/>'
            f'<text x="{x + bar / 2:.0f}" y="{95 - h}" text-anchor="middle">'
            f"{fmt_number(value, 0)}</text>"
            f'<text x="{x + bar / 2:.0f}" y="114" text-anchor="middle">{year}</text>'
        )
    values = " ; ".join(f"{y} : {fmt_number(v, 0)} habitants" for y, v in sorted(censuses.items()))
    label = html.escape(f"Population municipale de {name} aux recensements : {values}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="obs-census" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">'
        f'<g font-size="11" fill="#1a1a1a">{"".join(parts)}</g></svg>'
    )


def _percent(value: float, decimals: int = 1) -> str:
    return fmt_value(value, "%", decimals)


def essentials(site: Site, territory: Territory) -> Essentials | None:
    own = _population(site, territory.code)
    if not own:
        return None
    years = sorted(own)
    latest = years[-1]
    derived: list[Derived] = []
    for start, end in itertools.pairwise(years):
        rate = ((own[end] / own[start]) ** (1 / (end - start)) - 1) * 100
        derived.append(
            Derived(
                f"Croissance annuelle moyenne {start}-{end}",
                fmt_value(rate, "% par an", 1),
                f"(population {end} ÷ population {start})^(1/{end - start}) − 1",
            )
        )
    area = site.areas.get(territory.code)
    if area:
        derived.append(
            Derived(
                f"Densité de population en {latest}",
                fmt_value(own[latest] / area, "habitants par km²", 0),
                f"population {latest} ÷ superficie ({fmt_number(area, 1)} km², calculée sur "
                "les contours simplifiés du référentiel territorial)",
            )
        )
    for parent, what in ((territory.epci, "de l'EPCI"), (DEPARTEMENT, "de Mayotte")):
        if parent and parent != territory.code:
            total = _population(site, parent).get(latest)
            if total:
                derived.append(
                    Derived(
                        f"Part de la population {what} en {latest}",
                        _percent(own[latest] / total * 100),
                        f"population {latest} ÷ population {what} en {latest}",
                    )
                )
    if territory.level == "commune":
        communes = [t for t in site.project.territories if t.level == "commune"]
        values = [_population(site, t.code).get(latest) for t in communes]
        known = sorted((v for v in values if v is not None), reverse=True)
        if known:
            rank = 1 + sum(1 for v in known if v > own[latest])
            derived.append(
                Derived(
                    f"Rang parmi les {len(known)} communes en {latest}",
                    "1re" if rank == 1 else f"{rank}e",
                    "classement par population municipale, de la plus peuplée à la moins peuplée",
                )
            )
    series = site.series[POPULATION]
    point = point_at(series, territory.code, latest)
    source = source_label(point, sources_by_id(site))[0] if point else ""
    return Essentials(
        censuses=tuple((y, fmt_value(own[y], "habitants", 0)) for y in years),
        chart=bars_svg(territory.name, own),
        derived=tuple(derived),
        source=source,
    )


ZONE_KINDS = (("village", "village", "village"), ("quartier", "quartier prioritaire", "qpv"))


def all_zones(site: Site) -> tuple[Zone, ...]:
    """Every village and quartier prioritaire with a published figure, by territory, then
    villages before quartiers, then by name."""
    sources = sources_by_id(site)
    found: dict[tuple[str, int, str], list[ZoneRow]] = {}
    for ind in site.indicators:
        series = site.series.get(ind.id)
        for p in series.points if series is not None else ():
            dims = dict(p.dimensions)
            for order, (key, _, _) in enumerate(ZONE_KINDS):
                if dims.get(key):
                    row = ZoneRow(
                        indicator=ind.title,
                        path=indicator_path(ind.id),
                        year=p.year,
                        period=period_of(p),
                        value=shown_value(p, ind),
                        source=source_label(p, sources)[0],
                        note=note_of(p),
                    )
                    found.setdefault((p.code, order, dims[key]), []).append(row)
                    break
    return tuple(
        Zone(
            kind=ZONE_KINDS[order][1],
            name=name,
            anchor=f"{ZONE_KINDS[order][2]}-{slug(name)}",
            territory=code,
            rows=tuple(sorted(rows, key=lambda r: (r.indicator, r.year))),
        )
        for (code, order, name), rows in sorted(found.items())
    )


def noted_zones(zones: tuple[Zone, ...]) -> tuple[tuple[Zone, ...], tuple[str, ...]]:
    """The zones of one portrait's table with each row's note numbered, and the notes
    printed below that table."""
    marks, notes = numbered([r.note for z in zones for r in z.rows])
    out, start = [], 0
    for z in zones:
        mine = marks[start : start + len(z.rows)]
        start += len(z.rows)
        out.append(
            replace(z, rows=tuple(replace(r, mark=m) for r, m in zip(z.rows, mine, strict=True)))
        )
    return tuple(out), notes


def department_context(site: Site, territory: Territory) -> tuple[KeyFigure, ...]:
    """Key figures of the themes that have no value for this territory."""
    if territory.level == "departement":
        return ()
    out = []
    for theme in sorted(site.project.themes, key=lambda t: t.order):
        for ident in theme.key_indicators:
            series = site.series.get(ident)
            if series is None or any(
                p.code == territory.code and not p.dimensions for p in series.points
            ):
                continue
            figure = key_figure(site, series, DEPARTEMENT)
            if figure is not None:
                out.append(figure)
    return tuple(out)


def missing_data(site: Site, territory: Territory) -> tuple[MissingData, ...]:
    return tuple(
        MissingData(p.title, p.desired.needed, p.desired.likely_producer)
        for p in sorted(site.project.packages, key=lambda p: p.title)
        if p.status == "desired"
        and p.desired is not None
        and (not p.desired.levels or territory.level in p.desired.levels)
    )
