"""Key figures shared by the home page, the theme dashboards and the portraits:
the latest value of a series for one territory, with its year and source."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from observatory.core.labels import SECRET_NOTE
from observatory.core.model import Indicator, Point, Series, Source
from observatory.core.numbers import fmt_as_given, fmt_period
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
    period: str = ""  # the period as the source gives it (« 2012-2017 », « 1er trimestre 2024 »)
    note: str = ""  # the observation's note on this value, printed beside it
    code: str = ""  # the territory's code


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
        value=shown_value(point, ind),
        year=point.year,
        territory=site.names.get(code, code),
        source=source,
        secondary=secondary,
        period=period_of(point),
        note=note_of(point),
        code=code,
    )


def note_of(point: Point | None) -> str:
    """The note a reader needs beside a value (a suppressed value's note is its text)."""
    if point is None or point.note == SECRET_NOTE:
        return ""
    return point.note


def numbered(notes: Sequence[str]) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Each value's note number (0 without note) and the distinct notes, numbered from 1
    in order of first use, for a table that prints them below itself."""
    order: dict[str, int] = {}
    for text in notes:
        if text:
            order.setdefault(text, len(order) + 1)
    return tuple(order.get(text, 0) for text in notes), tuple(order)


def period_of(point: Point) -> str:
    """« 2012-2017 », « 1er trimestre 2024 », « 1er janvier 2018 » or the year."""
    return fmt_period(point.period, point.year)


def shown_value(point: Point, ind: Indicator) -> str:
    """The value at the source's precision: « environ 40 % », « plus de 90 % »."""
    return fmt_as_given(point.value, ind.unit, ind.decimals, point.status, point.note)
