"""Catalogue and study pages render from the packages' metadata; the feed is Atom."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest

from observatory.compute.indicators import compute_series
from observatory.compute.opendata import for_site
from observatory.core.model import DesiredData, Package, Priority, Resource, SchemaField
from observatory.core.site import Output, Page, Site
from observatory.core.urls import slug
from observatory.pages import catalogue as pages_catalogue
from observatory.pages import studies as pages_studies
from observatory.publish.render import make_environment, render_page
from observatory.source.discover import discover
from observatory.source.load import load_partners, load_schemes, read_package_files
from observatory.source.studies import StudyRefs, read_studies
from tests.observatory.opendata_fixture import fixture_site

REPO = Path(__file__).resolve().parents[2]
ATOM = "{http://www.w3.org/2005/Atom}"
STUDY = """---
title: Étude fictive
authors: [Awa Saïd]
partner: Organisme fictif
date: 2026-10-05
themes: [insertion]
indicators: [beneficiaires-fictifs]
packages: [fictif]
licence: etalab-2.0
summary: Une étude de test.
---
## Résultat

Mamoudzou : {{ chiffre("beneficiaires-fictifs", "97611", 2020) }} bénéficiaires.

{{ tableau("priorites") }}
"""


def rich_site(root: Path) -> Site:
    site = fixture_site(root)
    project = site.project
    fictif = project.packages[0]
    desired = dataclasses.replace(
        fictif,
        id="souhaite",
        path=root / "datapackages" / "souhaite",
        title="Donnée souhaitée fictive",
        status="desired",
        priority=Priority(3, 3, 3, 3, "Besoin fictif aigu."),
        indicators=(),
        sources=(),
        desired=DesiredData("Un besoin fictif.", "Producteur fictif", "Aucune", ("commune",)),
        governance=dataclasses.replace(fictif.governance, producer="Autre producteur"),
    )
    partners_dir = root / "datapackages" / "partenaires"
    shutil.copytree(REPO / "datapackages" / "partenaires", partners_dir)
    partners = dataclasses.replace(
        fictif,
        id="partenaires",
        path=partners_dir,
        title="Partenaires",
        indicators=(),
        files=read_package_files(partners_dir),
    )
    schemes_dir = root / "datapackages" / "dispositifs"
    schemes_dir.mkdir(parents=True)
    (schemes_dir / "dispositifs.csv").write_text(
        "id,nom,sigle,domaine,operateur,public,description,specificite_mayotte,paquets,"
        "indicateurs,url\n"
        "fictif,Dispositif fictif,DF,insertion,Organisme fictif,Tous,Une aide.,,"
        "fictif souhaite,beneficiaires-fictifs,https://example.org/\n",
        encoding="utf-8",
    )
    descriptor = {
        "name": "dispositifs",
        "resources": [{"name": "dispositifs", "path": "dispositifs.csv"}],
    }
    (schemes_dir / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    schemes = dataclasses.replace(
        fictif, id="dispositifs", path=schemes_dir, title="Dispositifs", indicators=()
    )
    packages: tuple[Package, ...] = (fictif, desired, partners, schemes)
    study_dir = root / "studies" / "etude-fictive"
    study_dir.mkdir(parents=True)
    (study_dir / "index.md").write_text(STUDY, encoding="utf-8")
    (study_dir / "annexe.pdf").write_bytes(b"%PDF-1.4\n")
    discovery = discover(site.config)  # the reference packages, read as the loader reads them
    project = dataclasses.replace(
        project,
        packages=packages,
        schemes=load_schemes(discovery.package("dispositifs")),
        partners=load_partners(discovery.package("partenaires")),
    )
    refs = StudyRefs.from_project(project)
    project = dataclasses.replace(project, studies=read_studies(root / "studies", root, refs)[0])
    return for_site(dataclasses.replace(site, project=project, series=compute_series(project)))


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return rich_site(tmp_path)


def rendered(site: Site, producer: object) -> dict[str, str]:
    env = make_environment()
    items = list(producer(site))  # type: ignore[operator]
    return {p.path: render_page(p, site, env) for p in items if isinstance(p, Page)}


def test_data_catalogue_shows_available_and_desired_side_by_side(site: Site) -> None:
    pages = rendered(site, pages_catalogue.produce)
    index = pages["catalogue/index.md"]
    assert "1 paquet(s) de données disponible(s) et 1 donnée(s) souhaitée(s)" in index
    assert (
        '<tr data-statut="disponible"><th scope="row">'
        '<a href="../catalogue/donnees/fictif/">Paquet fictif</a></th><td>disponible</td>'
    ) in index
    assert (
        '<tr data-statut="souhaitée"><th scope="row">'
        '<a href="../catalogue/donnees/souhaite/">Donnée souhaitée fictive</a></th>'
    ) in index
    # static filter pages, no JavaScript needed
    assert "catalogue/themes/insertion.md" in pages
    producer = pages["catalogue/producteurs/autre-producteur.md"]
    assert "Donnée souhaitée fictive" in producer and "Paquet fictif" not in producer


def test_package_sheet_has_schema_governance_downloads_and_jsonld(site: Site) -> None:
    sheet = rendered(site, pages_catalogue.produce)["catalogue/donnees/fictif.md"]
    for text in (
        "<dt>Propriétaire</dt><dd>Organisme fictif</dd>",
        '<tr><th scope="row">Valide</th><td>direction</td></tr>',
        "<dt>Mise à jour</dt><dd>annuelle</dd>",
        "<dt>RGPD</dt><dd>aucune donnée personnelle</dd>",
        "validé par <code>build.py check</code> pour la publication 2026-11-15",
        '<a href="../../../donnees/fictif/observations.csv">observations.csv</a>',
        "source secondaire",
        '<dt>Licence</dt><dd><a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">'
        "Licence Ouverte 2.0 (Etalab)</a></dd>",
    ):
        assert text in sheet, text
    (jsonld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', sheet)
    data = json.loads(jsonld)
    assert data["@type"] == "Dataset"
    assert data["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert data["temporalCoverage"] == "2019/2021"


def test_package_schema_reads_in_french(site: Site) -> None:
    fields = (
        SchemaField(
            "code", "string", constraints=(("pattern", "^976[0-9]{2}$"), ("required", "true"))
        ),
        SchemaField("annee", "integer", constraints=(("minimum", "1900"), ("unique", "false"))),
        SchemaField("niveau", "string", constraints=(("enum", '["commune", "EPCI"]'),)),
        SchemaField("cite", "boolean"),
    )
    fictif = dataclasses.replace(
        site.project.packages[0], resources=(Resource("obs", "observations.csv", fields=fields),)
    )
    project = dataclasses.replace(site.project, packages=(fictif, *site.project.packages[1:]))
    sheet = rendered(dataclasses.replace(site, project=project), pages_catalogue.produce)[
        "catalogue/donnees/fictif.md"
    ]
    for text in (
        "<td>texte</td><td>—</td><td></td><td>motif (expression régulière) : ^976[0-9]{2}$"
        " ; obligatoire</td>",
        "<td>entier</td><td>—</td><td></td><td>minimum : 1900 ; valeurs uniques : non</td>",
        "<td>texte</td><td>—</td><td></td><td>valeurs permises : commune, EPCI</td>",
        "<td>booléen (true ou false)</td><td>—</td><td></td><td>—</td>",
    ):
        assert text in sheet, text
    assert "required" not in sheet and ">string<" not in sheet


def test_indicator_catalogue_coverage_matrix(site: Site) -> None:
    page = rendered(site, pages_catalogue.produce)["catalogue/indicateurs.md"]
    # recent years first
    head = '<th scope="col">2021</th><th scope="col">2020</th><th scope="col">2019</th>'
    assert head in page
    assert (
        '<tr><th scope="row">Taux fictif d&#39;équipement<span class="obs-matrice__pour">pour : '
        "décideurs, partenaires</span></th><td>commune</td><td>●</td><td>●</td><td>●</td></tr>"
    ) in page
    # EPCI values summed from the communes count as published
    assert (
        '<tr><th scope="row">Nombre de bénéficiaires fictifs</th><td>commune</td>'
        "<td>●</td><td>●</td><td>●</td></tr>\n"
        '<tr><th scope="row"></th><td>EPCI</td><td>●</td><td>●</td><td>●</td></tr>'
    ) in page


def test_coverage_matrix_names_each_indicators_recipients(site: Site) -> None:
    """Each indicator's first matrix row says whom it serves, in one word each."""
    first = site.project.packages[0]
    named = dataclasses.replace(first.indicators[0], recipients=("public", "decision_makers"))
    fictif = dataclasses.replace(first, indicators=(named, *first.indicators[1:]))
    project = dataclasses.replace(site.project, packages=(fictif, *site.project.packages[1:]))
    page = rendered(dataclasses.replace(site, project=project), pages_catalogue.produce)[
        "catalogue/indicateurs.md"
    ]
    assert (
        f'<th scope="row">{escape(named.title)}<span class="obs-matrice__pour">'
        "pour : décideurs, grand public</span></th>"
    ) in page
    assert page.count("obs-matrice__pour") == 2  # the fixture's other indicator names its own


