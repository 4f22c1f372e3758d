"""For the portraits: a small locator map of each territory (the island, the territory
filled) and the area of each territory, computed from the outlines of the reference.

The area is computed on the simplified outlines of the territory reference (IGN ADMIN
EXPRESS, simplified): an approximation, said so wherever a density is derived from it.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from typing import Any

from observatory.compute.buildcache import code_token
from observatory.compute.geometry import Projection, rings

WIDTH = 200.0
FILL = "#225ea8"
OTHER = "#eeeeee"
STROKE = "#7f7f7f"
EARTH_RADIUS_KM = 6371.0088


def area_km2(geometry: Mapping[str, Any]) -> float:
    """Area on a local equirectangular projection (exact enough for an island of 20 km):
    outer rings add, holes subtract (shoelace formula on kilometres)."""
    total = 0.0
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
            k = math.pi / 180 * EARTH_RADIUS_KM
            pts = [(p[0] * k * math.cos(lat0), p[1] * k) for p in ring]
            twice = sum(
                x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True)
            )
            total += abs(twice) / 2 * (1 if index == 0 else -1)
    return total


def _path(projection: Projection, geometry: Mapping[str, Any], scale: float) -> str:
    """Whole pixels: a locator is small, its outlines need no more precision."""
    parts = []
    for ring in rings(geometry):
        xy = [projection.xy(lon, lat) for lon, lat, *_ in ring]
        parts.append("M" + "L".join(f"{x * scale:.0f} {y * scale:.0f}" for x, y in xy) + "Z")
    return "".join(parts)


def locators(
    geojson: Mapping[str, str], members: Mapping[str, tuple[str, ...]], names: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, float]]:
    """(code -> locator SVG, code -> area in km²) for every territory with an outline.

    ``members``: for an EPCI or the département, the codes of its communes.
    """
    communes = json.loads(geojson.get("commune", '{"features": []}'))["features"]
    if not communes:
        return {}, {}
    projection = Projection.fit(communes)
    scale = WIDTH / 480.0
    paths = {
        str(f["properties"]["code"]): _path(projection, f["geometry"], scale) for f in communes
    }
    height = projection.height * scale
    areas: dict[str, float] = {}
    for level_text in geojson.values():
        for feature in json.loads(level_text)["features"]:
            areas[str(feature["properties"]["code"])] = round(area_km2(feature["geometry"]), 2)
    out: dict[str, str] = {}
    for code in sorted({*paths, *members}):
        filled = set(members.get(code, ())) or {code}
        shapes = "".join(
            f'<path d="{d}" fill="{FILL if c in filled else OTHER}"/>'
            for c, d in sorted(paths.items())
        )
        label = html.escape(f"{names.get(code, code)} sur la carte de Mayotte")
        out[code] = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="obs-locator" width="{WIDTH:.0f}"'
            f' height="{height:.0f}" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img"'
            f' aria-label="{label}"><g stroke="{STROKE}" stroke-width="0.6"'
            f' stroke-linejoin="round">{shapes}</g></svg>'
        )
    return out, areas


def cache_token() -> str:
    return code_token(("compute/locator.py", "compute/geometry.py"), ())
