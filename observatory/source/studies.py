"""Studies: ``studies/<slug>/index.md`` with a YAML front matter and the files beside it,
read into ``Study`` values.

The front matter is checked field by field; every problem names the file, the line of the
field in the file, the bad value and the fix, in French. The body may embed figures and
charts of the data by indicator id (see ``observatory.studies.shortcodes``);
``check.studies`` expands them at check time, so an unknown id or a missing value is a
problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observatory.core import context
from observatory.core.limits import MAX_STUDY, megabytes
from observatory.core.model import Project, Study
from observatory.core.problems import Problem
from observatory.source.frontmatter import (
    FIELD_HELP,
    FieldReader,
    Node,
    check_known,
    compose,
    date_value,
    list_value,
    split_front_matter,
    text_value,
)

INDEX = "index.md"
REQUIRED: tuple[str, ...] = ("title", "authors", "partner", "date", "themes", "licence", "summary")
OPTIONAL: tuple[str, ...] = ("indicators", "packages", "pdf")
LICENCES: tuple[str, ...] = ("etalab-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "ODbL-1.0")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


def read_study(folder: Path, root: Path, refs: StudyRefs) -> tuple[Study | None, list[Problem]]:
    """Read ``folder/index.md`` and the files beside it; return the study, or None and
    the problems found."""
    reader = FieldReader((folder / INDEX).relative_to(root).as_posix())
    text = _read_index(folder, reader)
    parsed = _parse(text, reader) if text is not None else None
    if parsed is None:
        return None, reader.problems
    nodes, body, body_line = parsed
    values = _values(reader, nodes, refs)
    pdf = str(values["pdf"])
    if pdf:
        _check_pdf(reader, folder, root, nodes["pdf"], pdf)
    if reader.problems:
        return None, reader.problems
    study = Study(
        slug=folder.name,
        path=folder,
        body=("\n" * (body_line - 1)) + body,
        files=read_files(folder),
        **values,
    )
    return study, []


def _read_index(folder: Path, reader: FieldReader) -> str | None:
    """The text of ``index.md`` (UTF-8, without BOM, ``\\n`` line ends), or None."""
    if not SLUG.match(folder.name):
        reader.problem(
            "etude-dossier",
            "le nom du dossier de l'étude doit être en minuscules, chiffres et tirets",
            "Renommez le dossier, par exemple studies/cartographie-donnees-2026.",
            line=None,
            value=folder.name,
        )
    context.mark(reader.rel)
    index = folder / INDEX
    if index.exists() and not index.is_file():  # reading a named pipe would never end
        reader.problem(
            "etude-index-absent",
            "index.md n'est pas un fichier ordinaire (dossier, tube nommé ou périphérique)",
            "Remplacez-le par un fichier texte index.md avec un en-tête YAML entre deux "
            "lignes « --- ».",
            line=None,
        )
        return None
    try:
        size = (folder / INDEX).stat().st_size
        if size > MAX_STUDY.value:
            reader.problem(
                "fichier-trop-gros",
                f"index.md trop volumineux ({megabytes(size)}, au plus {MAX_STUDY.text()})",
                "Gardez le texte de l'étude dans index.md et placez les annexes lourdes "
                "(PDF, tableaux) dans des fichiers à côté.",
                line=None,
            )
            return None
        text = (folder / INDEX).read_text(encoding="utf-8")
    except FileNotFoundError:
        reader.problem(
            "etude-index-absent",
            "le dossier de l'étude ne contient pas de fichier index.md",
            "Ajoutez index.md avec un en-tête YAML entre deux lignes « --- ».",
            line=None,
        )
        return None
    except UnicodeDecodeError:
        reader.problem(
            "etude-encodage",
            "le fichier n'est pas encodé en UTF-8",
            "Enregistrez le fichier en UTF-8.",
            line=None,
        )
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        reader.problem(
            "octet-nul",
            f"octet nul (0x00) ligne {line} : ce n'est pas un fichier texte",
            "Enregistrez l'étude en texte UTF-8 (Markdown), pas depuis un traitement de texte.",
            line=line,
        )
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def _parse(text: str, reader: FieldReader) -> tuple[dict[str, Node], str, int] | None:
    """The front-matter fields (unknown and missing ones reported), the body and the
    file line where the body starts; None when there is no readable front matter."""
    parts = split_front_matter(text)
    if parts is None:
        reader.problem(
            "etude-sans-entete",
            "le fichier ne commence pas par un en-tête YAML délimité par deux lignes « --- »",
            "Commencez le fichier par « --- », les champs title, authors, partner, date, "
            "themes, licence, summary, puis une ligne « --- ».",
            line=1,
        )
        return None
    front, body, body_line = parts
    nodes = compose(front, reader)
    if nodes is None:
        return None
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
    return nodes, body, body_line


def _values(reader: FieldReader, nodes: dict[str, Node], refs: StudyRefs) -> dict[str, Any]:
    """The checked value of every field of ``Study`` the front matter gives."""
    texts = {
        key: text_value(reader, key, nodes[key]) if key in nodes else ""
        for key in ("title", "partner", "summary", "licence")
    }
    licence = texts["licence"]
    if licence and licence not in LICENCES:
        reader.problem(
            "etude-licence",
            "licence inconnue",
            "Choisissez l'une de : " + ", ".join(LICENCES) + ".",
            line=nodes["licence"].line,
            field="licence",
            value=licence,
        )
    authors = list_value(reader, "authors", nodes["authors"]) if "authors" in nodes else ()
    _not_empty(reader, nodes, "authors", authors, "nommer au moins un auteur")
    date = date_value(reader, nodes["date"]) if "date" in nodes else ""
    lists: dict[str, tuple[str, ...]] = {}
    known = {"themes": refs.themes, "indicators": refs.indicators, "packages": refs.packages}
    for key in ("themes", "indicators", "packages"):
        node = nodes.get(key, Node(None, 1))
        lists[key] = list_value(reader, key, node) if key in nodes else ()
        check_known(reader, key, node, lists[key], known[key])
    _not_empty(reader, nodes, "themes", lists["themes"], "citer au moins un thème")
    pdf = text_value(reader, "pdf", nodes["pdf"]) if "pdf" in nodes else ""
    return {**texts, "authors": authors, "date": date, **lists, "pdf": pdf}


def _not_empty(
    reader: FieldReader, nodes: dict[str, Node], key: str, values: tuple[str, ...], need: str
) -> None:
    """An empty list where the field is required (``authors``, ``themes``)."""
    if key in nodes and not values and nodes[key].value in (None, []):
        reader.problem(
            "etude-liste",
            f"le champ « {key} » doit {need}",
            f"Indiquez {FIELD_HELP[key]}.",
            line=nodes[key].line,
            field=key,
        )


def _check_pdf(reader: FieldReader, folder: Path, root: Path, node: Node, pdf: str) -> None:
    target = (folder / pdf).resolve()
    inside = target.is_relative_to(folder.resolve())
    if not inside or not pdf.lower().endswith(".pdf") or not target.is_file():
        reader.problem(
            "etude-pdf-absent",
            f"le fichier PDF « {pdf} » est introuvable dans le dossier de l'étude",
            f"Placez le fichier dans {folder.relative_to(root).as_posix()}/ "
            "ou retirez le champ « pdf ».",
            line=node.line,
            field="pdf",
            value=pdf,
        )


def read_files(folder: Path) -> tuple[tuple[str, bytes], ...]:
    """The files published beside a study (PDF, parameter tables, images): POSIX paths
    relative to the study folder, sorted, with their bytes; ``index.md`` and hidden
    files are left out."""
    names = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != INDEX
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return tuple((name, (folder / name).read_bytes()) for name in names)


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