def test_aggregation_rule_reads_the_same_in_catalogue_and_methodology(site: Site) -> None:
    from observatory.pages import about as pages_about

    catalogue = rendered(site, pages_catalogue.produce)["catalogue/indicateurs.md"]
    methodology = rendered(site, pages_about.produce)["methodologie.md"]
    none = "pas d&#39;agrégation (valeurs publiées seulement)"
    assert f"<dt>Agrégation</dt><dd>{none}</dd>" in catalogue
    assert f"Taux fictif d&#39;équipement</a></th><td>{none}</td>" in methodology
    assert "<dt>Agrégation</dt><dd>somme des communes</dd>" in catalogue
    assert "Nombre de bénéficiaires fictifs</a></th><td>somme des communes</td>" in methodology


def test_priorities_are_sorted_by_total_with_the_rule(site: Site) -> None:
    page = rendered(site, pages_catalogue.produce)["catalogue/priorites.md"]
    assert "le total (de 4 à 12) est la somme des quatre scores" in page
    assert "**besoin social** : la donnée éclaire-t-elle une situation de précarité" in page
    assert page.index("Donnée souhaitée fictive") < page.index("Paquet fictif")
    assert "<td>3 — Besoin fictif aigu.</td><td>12</td><td>1 — à intégrer en premier</td>" in page


