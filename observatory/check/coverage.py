"""What the catalogues need to describe a package to data portals and search engines.

- a description of at least 50 characters (Google Dataset Search ignores shorter ones);
- a temporal coverage: a package of indicators has it from the years of its
  observations; a package without yearly series (a reference, an inventory) declares it
  in ``observatory.temporal`` (start and end dates, and the sentence that justifies them).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from observatory.core import context
from observatory.core.problems import Problem
from observatory.source.discover import Discovery, PackageFolder

MIN_DESCRIPTION = 50
BLOCK = "observatory"  # the profile's block of datapackage.json


def valid_date(text: object) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        return None


def period_problems(package: PackageFolder) -> Iterator[Problem]:
    block = package.observatory
    temporal = block.get("temporal")
    published = block.get("status") == "available"
    if not isinstance(temporal, dict):
        if published and package.resource("observations") is None:
            yield Problem(
                file=package.rel,
                field=f"{BLOCK}.temporal",
                code="periode-absente",
                message="période couverte absente : ce paquet n'a pas de série annuelle dont "
                "la déduire",
                fix='déclarez "temporal": {"start": "AAAA-MM-JJ", "end": "AAAA-MM-JJ", '
                '"note": "…"} dans « observatory » (ex. le millésime d\'un référentiel, la '
                "date d'un inventaire)",
            )
        return
    start, end = valid_date(temporal.get("start")), valid_date(temporal.get("end"))
    for key, value in (("start", start), ("end", end)):
        if value is None and key in temporal:
            yield Problem(
                file=package.rel,
                field=f"{BLOCK}.temporal.{key}",
                value=str(temporal.get(key))[:40],
                code="periode-invalide",
                message="date invalide",
                fix="écrivez une date réelle au format AAAA-MM-JJ (ex. 2026-01-01)",
            )
    if start and end and start > end:
        yield Problem(
            file=package.rel,
            field=f"{BLOCK}.temporal",
            value=f"{start} → {end}",
            code="periode-invalide",
            message="la période finit avant de commencer",
            fix="inversez « start » et « end »",
        )


def check_coverage(discovery: Discovery) -> Iterator[Problem]:
    for package in discovery.packages:
        if package.descriptor is None:
            continue
        context.mark(package.rel)
        description = package.descriptor.get("description")
        if isinstance(description, str) and 0 < len(description.strip()) < MIN_DESCRIPTION:
            yield Problem(
                file=package.rel,
                field="description",
                value=description.strip(),
                code="description-courte",
                message=f"description trop courte ({len(description.strip())} caractères, "
                f"au moins {MIN_DESCRIPTION}) : les moteurs de recherche de données l'ignorent",
                fix="décrivez ce que contient le paquet (indicateurs, territoires, années) et "
                "d'où viennent les données, en une ou deux phrases",
            )
        yield from period_problems(package)
