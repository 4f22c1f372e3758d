"""Open data: the published packages, DCAT catalogue, full download, manifest, release notes.

Public available packages are copied byte for byte under ``donnees/<id>/`` (so that each
``datapackage.json`` there passes ``frictionless validate``), with each table's schema as a
separate ``.schema.json`` (the target of ``dct:conformsTo``). ``donnees.zip`` holds them all
(deterministic: sorted names, fixed timestamps).

Release notes compare this release's values with the previous release manifest.
Decision: the previous manifest is the file of the ``previous_manifest`` setting
(``OBSERVATOIRE_PREVIOUS_MANIFEST``), else ``datapackages/release-manifest.json`` — the
published ``release-manifest.json`` of the last data release, committed there when the
release is tagged; the loader reads it (``Project.previous_manifest``). Without one, the
notes say it is the first release. A manifest of the same release id is ignored (rebuilds
of one release give the same notes).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from observatory.core.model import Package, Project
from observatory.core.numbers import fmt_number
from observatory.core.site import Output, Page, Plan, Site
from observatory.core.urls import (
    DCAT_JSONLD,
    DCAT_TURTLE,
    FULL_DOWNLOAD,
    MANIFEST,
    OPEN_DATA,
    RELEASE_NOTES,
    ROBOTS,
    SITEMAP,
    package_file_path,
    package_url,
    public_url,
    url_of,
)
from observatory.publish.dcat import (
    BBox,
    Contact,
    DatasetInfo,
    FileInfo,
    catalogue_graph,
    sha1_hex,
    to_jsonld,
    to_turtle,
)

SITE_TITLE = "Observatoire social et médico-social de Mayotte"
CATALOGUE_DESCRIPTION = (
    "Données publiques de l'observatoire social et médico-social de Mayotte : population, "
    "logement, handicap, personnes âgées, emploi, insertion, référentiel territorial. "
    "Chaque jeu de données est un paquet Frictionless (CSV et datapackage.json)."
)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PublishedFile:
    path: str  # site-relative
    title: str
    content: bytes
    schema: str = ""


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


def package_files(package: Package) -> list[PublishedFile]:
    """datapackage.json, every resource file and every inline table schema.

    A package without its files on disk (a project built in memory) publishes nothing.
    """
    if not (package.path / "datapackage.json").is_file():
        return []
    descriptor_bytes = (package.path / "datapackage.json").read_bytes()
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
        if not isinstance(path, str) or not (package.path / path).is_file():
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
                (package.path / path).read_bytes(),
                schema_path,
            )
        )
    return sorted(files, key=lambda f: f.path)


def make_zip(files: list[PublishedFile]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in sorted(files, key=lambda f: f.path):
            info = zipfile.ZipInfo(f.path.removeprefix("donnees/"), date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.content)
    return buffer.getvalue()


def release_date(site: Site) -> str:
    return site.release or site.config.release or "1970-01-01"


# Manifest and release notes -----------------------------------------------------------
ValueRow = tuple[str, str, int, str, float | None]


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


def make_manifest(site: Site, previous: dict[str, Any] | None) -> dict[str, Any]:
    issued_before: dict[str, str] = {}
    if previous:
        for pid, entry in previous.get("packages", {}).items():
            issued_before[pid] = entry.get("issued", "")
    release = release_date(site)
    packages: dict[str, Any] = {}
    for package in published_packages(site.project):
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
        "values": [list(r) for r in value_rows(site.project)],
    }


def current_manifest(site: Site) -> dict[str, Any]:
    return make_manifest(site, previous_manifest(site))


def previous_manifest(site: Site) -> dict[str, Any] | None:
    """The loaded manifest of the previous release, unless it is this release's."""
    data = site.project.previous_manifest
    if data is None or data.get("release") == release_date(site):
        return None
    return dict(data)


@dataclass(frozen=True)
class ReleaseNotes:
    release: str
    previous: str  # "" for the first release
    added_series: tuple[tuple[str, str], ...]  # (indicator, code)
    added_values: tuple[ValueRow, ...]
    revised: tuple[tuple[ValueRow, float | None], ...]  # (new row, old value)
    removed: tuple[ValueRow, ...]
    changed_files: tuple[str, ...] = ()  # site paths of files added or modified


def _file_hashes(manifest: dict[str, Any]) -> dict[str, str]:
    return {
        path: entry.get("sha256", "")
        for package in manifest.get("packages", {}).values()
        for path, entry in package.get("files", {}).items()
    }


def compare(current: dict[str, Any], previous: dict[str, Any] | None) -> ReleaseNotes:
    def index(manifest: dict[str, Any]) -> dict[tuple[str, str, int, str], float | None]:
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
        years=(min(years), max(years)) if years else None,
        bbox=mayotte_bbox(project),
        files=tuple(
            FileInfo(f.path, f.title, len(f.content), sha1_hex(f.content), f.schema) for f in files
        ),
    )


