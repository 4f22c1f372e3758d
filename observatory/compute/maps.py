"""Maps that tell the truth: a static SVG (read without JavaScript) and an optional
Leaflet map, for one indicator at one level (communes or EPCI) and one year.

``choropleth(series, level, year, geojson, map_id)`` draws:

- a **count** (people, jobs, doctors… : ``is_count``) as proportional symbols over the
  outlines — a circle's area is proportional to the value; a choropleth of counts would
  paint big communes dark only because they are big;
- a **rate or share** as a choropleth, with classes chosen from the data (``classes``:
  quantiles or Jenks, never fewer than three; too few distinct values raise
  ``MapRefused`` and the page shows its labelled bar chart instead);
- a suppressed value (``secret``) hatched and labelled « secret statistique »; a
  territory without a value hatched lightly, « non disponible », with why;
- each territory numbered on the map and keyed by name in the legend; each area (or
  symbol) a link to the territory's portrait (``portrait_url``) with a tooltip (name,
  value, period);
- the legend (an HTML fragment placed beside the map) with the unit, the year — or the
  period as the source gives it (« 2012-2017 », column ``periode``) —, the source and the
  method; ``svg`` carries a French ``<title>`` and ``<desc>``.

``map_year`` picks the year to draw: the most recent year every territory of the level
has a figure for, else the year with the most figures (the most recent among equals).
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from observatory.compute import map_legend
from observatory.compute.buildcache import code_token
from observatory.compute.classes import MIN_CLASSES, Classes, MapRefused, can_classify, classify
from observatory.compute.geometry import WIDTH, Projection, label_point
from observatory.compute.leaflet import leaflet_html, leaflet_year
from observatory.compute.map_legend import MISSING, STROKE, SYMBOL_FILL, pattern, radius
from observatory.core.labels import LEVEL_WORDS
from observatory.core.model import Indicator, Level, Point, Series
from observatory.core.numbers import fmt_period, fmt_value, fmt_when
from observatory.core.site import MapOutput
from observatory.core.urls import VENDOR

__all__ = ["MapRefused", "can_draw", "choropleth", "is_count", "map_year"]

OUTLINE_FILL = "#f2f2f2"
# First words of the units of counts (« habitants », « personnes (15 ans ou plus) »…).
COUNT_WORDS = frozenset(
    [
        "habitants",
        "personnes",
        "emplois",
        "médecins",
        "écoles",
        "élèves",
        "logements",
        "ménages",
        "naissances",
        "décès",
        "foyers",
        "salles",
        "bénéficiaires",
        "allocataires",
        "demandeurs",
        "jeunes",
        "places",
        "structures",
    ]
)


def is_count(indicator: Indicator) -> bool:
    """A number of people or things (drawn as symbols), not a rate, share or density."""
    unit = indicator.unit.strip().lower()
    if unit.startswith("%") or " par " in unit:
        return False
    words = unit.split()
    return indicator.aggregation == "sum" or bool(words and words[0] in COUNT_WORDS)


def _values(series: Series, level: Level, year: int) -> dict[str, Point]:
    return {
        p.code: p for p in series.points if p.level == level and p.year == year and not p.dimensions
    }


def map_year(series: Series, level: Level, codes: Sequence[str]) -> int | None:
    """The year to map (see the module docstring), or ``None`` without any figure."""
    wanted = set(codes)
    counts: dict[int, int] = {}
    for p in series.points:
        if p.level == level and not p.dimensions and p.code in wanted and p.status != "missing":
            counts[p.year] = counts.get(p.year, 0) + 1
    if not counts:
        return None
    full = [y for y, n in counts.items() if n == len(wanted)]
    if full:
        return max(full)
    return max(counts, key=lambda y: (counts[y], y))


def ok_values(series: Series, level: Level, year: int, codes: Sequence[str]) -> list[float]:
    points = _values(series, level, year)
    return [
        p.value
        for code, p in points.items()
        if p.status == "ok" and p.value is not None and code in codes
    ]


def _label(point: Point | None, series: Series) -> str:
    indicator = series.indicator
    if point is None or point.status == "missing":
        return MISSING
    return fmt_value(point.value, indicator.unit, indicator.decimals, point.status)


def choropleth(
    series: Series,
    level: Level,
    year: int,
    geojson: str,
    map_id: str,
    *,
    assets_url: str = VENDOR,
    portrait_url: str = "",
    source: str = "",
    basemap: str | None = None,
    basemap_attribution: str = "",
    interactive: bool = True,
) -> MapOutput:
    """The map of ``series`` at ``level`` for ``year`` (see the module docstring).

    ``assets_url`` is the URL of the vendored assets folder and ``portrait_url`` that of
    the portraits (``…/territoires/``) as seen from the page; ``source`` names the
    producers for the legend. ``interactive=False`` leaves out the Leaflet fragment (the
    other years of a map: the default year's interactive map restyles itself from their
    ``leaflet_year`` data).
    """
    indicator = series.indicator
    collection = json.loads(geojson)
    features = sorted(
        (f for f in collection.get("features", []) if f["properties"].get("niveau") == level),
        key=lambda f: str(f["properties"]["code"]),
    )
    codes = [str(f["properties"]["code"]) for f in features]
    points = _values(series, level, year)
    values = ok_values(series, level, year, codes)
    symbols = is_count(indicator)
    if symbols:
        if sum(1 for v in values if v > 0) < MIN_CLASSES:
            raise MapRefused(
                f"carte refusée pour « {indicator.title} » : moins de {MIN_CLASSES} territoires "
                "ont une valeur ; un diagramme en barres étiqueté la remplace"
            )
        classes = Classes("Cercles proportionnels (surface proportionnelle à la valeur)", ())
    else:
        classes = classify(values, indicator.title)
    largest = max(values, default=0.0)
    projection = Projection.fit(features)
    hatch, missing_hatch = f"{map_id}-secret", f"{map_id}-absent"
    period = period_code(points.values())
    label, when = fmt_period(period, year), fmt_when(period, year)  # « 2012-2017 », « sur la… »
    look = _Look(series, classes, symbols, largest, projection, map_id, portrait_url, when)

    layers = _Layers()
    for number, feature in enumerate(features, start=1):
        _draw(layers, number, feature, points.get(str(feature["properties"]["code"])), look)

    title = f"Carte {LEVEL_WORDS[level].of_the} de Mayotte : {indicator.title} {when}"
    alt = _alt_text(series, level, when, features, points, classes)
    svg = _svg(map_id, projection, title, alt, layers)
    legend = map_legend.legend(
        series, classes, hatch, missing_hatch, points, features, year, source, period
    )
    if symbols:  # the reference circles go inside the legend, after the classes
        legend = legend[: -len("</div>")] + map_legend.symbol_legend(series, largest) + "</div>"
    leaflet = ""
    if interactive:
        leaflet = leaflet_html(
            features, layers.styles, map_id, title, assets_url, basemap, basemap_attribution,
            portrait_url=portrait_url, when=label, source=source, link_label=portrait_label,
        )  # fmt: skip
    year_data = leaflet_year(features, layers.styles, layers.radii, label, source, when)
    return MapOutput(map_id, svg, legend, alt, leaflet, year_data, period=label)


def period_code(points: Iterable[Point]) -> str:
    """The period every mapped value shares, as the source gives it (``2012-2017``,
    ``2024-T1``); "" when it is the calendar year or when the values' periods differ."""
    codes = {p.period for p in points}
    return codes.pop() if len(codes) == 1 else ""


