"""The dashboards declared in ``observatory/profile/themes.json``: each key indicator and
each indicator of a sub-topic is an indicator of that theme, named once per list.

An id that no package of the project declares is left to the dashboard, which skips it
(a project may not publish every indicator yet); the shipped data is tested to name only
existing indicators (tests/observatory/test_shipped_data.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from observatory.check.rules import declared_indicators
from observatory.core.problems import Problem
from observatory.source.discover import Discovery, themes_json

FILE = "observatory/profile/themes.json"


def _theme_of(discovery: Discovery) -> dict[str, str]:
    """indicator id -> its theme (the first theme of its package)."""
    found: dict[str, str] = {}
    for package in discovery.packages:
        themes = ((package.descriptor or {}).get("observatory") or {}).get("themes") or []
        for indicator in declared_indicators(package):
            if themes:
                found.setdefault(str(indicator["id"]), str(themes[0]))
    return found


def _lists(theme: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    yield "key_indicators", list(theme.get("key_indicators") or [])
    for index, subtopic in enumerate(theme.get("subtopics") or []):
        yield f"subtopics[{index}].indicators", list(subtopic.get("indicators") or [])


def check_dashboards(discovery: Discovery) -> Iterator[Problem]:
    themes = themes_json()
    theme_of = _theme_of(discovery)
    for theme in themes:
        tid = str(theme.get("id", ""))
        for field, ids in _lists(theme):
            seen: set[str] = set()
            for ident in ids:
                where = f"thème « {tid} » › {field}"
                if ident in seen:
                    yield Problem(
                        file=FILE,
                        field=where,
                        value=str(ident),
                        code="tableau-de-bord-double",
                        message="indicateur nommé deux fois dans la même liste",
                        fix="supprimez l'une des deux mentions",
                    )
                seen.add(ident)
                if ident in theme_of and theme_of[ident] != tid:
                    yield Problem(
                        file=FILE,
                        field=where,
                        value=str(ident),
                        code="tableau-de-bord-theme",
                        message=f"l'indicateur appartient au thème « {theme_of[ident]} », "
                        f"pas à « {tid} »",
                        fix=f"déplacez-le dans le tableau de bord du thème « {theme_of[ident]} »",
                    )
