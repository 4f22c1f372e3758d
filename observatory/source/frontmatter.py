"""Front matter of a study: the YAML block between two ``---`` lines at the top of
``index.md``, parsed keeping each field's line, and the checks of single fields (text,
list, date, known identifiers), each problem naming the file line and the fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import yaml

from observatory.core.problems import Problem

FENCE = "---"

FIELD_HELP: dict[str, str] = {
    "title": "le titre de l'étude, en une ligne",
    "authors": "la liste des auteurs, par exemple [Prénom Nom, Autre Auteur]",
    "partner": "l'institution partenaire qui publie l'étude",
    "date": "la date de publication au format AAAA-MM-JJ, par exemple 2026-11-02",
    "themes": "la liste des thèmes, par exemple [emploi, insertion]",
    "licence": "la licence, par exemple etalab-2.0",
    "summary": "un résumé de deux ou trois phrases",
    "indicators": "la liste des identifiants d'indicateurs cités",
    "packages": "la liste des identifiants de paquets de données utilisés",
    "pdf": "le nom d'un fichier PDF placé dans le dossier de l'étude",
}


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates are checked here, as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Node:
    """A front-matter value with the file line where it starts."""

    value: Any
    line: int


class FieldReader:
    """Collects the problems of one study file."""

    def __init__(self, rel: str) -> None:
        self.rel = rel
        self.problems: list[Problem] = []

    def problem(
        self,
        code: str,
        message: str,
        fix: str,
        *,
        line: int | None,
        field: str = "",
        value: str = "",
    ) -> None:
        self.problems.append(
            Problem(
                file=self.rel,
                row=line,
                field=field,
                value=value,
                code=code,
                message=message,
                fix=fix,
            )
        )


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, first body line) or None without a front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


MAX_YAML_DEPTH = 8
NESTING = (
    yaml.FlowSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.BlockMappingStartToken,
)
NESTING_END = (
    yaml.FlowSequenceEndToken,
    yaml.FlowMappingEndToken,
    yaml.BlockEndToken,
)


def unsafe_yaml(front: str) -> tuple[str, int] | None:
    """(why, line) when the front matter uses anchors and aliases (an alias can expand
    without bound) or nests too deep (the YAML composer recurses): checked on the tokens,
    which the scanner reads in one pass without recursion."""
    depth = 0
    for token in yaml.scan(front, Loader=_Loader):
        line = token.start_mark.line + 2
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            return "ancre ou alias YAML (& ou *)", line
        if isinstance(token, NESTING):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return f"plus de {MAX_YAML_DEPTH} niveaux imbriqués", line
        elif isinstance(token, NESTING_END):
            depth -= 1
    return None


def compose(front: str, reader: FieldReader) -> dict[str, Node] | None:
    """Parse the YAML front matter keeping each key's line (file line = YAML line + 2)."""
    try:
        refused = unsafe_yaml(front)
        if refused:
            reader.problem(
                "etude-yaml",
                f"l'en-tête YAML est refusé : {refused[0]}",
                "Écrivez chaque champ simplement, « clé: valeur » ou « clé: [a, b] » : un "
                "en-tête d'étude n'a besoin ni d'ancres (&, *) ni de listes imbriquées.",
                line=refused[1],
            )
            return None
        root = yaml.compose(front, Loader=_Loader)
        data = yaml.load(front, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        reason = getattr(error, "problem", None) or str(error).split("\n")[0]
        reader.problem(
            "etude-yaml",
            f"l'en-tête YAML est illisible : {reason}",
            "Vérifiez l'indentation, les deux-points après chaque clé et les guillemets "
            "autour des valeurs qui contiennent « : ».",
            line=line,
        )
        return None
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        reader.problem(
            "etude-yaml",
            "l'en-tête YAML doit être une liste de champs « clé: valeur »",
            "Écrivez un champ par ligne, par exemple « title: Mon étude ».",
            line=2,
        )
        return None
    nodes: dict[str, Node] = {}
    for key_node, _value_node in root.value:
        key = str(key_node.value)
        nodes[key] = Node(data.get(key), key_node.start_mark.line + 2)
    return nodes


def text_value(reader: FieldReader, key: str, node: Node) -> str:
    if isinstance(node.value, str) and node.value.strip():
        return node.value.strip()
    reader.problem(
        "etude-champ-vide",
        f"le champ « {key} » doit être un texte non vide",
        f"Indiquez {FIELD_HELP[key]}.",
        line=node.line,
        field=key,
        value="" if node.value is None else str(node.value),
    )
    return ""


def list_value(reader: FieldReader, key: str, node: Node) -> tuple[str, ...]:
    value = node.value
    if isinstance(value, str) and value.strip():
        value = [value]
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        reader.problem(
            "etude-liste",
            f"le champ « {key} » doit être une liste de textes",
            f"Indiquez {FIELD_HELP[key]}.",
            line=node.line,
            field=key,
            value=str(value),
        )
        return ()
    return tuple(v.strip() for v in value)


def date_value(reader: FieldReader, node: Node) -> str:
    value = node.value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip() if value is not None else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    reader.problem(
        "etude-date",
        "la date n'est pas une date valide au format AAAA-MM-JJ",
        "Écrivez la date de publication au format AAAA-MM-JJ, par exemple 2026-11-02.",
        line=node.line,
        field="date",
        value=text,
    )
    return ""


def check_known(
    reader: FieldReader, key: str, node: Node, values: tuple[str, ...], known: frozenset[str]
) -> None:
    what = {"themes": "thème", "indicators": "indicateur", "packages": "paquet de données"}[key]
    for value in values:
        if value not in known:
            listing = ", ".join(sorted(known)) if len(known) <= 15 else f"{len(known)} identifiants"
            reader.problem(
                f"etude-{what.split()[0]}-inconnu",
                f"{what} inconnu : « {value} » n'existe pas dans l'observatoire",
                f"Corrigez l'identifiant ou retirez-le ; identifiants connus : {listing}.",
                line=node.line,
                field=key,
                value=value,
            )
