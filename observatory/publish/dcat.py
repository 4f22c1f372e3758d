"""DCAT-AP 2.1.1 catalogue of the published data packages (Turtle and JSON-LD, via rdflib).

Harvested whole by data.gouv.fr (udata's ``DcatBackend``, tested in tests/opendata/):
each public package is a ``dcat:Dataset`` with a stable ``dct:identifier``, typed dates,
its EU frequency, the Licence Ouverte 2.0, its temporal coverage (a ``dct:PeriodOfTime``
written inline: udata fetches a period given by IRI), its spatial coverage (Mayotte, the
EU country authority IRI, with the département's bounding box as GeoJSON and WKT, which
is what udata reads), a ``dcat:contactPoint`` (vCard), and one ``dcat:Distribution`` per
file (access and download URL, IANA media type, EU file type, byte size, ``dct:conformsTo``
its Table Schema).

No checksum: DCAT-AP 2.1.1 types ``spdx:checksumValue`` as ``xsd:hexBinary``, which rdflib
turns into bytes that udata's string field refuses (every dataset rejected), and a string
would break the DCAT-AP shape. Each file's SHA-1 is on its package page, its SHA-256 in
``release-manifest.json``.

Blank nodes only for the periods, with labels derived from the package id, so the output
is byte-identical between runs; every other node has an IRI under the site URL.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from observatory.core.opendata import BBox, DatasetInfo, FileInfo
from observatory.core.urls import DCAT_TURTLE, theme_path, url_of

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
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
class Contact:
    """The catalogue's contact point: a name and a page (and an e-mail if one is set)."""

    name: str
    page: str  # absolute URL
    email: str = ""


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


def bbox_polygon(bbox: BBox) -> list[list[float]]:
    """The closed ring of a bounding box, counter-clockwise from the south-west corner."""
    west, south, east, north = bbox
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def _spatial(g: Graph, node: URIRef, bbox: BBox) -> None:
    """Mayotte by its EU country authority IRI, with the geometry udata and DCAT-AP read."""
    place = EU_COUNTRY.MYT
    g.add((node, DCTERMS.spatial, place))
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, SKOS.prefLabel, Literal("Mayotte", lang="fr")))
    ring = bbox_polygon(bbox)
    geojson = json.dumps({"type": "Polygon", "coordinates": [ring]}, separators=(",", ":"))
    wkt = "POLYGON((" + ",".join(f"{x} {y}" for x, y in ring) + "))"
    g.add((place, LOCN.geometry, Literal(geojson, datatype=GSP.geoJSONLiteral)))
    g.add((place, DCAT.bbox, Literal(wkt, datatype=GSP.wktLiteral)))


def _contact(g: Graph, contact: Contact, site_url: str) -> URIRef:
    node = URIRef(f"{site_url}#contact")
    g.add((node, RDF.type, VCARD.Organization))
    g.add((node, VCARD.fn, Literal(contact.name, lang="fr")))
    g.add((node, VCARD.hasURL, URIRef(contact.page)))
    if contact.email:
        g.add((node, VCARD.hasEmail, URIRef(f"mailto:{contact.email}")))
    return node


def catalogue_graph(
    datasets: tuple[DatasetInfo, ...],
    site_url: str,
    release: str,
    title: str,
    description: str,
    contact: Contact,
) -> Graph:
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("locn", LOCN),
        ("gsp", GSP),
        ("skos", SKOS),
        ("vcard", VCARD),
    ):
        g.bind(prefix, ns)
    fr = "fr"
    catalog = URIRef(f"{site_url}{DCAT_TURTLE}#catalogue")
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
    contact_node = _contact(g, contact, site_url)
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
            g.add((node, DCAT.theme, URIRef(site_url + url_of(theme_path(theme)))))
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
        g.add((node, DCAT.contactPoint, contact_node))
        if ds.bbox is not None:
            _spatial(g, node, ds.bbox)
        if ds.period is not None:
            # Inline (a blank node), never an IRI: udata dereferences an IRI period.
            period = BNode(f"periode-{_slug(ds.id)}")
            g.add((node, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            g.add((period, DCAT.startDate, Literal(ds.period[0], datatype=XSD.date)))
            g.add((period, DCAT.endDate, Literal(ds.period[1], datatype=XSD.date)))
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
        "gsp": str(GSP),
        "locn": str(LOCN),
        "skos": str(SKOS),
        "vcard": str(VCARD),
        "xsd": str(XSD),
    }
    data = json.loads(graph.serialize(format="json-ld", context=context))
    return (json.dumps(_canonical(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
