"""Key figures shared by the home page, the theme dashboards and the portraits:
the latest value of a series for one territory, with its year and source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from observatory.core.model import Point, Series, Source
from observatory.core.numbers import fmt_value
from observatory.core.site import Site
from observatory.core.urls import indicator_path


@dataclass(frozen=True)
class KeyFigure:
    indicator: str
    title: str
    path: str
    value: str  # formatted the French way, or "secret statistique"
    year: int
    territory: str
    source: str
    secondary: bool


def sources_by_id(site: Site) -> dict[str, Source]:
    return {s.id: s for p in site.project.packages for s in p.sources}


def latest_point(series: Series, code: str) -> Point | None:
    """The most recent point of ``code`` without dimensions (``None`` when there is none)."""
    found = [p for p in series.points if p.code == code and not p.dimensions]
    return max(found, key=lambda p: p.year) if found else None


def point_at(series: Series, code: str, year: int) -> Point | None:
    for p in series.points:
        if p.code == code and p.year == year and not p.dimensions:
            return p
    return None


def source_label(point: Point, sources: Mapping[str, Source]) -> tuple[str, bool]:
    """``"INSEE, 2021"`` and whether any source is second-hand; computed points say so."""
    labels: list[str] = []
    secondary = False
    for sid in point.source.split():
        src = sources.get(sid)
        if src is None:
            labels.append(sid)
            continue
        labels.append(f"{src.organisation}, {src.vintage}")
        secondary = secondary or src.secondary
    text = " ; ".join(dict.fromkeys(labels))
    if point.computed:
        text += " (calcul de l'observatoire)"
    return text, secondary


def key_figure(site: Site, series: Series, code: str) -> KeyFigure | None:
    point = latest_point(series, code)
    if point is None:
        return None
    ind = series.indicator
    source, secondary = source_label(point, sources_by_id(site))
    return KeyFigure(
        indicator=ind.id,
        title=ind.title,
        path=indicator_path(ind.id),
        value=fmt_value(point.value, ind.unit, ind.decimals, point.status),
        year=point.year,
        territory=site.names.get(code, code),
        source=source,
        secondary=secondary,
    )
