"""Prioritisation scores that contradict the package they score.

The rules are data: ``SCORE_RULES`` lists, for a package status, the highest score a
criterion may take and why (append a rule to enforce another coherence). The JSON
Schema profile already bounds every score to 1–3; these rules read two fields at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from observatory.core.problems import Problem
from observatory.source.discover import Discovery


class ScoreRule(NamedTuple):
    status: str
    criterion: str
    maximum: int
    reason: str


SCORE_RULES: tuple[ScoreRule, ...] = (
    ScoreRule(
        status="desired",
        criterion="data_integrity",
        maximum=2,
        reason="un paquet souhaité (status « desired ») décrit une donnée que "
        "l'observatoire n'a pas encore : son intégrité (complète, sourcée, stable) "
        "n'a pas pu être vérifiée",
    ),
)


def check_scores(discovery: Discovery) -> Iterator[Problem]:
    """Each package's scores respect ``SCORE_RULES`` for its status."""
    for package in discovery.packages:
        status = package.observatory.get("status")
        priority = package.observatory.get("priority")
        if not isinstance(priority, dict):
            continue  # the profile check reports it
        for rule in SCORE_RULES:
            score = priority.get(rule.criterion)
            if status != rule.status or not isinstance(score, int) or score <= rule.maximum:
                continue
            yield Problem(
                file=package.rel,
                field=f"observatory.priority.{rule.criterion}",
                value=str(score),
                code="score-incoherent",
                message=f"{rule.reason} : « {rule.criterion} » vaut au plus {rule.maximum}",
                fix=f"notez « {rule.criterion} » de 1 à {rule.maximum}, ou passez le paquet "
                f'en "status": "available" quand ses données sont publiées',
            )
