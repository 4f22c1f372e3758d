"""Catalogues, studies and open data in a real browser, on the site built from the
repository's data: the pages render without JavaScript, the figure embedded in a study
equals the value of the published CSV, the feeds and catalogues parse."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import axe_serious

pytestmark = pytest.mark.e2e

STUDY = "etudes/cartographie-donnees-indicateurs/"
PAGES = (
    ("catalogue/", "Catalogue des données"),
    ("catalogue/indicateurs/", "Catalogue des indicateurs"),
    ("catalogue/dispositifs/", "Inventaire des dispositifs sociaux"),
    ("catalogue/priorites/", "Matrice de priorisation"),
    ("catalogue/partenaires/", "Réseau des partenaires"),
    ("catalogue/donnees/emploi-chomage/", "Emploi et chômage à Mayotte"),
    ("etudes/", "Études"),
    (STUDY, "Cartographie des données et des indicateurs sociaux de Mayotte"),
    ("etudes/scenarios-deploiement/", "Rapport technique — trois scénarios de déploiement"),
    ("donnees/", "Données ouvertes"),
)


def published_values(site: Path) -> dict[tuple[str, str, int], float]:
    """Values of every observations.csv published in the site's download folder."""
    values: dict[tuple[str, str, int], float] = {}
    for path in sorted((site / "donnees").glob("*/observations.csv")):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            if row["valeur"]:
                values[(row["indicateur"], row["code_geo"], int(row["annee"]))] = float(
                    row["valeur"]
                )
    return values


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_catalogue_and_study_pages_render_without_javascript(
    open_page: Callable[..., Any], site_url: str, path: str, heading: str
) -> None:
    page = open_page(javascript=False)
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().startswith(heading)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.external == []


def test_embedded_figures_equal_the_published_data(
    open_page: Callable[..., Any], site_url: str, built_site: Path
) -> None:
    values = published_values(built_site)
    page = open_page(javascript=False)
    page.goto(site_url + STUDY)
    figures = page.locator("span.chiffre")
    assert figures.count() == 3
    for i in range(figures.count()):
        span = figures.nth(i)
        key = (
            span.get_attribute("data-indicateur") or "",
            span.get_attribute("data-code") or "",
            int(span.get_attribute("data-annee") or 0),
        )
        assert float(span.get_attribute("data-valeur") or "nan") == values[key]
    mayotte = page.locator('span.chiffre[data-code="976"][data-annee="2017"]')
    expected = values[("population_municipale", "976", 2017)]
    shown = mayotte.inner_text().replace("\u202f", "").replace(",", ".")
    assert float(shown) == expected


def test_study_tables_come_from_the_catalogues(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False)
    page.goto(site_url + "catalogue/")
    desired_in_catalogue = page.locator('tr[data-statut="souhaitée"]').count()
    page.goto(site_url + STUDY)
    assert page.locator("table.tableau-besoins tbody tr").count() == desired_in_catalogue
    assert page.locator("table.tableau-priorites tbody tr").count() > desired_in_catalogue


def test_scenario_totals_are_labelled_as_examples(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False)
    page.goto(site_url + "etudes/scenarios-deploiement/")
    caption = page.locator("table.tableau-totaux caption").inner_text()
    assert caption == "Totaux calculés à la construction du site — valeurs d'exemple, pas des devis"
    first = page.locator("table.tableau-totaux tbody tr").nth(1)
    assert first.locator("th").inner_text() == "Coût initial"
    # 0 + 2 000 + (20 + 2 + 3) × 600 = 17 000 with the shipped example parameters
    assert first.locator("td").first.inner_text() == "17\u202f000\u00a0€"


def test_feed_catalogue_and_sitemap_parse(built_site: Path) -> None:
    feed = ET.parse(built_site / "etudes" / "flux.atom").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 2
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    pages = sorted(p.parent for p in built_site.rglob("index.html"))
    for folder in pages:
        rel = folder.relative_to(built_site).as_posix()
        assert ("/" + rel + "/</loc>" if rel != "." else "/</loc>") in sitemap, rel
    jsonld = json.loads((built_site / "catalogue.jsonld").read_text(encoding="utf-8"))
    assert jsonld["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"


def test_package_sheet_has_schema_org_dataset(open_page: Callable[..., Any], site_url: str) -> None:
    page = open_page(javascript=False)
    page.goto(site_url + "catalogue/donnees/emploi-chomage/")
    data = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert data["@type"] == "Dataset"
    assert data["name"] == "Emploi et chômage à Mayotte"


@pytest.mark.parametrize("path", [p for p, _ in PAGES])
def test_axe_finds_no_serious_violation(
    open_page: Callable[..., Any], site_url: str, path: str
) -> None:
    page = open_page()
    page.goto(site_url + path)
    assert axe_serious(page) == []


def test_study_files_and_downloads_are_served(open_page: Callable[..., Any], site_url: str) -> None:
    root = Path(__file__).resolve().parents[2]
    page = open_page(javascript=False)
    page.goto(site_url + "etudes/scenarios-deploiement/")
    href = page.locator("dl a", has_text="parametres.csv").get_attribute("href")
    response = page.request.get(site_url + "etudes/scenarios-deploiement/" + str(href))
    assert response.status == 200
    expected = root / "studies" / "scenarios-deploiement" / "parametres.csv"
    assert response.body() == expected.read_bytes()
    page.goto(site_url + "donnees/")
    zip_href = page.locator("a", has_text="Toutes les données (ZIP").get_attribute("href")
    archive = page.request.get(site_url + "donnees/" + str(zip_href))
    assert archive.status == 200 and archive.body()[:2] == b"PK"


PHONE_TABLE_PAGES = (
    "catalogue/",
    "catalogue/priorites/",
    "catalogue/donnees/dispositifs/",
    "etudes/scenarios-deploiement/",
)


@pytest.mark.parametrize("path", PHONE_TABLE_PAGES)
def test_table_words_stay_whole_on_a_phone(
    open_page: Callable[..., Any], site_url: str, path: str
) -> None:
    page = open_page(viewport={"width": 400, "height": 900})
    page.goto(site_url + path)
    # no word of a table (links, code, headers) is cut across two lines: the table
    # scrolls sideways instead; a line may break at a space, a hyphen or a slash
    cut = page.evaluate(
        """() => {
          const cut = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            if (!node.parentElement.closest('.obs-table table')) continue;
            const re = /[^\\s\\-\u2019'/]+/g;
            let m;
            while ((m = re.exec(node.data))) {
              const range = document.createRange();
              range.setStart(node, m.index);
              range.setEnd(node, m.index + m[0].length);
              const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
              if (tops.size > 1) cut.push(m[0]);
            }
          }
          return cut;
        }"""
    )
    assert cut == []
    assert page.external == []
