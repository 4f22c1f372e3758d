"""What a release publishes as open data, computed from the loaded project.

Public available packages are published byte for byte under ``donnees/<id>/`` (so that
each ``datapackage.json`` there passes ``frictionless validate``), with each table's
schema as a separate ``.schema.json`` (the target of ``dct:conformsTo``).

Release notes compare this release's values with the previous release manifest.
Decision: the previous manifest is the file of the ``previous_manifest`` setting
(``OBSERVATOIRE_PREVIOUS_MANIFEST``), else ``datapackages/release-manifest.json`` — the
published ``release-manifest.json`` of the last data release, committed there when the
release is tagged; the loader reads it (``Project.previous_manifest``). Without one, the
notes say it is the first release. A manifest of the same release id is ignored (rebuilds
of one release give the same notes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from observatory.core.model import Package, Project
from observatory.core.opendata import (
    BBox,
    DatasetInfo,
    FileInfo,
    OpenData,
    Published,
    PublishedFile,
    ReleaseNotes,
    ValueRow,
    sha1_hex,
)
from observatory.core.site import Site
from observatory.core.urls import package_file_path, package_url


def published_packages(project: Project) -> list[Package]:
    """Packages whose files are public: available and public, sorted by id."""
    return sorted(
        (
            p
            for p in project.packages
            if p.status == "available" and p.governance.sensitivity == "public"
        ),
        key=lambda p: p.id,
    )


def canonical(content: bytes) -> bytes:
    """A published text file as ``check`` accepted it, with ``\n`` line endings (a CSV
    saved on Windows ends its lines with CRLF: same data, canonical bytes). ``check``
    refuses a BOM, a lone CR and anything that is not UTF-8, so nothing else differs."""
    return content.replace(b"\r\n", b"\n")


def package_files(package: Package) -> list[PublishedFile]:
    """datapackage.json, every resource file and every inline table schema, from the
    files the loader read (``Package.files``).

    A package without its files (a project built in memory) publishes nothing.
    """
    raw = dict(package.files)
    if "datapackage.json" not in raw:
        return []
    descriptor_bytes = canonical(raw["datapackage.json"])
    descriptor: dict[str, Any] = json.loads(descriptor_bytes)
    files = [
        PublishedFile(
            package_file_path(package.id, "datapackage.json"),
            "Descripteur du paquet",
            descriptor_bytes,
        )
    ]
    for resource in descriptor.get("resources", []):
        path = resource.get("path")
        if not isinstance(path, str) or path not in raw:
            continue
        schema_path = ""
        schema = resource.get("schema")
        if isinstance(schema, dict):
            schema_path = package_file_path(package.id, f"{resource['name']}.schema.json")
            text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
            files.append(
                PublishedFile(schema_path, f"Schéma de « {resource['name']} »", text.encode())
            )
        files.append(
            PublishedFile(
                package_file_path(package.id, path),
                resource.get("title") or resource["name"],
                canonical(raw[path]),
                schema_path,
            )
        )
    return sorted(files, key=lambda f: f.path)


# Manifest and release notes -----------------------------------------------------------
def value_rows(project: Project) -> list[ValueRow]:
    published = {p.id for p in published_packages(project)}
    owner = {i.id: p.id for p in project.packages for i in p.indicators}
    rows = [
        (
            o.indicator,
            o.code,
            o.year,
            ";".join(f"{k}={v}" for k, v in sorted(o.dimensions)),
            o.value,
        )
        for o in project.observations
        if owner.get(o.indicator) in published
    ]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2], r[3]))


def make_manifest(
    project: Project, release: str, previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    issued_before: dict[str, str] = {}
    if previous:
        for pid, entry in previous.get("packages", {}).items():
            issued_before[pid] = entry.get("issued", "")
    packages: dict[str, Any] = {}
    for package in published_packages(project):
        packages[package.id] = {
            "issued": issued_before.get(package.id) or release,
            "version": package.version,
            "files": {
                f.path: {"bytes": len(f.content), "sha256": hashlib.sha256(f.content).hexdigest()}
                for f in package_files(package)
            },
        }
    return {
        "release": release,
        "packages": packages,
        "values": [list(r) for r in value_rows(project)],
    }


def previous_manifest(project: Project, release: str) -> dict[str, Any] | None:
    """The loaded manifest of the previous release, unless it is this release's."""
    data = project.previous_manifest
    if data is None or data.get("release") == release:
        return None
    return dict(data)


