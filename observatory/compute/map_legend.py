"""The legend of a map, placed beside it: unit, year (or period) and source, the method, the classes
(or reference circles for proportional symbols), hatched secret and missing values, and
the key of the numbered territories."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

from observatory.compute.classes import Classes
from observatory.core.model import Point, Series
from observatory.core.numbers import fmt_number, fmt_period, fmt_unit, fmt_value, fmt_when, fmt_year

STROKE = "#4d4d4d"
SYMBOL_FILL = "#225ea8"
MAX_RADIUS = 24.0
MISSING = "non disponible"
MISSING_WHY = "aucune valeur publiée pour ce territoire et cette année"


def radius(value: float, largest: float) -> float:
    """A circle whose area is proportional to the value; the largest has MAX_RADIUS."""
    return MAX_RADIUS * math.sqrt(max(value, 0.0) / largest) if largest > 0 else 0.0


def _range(low: float, high: float, unit: str, decimals: int) -> str:
    if low == high:
        return fmt_number(low, decimals) + fmt_unit(unit)
    return f"de {fmt_number(low, decimals)} à {fmt_number(high, decimals)}{fmt_unit(unit)}"


def pattern(pattern_id: str, colour: str = "#333333", width: float = 2) -> str:
    """Diagonal hatching: dark for suppressed values, light for missing ones."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="{width:g}"/>'
        "</pattern>"
    )


def _swatch(fill: str, defs: str = "") -> str:
    return (
        '<svg class="obs-swatch" width="18" height="12" viewBox="0 0 18 12" aria-hidden="true"'
        f' focusable="false">{f"<defs>{defs}</defs>" if defs else ""}'
        f'<rect x="0.5" y="0.5" width="17" height="11" fill="{fill}" stroke="{STROKE}"/></svg>'
    )


def legend(
    series: Series,
    classes: Classes,
    hatch: str,
    missing_hatch: str,
    points: Mapping[str, Point],
    features: Sequence[Mapping[str, Any]],
    year: int,
    source: str,
    period: str = "",
) -> str:
    """``period``: the code every value shares (``2012-2017``), "" for the year."""
    indicator = series.indicator
    codes = [str(f["properties"]["code"]) for f in features]
    items = [
        f"<li>{_swatch(colour)} {_range(low, high, indicator.unit, indicator.decimals)}</li>"
        for (low, high), colour in zip(classes.groups, classes.colours, strict=True)
    ]
    if any(points[c].status == "secret" for c in codes if c in points):
        # the legend has its own patterns: they stay drawn when the static map is hidden,
        # and the Leaflet map fills the areas with them too
        legend_hatch = f"{hatch}-legende"
        swatch = _swatch(f"url(#{legend_hatch})", pattern(legend_hatch))
        items.append(f"<li>{swatch} secret statistique</li>")
    if any(c not in points or points[c].status == "missing" for c in codes):
        legend_missing = f"{missing_hatch}-legende"
        swatch = _swatch(f"url(#{legend_missing})", pattern(legend_missing, "#b3b3b3", 1))
        items.append(f"<li>{swatch} {MISSING} ({MISSING_WHY})</li>")
    unit = fmt_unit(indicator.unit).strip() or indicator.unit
    label = fmt_period(period, year)
    word = "Année" if label == fmt_year(year) else "Période"
    facts = f"Unité : {html.escape(unit)} · {word} : {html.escape(label)}"
    if source:
        facts += f" · Source : {html.escape(source)}"
    return (
        '<div class="obs-map-legend">'
        f'<p class="obs-map-facts">{facts}</p>'
        f'<p class="obs-map-method">{html.escape(classes.method)}</p>'
        f"<ul>{''.join(items)}</ul>"
        f"{_key_table(indicator.title, features, fmt_when(period, year))}</div>"
    )


def _key_table(title: str, features: Sequence[Mapping[str, Any]], when: str) -> str:
    """The numbers of the map keyed by name, with each territory's value: the data table
    of the map (its text alternative gives the extremes only)."""
    rows = "".join(
        f"<tr><td>{n}</td>"
        f'<th scope="row">{html.escape(str(f["properties"].get("nom", f["properties"]["code"])))}'
        f'</th><td class="obs-num">{html.escape(str(f["properties"].get("valeur", "")))}</td></tr>'
        for n, f in enumerate(features, start=1)
    )
    return (
        '<details class="obs-map-key"><summary>Numéros et valeurs des territoires</summary>'
        f'<table class="obs-map-table"><caption>{html.escape(f"{title} {when}")}'
        "</caption>"
        '<thead><tr><th scope="col">N°</th><th scope="col">Territoire</th>'
        f'<th scope="col">Valeur</th></tr></thead><tbody>{rows}</tbody></table></details>'
    )


def symbol_legend(series: Series, largest: float) -> str:
    """Two reference circles: the largest value and a quarter of it."""
    indicator = series.indicator
    if largest <= 0:
        return ""
    items = []
    for value in (largest, largest / 4):
        r = radius(value, largest)
        size = 2 * MAX_RADIUS + 2
        items.append(
            f'<li><svg class="obs-swatch" width="{size:.0f}" height="{size:.0f}"'
            f' viewBox="0 0 {size:.0f} {size:.0f}" aria-hidden="true" focusable="false">'
            f'<circle cx="{size / 2:.1f}" cy="{size / 2:.1f}" r="{r:.1f}" fill="{SYMBOL_FILL}"'
            f' fill-opacity="0.75" stroke="{STROKE}"/></svg> '
            f"{fmt_value(value, indicator.unit, 0)}</li>"
        )
    return f'<ul class="obs-map-symbols">{"".join(items)}</ul>'
