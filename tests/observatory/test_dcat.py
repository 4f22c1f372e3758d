"""The DCAT catalogue parses with rdflib and carries what DCAT-AP 2.1.1 and data.gouv.fr need."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from observatory.compute.opendata import for_site
from observatory.core.site import Output
from observatory.publish.dcat import GSP, LOCN, VCARD, typed_date
from observatory.publish.opendata import produce
from tests.observatory.opendata_fixture import fixture_site

SITE = "http://localhost:8000/"


@pytest.fixture
def outputs(tmp_path: Path) -> dict[str, bytes]:
    site = fixture_site(tmp_path)
    return {o.path: o.content for o in produce(site) if isinstance(o, Output)}


@pytest.fixture
def graph(outputs: dict[str, bytes]) -> Graph:
    return Graph().parse(data=outputs["catalogue.ttl"].decode(), format="turtle")


def one(graph: Graph, subject: Any, predicate: Any) -> Any:
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_catalogue_has_title_description_publisher(graph: Graph) -> None:
    (catalog,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(one(graph, catalog, DCTERMS.title)) == (
        "Observatoire social et médico-social de Mayotte"
    )
    assert str(one(graph, catalog, DCTERMS.description)).startswith("Données publiques")
    publisher = one(graph, catalog, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert one(graph, publisher, FOAF.name) == Literal(
        "Observatoire social et médico-social de Mayotte", lang="fr"
    )
    assert one(graph, catalog, DCTERMS.modified) == Literal("2026-11-15", datatype=XSD.date)


def test_every_dataset_carries_the_required_properties(graph: Graph) -> None:
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    (ds,) = datasets
    assert one(graph, ds, DCTERMS.identifier) == Literal("observatoire-social-mayotte/fictif")
    assert one(graph, ds, DCTERMS.title) == Literal("Paquet fictif", lang="fr")
    assert str(one(graph, ds, DCTERMS.description)) == "Données synthétiques pour les tests."
    assert Literal("Insertion et formation professionnelle", lang="fr") in set(
        graph.objects(ds, DCAT.keyword)
    )
    assert one(graph, ds, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/ANNUAL"
    )
    assert one(graph, ds, DCTERMS.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )
    assert one(graph, ds, DCAT.landingPage) == URIRef(SITE + "catalogue/donnees/fictif/")
    assert one(graph, ds, DCTERMS.issued) == Literal("2026-11-15", datatype=XSD.date)
    assert one(graph, ds, DCTERMS.modified) == Literal("2026-11-15", datatype=XSD.date)
    period = one(graph, ds, DCTERMS.temporal)
    assert one(graph, period, DCAT.startDate) == Literal("2019-01-01", datatype=XSD.date)
    assert one(graph, period, DCAT.endDate) == Literal("2021-12-31", datatype=XSD.date)
    assert (one(graph, ds, DCTERMS.publisher), RDF.type, FOAF.Agent) in graph


def test_one_distribution_per_file(graph: Graph, outputs: dict[str, bytes]) -> None:
    (ds,) = graph.subjects(RDF.type, DCAT.Dataset)
    dists = list(graph.objects(ds, DCAT.distribution))
    urls = sorted(str(one(graph, d, DCAT.downloadURL)) for d in dists)
    assert urls == [
        SITE + "donnees/fictif/datapackage.json",
        SITE + "donnees/fictif/observations.csv",
        SITE + "donnees/fictif/observations.schema.json",
        SITE + "donnees/fictif/sources.csv",
        SITE + "donnees/fictif/sources.schema.json",
    ]
    for dist in dists:
        url = str(one(graph, dist, DCAT.downloadURL))
        content = outputs[url.removeprefix(SITE)]
        assert one(graph, dist, DCAT.accessURL) == URIRef(url)
        size = one(graph, dist, DCAT.byteSize)
        assert isinstance(size, Literal) and size.datatype == XSD.decimal
        assert size.toPython() == len(content)
        # No spdx:checksum: DCAT-AP's xsd:hexBinary is refused by data.gouv.fr (see dcat.py).
        assert (dist, URIRef("http://spdx.org/rdf/terms#checksum"), None) not in graph
        assert str(one(graph, dist, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
        assert one(graph, dist, DCTERMS.conformsTo) is not None
    csv_dist = URIRef(SITE + "donnees/fictif/observations.csv#distribution")
    assert one(graph, csv_dist, DCTERMS.conformsTo) == URIRef(
        SITE + "donnees/fictif/observations.schema.json"
    )
    assert one(graph, csv_dist, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )


def test_spatial_coverage_is_mayotte_with_its_bounding_box(graph: Graph) -> None:
    (ds,) = graph.subjects(RDF.type, DCAT.Dataset)
    place = one(graph, ds, DCTERMS.spatial)
    assert place == URIRef("http://publications.europa.eu/resource/authority/country/MYT")
    assert (place, RDF.type, DCTERMS.Location) in graph
    assert one(graph, place, SKOS.prefLabel) == Literal("Mayotte", lang="fr")
    geometry = one(graph, place, LOCN.geometry)
    assert geometry.datatype == GSP.geoJSONLiteral
    (ring,) = json.loads(str(geometry))["coordinates"]
    assert ring[0] == ring[-1] and len(ring) == 5
    west, south = ring[0]
    east, north = ring[2]
    assert west < east and south < north
    bbox = one(graph, place, DCAT.bbox)
    assert bbox.datatype == GSP.wktLiteral
    assert (
        str(bbox) == f"POLYGON(({west} {south},{east} {south},{east} {north},"
        f"{west} {north},{west} {south}))"
    )


def test_contact_point_is_a_vcard_with_a_page(graph: Graph) -> None:
    (ds,) = graph.subjects(RDF.type, DCAT.Dataset)
    contact = one(graph, ds, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert one(graph, contact, VCARD.fn) == Literal(
        "Observatoire social et médico-social de Mayotte", lang="fr"
    )
    assert one(graph, contact, VCARD.hasURL) == URIRef(SITE + "mentions-legales/")


def test_only_periods_are_blank_nodes_and_jsonld_is_the_same_graph(
    graph: Graph, outputs: dict[str, bytes]
) -> None:
    blanks = {term for t in graph for term in t if not isinstance(term, URIRef | Literal)}
    assert blanks == {
        one(graph, ds, DCTERMS.temporal) for ds in graph.subjects(RDF.type, DCAT.Dataset)
    }
    assert all(isinstance(b, BNode) for b in blanks)
    other = Graph().parse(data=outputs["catalogue.jsonld"].decode(), format="json-ld")
    assert len(other) == len(graph)
    assert normal(other) == normal(graph)


def normal(graph: Graph) -> set[tuple[object, ...]]:
    """Triples with literals compared by value (Turtle writes 226 as 226.0) and each blank
    node named by the node that points to it (parsers relabel blank nodes)."""
    owner = {o: ("blank node of", s) for s, _, o in graph if isinstance(o, BNode)}

    def term(t: Any) -> Any:
        if isinstance(t, Literal):
            return (t.toPython(), t.datatype, t.language)
        return owner.get(t, t)

    return {(term(s), p, term(o)) for s, p, o in graph}


def test_output_is_byte_identical_between_runs(tmp_path: Path) -> None:
    first = {
        o.path: o.content for o in produce(fixture_site(tmp_path / "a")) if isinstance(o, Output)
    }
    second = {
        o.path: o.content for o in produce(fixture_site(tmp_path / "b")) if isinstance(o, Output)
    }
    assert first.keys() == second.keys()
    for path in ("catalogue.ttl", "catalogue.jsonld", "donnees/donnees-observatoire-mayotte.zip"):
        assert first[path] == second[path], path


@pytest.mark.parametrize(
    ("value", "datatype"),
    [("2026-11-15", XSD.date), ("2026-11", XSD.gYearMonth), ("2026", XSD.gYear)],
)
def test_typed_dates(value: str, datatype: URIRef) -> None:
    assert typed_date(value) == Literal(value, datatype=datatype)


def test_untyped_date_is_refused() -> None:
    with pytest.raises(ValueError, match="date de publication invalide : '15/11/2026'"):
        typed_date("15/11/2026")


REQUIRED = (
    DCTERMS.identifier,
    DCTERMS.title,
    DCTERMS.description,
    DCAT.keyword,
    DCTERMS.accrualPeriodicity,
    DCTERMS.license,
    DCAT.landingPage,
    DCTERMS.issued,
    DCTERMS.modified,
    DCTERMS.publisher,
    DCAT.distribution,
    DCAT.contactPoint,
    DCTERMS.spatial,
)
DISTRIBUTION = (
    DCAT.accessURL,
    DCAT.downloadURL,
    DCAT.mediaType,
    DCAT.byteSize,
    DCTERMS.conformsTo,
)


def test_every_shipped_dataset_carries_the_required_properties(tmp_path: Path) -> None:
    from observatory.core.config import load_config
    from observatory.core.site import Site
    from observatory.source.load import load_project

    root = Path(__file__).resolve().parents[2]
    config = load_config(root=str(root), dist=str(tmp_path), release="2026-11-29")
    site = for_site(Site(project=load_project(config), config=config, release="2026-11-29"))
    (ttl,) = [o.content for o in produce(site) if isinstance(o, Output) and o.path.endswith(".ttl")]
    graph = Graph().parse(data=ttl.decode(), format="turtle")
    datasets = sorted(graph.subjects(RDF.type, DCAT.Dataset), key=str)
    assert len(datasets) >= 10
    missing = [(str(ds), str(p)) for ds in datasets for p in REQUIRED if (ds, p, None) not in graph]
    dists = set(graph.objects(None, DCAT.distribution))
    missing += [(str(d), str(p)) for d in dists for p in DISTRIBUTION if (d, p, None) not in graph]
    assert missing == []
    identifiers = [str(one(graph, ds, DCTERMS.identifier)) for ds in datasets]
    assert len(set(identifiers)) == len(identifiers)
    assert "observatoire-social-mayotte/territoires" in identifiers
    assert (
        graph.query(
            "ASK { ?d <http://purl.org/dc/terms/issued> ?v FILTER(datatype(?v) != "
            "<http://www.w3.org/2001/XMLSchema#date>) }"
        ).askAnswer
        is False
    )


def test_a_release_id_that_is_not_a_date_adds_no_untyped_date(tmp_path: Path) -> None:
    import dataclasses

    site = for_site(dataclasses.replace(fixture_site(tmp_path), release="v2"))
    (ttl,) = [o.content for o in produce(site) if isinstance(o, Output) and o.path.endswith(".ttl")]
    graph = Graph().parse(data=ttl.decode(), format="turtle")
    assert list(graph.objects(None, DCTERMS.modified)) == []
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 1
