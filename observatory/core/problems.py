"""Problems found in a project: what, where, and how to fix it — in French.

Stages never raise for bad input: they return problems. The command line sorts them,
prints them (text, JSON or GitHub annotations) and exits with 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, located as precisely as possible.

    ``file`` is relative to the project root with forward slashes. ``row`` is the
    1-based line number in the file (the header is line 1), or ``None``.
    """

    file: str
    resource: str = ""
    row: int | None = None
    field: str = ""
    value: str = ""
    code: str = ""
    message: str = ""
    fix: str = ""

    def sort_key(self) -> tuple[str, str, int, str, str, str]:
        return (self.file, self.resource, self.row or 0, self.field, self.code, self.message)

    def location(self) -> str:
        parts = [self.file]
        if self.resource:
            parts.append(f"ressource « {self.resource} »")
        if self.row is not None:
            parts.append(f"ligne {self.row}")
        if self.field:
            parts.append(f"champ « {self.field} »")
        return " › ".join(parts)

    def as_text(self) -> str:
        text = f"{self.location()} : {self.message}"
        if self.value:
            text += f" (valeur : « {self.value} »)"
        if self.fix:
            text += f"\n    → {self.fix}"
        return text


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


def format_text(problems: Sequence[Problem]) -> str:
    if not problems:
        return "Aucun problème : toutes les données sont valides."
    lines = [p.as_text() for p in problems]
    count = len(problems)
    noun = "problème trouvé" if count == 1 else "problèmes trouvés"
    lines.append(f"\n{count} {noun}.")
    return "\n".join(lines)


def format_json(problems: Sequence[Problem]) -> str:
    return json.dumps(
        {"valid": not problems, "problems": [asdict(p) for p in problems]},
        ensure_ascii=False,
        indent=2,
    )


def _escape_annotation(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per problem."""
    lines = []
    for p in problems:
        props = f"file={_escape_annotation(p.file, prop=True)}"
        if p.row is not None:
            props += f",line={p.row}"
        title = _escape_annotation(p.code or "donnees", prop=True)
        body = p.message + (f" (valeur : « {p.value} »)" if p.value else "")
        if p.fix:
            body += f" → {p.fix}"
        lines.append(f"::error {props},title={title}::{_escape_annotation(body)}")
    return "\n".join(lines)