def schema_org(info: DatasetInfo, site_url: str) -> str:
    """schema.org ``Dataset`` JSON-LD for the package sheet (Google Dataset Search)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": info.title,
        "description": info.description,
        "identifier": f"observatoire-social-mayotte/{info.id}",
        "url": site_url + info.landing,
        "keywords": list(info.keywords),
        "license": info.license_url,
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "datePublished": info.issued,
        "dateModified": info.modified,
        "creator": {"@type": "Organization", "name": info.publisher},
        "spatialCoverage": {"@type": "Place", "name": "Mayotte, France"},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f.title,
                "contentUrl": site_url + f.path,
                "encodingFormat": "text/csv" if f.path.endswith(".csv") else "application/json",
                "contentSize": f"{f.size} B",
            }
            for f in info.files
            if not f.path.endswith(".schema.json")
        ],
    }
    if info.years:
        data["temporalCoverage"] = f"{info.years[0]}/{info.years[1]}"
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


# Producers ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Published:
    package: Package
    files: tuple[PublishedFile, ...]
    info: DatasetInfo


def published(site: Site, manifest: dict[str, Any] | None = None) -> list[Published]:
    """Every public package with its files and DCAT description."""
    release = release_date(site)
    issued = {pid: e["issued"] for pid, e in (manifest or {}).get("packages", {}).items()}
    result = []
    for package in published_packages(site.project):
        files = package_files(package)
        if not files:
            continue
        info = dataset_info(package, site.project, files, issued.get(package.id, release), release)
        result.append(Published(package, tuple(files), info))
    return result


def produce(site: Site) -> Iterator[Page | Output]:
    """Package files, full download, DCAT, manifest, robots.txt, open-data and notes pages."""
    previous = previous_manifest(site)
    manifest = make_manifest(site, previous)
    items = published(site, manifest)
    every_file = [f for item in items for f in item.files]
    for f in every_file:
        media = "text/csv" if f.path.endswith(".csv") else "application/json"
        yield Output(f.path, f.content, media)
    archive = make_zip(every_file)
    yield Output(FULL_DOWNLOAD, archive, "application/zip")
    zip_info = FileInfo(FULL_DOWNLOAD, "Toutes les données", len(archive), sha1_hex(archive))
    site_url = public_url(site.config)
    graph = catalogue_graph(
        tuple(i.info for i in items),
        site_url,
        release_date(site),
        SITE_TITLE,
        CATALOGUE_DESCRIPTION,
        Contact(SITE_TITLE, site_url + "mentions-legales/"),
    )
    yield Output(DCAT_TURTLE, to_turtle(graph), "text/turtle")
    yield Output(DCAT_JSONLD, to_jsonld(graph), "application/ld+json")
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    yield Output(MANIFEST, text.encode("utf-8"), "application/json")
    robots = "User-agent: *\nAllow: /\n"
    if site_url.startswith(("http://", "https://")):  # a local build has no public sitemap
        robots += f"\nSitemap: {site_url}{SITEMAP}\n"
    yield Output(ROBOTS, robots.encode("utf-8"), "text/plain")
    notes = compare(manifest, previous)
    yield Page(
        path=OPEN_DATA,
        title="Données ouvertes",
        template="catalogue/opendata.md.j2",
        context={"items": items, "zip": zip_info, "notes": notes, "site_url": site_url},
        nav=("Données ouvertes",),
        order=0,
        description="Télécharger toutes les données de l'observatoire et son catalogue DCAT.",
    )
    yield Page(
        path=RELEASE_NOTES,
        title=f"Notes de version {notes.release}",
        template="catalogue/release_notes.md.j2",
        context={
            "notes": notes,
            "names": site.names,
            "titles": _indicator_titles(site),
            "fmt": value_text,
        },
        nav=("Données ouvertes",),
        order=1,
        description="Ce qui a changé dans les données depuis la publication précédente.",
    )


def value_text(value: float | None) -> str:
    """A manifest value as printed in the notes: as many decimals as it has (at most 3)."""
    if value is None:
        return "non disponible"
    decimals = next((d for d in range(4) if round(value, d) == value), 3)
    return fmt_number(value, decimals)


def _indicator_titles(site: Site) -> dict[str, str]:
    return {i.id: i.title for p in site.project.packages for i in p.indicators}


def sitemap(page_urls: list[str], site_url: str) -> bytes:
    """sitemap.xml listing every page (site-relative URLs), sorted, without dates."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url in sorted(set(page_urls)):
        lines.append(f"  <url><loc>{escape(site_url + url)}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def with_sitemap(plan: Plan, extra_pages: tuple[Page, ...], site_url: str) -> Plan:
    """The plan plus ``sitemap.xml`` listing every page (generated and hand-written).

    Called by the pipeline once the plan is complete, since no single producer sees
    every page. The file and its gzip copy replace those mkdocs writes (same paths, no
    build dates), so that both list the same pages.
    """
    urls = [url_of(p.path) for p in (*plan.pages, *extra_pages)]
    content = sitemap(urls, site_url)
    names = (SITEMAP, SITEMAP + ".gz")
    outputs = tuple(o for o in plan.outputs if o.path not in names)
    extra = (
        Output(SITEMAP, content, "application/xml"),
        Output(SITEMAP + ".gz", gzip.compress(content, mtime=0), "application/gzip"),
    )
    return Plan(plan.pages, tuple(sorted((*outputs, *extra), key=lambda o: o.path)))
