"""Open data files and pages: the published packages, DCAT catalogue, full download,
manifest, robots.txt, sitemap and the open-data and release-notes pages, written from
``Site.open_data`` (computed by ``compute.opendata``).

Public available packages are copied byte for byte under ``donnees/<id>/``;
``donnees.zip`` holds them all (deterministic: sorted names, fixed timestamps).
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape

from observatory.core.numbers import fmt_number
from observatory.core.opendata import FileInfo, PublishedFile, sha1_hex
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
    public_url,
    url_of,
)
from observatory.publish.dcat import Contact, catalogue_graph, to_jsonld, to_turtle

SITE_TITLE = "Observatoire social et médico-social de Mayotte"
CATALOGUE_DESCRIPTION = (
    "Données publiques de l'observatoire social et médico-social de Mayotte : population, "
    "logement, handicap, personnes âgées, emploi, insertion, référentiel territorial. "
    "Chaque jeu de données est un paquet Frictionless (CSV et datapackage.json)."
)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def make_zip(files: list[PublishedFile]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in sorted(files, key=lambda f: f.path):
            info = zipfile.ZipInfo(f.path.removeprefix("donnees/"), date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, f.content)
    return buffer.getvalue()


# Producers ----------------------------------------------------------------------------
def produce(site: Site) -> Iterator[Page | Output]:
    """Package files, full download, DCAT, manifest, robots.txt, open-data and notes pages."""
    data = site.open_data
    manifest, items = data.manifest, list(data.published)
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
        str(manifest.get("release", "")),
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
    notes = data.notes
    if notes is None:
        return
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