def _file_hashes(manifest: Mapping[str, Any]) -> dict[str, str]:
    return {
        path: entry.get("sha256", "")
        for package in manifest.get("packages", {}).values()
        for path, entry in package.get("files", {}).items()
    }


def compare(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> ReleaseNotes:
    def index(manifest: Mapping[str, Any]) -> dict[tuple[str, str, int, str], float | None]:
        return {(r[0], r[1], int(r[2]), r[3]): r[4] for r in manifest.get("values", [])}

    now = index(current)
    if previous is None:
        return ReleaseNotes(current["release"], "", (), (), (), ())
    before = index(previous)
    old_series = {(k[0], k[1]) for k in before}
    added_series = sorted({(k[0], k[1]) for k in now} - old_series)
    added = [(*k, v) for k, v in now.items() if k not in before and (k[0], k[1]) in old_series]
    revised = [((*k, v), before[k]) for k, v in now.items() if k in before and before[k] != v]
    removed = [(*k, v) for k, v in before.items() if k not in now]
    old_files = _file_hashes(previous)
    changed = sorted(p for p, h in _file_hashes(current).items() if old_files.get(p) != h)
    return ReleaseNotes(
        current["release"],
        str(previous.get("release", "")),
        tuple(added_series),
        tuple(sorted(added)),
        tuple(sorted(revised, key=lambda r: r[0][:4])),
        tuple(sorted(removed)),
        tuple(changed),
    )


# Datasets for DCAT and schema.org ------------------------------------------------------
def mayotte_bbox(project: Project) -> BBox | None:
    """The bounding box of the territory geometries shipped in the repository (4 decimals)."""
    points = [
        point
        for _level, text in project.geojson
        for feature in json.loads(text).get("features", [])
        for point in _points(feature.get("geometry") or {})
    ]
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return (
        round(min(lons), 4),
        round(min(lats), 4),
        round(max(lons), 4),
        round(max(lats), 4),
    )


def _points(geometry: dict[str, Any]) -> Iterator[list[float]]:
    coordinates = geometry.get("coordinates") or []
    kind = str(geometry.get("type"))
    polygons = {"Polygon": [coordinates], "MultiPolygon": coordinates}.get(kind, [])
    for polygon in polygons:
        for ring in polygon:
            yield from ring


def dataset_info(
    package: Package, project: Project, files: list[PublishedFile], issued: str, modified: str
) -> DatasetInfo:
    ids = {i.id for i in package.indicators}
    years = [o.year for o in project.observations if o.indicator in ids]
    themes = {t.id: t.title for t in project.themes}
    keywords = sorted({*package.keywords, *(themes.get(t, t) for t in package.themes)})
    license_url = next(
        (path for name, path in package.licenses if name == "etalab-2.0"),
        package.licenses[0][1] if package.licenses else "",
    )
    return DatasetInfo(
        id=package.id,
        title=package.title,
        description=package.description,
        keywords=tuple(keywords),
        themes=package.themes,
        publisher=package.governance.owner,
        frequency=package.governance.update_frequency,
        license_url=license_url,
        landing=package_url(package.id),
        issued=issued,
        modified=modified,
        period=(f"{min(years)}-01-01", f"{max(years)}-12-31") if years else package.temporal,
        bbox=mayotte_bbox(project),
        files=tuple(
            FileInfo(f.path, f.title, len(f.content), sha1_hex(f.content), f.schema) for f in files
        ),
    )


def published(
    project: Project, release: str, manifest: Mapping[str, Any] | None = None
) -> list[Published]:
    """Every public package with its files and DCAT description."""
    issued = {pid: e["issued"] for pid, e in (manifest or {}).get("packages", {}).items()}
    result = []
    for package in published_packages(project):
        files = package_files(package)
        if not files:
            continue
        info = dataset_info(package, project, files, issued.get(package.id, release), release)
        result.append(Published(package, tuple(files), info))
    return result


def open_data(project: Project, release: str) -> OpenData:
    """The open data of a release: manifest (compared with the previous one), published
    packages and release notes."""
    previous = previous_manifest(project, release)
    manifest = make_manifest(project, release, previous)
    return OpenData(
        published=tuple(published(project, release, manifest)),
        manifest=manifest,
        notes=compare(manifest, previous),
    )


def release_date(site: Site) -> str:
    return site.release or site.config.release or "1970-01-01"


def for_site(site: Site) -> Site:
    """``site`` with its open data (the pipeline's step, for sites built by hand)."""
    return replace(site, open_data=open_data(site.project, release_date(site)))
