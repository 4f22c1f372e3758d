"""Studies: ``studies/<slug>/index.md`` with a YAML front matter, read into ``Study`` values.

The front matter is checked field by field; every problem names the file, the line of the
field in the file, the bad value and the fix, in French. The body may embed figures and
charts of the data by indicator id (see ``observatory.studies.shortcodes``); ``study_check``
expands them at check time, so an unknown id or a missing value is a problem.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from observatory.core.model import Project, Study
from observatory.core.problems import Problem

INDEX = "index.md"
FENCE = "---"
REQUIRED: tuple[str, ...] = ("title", "authors", "partner", "date", "themes", "licence", "summary")
OPTIONAL: tuple[str, ...] = ("indicators", "packages", "pdf")
LICENCES: tuple[str, ...] = ("etalab-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "ODbL-1.0")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

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
class StudyRefs:
    """The identifiers a study may cite, known from the rest of the project."""

    themes: frozenset[str]
    indicators: frozenset[str]
    packages: frozenset[str]

    @classmethod
    def from_project(cls, project: Project) -> StudyRefs:
        return cls(
            themes=frozenset(t.id for t in project.themes),
            indicators=frozenset(i.id for p in project.packages for i in p.indicators),
            packages=frozenset(p.id for p in project.packages),
        )


@dataclass(frozen=True)
class _Node:
    """A front-matter value with the file line where it starts."""

    value: Any
    line: int


class _Reader:
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


def _compose(front: str, reader: _Reader) -> dict[str, _Node] | None:
    """Parse the YAML front matter keeping each key's line (file line = YAML line + 2)."""
    try:
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
    nodes: dict[str, _Node] = {}
    for key_node, _value_node in root.value:
        key = str(key_node.value)
        nodes[key] = _Node(data.get(key), key_node.start_mark.line + 2)
    return nodes


def _text(reader: _Reader, key: str, node: _Node) -> str:
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


def _list(reader: _Reader, key: str, node: _Node) -> tuple[str, ...]:
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


def _date(reader: _Reader, node: _Node) -> str:
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