def test_partners_page_lists_real_institutions_and_cited_packages(site: Site) -> None:
    page = rendered(site, pages_catalogue.produce)["catalogue/partenaires.md"]
    for name in ("INSEE", "CSSM", "DEETS", "MDPH", "RSMA", "IEDOM", "France Travail"):
        assert f"({name})" in page
    assert "Paquets qui la citent</dt><dd>aucun pour l'instant" in page


def test_schemes_inventory_links_data_and_indicators(site: Site) -> None:
    page = rendered(site, pages_catalogue.produce)["catalogue/dispositifs.md"]
    assert "## Dispositif fictif (DF) {: #fictif }" in page
    assert (
        '<a href="../../catalogue/donnees/souhaite/">Donnée souhaitée fictive</a> (souhaitée)'
    ) in page
    assert '<a href="../../catalogue/indicateurs/#beneficiaires-fictifs">' in page


def test_study_page_embeds_the_figure_of_the_data(site: Site) -> None:
    pages = rendered(site, pages_studies.produce)
    page = pages["etudes/etude-fictive.md"]
    point = next(
        p
        for p in site.series["beneficiaires-fictifs"].points
        if p.code == "97611" and p.year == 2020
    )
    assert point.value == 200.0
    assert (
        '<span class="chiffre" data-indicateur="beneficiaires-fictifs" data-code="97611" '
        f'data-annee="2020" data-valeur="{point.value:g}">{int(point.value or 0)}</span>'
    ) in page
    assert '<table class="tableau-priorites">' in page
    assert "etudes/par-theme/insertion.md" in pages
    assert "etudes/par-partenaire/organisme-fictif.md" in pages
    assert "etudes/par-annee/2026.md" in pages


def test_study_licence_is_named_and_linked(site: Site) -> None:
    page = rendered(site, pages_studies.produce)["etudes/etude-fictive.md"]
    assert (
        '<dt>Licence</dt><dd><a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">'
        "Licence Ouverte 2.0 (Etalab)</a></dd>"
    ) in page
    assert "etudes/etude-fictive/, Licence Ouverte 2.0 (Etalab)." in page
    assert "etalab-2.0" not in page


def test_study_files_and_atom_feed(site: Site) -> None:
    outputs = {o.path: o for o in pages_studies.produce(site) if isinstance(o, Output)}
    assert outputs["etudes/etude-fictive/annexe.pdf"].content == b"%PDF-1.4\n"
    root = ET.fromstring(outputs["etudes/flux.atom"].content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2026-10-05T00:00:00Z"
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Étude fictive"
    assert entry.findtext(f"{ATOM}id") == "http://localhost:8000/etudes/etude-fictive/"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Awa Saïd"  # type: ignore[union-attr]


def test_producer_filters_follow_partner_ids(site: Site) -> None:
    """Declared partner ids give one filter page per partner (the CSSM once, under its
    id); a package without ids falls back to the names of its free text."""
    fictif = next(p for p in site.project.packages if p.id == "fictif")
    named = dataclasses.replace(
        fictif,
        governance=dataclasses.replace(
            fictif.governance,
            producer="Caisse de sécurité sociale de Mayotte (CSSM), INSEE",
            producers=("cssm", "insee"),
        ),
    )
    assert pages_catalogue.producer_filters(site, named) == (
        ("CSSM", "catalogue/producteurs/cssm.md"),
        ("INSEE", "catalogue/producteurs/insee.md"),
    )
    assert pages_catalogue.producer_filters(site, fictif) == (
        (
            fictif.governance.producer,
            f"catalogue/producteurs/{slug(fictif.governance.producer)}.md",
        ),
    )


def test_indicator_catalogue_names_recipients_apart_from_diffusion(site: Site) -> None:
    """« Destinataires » are the people the indicator serves, not its diffusion level."""
    page = rendered(site, pages_catalogue.produce)["catalogue/indicateurs.md"]
    assert (
        "<dt>Destinataires</dt><dd>décideurs (Département, État, communes), "
        "partenaires (opérateurs, associations, professionnels)</dd>"
    ) in page
    assert "<dt>Destinataires</dt><dd>non déclarés</dd>" in page
    assert "<dt>Diffusion</dt><dd>" in page
    assert "<dt>Destinataires</dt><dd>public" not in page
