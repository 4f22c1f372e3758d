"""Choropleth maps: a static SVG (read without JavaScript) and an optional Leaflet map.

``choropleth(series, level, year, geojson, map_id)`` colours the territories of one
level for one year:

- projection: longitude scaled by cos(latitude) around the centre of the map (an
  equirectangular projection, exact enough at the scale of Mayotte); y grows south;
- classes: quantiles (4 classes) when at least ``QUANTILE_MIN`` territories have a
  value (communes), else Jenks natural breaks (at most 3 classes, e.g. the 5 EPCI);
  tied values always fall in the same class and the legend prints the real minimum
  and maximum of each class, and says the method in French;
- a suppressed value (``secret``) is hatched (an SVG pattern) and labelled
  « secret statistique »; a territory without data is grey, « donnée non disponible »;
- ``svg`` carries a French ``<title>`` and ``<desc>`` and one ``<title>`` per area
  (name and value, shown on hover); ids derive from ``map_id``;
- ``legend`` is an HTML fragment (method, classes, secret, missing);
- ``leaflet_html`` is the interactive folium/Leaflet version, inert until the reader
  asks for it: a hidden button and a ``<template>`` that ``site_src/assets/interactive.js``
  activates after loading Leaflet from the site itself (``assets_url``). No tile server
  unless ``basemap`` (a URL template of the publisher's choice) is given; no external
  URL in the fragment otherwise.
"""

from __future__ import annotations

import html
import itertools
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from observatory.compute.buildcache import code_token
from observatory.core.labels import LEVEL_WORDS
from observatory.core.model import Level, Point, Series
from observatory.core.numbers import fmt_number, fmt_unit, fmt_value, fmt_year
from observatory.core.site import MapOutput
from observatory.core.urls import VENDOR

WIDTH = 480.0
PAD = 6.0
QUANTILE_MIN = 8
QUANTILE_CLASSES = 4
JENKS_MAX_CLASSES = 3
MISSING_FILL = "#d9d9d9"
STROKE = "#4d4d4d"
# ColorBrewer YlGnBu, sequential, readable by people with colour-vision deficiencies.
PALETTES: Mapping[int, tuple[str, ...]] = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#225ea8"),
    3: ("#c7e9b4", "#41b6c4", "#225ea8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
}


@dataclass(frozen=True)
class Classes:
    """Class breaks: ``groups`` are (min, max) of the values of each class, ascending."""

    method: str
    groups: tuple[tuple[float, float], ...]

    def index(self, value: float) -> int:
        for i, (_, high) in enumerate(self.groups):
            if value <= high:
                return i
        return len(self.groups) - 1

    @property
    def colours(self) -> tuple[str, ...]:
        return PALETTES[len(self.groups)] if self.groups else ()


# Class breaks ---------------------------------------------------------------------------


def _cuts_allowed(values: Sequence[float]) -> list[int]:
    """Indexes where a class may start: never between two equal values."""
    return [i for i in range(1, len(values)) if values[i - 1] != values[i]]


def quantile_groups(values: Sequence[float], k: int) -> list[list[float]]:
    ordered = sorted(values)
    allowed = _cuts_allowed(ordered)
    cuts: list[int] = []
    for i in range(1, k):
        target = round(i * len(ordered) / k)
        later = [c for c in allowed if c >= target and (not cuts or c > cuts[-1])]
        if later:
            cuts.append(later[0])
    bounds = [0, *cuts, len(ordered)]
    return [ordered[a:b] for a, b in itertools.pairwise(bounds) if b > a]


