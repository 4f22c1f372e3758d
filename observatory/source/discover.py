"""Discovery: find the package folders, read their descriptors, list every input file.

This is the only place (with ``load``) that looks at the project folders. A malformed
``datapackage.json`` becomes a problem, never an exception. Later checks share the
tables they read through ``Discovery.memo`` so that each CSV is parsed once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatory.core.config import Config
from observatory.core.problems import Problem

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
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def root(self) -> Path:
        return self.config.root

    def package(self, package_id: str) -> PackageFolder | None:
        for package in self.packages:
            if package.id == package_id:
                return package
        return None


def read_descriptor(folder: Path, rel: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    path = folder / DESCRIPTOR
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
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return None, [
            Problem(
                file=rel,
                row=line,
                code="encodage",
                message=f"le fichier n'est pas en UTF-8 (octet invalide ligne {line})",
                fix="réenregistrez le fichier en UTF-8",
            )
        ]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                file=rel,
                row=error.lineno,
                code="json-invalide",
                message=f"JSON mal formé ligne {error.lineno}, colonne {error.colno} : "
                f"{translate_json_error(error.msg)}",
                fix="corrigez la syntaxe JSON (virgules, guillemets doubles, accolades) ; "
                "un validateur JSON en ligne ou votre éditeur indique l'endroit exact",
            )
        ]
    if not isinstance(data, dict):
        return None, [
            Problem(
                file=rel,
                row=1,
                code="json-invalide",
                message=f"le descripteur est {JSON_KINDS.get(type(data), 'une valeur')} : "
                "il doit être un objet JSON ({ … })",
                fix="placez les métadonnées du paquet entre accolades : "
                '{"name": …, "title": …, "resources": […]}',
            )
        ]
    return data, []


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


def load_themes() -> tuple[str, ...]:
    data = json.loads(THEMES_FILE.read_text(encoding="utf-8"))
    return tuple(str(theme["id"]) for theme in data)


def discover(config: Config) -> Discovery:
    """Read every package descriptor under ``datapackages/`` (sorted by folder name)."""
    packages: list[PackageFolder] = []
    problems: list[Problem] = []
    base = config.datapackages
    folders = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    for folder in folders:
        package_id = folder.name
        descriptor, found = read_descriptor(folder, f"datapackages/{package_id}/{DESCRIPTOR}")
        problems.extend(found)
        packages.append(PackageFolder(id=package_id, path=folder, descriptor=descriptor))
    return Discovery(
        config=config,
        packages=tuple(packages),
        themes=load_themes(),
        problems=tuple(problems),
    )


def input_files(config: Config) -> list[Path]:
    """Every file whose content can change the result of ``check`` (sorted)."""
    files = [p for p in config.datapackages.rglob("*") if p.is_file()]
    if config.studies.is_dir():
        files += [p for p in config.studies.rglob("*") if p.is_file()]
    files += sorted(PROFILE_DIR.glob("*.json"))
    return sorted(files)