@dataclass(frozen=True)
class _Look:
    """What every territory of one map is drawn with."""

    series: Series
    classes: Classes
    symbols: bool
    largest: float
    projection: Projection
    map_id: str
    portrait_url: str
    when: str


@dataclass
class _Layers:
    areas: list[str] = field(default_factory=list)
    symbols: list[tuple[float, str]] = field(default_factory=list)  # (radius, circle)
    numbers: list[str] = field(default_factory=list)
    styles: dict[str, dict[str, Any]] = field(default_factory=dict)  # Leaflet, by code
    radii: dict[str, float] = field(default_factory=dict)  # Leaflet circles, by code


def _fill(point: Point | None, look: _Look) -> tuple[str, dict[str, Any]]:
    """The SVG fill of an area and its Leaflet style."""
    hatch, missing = f"{look.map_id}-secret", f"{look.map_id}-absent"
    known = point is not None and point.status == "ok" and point.value is not None
    if known and not look.symbols:
        assert point is not None and point.value is not None
        fill = look.classes.colours[look.classes.index(point.value)]
        return fill, {"fillColor": fill, "fillOpacity": 0.9}
    if point is not None and point.status == "secret":
        return f"url(#{hatch})", {"fillColor": f"url(#{hatch}-legende)", "fillOpacity": 1}
    if known:
        return OUTLINE_FILL, {"fillColor": OUTLINE_FILL, "fillOpacity": 0.9}
    return f"url(#{missing})", {"fillColor": f"url(#{missing}-legende)", "fillOpacity": 1}


def _draw(
    layers: _Layers, number: int, feature: dict[str, Any], point: Point | None, look: _Look
) -> None:
    """One territory: its area, its symbol (a count), its number, its Leaflet style."""
    code = str(feature["properties"]["code"])
    name = str(feature["properties"].get("nom", code))
    label = _label(point, look.series)
    fill, layers.styles[code] = _fill(point, look)
    feature["properties"]["valeur"] = label
    tip = html.escape(f"{number}. {name} : {label} {look.when}")
    shape = (
        f'<path id="{look.map_id}-{code}" class="obs-map-area"'
        f' d="{look.projection.path(feature["geometry"])}" fill="{fill}">'
        f"<title>{tip}</title></path>"
    )
    layers.areas.append(_linked(shape, look.portrait_url, code, name))
    x, y = look.projection.xy(*label_point(feature["geometry"]))
    if look.symbols and point is not None and point.status == "ok" and point.value is not None:
        r = layers.radii[code] = radius(point.value, look.largest)
        circle = (
            f'<circle class="obs-map-symbol" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
            f"<title>{tip}</title></circle>"
        )
        layers.symbols.append((r, _linked(circle, look.portrait_url, code, name)))
    layers.numbers.append(
        f'<text class="obs-map-number" x="{x:.1f}" y="{y + 3:.1f}" aria-hidden="true">'
        f"{number}</text>"
    )