def jenks_groups(values: Sequence[float], k: int) -> list[list[float]]:
    """Fisher's exact optimal grouping (minimum within-class squared deviation)."""
    ordered = sorted(values)
    n = len(ordered)
    k = min(k, len({*ordered}))
    if k <= 1:
        return [ordered] if ordered else []
    allowed = set(_cuts_allowed(ordered))

    def sse(a: int, b: int) -> float:
        part = ordered[a:b]
        mean = sum(part) / len(part)
        return sum((v - mean) ** 2 for v in part)

    # best[j][i]: cost of splitting ordered[:i] into j classes, with the cut list
    best: dict[tuple[int, int], tuple[float, tuple[int, ...]]] = {
        (1, i): (sse(0, i), ()) for i in range(1, n + 1)
    }
    for j in range(2, k + 1):
        for i in range(j, n + 1):
            options = [
                (best[(j - 1, c)][0] + sse(c, i), (*best[(j - 1, c)][1], c))
                for c in range(j - 1, i)
                if c in allowed and (j - 1, c) in best
            ]
            if options:
                best[(j, i)] = min(options)
    cost_cuts = best.get((k, n))
    cuts = list(cost_cuts[1]) if cost_cuts else []
    bounds = [0, *cuts, n]
    return [ordered[a:b] for a, b in itertools.pairwise(bounds)]


def classify(values: Sequence[float]) -> Classes:
    if not values:
        return Classes("Aucune valeur à représenter", ())
    if len({*values}) == 1:
        return Classes("Une seule classe (toutes les valeurs sont égales)", ((values[0],) * 2,))
    if len(values) >= QUANTILE_MIN:
        groups = quantile_groups(values, QUANTILE_CLASSES)
        method = "Classes par quantiles"
    else:
        # at most one class fewer than distinct values: a class per value says nothing
        groups = jenks_groups(values, min(JENKS_MAX_CLASSES, len({*values}) - 1))
        method = "Classes par seuils naturels de Jenks"
    method += f" ({len(groups)} classes)"
    return Classes(method, tuple((g[0], g[-1]) for g in groups))


# Geometry -----------------------------------------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


@dataclass(frozen=True)
class Projection:
    west: float
    north: float
    kx: float  # cos(latitude of the centre)
    scale: float
    height: float

    @classmethod
    def fit(cls, features: Iterable[Mapping[str, Any]]) -> Projection:
        points = [pt for f in features for ring in _rings(f["geometry"]) for pt in ring]
        if not points:
            return cls(0.0, 0.0, 1.0, 1.0, WIDTH)
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        kx = math.cos(math.radians((north + south) / 2))
        span = max((east - west) * kx, 1e-9)
        scale = (WIDTH - 2 * PAD) / span
        return cls(west, north, kx, scale, round((north - south) * scale + 2 * PAD, 1))

    def path(self, geometry: Mapping[str, Any]) -> str:
        parts = []
        for ring in _rings(geometry):
            xy = [
                f"{(lon - self.west) * self.kx * self.scale + PAD:.1f} "
                f"{(self.north - lat) * self.scale + PAD:.1f}"
                for lon, lat in ring
            ]
            parts.append("M" + "L".join(xy) + "Z")
        return "".join(parts)


# The map ------------------------------------------------------------------------------------


def _values(series: Series, level: Level, year: int) -> dict[str, Point]:
    return {
        p.code: p for p in series.points if p.level == level and p.year == year and not p.dimensions
    }


def _label(point: Point | None, series: Series) -> str:
    indicator = series.indicator
    if point is None or point.status == "missing":
        return "donnée non disponible"
    return fmt_value(point.value, indicator.unit, indicator.decimals, point.status)


def _range(low: float, high: float, unit: str, decimals: int) -> str:
    if low == high:
        return fmt_number(low, decimals) + fmt_unit(unit)
    return f"de {fmt_number(low, decimals)} à {fmt_number(high, decimals)}{fmt_unit(unit)}"