def _known(
    reader: _Reader, key: str, node: _Node, values: tuple[str, ...], known: frozenset[str]
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


def read_study(folder: Path, root: Path, refs: StudyRefs) -> tuple[Study | None, list[Problem]]:
    """Read ``folder/index.md``; return the study, or None and the problems found."""
    path = folder / INDEX
    rel = path.relative_to(root).as_posix()
    reader = _Reader(rel)
    if not SLUG.match(folder.name):
        reader.problem(
            "etude-dossier",
            "le nom du dossier de l'étude doit être en minuscules, chiffres et tirets",
            "Renommez le dossier, par exemple studies/cartographie-donnees-2026.",
            line=None,
            value=folder.name,
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        reader.problem(
            "etude-index-absent",
            "le dossier de l'étude ne contient pas de fichier index.md",
            "Ajoutez index.md avec un en-tête YAML entre deux lignes « --- ».",
            line=None,
        )
        return None, reader.problems
    except UnicodeDecodeError:
        reader.problem(
            "etude-encodage",
            "le fichier n'est pas encodé en UTF-8",
            "Enregistrez le fichier en UTF-8.",
            line=None,
        )
        return None, reader.problems
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    parts = split_front_matter(text)
    if parts is None:
        reader.problem(
            "etude-sans-entete",
            "le fichier ne commence pas par un en-tête YAML délimité par deux lignes « --- »",
            "Commencez le fichier par « --- », les champs title, authors, partner, date, "
            "themes, licence, summary, puis une ligne « --- ».",
            line=1,
        )
        return None, reader.problems
    front, body, body_line = parts
    nodes = _compose(front, reader)
    if nodes is None:
        return None, reader.problems
    for key in sorted(set(nodes) - set(REQUIRED) - set(OPTIONAL)):
        reader.problem(
            "etude-champ-inconnu",
            f"champ inconnu « {key} » dans l'en-tête",
            "Champs possibles : " + ", ".join(REQUIRED + OPTIONAL) + ".",
            line=nodes[key].line,
            field=key,
        )
    for key in REQUIRED:
        if key not in nodes:
            reader.problem(
                "etude-champ-manquant",
                f"champ obligatoire « {key} » absent de l'en-tête",
                f"Ajoutez une ligne « {key}: … » avec {FIELD_HELP[key]}.",
                line=1,
                field=key,
            )
    missing = _Node(None, 1)
    title = _text(reader, "title", nodes["title"]) if "title" in nodes else ""
    partner = _text(reader, "partner", nodes["partner"]) if "partner" in nodes else ""
    summary = _text(reader, "summary", nodes["summary"]) if "summary" in nodes else ""
    licence = _text(reader, "licence", nodes["licence"]) if "licence" in nodes else ""
    if licence and licence not in LICENCES:
        reader.problem(
            "etude-licence",
            "licence inconnue",
            "Choisissez l'une de : " + ", ".join(LICENCES) + ".",
            line=nodes["licence"].line,
            field="licence",
            value=licence,
        )
    authors = _list(reader, "authors", nodes["authors"]) if "authors" in nodes else ()
    if "authors" in nodes and not authors and nodes["authors"].value in (None, []):
        reader.problem(
            "etude-liste",
            "le champ « authors » doit nommer au moins un auteur",
            f"Indiquez {FIELD_HELP['authors']}.",
            line=nodes["authors"].line,
            field="authors",
        )
    date = _date(reader, nodes["date"]) if "date" in nodes else ""
    lists: dict[str, tuple[str, ...]] = {}
    known = {"themes": refs.themes, "indicators": refs.indicators, "packages": refs.packages}
    for key in ("themes", "indicators", "packages"):
        node = nodes.get(key, missing)
        lists[key] = _list(reader, key, node) if key in nodes else ()
        _known(reader, key, node, lists[key], known[key])
    if "themes" in nodes and not lists["themes"] and nodes["themes"].value in (None, []):
        reader.problem(
            "etude-liste",
            "le champ « themes » doit citer au moins un thème",
            f"Indiquez {FIELD_HELP['themes']}.",
            line=nodes["themes"].line,
            field="themes",
        )
    pdf = _text(reader, "pdf", nodes["pdf"]) if "pdf" in nodes else ""
    if pdf:
        target = (folder / pdf).resolve()
        inside = target.is_relative_to(folder.resolve())
        if not inside or not pdf.lower().endswith(".pdf") or not target.is_file():
            reader.problem(
                "etude-pdf-absent",
                f"le fichier PDF « {pdf} » est introuvable dans le dossier de l'étude",
                f"Placez le fichier dans {folder.relative_to(root).as_posix()}/ "
                "ou retirez le champ « pdf ».",
                line=nodes["pdf"].line,
                field="pdf",
                value=pdf,
            )
    if reader.problems:
        return None, reader.problems
    study = Study(
        slug=folder.name,
        path=folder,
        title=title,
        authors=authors,
        partner=partner,
        date=date,
        themes=lists["themes"],
        summary=summary,
        licence=licence,
        body=("\n" * (body_line - 1)) + body,
        indicators=lists["indicators"],
        packages=lists["packages"],
        pdf=pdf,
    )
    return study, []


def study_folders(studies_dir: Path) -> list[Path]:
    if not studies_dir.is_dir():
        return []
    return sorted(p for p in studies_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_studies(
    studies_dir: Path, root: Path, refs: StudyRefs
) -> tuple[tuple[Study, ...], list[Problem]]:
    """Read every study; studies are sorted newest first, then by slug."""
    studies: list[Study] = []
    problems: list[Problem] = []
    for folder in study_folders(studies_dir):
        study, found = read_study(folder, root, refs)
        problems.extend(found)
        if study is not None:
            studies.append(study)
    studies.sort(key=lambda s: (s.date, s.slug), reverse=True)
    return tuple(studies), problems
