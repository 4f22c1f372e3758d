"""Discovery: find the package folders, read their descriptors, list every input file.

This is the only place (with ``load``) that looks at the project folders. A malformed
``datapackage.json`` becomes a problem, never an exception. Later checks share the
tables they read through ``Discovery.shared`` so that each CSV is parsed once.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatory.core.config import Config
from observatory.core.limits import MAX_DEPTH, MAX_JSON, megabytes
from observatory.core.problems import Problem
from observatory.source.json_guard import depth, too_deep, too_many, unique_keys

PROFILE_DIR = Path(__file__).parents[1] / "profile"
PROFILE_SCHEMA = PROFILE_DIR / "observatory-profile.schema.json"
THEMES_FILE = PROFILE_DIR / "themes.json"
DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class PackageFolder:
    """One folder of ``datapackages/`` and its descriptor (``None`` when unreadable)."""

    id: str
    path: Path
    descriptor: dict[str, Any] | None

    @property
    def rel(self) -> str:
        """Path of the descriptor relative to the project root."""
        return f"datapackages/{self.id}/{DESCRIPTOR}"

    def rel_file(self, name: str) -> str:
        return f"datapackages/{self.id}/{name}"

    @property
    def observatory(self) -> dict[str, Any]:
        block = (self.descriptor or {}).get("observatory")
        return block if isinstance(block, dict) else {}

    def resources(self) -> list[dict[str, Any]]:
        resources = (self.descriptor or {}).get("resources")
        if not isinstance(resources, list):
            return []
        return [r for r in resources if isinstance(r, dict)]

    def file(self, name: str) -> Path | None:
        """The file ``name`` if it is a regular file inside the package folder (links
        resolved), else ``None``; a path the system refuses (NUL byte, too long) too."""
        try:
            target = (self.path / name).resolve()
            if target.is_relative_to(self.path.resolve()) and target.is_file():
                return target
        except (OSError, ValueError):
            pass
        return None

    def read(self, name: str, limit: int) -> tuple[bytes | None, int]:
        """The bytes of the file ``name`` (see ``file``) and its size; ``None`` and the
        size when it is over ``limit`` bytes; ``None`` and -1 when there is no such file."""
        target = self.file(name)
        if target is None:
            return None, -1
        size = target.stat().st_size
        return (None, size) if size > limit else (target.read_bytes(), size)

    def resource(self, name: str) -> dict[str, Any] | None:
        for resource in self.resources():
            if resource.get("name") == name:
                return resource
        return None


@dataclass(frozen=True)
class Discovery:
    """What the checks work on: the project, its packages and shared parsed tables."""

    config: Config
    packages: tuple[PackageFolder, ...]
    themes: tuple[str, ...]
    problems: tuple[Problem, ...] = ()
    shared: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Path:
        return self.config.root

    def package(self, package_id: str) -> PackageFolder | None:
        for package in self.packages:
            if package.id == package_id:
                return package
        return None


def readable(name: str) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 written as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def outside_link(rel: str, path: Path) -> Problem:
    return Problem(
        file=rel,
        code="lien-hors-depot",
        message="lien symbolique vers l'extérieur de datapackages/ : son contenu ne serait "
        "ni vérifié ni publié avec le dépôt",
        value=str(path.readlink()) if path.is_symlink() else "",
        fix="copiez les fichiers dans le dépôt à la place du lien symbolique",
    )


def read_descriptor(folder: Path, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The descriptor of a package folder as a JSON object, or ``None``, and the problems
    of the file (absent, too large, BOM, encoding, syntax, depth, ambiguity, kind)."""
    text, problems = _descriptor_text(folder, rel)
    if text is None:
        return None, problems
    data, found = _parse_descriptor(text, rel)
    return data, problems + found