def choropleth(
    series: Series,
    level: Level,
    year: int,
    geojson: str,
    map_id: str,
    *,
    assets_url: str = VENDOR,
    basemap: str | None = None,
    basemap_attribution: str = "",
) -> MapOutput:
    """The map of ``series`` at ``level`` for ``year`` (see the module docstring).

    ``assets_url`` is the URL of the vendored assets folder as seen from the page
    (e.g. ``config.base_url + urls.VENDOR``).
    """
    indicator = series.indicator
    collection = json.loads(geojson)
    features = sorted(
        (f for f in collection.get("features", []) if f["properties"].get("niveau") == level),
        key=lambda f: str(f["properties"]["code"]),
    )
    points = _values(series, level, year)
    drawn = {str(f["properties"]["code"]) for f in features}
    ok_values = [
        p.value
        for code, p in points.items()
        if p.status == "ok" and p.value is not None and code in drawn
    ]
    classes = classify(ok_values)
    projection = Projection.fit(features)
    hatch = f"{map_id}-secret"

    areas: list[str] = []
    styles: dict[str, dict[str, Any]] = {}
    for feature in features:
        code = str(feature["properties"]["code"])
        name = str(feature["properties"].get("nom", code))
        point = points.get(code)
        label = _label(point, series)
        if point is not None and point.status == "ok" and point.value is not None:
            fill = classes.colours[classes.index(point.value)]
            styles[code] = {"fillColor": fill, "fillOpacity": 0.9}
        elif point is not None and point.status == "secret":
            fill = f"url(#{hatch})"
            styles[code] = {
                "fillColor": f"url(#{hatch}-legende)",
                "fillOpacity": 1,
                "dashArray": "4 3",
            }
        else:
            fill = MISSING_FILL
            styles[code] = {"fillColor": MISSING_FILL, "fillOpacity": 0.9}
        feature["properties"]["libelle"] = label
        areas.append(
            f'<path id="{map_id}-{code}" class="obs-map-area"'
            f' d="{projection.path(feature["geometry"])}"'
            f' fill="{fill}"><title>{html.escape(name)} : {html.escape(label)}</title></path>'
        )

    title = f"Carte {LEVEL_WORDS[level].of_the} de Mayotte : {indicator.title} en {fmt_year(year)}"
    alt = _alt_text(series, level, year, features, points, classes)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{map_id}-svg" class="obs-map-svg"'
        f' width="{WIDTH:.0f}" height="{projection.height:.0f}"'
        f' viewBox="0 0 {WIDTH:.0f} {projection.height:.1f}" role="img"'
        f' aria-labelledby="{map_id}-titre {map_id}-desc">'
        f'<title id="{map_id}-titre">{html.escape(title)}</title>'
        f'<desc id="{map_id}-desc">{html.escape(alt)}</desc>'
        f"<defs>{_pattern(hatch)}</defs>"
        f'<g stroke="{STROKE}" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd">'
        + "".join(areas)
        + "</g></svg>"
    )
    legend = _legend(series, classes, hatch, points, features)
    leaflet = _leaflet_html(
        features, styles, map_id, title, assets_url, basemap, basemap_attribution
    )
    return MapOutput(id=map_id, svg=svg, legend=legend, alt=alt, leaflet_html=leaflet)


