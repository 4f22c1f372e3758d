"""The methodology page, generated so that it lists every indicator's aggregation rule,
secrecy threshold and sources. Legal notice, personal data and the RGAA statement are
hand-written in ``site_src/docs/``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from observatory.core.labels import AGGREGATION
from observatory.core.model import Source
from observatory.core.site import Output, Page, Site
from observatory.core.urls import (
    ACCESSIBILITY,
    LEGAL_NOTICE,
    METHODOLOGY,
    PERSONAL_DATA,
    indicator_path,
)


@dataclass(frozen=True)
class MethodRow:
    title: str
    path: str
    aggregation: str
    threshold: str


def produce(site: Site) -> Iterator[Page | Output]:
    rows = tuple(
        MethodRow(
            title=i.title,
            path=indicator_path(i.id),
            aggregation=AGGREGATION[i.aggregation],
            threshold=str(i.secrecy_threshold) if i.secrecy_threshold else "aucun",
        )
        for i in site.indicators
        if i.id in site.series
    )
    seen: dict[tuple[str, str, str], Source] = {}
    for package in site.project.packages:
        for s in package.sources:
            seen.setdefault((s.organisation, s.title, s.vintage), s)
    yield Page(
        path=METHODOLOGY,
        title="Méthodologie",
        template="methodology.md.j2",
        context={"rows": rows, "sources": tuple(seen[k] for k in sorted(seen))},
        nav=("À propos",),
        order=0,
        description="Sources, agrégation par EPCI et département, secret statistique.",
    )


# Pages written by hand in site_src/docs/ (copied as they are): listed here only to
# place them in the navigation.
HAND_WRITTEN: tuple[Page, ...] = (
    Page(LEGAL_NOTICE, "Mentions légales", "", nav=("À propos",), order=1),
    Page(PERSONAL_DATA, "Données personnelles", "", nav=("À propos",), order=2),
    Page(ACCESSIBILITY, "Déclaration d'accessibilité", "", nav=("À propos",), order=3),
)
