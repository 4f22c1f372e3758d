"""The plan stage: the page producers of the site (``PRODUCERS``, wiring as data) and
``make_plan``, which calls producers and returns one sorted, duplicate-free ``Plan``.

The pipeline adds the open-data files (``publish.opendata.produce``) after these.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from observatory.core.problems import Problem
from observatory.core.site import Output, Page, Plan, Producer, Site
from observatory.pages import (
    about,
    catalogue,
    compare,
    home,
    indicators,
    studies,
    territories,
    themes,
)

PRODUCERS: tuple[Producer, ...] = (
    home.produce,
    themes.produce,
    indicators.produce,
    territories.produce,
    compare.produce,
    about.produce,
    catalogue.produce,
    studies.produce,
)


def make_plan(site: Site, producers: Iterable[Producer]) -> tuple[Plan, list[Problem]]:
    """Call every producer; two items at the same path are a problem, not a silent overwrite."""
    pages: dict[str, Page] = {}
    outputs: dict[str, Output] = {}
    problems: list[Problem] = []
    for produce in producers:
        for item in produce(site):
            table: dict[str, Any] = pages if isinstance(item, Page) else outputs
            if item.path in pages or item.path in outputs:
                problems.append(
                    Problem(
                        file=item.path,
                        code="chemin-en-double",
                        message="deux éléments du site veulent le même chemin",
                        value=item.path,
                        fix="donner un identifiant unique à l'indicateur, au paquet ou à la page",
                    )
                )
                continue
            table[item.path] = item
    plan = Plan(
        pages=tuple(pages[k] for k in sorted(pages)),
        outputs=tuple(outputs[k] for k in sorted(outputs)),
    )
    return plan, problems
