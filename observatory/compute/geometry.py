"""Map geometry: rings of GeoJSON polygons, the projection of Mayotte onto an SVG, and a
label point inside each territory.

The projection scales longitude by cos(latitude) around the centre of the map (an
equirectangular projection, exact enough at the scale of Mayotte); y grows south.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

WIDTH = 480.0
PAD = 6.0


def rings(geometry: Mapping[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area / 2, cx / (3 * area), cy / (3 * area)


def label_point(geometry: Mapping[str, Any]) -> tuple[float, float]:
    """(lon, lat) of the centroid of the largest outer ring: where a symbol or a number
    of the territory is drawn (Petite-Terre and islets: its main island)."""
    outer: list[list[list[float]]] = []
    if geometry["type"] == "Polygon":
        outer = [geometry["coordinates"][0]]
    elif geometry["type"] == "MultiPolygon":
        outer = [polygon[0] for polygon in geometry["coordinates"]]
    if not outer:
        return 0.0, 0.0
    best = max(
        (_ring_area_centroid([p[:2] for p in ring]) for ring in outer), key=lambda a: abs(a[0])
    )
    return best[1], best[2]


@dataclass(frozen=True)
class Projection:
    west: float
    north: float
    kx: float  # cos(latitude of the centre)
    scale: float
    height: float

    @classmethod
    def fit(cls, features: Iterable[Mapping[str, Any]]) -> Projection:
        points = [pt for f in features for ring in rings(f["geometry"]) for pt in ring]
        if not points:
            return cls(0.0, 0.0, 1.0, 1.0, WIDTH)
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        kx = math.cos(math.radians((north + south) / 2))
        span = max((east - west) * kx, 1e-9)
        scale = (WIDTH - 2 * PAD) / span
        return cls(west, north, kx, scale, round((north - south) * scale + 2 * PAD, 1))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * self.kx * self.scale + PAD, (self.north - lat) * self.scale + PAD

    def path(self, geometry: Mapping[str, Any]) -> str:
        parts = []
        for ring in rings(geometry):
            xy = [f"{x:.1f} {y:.1f}" for x, y in (self.xy(lon, lat) for lon, lat, *_ in ring)]
            parts.append("M" + "L".join(xy) + "Z")
        return "".join(parts)
