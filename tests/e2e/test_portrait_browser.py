"""A commune portrait in Chromium: every section, the figures the observatory computes
(with their formula), and one clean A4 document when printed (Chromium's print to PDF)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

KOUNGOU = "territoires/97610/"
SECTIONS = [
    "L'essentiel",
    "Démographie",
    "Villages et quartiers",
    "À l'échelle du département",
    "Données manquantes pour ce territoire",
]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_commune_portrait_has_every_section(
    open_page: Callable[..., Any], site_url: str, javascript: bool
) -> None:
    page = open_page(javascript=javascript)
    page.goto(urljoin(site_url, KOUNGOU))
    headings = [h.strip() for h in page.locator("h2").all_text_contents()]
    assert [h for h in headings if h in SECTIONS] == SECTIONS
    assert page.locator("svg.obs-locator").is_visible()
    assert page.locator("svg.obs-census").is_visible()
    computed = page.locator("table", has_text="chiffres calculés par l'observatoire")
    text = re.sub(r"\s+", " ", computed.inner_text())
    # 26 488 (2012) -> 32 156 (2017): (32 156 / 26 488)^(1/5) − 1 = 4,0 % a year
    assert "Croissance annuelle moyenne 2012-2017 4,0 % par an" in text.replace("\u202f", " ")
    assert "Calculé par l'observatoire : (population 2017 ÷ population 2012)^(1/5) − 1" in text
    assert "Rang parmi les 17 communes en 2017 2e" in text
    villages = page.locator("table", has_text="Villages et quartiers de Koungou").inner_text()
    assert "Trévani (village)" in villages and "Majicavo-Koropa (village)" in villages
    context = page.locator("ul.obs-context").inner_text()
    assert "Taux de chômage au sens du BIT" in context and "(Mayotte, 2023" in context
    assert "Producteur probable : CSSM" in page.locator("ul.obs-missing").inner_text()
    assert page.external == []


def test_a_portrait_prints_as_one_clean_a4_document(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page()
    page.goto(urljoin(site_url, KOUNGOU))
    page.emulate_media(media="print")
    assert page.locator(".md-sidebar--primary").first.is_hidden()
    assert page.locator(".md-header").first.is_hidden()
    assert page.locator(".obs-print-note").is_visible()
    # no table is cut at the right edge of the printed page
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.obs-table')]
             .filter(t => t.scrollWidth > t.clientWidth + 1).length"""
    )
    assert clipped == 0
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    boxes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert boxes <= {(595, 842), (596, 843)}  # A4: 210 × 297 mm in points, Chromium's rounding
    assert boxes
    pages = len(re.findall(rb"/Type /Page\b", pdf))
    assert 1 <= pages <= 8  # one document of a few A4 pages, no blank or cut page


@pytest.mark.parametrize("javascript", [True, False])
def test_villages_and_quartiers_are_zonings_reached_from_the_list_of_territories(
    open_page: Callable[..., Any], site_url: str, javascript: bool
) -> None:
    page = open_page(javascript=javascript)
    page.goto(urljoin(site_url, "territoires/"))
    section = page.locator("h2#villages-et-quartiers-prioritaires")
    assert section.is_visible()
    assert "n'ont pas de carte" in (
        page.locator("h2#villages-et-quartiers-prioritaires + p").inner_text()
    )
    page.get_by_role("link", name="La Vigie").click()
    page.wait_for_url("**/territoires/200050532/#qpv-la-vigie")
    group = page.locator("tbody#qpv-la-vigie")
    assert group.locator("th.obs-zone").inner_text() == "La Vigie (quartier prioritaire)"
    rows = [re.sub(r"\s+", " ", r) for r in group.locator("tr").all_inner_texts()[1:]]
    assert len(rows) == 2 and all("2012-2017" in r or "2017" in r for r in rows)
    assert page.evaluate("document.querySelector(':target').id") == "qpv-la-vigie"
    # the figures of a quartier are never added into the EPCI's own rows
    assert (
        page.locator("table", has_text="Villages et quartiers de CC de Petite-Terre").count() == 1
    )
    page.goto(urljoin(site_url, KOUNGOU))
    links = page.locator(".obs-zone-links a")
    assert links.all_inner_texts() == [
        "Kangani", "Koungou", "Longoni", "Majicavo-Koropa", "Majicavo-Lamir", "Trévani",
    ]  # fmt: skip
    assert page.locator("tbody[id^='village-']").count() == 6
    assert page.external == []
