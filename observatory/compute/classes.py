"""Class breaks of a choropleth, chosen from the data; never fewer than three classes.

- quantiles (4 classes) when at least ``QUANTILE_MIN`` territories have a value
  (communes), else Jenks natural breaks (3 classes, e.g. the 5 EPCI);
- tied values always fall in the same class; the legend prints the real minimum and
  maximum of each class and names the method in French;
- fewer than three distinct values cannot make three classes: the map is refused
  (``MapRefused``, with its French message) and the indicator is shown as a labelled bar
  chart instead — one colour for Koungou's 44 % and Sada's 3 % would say they are alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

QUANTILE_MIN = 8
QUANTILE_CLASSES = 4
JENKS_CLASSES = 3
MIN_CLASSES = 3
# ColorBrewer YlGnBu, sequential, readable by people with colour-vision deficiencies.
PALETTES: Mapping[int, tuple[str, ...]] = {
    3: ("#c7e9b4", "#41b6c4", "#225ea8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
}


class MapRefused(ValueError):
    """A map that would mislead: its French message says why and what replaces it."""


def refusal_message(title: str, distinct: int) -> str:
    return (
        f"carte refusée pour « {title} » : {distinct} valeur{'s' if distinct > 1 else ''} "
        f"distincte{'s' if distinct > 1 else ''}, il en faut au moins {MIN_CLASSES} pour "
        f"former {MIN_CLASSES} classes ; un diagramme en barres étiqueté la remplace"
    )


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


def classify(values: Sequence[float], title: str = "") -> Classes:
    """Three or four classes from the data, or ``MapRefused`` (see the module docstring)."""
    distinct = len({*values})
    if distinct < MIN_CLASSES:
        raise MapRefused(refusal_message(title, distinct))
    groups = quantile_groups(values, QUANTILE_CLASSES) if len(values) >= QUANTILE_MIN else []
    method = "Classes par quantiles"
    if len(groups) < MIN_CLASSES:  # ties can merge quantiles: natural breaks instead
        groups = jenks_groups(values, JENKS_CLASSES)
        method = "Classes par seuils naturels de Jenks"
    return Classes(f"{method} ({len(groups)} classes)", tuple((g[0], g[-1]) for g in groups))


def can_classify(values: Sequence[float]) -> bool:
    return len({*values}) >= MIN_CLASSES
