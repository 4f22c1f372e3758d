"""Load a project that passed ``check`` into the frozen ``Project`` of ``core.model``.

Only call it after ``check`` returned no problem: values are converted, not validated.
Order is deterministic: packages by folder name, rows in file order (the data contract
sorts them), territories as in ``territoires.csv``, schemes as in ``dispositifs.csv``,
partners as in ``partenaires.csv``.
Studies are read with the files beside them (``source.studies``).
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from observatory.core.config import Config
from observatory.core.model import (
    LEVELS,
    DesiredData,
    Governance,
    Indicator,
    Level,
    Observation,
    Package,
    Partner,
    Priority,
    Project,
    Resource,
    SchemaField,
    Scheme,
    Source,
    Territory,
    Theme,
)
from observatory.core.urls import MANIFEST
from observatory.source.discover import PackageFolder, discover, themes_json
from observatory.source.studies import StudyRefs, read_studies

TERRITORY_PACKAGE = "territoires"
SCHEMES_PACKAGE = "dispositifs"
PARTNERS_PACKAGE = "partenaires"
STANDARD_COLUMNS = (
    "indicateur", "niveau", "code_geo", "annee", "periode", "valeur", "source", "note",
)  # fmt: skip
GEOJSON_LEVELS: dict[str, Level] = {
    "communes": "commune",
    "epci": "epci",
    "departement": "departement",
}


class NotCheckedError(ValueError):
    """The data folder does not have the shape that ``check`` guarantees."""


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():  # a named pipe would wait forever for a writer (check says why)
        raise NotCheckedError(f"{path} : pas un fichier ; lancez d'abord python build.py check")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            raise NotCheckedError(
                f"{path} : ligne {number} mal formée ; lancez d'abord python build.py check"
            )
    return rows


def text(block: dict[str, Any], key: str) -> str:
    value = block.get(key)
    return value if isinstance(value, str) else ""


def strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def levels(value: Any) -> tuple[Level, ...]:
    return tuple(v for v in strings(value) if v in LEVELS)


def load_themes() -> tuple[Theme, ...]:
    data = themes_json()
    themes = (
        Theme(
            id=t["id"],
            title=t["title"],
            description=t["description"],
            order=int(t["order"]),
            key_indicators=tuple(str(i) for i in t.get("key_indicators", [])),
            subtopics=tuple(
                (str(s["title"]), tuple(str(i) for i in s.get("indicators", [])))
                for s in t.get("subtopics", [])
            ),
        )
        for t in data
    )
    return tuple(sorted(themes, key=lambda t: (t.order, t.id)))


def load_governance(block: dict[str, Any]) -> Governance:
    collection = block.get("collection") or {}
    return Governance(
        owner=text(block, "owner"),
        producer=text(block, "producer"),
        creates=text(collection, "creates"),
        modifies=text(collection, "modifies"),
        corrects=text(collection, "corrects"),
        updates=text(collection, "updates"),
        validates=text(collection, "validates"),
        update_frequency=text(block, "update_frequency"),
        legal_basis=text(block, "legal_basis"),
        gdpr=text(block, "gdpr"),
        sensitivity=cast(Any, text(block, "sensitivity")),
        producers=strings(block.get("producers")),
    )


def load_indicator(block: dict[str, Any], package: str, theme: str) -> Indicator:
    threshold = block.get("secrecy_threshold")
    return Indicator(
        id=block["id"],
        title=text(block, "title"),
        unit=text(block, "unit"),
        definition=text(block, "definition"),
        package=package,
        theme=theme,
        levels=levels(block.get("levels")),
        aggregation=cast(Any, block.get("aggregation", "none")),
        numerator=text(block, "numerator"),
        denominator=text(block, "denominator"),
        secrecy_threshold=threshold if isinstance(threshold, int) else None,
        comparability=text(block, "comparability"),
        chart=text(block, "chart") or "line",
        decimals=int(block.get("decimals") or 0),
        status=cast(Any, block.get("status", "available")),
        dimensions=strings(block.get("dimensions")),
        recipients=strings(block.get("recipients")),
    )


def constraint_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def load_resource(block: dict[str, Any]) -> Resource:
    schema = block.get("schema") if isinstance(block.get("schema"), dict) else {}
    fields = tuple(
        SchemaField(
            name=f["name"],
            type=text(f, "type") or "string",
            title=text(f, "title"),
            description=text(f, "description"),
            unit=text(f, "unit"),
            constraints=tuple(
                (k, constraint_text(v)) for k, v in sorted((f.get("constraints") or {}).items())
            ),
        )
        for f in (schema or {}).get("fields", [])
    )
    return Resource(
        name=text(block, "name"),
        path=text(block, "path"),
        title=text(block, "title"),
        description=text(block, "description"),
        fields=fields,
    )


def load_sources(folder: PackageFolder) -> tuple[Source, ...]:
    resource = folder.resource("sources")
    if resource is None:
        return ()
    return tuple(
        Source(
            id=row["id"],
            organisation=row.get("organisme", ""),
            title=row.get("titre", ""),
            url=row.get("url", ""),
            vintage=row.get("millesime", ""),
            secondary=row.get("secondaire", "") in ("true", "True", "TRUE", "1"),
            quote=row.get("citation", ""),
        )
        for row in read_rows(folder.path / resource["path"])
    )


def read_package_files(path: Path) -> tuple[tuple[str, bytes], ...]:
    """``datapackage.json`` and every resource file of the package folder ``path``, as
    bytes (the open data copies them as they are)."""
    descriptor_path = path / "datapackage.json"
    if not descriptor_path.is_file():
        return ()
    raw = descriptor_path.read_bytes()
    files = [("datapackage.json", raw)]
    for resource in json.loads(raw).get("resources", []):
        name = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(name, str) and (path / name).is_file():
            files.append((name, (path / name).read_bytes()))
    return tuple(files)


def load_package(folder: PackageFolder) -> Package:
    package = _package(folder)
    if package.status == "available" and package.governance.sensitivity == "public":
        package = replace(package, files=read_package_files(folder.path))  # published
    return package


def _package(folder: PackageFolder) -> Package:
    descriptor = folder.descriptor or {}
    block = folder.observatory
    themes = strings(block.get("themes"))
    desired = block.get("desired")
    return Package(
        id=folder.id,
        path=folder.path.resolve(),
        title=text(descriptor, "title"),
        description=text(descriptor, "description"),
        themes=themes,
        status=cast(Any, block.get("status", "available")),
        licenses=tuple(
            (text(item, "name"), text(item, "path")) for item in descriptor.get("licenses") or []
        ),
        governance=load_governance(block.get("governance") or {}),
        priority=Priority(**(block.get("priority") or {})),
        indicators=tuple(
            load_indicator(i, folder.id, themes[0] if themes else "")
            for i in block.get("indicators") or []
        ),
        resources=tuple(load_resource(r) for r in folder.resources()),
        sources=load_sources(folder),
        desired=DesiredData(
            needed=text(desired, "needed"),
            likely_producer=text(desired, "likely_producer"),
            legal_constraints=text(desired, "legal_constraints"),
            levels=levels(desired.get("levels")),
            frequency=text(desired, "frequency"),
        )
        if isinstance(desired, dict)
        else None,
        keywords=strings(descriptor.get("keywords")),
        version=text(descriptor, "version"),
        temporal=period(block.get("temporal")),
    )


def period(block: Any) -> tuple[str, str] | None:
    if not isinstance(block, dict):
        return None
    start, end = text(block, "start"), text(block, "end")
    return (start, end) if start and end else None


def load_observations(folder: PackageFolder) -> list[Observation]:
    resource = folder.resource("observations")
    if resource is None or folder.id in (TERRITORY_PACKAGE, SCHEMES_PACKAGE):
        return []
    rows = read_rows(folder.path / resource["path"])
    observations = []
    for row in rows:
        dimensions = tuple(
            (name, value)
            for name, value in row.items()
            if name not in STANDARD_COLUMNS and value not in ("", None)
        )
        raw = row["valeur"]
        observations.append(
            Observation(
                indicator=row["indicateur"],
                level=cast(Level, row["niveau"]),
                code=row["code_geo"],
                year=int(row["annee"]),
                value=float(raw) if raw != "" else None,
                source=row["source"],
                note=row.get("note") or "",
                dimensions=dimensions,
                period=row.get("periode") or "",
            )
        )
    return observations


def load_territories(folder: PackageFolder | None) -> tuple[Territory, ...]:
    if folder is None or folder.resource("territoires") is None:
        return ()
    rows = read_rows(folder.path / str((folder.resource("territoires") or {})["path"]))
    members: dict[str, list[str]] = {}
    for row in rows:
        if row["niveau"] == "commune":
            for parent in (row.get("code_epci", ""), row.get("code_departement", "")):
                if parent:
                    members.setdefault(parent, []).append(row["code"])
    return tuple(
        Territory(
            code=row["code"],
            name=row["nom"],
            level=cast(Level, row["niveau"]),
            epci=row.get("code_epci") or None,
            departement=row.get("code_departement") or row["code"],
            communes=tuple(sorted(members.get(row["code"], []))),
        )
        for row in rows
    )


def load_geojson(folder: PackageFolder | None) -> tuple[tuple[Level, str], ...]:
    if folder is None:
        return ()
    found = []
    for name, level in GEOJSON_LEVELS.items():
        resource = folder.resource(name)
        if resource is not None and isinstance(resource.get("path"), str):
            path = folder.path / resource["path"]
            if path.is_file():
                found.append((level, path.read_text(encoding="utf-8")))
    return tuple(sorted(found, key=lambda item: LEVELS.index(item[0])))


def reference_rows(folder: PackageFolder | None, name: str) -> list[dict[str, str]]:
    """The rows of the resource ``name`` of a reference package; none without it."""
    resource = folder.resource(name) if folder else None
    if folder is None or resource is None:
        return []
    return read_rows(folder.path / resource["path"])


def load_schemes(folder: PackageFolder | None) -> tuple[Scheme, ...]:
    return tuple(
        Scheme(
            id=row["id"],
            name=row.get("nom", ""),
            domain=row.get("domaine", ""),
            operator=row.get("operateur", ""),
            public=row.get("public", ""),
            description=row.get("description", ""),
            packages=tuple(row.get("paquets", "").split()),
            indicators=tuple(row.get("indicateurs", "").split()),
            url=row.get("url", ""),
            acronym=row.get("sigle", ""),
            specificity=row.get("specificite_mayotte", ""),
        )
        for row in reference_rows(folder, "dispositifs")
    )


def load_partners(folder: PackageFolder | None) -> tuple[Partner, ...]:
    return tuple(
        Partner(
            id=row["id"],
            name=row.get("nom", ""),
            acronym=row.get("sigle", ""),
            category=row.get("categorie", ""),
            role=row.get("role", ""),
            data=row.get("donnees", ""),
            marks=tuple(m.strip() for m in row.get("reperes", "").split("|") if m.strip()),
            url=row.get("url", ""),
            source=row.get("source", ""),
            quote=row.get("citation", ""),
        )
        for row in reference_rows(folder, "partenaires")
    )


def load_previous_manifest(config: Config) -> dict[str, Any] | None:
    """The manifest of the previous data release, for the release notes: the file of the
    ``previous_manifest`` setting, else ``datapackages/release-manifest.json``; ``None``
    when there is none or it is not a JSON object (the notes then say it is the first)."""
    path = config.previous_manifest or config.datapackages / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_project(config: Config) -> Project:
    """The frozen project of a checked data folder (see ``validate.check``)."""
    discovery = discover(config)
    folders = [f for f in discovery.packages if f.descriptor is not None]
    observations = [o for folder in folders for o in load_observations(folder)]
    project = Project(
        root=config.root,
        themes=load_themes(),
        territories=load_territories(discovery.package(TERRITORY_PACKAGE)),
        packages=tuple(load_package(folder) for folder in folders),
        observations=tuple(observations),
        schemes=load_schemes(discovery.package(SCHEMES_PACKAGE)),
        partners=load_partners(discovery.package(PARTNERS_PACKAGE)),
        geojson=load_geojson(discovery.package(TERRITORY_PACKAGE)),
        release=config.release,
        previous_manifest=load_previous_manifest(config),
    )
    studies, _ = read_studies(config.studies, config.root, StudyRefs.from_project(project))
    return replace(project, studies=studies)