def _alt_text(
    series: Series,
    level: Level,
    year: int,
    features: Sequence[Mapping[str, Any]],
    points: Mapping[str, Point],
    classes: Classes,
) -> str:
    indicator = series.indicator
    names = {str(f["properties"]["code"]): str(f["properties"].get("nom", "")) for f in features}
    text = (
        f"Carte {LEVEL_WORDS[level].of_the} de Mayotte : {indicator.title} "
        f"en {fmt_year(year)}. {classes.method}."
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
        text += " Donnée non disponible : " + ", ".join(missing) + "."
    return text


def _pattern(pattern_id: str) -> str:
    """Diagonal hatching for suppressed values."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#333333" stroke-width="2"/></pattern>'
    )


def _swatch(fill: str, defs: str = "") -> str:
    return (
        '<svg class="obs-swatch" width="18" height="12" viewBox="0 0 18 12" aria-hidden="true"'
        f' focusable="false">{f"<defs>{defs}</defs>" if defs else ""}'
        f'<rect x="0.5" y="0.5" width="17" height="11" fill="{fill}" stroke="{STROKE}"/></svg>'
    )


def _legend(
    series: Series,
    classes: Classes,
    hatch: str,
    points: Mapping[str, Point],
    features: Sequence[Mapping[str, Any]],
) -> str:
    indicator = series.indicator
    codes = {str(f["properties"]["code"]) for f in features}
    items = [
        f"<li>{_swatch(colour)} {_range(low, high, indicator.unit, indicator.decimals)}</li>"
        for (low, high), colour in zip(classes.groups, classes.colours, strict=True)
    ]
    if any(points[c].status == "secret" for c in codes if c in points):
        # the legend has its own pattern: it stays drawn when the static map is hidden,
        # and the Leaflet map fills suppressed areas with it too
        legend_hatch = f"{hatch}-legende"
        swatch = _swatch(f"url(#{legend_hatch})", _pattern(legend_hatch))
        items.append(f"<li>{swatch} secret statistique</li>")
    if any(c not in points or points[c].status == "missing" for c in codes):
        items.append(f"<li>{_swatch(MISSING_FILL)} donnée non disponible</li>")
    return (
        '<div class="obs-map-legend">'
        f'<p class="obs-map-method">{html.escape(classes.method)}</p>'
        f"<ul>{''.join(items)}</ul></div>"
    )


# Leaflet (interactive, optional) ----------------------------------------------------------------


def _leaflet_html(
    features: Sequence[dict[str, Any]],
    styles: Mapping[str, Mapping[str, Any]],
    map_id: str,
    title: str,
    assets_url: str,
    basemap: str | None,
    basemap_attribution: str,
) -> str:
    import folium

    slug = "".join(ch if ch.isalnum() else "_" for ch in map_id)
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": f["properties"]["code"],
                    "nom": f["properties"].get("nom", ""),
                    "libelle": f["properties"]["libelle"],
                },
                "geometry": f["geometry"],
            }
            for f in features
        ],
    }
    lons = [pt[0] for f in features for ring in _rings(f["geometry"]) for pt in ring] or [0.0]
    lats = [pt[1] for f in features for ring in _rings(f["geometry"]) for pt in ring] or [0.0]
    tiles: Any = None
    if basemap:
        tiles = folium.TileLayer(basemap, attr=basemap_attribution or " ", name="Fond de carte")
    fmap = folium.Map(
        location=[round((min(lats) + max(lats)) / 2, 5), round((min(lons) + max(lons)) / 2, 5)],
        zoom_start=10,
        tiles=tiles,
        attribution_control=bool(basemap),
    )
    default = {"color": STROKE, "weight": 1}
    folium.GeoJson(
        data,
        name=title,
        style_function=lambda f: {**default, **styles.get(f["properties"]["code"], {})},
        tooltip=folium.GeoJsonTooltip(
            fields=["nom", "libelle"], aliases=["Territoire", "Valeur"], sticky=True
        ),
    ).add_to(fmap)
    fmap.fit_bounds(
        [[round(min(lats), 5), round(min(lons), 5)], [round(max(lats), 5), round(max(lons), 5)]]
    )
    _stable_ids(fmap, slug)
    root: Any = fmap.get_root()
    root.render()
    name = fmap.get_name()
    body = root.html.render()
    # the data is ours, but a name must never be able to close the script element
    script = root.script.render().replace("</", "<\\/")
    template = (
        f"<style>#{name}{{position:relative;width:100%;height:28rem}}</style>"
        f"{body.strip()}<script>{script.strip()}</script>"
    )
    for old in ("<script>\n", "\n</script>"):
        template = template.replace(old, old.strip("\n"))
    return (
        f'<div class="obs-leaflet" data-obs-map="{map_id}"'
        f' data-leaflet-css="{html.escape(assets_url)}leaflet/leaflet.css"'
        f' data-leaflet-js="{html.escape(assets_url)}leaflet/leaflet.js">'
        '<button type="button" class="obs-interactive" hidden>'
        "Afficher la carte interactive</button>"
        f"<template>{template}</template></div>"
    )


def _stable_ids(element: Any, slug: str, counter: list[int] | None = None) -> None:
    """Folium names elements with random UUIDs: derive them from the map id instead."""
    counter = counter if counter is not None else [0]
    element._id = f"{slug}_{counter[0]}"
    counter[0] += 1
    for child in list(element._children.values()):
        _stable_ids(child, slug, counter)


def cache_token() -> str:
    """Changes whenever this module, the number formatting or the libraries it renders
    with change: put it in the build-cache key of each map so that upgrading the code
    never serves a stale map."""
    return code_token(("compute/maps.py", "core/numbers.py"), ("folium",))