def _svg(map_id: str, projection: Projection, title: str, alt: str, layers: _Layers) -> str:
    """The static map: areas, then symbols (largest first, so small ones stay on top),
    then the numbers of the territories."""
    hatch, missing = f"{map_id}-secret", f"{map_id}-absent"
    circles = [c for _, c in sorted(layers.symbols, key=lambda rc: -rc[0])]
    # links to the portraits inside: a group of links (an image may hold no control)
    role = "group" if any(a.startswith("<a ") for a in layers.areas) else "img"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{map_id}-svg" class="obs-map-svg"'
        f' width="{WIDTH:.0f}" height="{projection.height:.0f}"'
        f' viewBox="0 0 {WIDTH:.0f} {projection.height:.1f}" role="{role}"'
        f' aria-labelledby="{map_id}-titre {map_id}-desc">'
        f'<title id="{map_id}-titre">{html.escape(title)}</title>'
        f'<desc id="{map_id}-desc">{html.escape(alt)}</desc>'
        f"<defs>{pattern(hatch)}{pattern(missing, '#b3b3b3', 1)}</defs>"
        f'<g stroke="{STROKE}" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">'
        + "".join(layers.areas)
        + "</g>"
        + (
            f'<g fill="{SYMBOL_FILL}" fill-opacity="0.75" stroke="#ffffff" stroke-width="1">'
            + "".join(circles)
            + "</g>"
            if circles
            else ""
        )
        + '<g font-size="10" text-anchor="middle" fill="#1a1a1a">'
        + "".join(layers.numbers)
        + "</g></svg>"
    )


def _linked(shape: str, portrait_url: str, code: str, name: str) -> str:
    if not portrait_url:
        return shape
    label = html.escape(portrait_label(name))
    return f'<a href="{html.escape(portrait_url)}{code}/" aria-label="{label}">{shape}</a>'


def portrait_label(name: str) -> str:
    """« Portrait de Koungou », « Portrait d'Acoua »: the name of a link to a portrait."""
    return f"Portrait d'{name}" if name[:1] in "AEIOUYÉ" else f"Portrait de {name}"


def _alt_text(
    series: Series,
    level: Level,
    when: str,
    features: Sequence[Mapping[str, Any]],
    points: Mapping[str, Point],
    classes: Classes,
) -> str:
    indicator = series.indicator
    names = {str(f["properties"]["code"]): str(f["properties"].get("nom", "")) for f in features}
    text = (
        f"Carte {LEVEL_WORDS[level].of_the} de Mayotte : {indicator.title} "
        f"{when}. {classes.method}."
    )
    known = sorted(
        ((p.value, code) for code, p in points.items() if code in names and p.status == "ok"),
        key=lambda vc: (-(vc[0] or 0.0), vc[1]),
    )
    if known:
        top, bottom = known[0], known[-1]
        text += (
            f" Valeur la plus élevée : {names[top[1]]} "
            f"({fmt_value(top[0], indicator.unit, indicator.decimals)})"
        )
        if len(known) > 1:
            text += (
                f" ; la plus faible : {names[bottom[1]]} "
                f"({fmt_value(bottom[0], indicator.unit, indicator.decimals)})"
            )
        text += "."
    secret = [names[c] for c in sorted(names) if c in points and points[c].status == "secret"]
    if secret:
        text += " Secret statistique : " + ", ".join(secret) + "."
    missing = [names[c] for c in sorted(names) if c not in points or points[c].status == "missing"]
    if missing:
        text += " Non disponible : " + ", ".join(missing) + "."
    return text


def cache_token() -> str:
    """Changes whenever the map code, the number formatting or the libraries it renders
    with change: put it in the build-cache key of each map so that upgrading the code
    never serves a stale map."""
    return code_token(
        (
            "compute/maps.py",
            "compute/classes.py",
            "compute/geometry.py",
            "compute/leaflet.py",
            "compute/map_legend.py",
            "core/numbers.py",
        ),
        ("folium",),
    )


def can_draw(series: Series, level: Level, year: int, codes: Sequence[str]) -> bool:
    """Whether the map would tell the truth: a count with a positive value, or a rate
    with at least three distinct values (three classes)."""
    values = ok_values(series, level, year, codes)
    if is_count(series.indicator):
        return sum(1 for v in values if v > 0) >= MIN_CLASSES
    return can_classify(values)
