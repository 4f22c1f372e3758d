"""DCAT-AP 2.1.1 catalogue of the published data packages (Turtle and JSON-LD, via rdflib).

Harvestable by data.gouv.fr: each public package is a ``dcat:Dataset`` with a stable
``dct:identifier``, typed dates, its EU frequency, the Licence Ouverte 2.0, and one
``dcat:Distribution`` per file (access and download URL, IANA media type, EU file type,
byte size, SHA-1 checksum as DCAT-AP requires, ``dct:conformsTo`` its Table Schema).
No blank nodes: every node has an IRI under the site URL, so the output is stable.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

SPDX = Namespace("http://spdx.org/rdf/terms#")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
IANA = "https://www.iana.org/assignments/media-types/"
DATA_PACKAGE_SPEC = "https://specs.frictionlessdata.io/data-package/"
IDENTIFIER_PREFIX = "observatoire-social-mayotte/"

FREQUENCY: dict[str, str] = {
    "continuous": "CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annual": "ANNUAL",
    "biennial": "BIENNIAL",
    "triennial": "TRIENNIAL",
    "quinquennial": "QUINQUENNIAL",
    "irregular": "IRREG",
    "unknown": "UNKNOWN",
    "never": "NEVER",
}
FILE_TYPES: dict[str, tuple[str, str]] = {  # suffix -> (IANA media type, EU file type)
    ".csv": ("text/csv", "CSV"),
    ".json": ("application/json", "JSON"),
    ".geojson": ("application/geo+json", "GEOJSON"),
    ".zip": ("application/zip", "ZIP"),
}


@dataclass(frozen=True)
class FileInfo:
    """One published file: its site-relative path, size, SHA-1 and schema (if a table)."""

    path: str
    title: str
    size: int
    sha1: str
    schema: str = ""  # site-relative path of its Table Schema, or "" (spec for descriptors)


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    title: str
    description: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    publisher: str
    frequency: str
    license_url: str
    landing: str  # site-relative URL of the package sheet
    issued: str
    modified: str
    years: tuple[int, int] | None
    files: tuple[FileInfo, ...]


def sha1_hex(data: bytes) -> str:
    """SHA-1, the only checksum algorithm DCAT-AP 2.1.1 accepts (integrity, not security)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def typed_date(value: str) -> Literal:
    """A date as DCAT-AP wants it: xsd:date, xsd:gYearMonth or xsd:gYear."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return Literal(value, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return Literal(value, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", value):
        return Literal(value, datatype=XSD.gYear)
    raise ValueError(f"date de publication invalide : {value!r} (attendu AAAA-MM-JJ)")


def _add_date(g: Graph, node: URIRef, predicate: URIRef, value: str) -> None:
    """Add a typed date; a release id that is not a date (e.g. ``v2``) adds nothing
    rather than an untyped date that DCAT-AP would refuse."""
    try:
        g.add((node, predicate, typed_date(value)))
    except ValueError:
        return


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "organisme"


def catalogue_graph(
    datasets: tuple[DatasetInfo, ...], site_url: str, release: str, title: str, description: str
) -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
    ):
        g.bind(prefix, ns)
    fr = "fr"
    catalog = URIRef(f"{site_url}catalogue.ttl#catalogue")
    observatory = URIRef(f"{site_url}#observatoire")
    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal(title, lang=fr)))
    g.add((catalog, DCTERMS.description, Literal(description, lang=fr)))
    g.add((catalog, DCTERMS.publisher, observatory))
    g.add((catalog, DCTERMS.language, EU_LANGUAGE.FRA))
    _add_date(g, catalog, DCTERMS.modified, release)
    g.add((catalog, FOAF.homepage, URIRef(site_url)))
    g.add((observatory, RDF.type, FOAF.Agent))
    g.add((observatory, FOAF.name, Literal(title, lang=fr)))
    for ds in datasets:
        node = URIRef(f"{site_url}{ds.landing}#jeu-de-donnees")
        g.add((catalog, DCAT.dataset, node))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(IDENTIFIER_PREFIX + ds.id)))
        g.add((node, DCTERMS.title, Literal(ds.title, lang=fr)))
        g.add((node, DCTERMS.description, Literal(ds.description, lang=fr)))
        for keyword in ds.keywords:
            g.add((node, DCAT.keyword, Literal(keyword, lang=fr)))
        g.add((node, DCAT.theme, EU_DATA_THEME.SOCI))  # population and society
        for theme in ds.themes:
            g.add((node, DCAT.theme, URIRef(f"{site_url}themes/{theme}/")))
        publisher = URIRef(f"{site_url}#{_slug(ds.publisher)}")
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, FOAF.name, Literal(ds.publisher, lang=fr)))
        g.add((node, DCTERMS.publisher, publisher))
        g.add((node, DCTERMS.accrualPeriodicity, EU_FREQUENCY[FREQUENCY[ds.frequency]]))
        g.add((node, DCTERMS.license, URIRef(ds.license_url)))
        g.add((URIRef(ds.license_url), RDF.type, DCTERMS.LicenseDocument))
        g.add((node, DCTERMS.language, EU_LANGUAGE.FRA))
        g.add((node, DCAT.landingPage, URIRef(site_url + ds.landing)))
        _add_date(g, node, DCTERMS.issued, ds.issued)
        _add_date(g, node, DCTERMS.modified, ds.modified)
        if ds.years is not None:
            period = URIRef(f"{site_url}{ds.landing}#periode")
            g.add((node, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(f"{ds.years[0]}-01-01", datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(f"{ds.years[1]}-12-31", datatype=XSD.date)))
        for info in ds.files:
            _distribution(g, node, info, ds, site_url)
    return g


def _distribution(g: Graph, dataset: URIRef, info: FileInfo, ds: DatasetInfo, site: str) -> None:
    url = URIRef(site + info.path)
    dist = URIRef(f"{site}{info.path}#distribution")
    suffix = "." + info.path.rsplit(".", 1)[-1]
    media, file_type = FILE_TYPES.get(suffix, ("application/octet-stream", "BIN"))
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(info.title, lang="fr")))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + media)))
    g.add((dist, DCTERMS.format, EU_FILE_TYPE[file_type]))
    g.add((dist, DCAT.byteSize, Literal(info.size, datatype=XSD.decimal)))
    g.add((dist, DCTERMS.license, URIRef(ds.license_url)))
    _add_date(g, dist, DCTERMS.modified, ds.modified)
    checksum = URIRef(f"{site}{info.path}#sha1")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha1))
    g.add((checksum, SPDX.checksumValue, Literal(info.sha1, datatype=XSD.hexBinary)))
    schema = URIRef(site + info.schema if info.schema else DATA_PACKAGE_SPEC)
    g.add((dist, DCTERMS.conformsTo, schema))
    g.add((schema, RDF.type, DCTERMS.Standard))


def to_turtle(graph: Graph) -> bytes:
    text: str = graph.serialize(format="turtle")
    return text.encode("utf-8")


def _canonical(value: object) -> object:
    """Sort JSON-LD objects and arrays so that the bytes do not depend on hash order."""
    if isinstance(value, dict):
        return {k: _canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_jsonld(graph: Graph) -> bytes:
    context = {
        "dcat": str(DCAT),
        "dct": str(DCTERMS),
        "foaf": str(FOAF),
        "spdx": str(SPDX),
        "xsd": str(XSD),
    }
    data = json.loads(graph.serialize(format="json-ld", context=context))
    return (json.dumps(_canonical(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