def _descriptor_text(folder: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """The text of ``datapackage.json`` (UTF-8, without BOM), or ``None``."""
    path = folder / DESCRIPTOR
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        return None, [outside_link(rel, path)]
    if not path.is_file():
        return None, [
            Problem(
                file=rel,
                code="descripteur-absent",
                message="le dossier du paquet n'a pas de fichier datapackage.json",
                fix="ajoutez un datapackage.json (partez de celui d'un paquet existant) "
                "ou supprimez le dossier",
            )
        ]
    size = path.stat().st_size
    if size > MAX_JSON.value:
        return None, [
            Problem(
                file=rel,
                code="fichier-trop-gros",
                message=f"descripteur trop volumineux ({megabytes(size)}, au plus "
                f"{MAX_JSON.text()})",
                fix="un datapackage.json décrit les données sans les contenir : placez les "
                "données dans des fichiers CSV déclarés comme ressources",
            )
        ]
    return _decode(rel, path.read_bytes())


def _decode(rel: str, raw: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text without BOM (a BOM is reported), or ``None`` if not UTF-8."""
    problems: list[Problem] = []
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(
            Problem(
                file=rel,
                row=1,
                code="bom",
                message="le fichier commence par une marque d'ordre d'octets (BOM), que "
                "JSON interdit et que frictionless refuse",
                fix="enregistrez le fichier en UTF-8 sans BOM",
            )
        )
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [
            *problems,
            Problem(
                file=rel,
                row=line,
                code="encodage",
                message=f"le fichier n'est pas en UTF-8 (octet invalide ligne {line})",
                fix="réenregistrez le fichier en UTF-8",
            ),
        ]
    return text, problems


def _parse_descriptor(text: str, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The JSON object of a descriptor's text, or ``None``, and its problems."""
    problems: list[Problem] = []
    oddities: list[str] = []
    try:
        data = json.loads(
            text,
            object_pairs_hook=lambda pairs: unique_keys(pairs, oddities),
            parse_constant=lambda name: oddities.append(f"valeur {name} (pas du JSON)"),
        )
    except RecursionError:
        return None, [*problems, too_deep(rel)]
    except json.JSONDecodeError as error:
        return None, [
            *problems,
            Problem(
                file=rel,
                row=error.lineno,
                code="json-invalide",
                message=f"JSON mal formé ligne {error.lineno}, colonne {error.colno} : "
                f"{translate_json_error(error.msg)}",
                fix="corrigez la syntaxe JSON (virgules, guillemets doubles, accolades) ; "
                "un validateur JSON en ligne ou votre éditeur indique l'endroit exact",
            ),
        ]
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        return None, [
            *problems,
            Problem(
                file=rel,
                code="json-invalide",
                message=f"valeur JSON illisible : {error}",
                fix="corrigez la valeur (un nombre s'écrit avec au plus quelques dizaines "
                "de chiffres)",
            ),
        ]
    return checked_descriptor(rel, data, oddities, problems)


def checked_descriptor(
    rel: str, data: Any, oddities: list[str], problems: list[Problem]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The parsed descriptor if it is a JSON object of reasonable depth."""
    if depth(data) > MAX_DEPTH.value:
        return None, [*problems, too_deep(rel)]
    problems += [
        Problem(
            file=rel,
            code="json-invalide",
            message=f"JSON ambigu : {oddity}",
            fix="gardez une seule fois chaque propriété d'un objet ; écrivez un nombre "
            "(NaN et Infinity ne sont pas du JSON)",
        )
        for oddity in sorted(set(oddities))
    ]
    oversized = too_many(rel, data)
    if oversized is not None:
        return None, [*problems, oversized]
    if not isinstance(data, dict):
        return None, [
            *problems,
            Problem(
                file=rel,
                row=1,
                code="json-invalide",
                message=f"le descripteur est {JSON_KINDS.get(type(data), 'une valeur')} : "
                "il doit être un objet JSON ({ … })",
                fix="placez les métadonnées du paquet entre accolades : "
                '{"name": …, "title": …, "resources": […]}',
            ),
        ]
    return data, problems


JSON_KINDS: dict[type, str] = {
    list: "une liste [ … ]",
    str: "un texte",
    int: "un nombre",
    float: "un nombre",
    bool: "un booléen",
    type(None): "null",
}
JSON_ERRORS = {
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting value": "valeur attendue",
    "Expecting property name enclosed in double quotes": "nom de propriété attendu entre "
    "guillemets doubles",
    "Unterminated string starting at": "chaîne de caractères non terminée",
    "Extra data": "données en trop après la fin de l'objet",
    "Invalid control character at": "caractère de contrôle interdit",
    "Invalid \\escape": "séquence d'échappement invalide",
}


def translate_json_error(message: str) -> str:
    for english, french in JSON_ERRORS.items():
        if message.startswith(english):
            return french
    return message


def themes_json() -> list[dict[str, Any]]:
    """The profile's list of themes (``profile/themes.json``), as written."""
    data: list[dict[str, Any]] = json.loads(THEMES_FILE.read_text(encoding="utf-8"))
    return data


def profile_schema() -> dict[str, Any]:
    """The observatory profile, a JSON Schema (``profile/observatory-profile.schema.json``)."""
    data: dict[str, Any] = json.loads(PROFILE_SCHEMA.read_text(encoding="utf-8"))
    return data


def theme_ids() -> tuple[str, ...]:
    return tuple(str(theme["id"]) for theme in themes_json())


def discover(config: Config) -> Discovery:
    """Read every package descriptor under ``datapackages/`` (sorted by folder name)."""
    packages: list[PackageFolder] = []
    problems: list[Problem] = []
    base = config.datapackages
    folders = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    inside = base.resolve()
    if not inside.is_relative_to(config.root.resolve()):
        problems.append(outside_link("datapackages", base))
        folders = []
    for folder in folders:
        package_id = folder.name
        if not package_id.isprintable() or package_id != readable(package_id):
            problems.append(
                Problem(
                    file=f"datapackages/{readable(package_id)}",
                    code="nom-paquet",
                    message="nom de dossier illisible : il n'est pas en UTF-8 ou contient un "
                    "caractère de contrôle",
                    fix="renommez le dossier avec des minuscules, des chiffres et des tirets "
                    "(ex. « emploi-chomage »)",
                )
            )
            continue
        if not folder.resolve().is_relative_to(inside):
            problems.append(outside_link(f"datapackages/{package_id}", folder))
            continue
        descriptor, found = read_descriptor(folder, f"datapackages/{package_id}/{DESCRIPTOR}")
        problems.extend(found)
        packages.append(PackageFolder(id=package_id, path=folder, descriptor=descriptor))
    return Discovery(
        config=config,
        packages=tuple(packages),
        themes=theme_ids(),
        problems=tuple(problems),
    )


def input_files(config: Config) -> list[Path]:
    """Every file whose content can change the result of ``check`` (sorted)."""
    files = [p for p in config.datapackages.rglob("*") if p.is_file()]
    if config.studies.is_dir():
        files += [p for p in config.studies.rglob("*") if p.is_file()]
    files += sorted(PROFILE_DIR.glob("*.json"))
    return sorted(files)
