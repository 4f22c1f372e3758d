"""Values as the source gives them, in the browser: periods and quarters read as such
wherever a value appears, and each observation note is marked in the cell it qualifies
and printed below the table (JavaScript on and off, phone and desktop)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

GROWTH = "taux_variation_annuel_moyen_population"
KOUNGOU_NOTE = (
    "La commune de Koungou publie la même valeur (4,0 % par an) dans son tableau d'après l'Insee."
)
PHONE = {"viewport": {"width": 390, "height": 844}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def note_of(page: Any, cell: Any) -> str:
    """The note a cell's mark links to (the mark's target must exist on the page)."""
    href = cell.locator("sup.obs-note-mark a").get_attribute("href")
    assert href.startswith("#note-")
    target = page.locator(f"li[id='{href[1:]}']")
    assert target.count() == 1
    return str(target.text_content()).strip()


@pytest.mark.parametrize("javascript", [False, True])
@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["390px", "desktop"])
def test_indicator_table_heads_periods_and_marks_notes(
    open_page: Callable[..., Any], site_url: str, javascript: bool, screen: dict[str, Any]
) -> None:
    page = open_page(javascript=javascript, **screen)
    page.goto(urljoin(site_url, f"indicateurs/{GROWTH}/"))
    table = page.locator("table.obs-data").last
    headers = [h.strip() for h in table.locator("thead th").all_text_contents()]
    assert headers == ["Code", "Territoire", "Niveau", "2007-2012", "2012-2017"]
    koungou = table.locator("tr", has=page.locator("th:text-is('Koungou')"))
    cell = koungou.locator("td").nth(3)
    assert cell.text_content().startswith("4,0")
    assert note_of(page, cell) == KOUNGOU_NOTE
    assert cell.locator("a").get_attribute("aria-label") == "note 1"
    cell.locator("a").click()
    assert page.url.endswith("#note-taux_variation_annuel_moyen_population-1")
    assert page.locator(":target").text_content().strip() == KOUNGOU_NOTE
    caption = page.locator("figure.obs-chart figcaption").first.text_content()
    assert "sur la période 2012-2017" in caption
    lead = page.locator("p.obs-lead").first.text_content()
    assert lead.startswith("Mayotte : 3,8\u202f% par an sur la période 2012-2017. Hausse de ")
    assert "depuis la période 2007-2012" in lead
    assert page.external == []


def test_table_cells_keep_the_source_precision(
    open_page: Callable[..., Any], site_url: str
) -> None:
    """A floor reads « plus de 90 » in the data table, beside the note that says why."""
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, "indicateurs/part_population_en_qpv/"))
    table = page.locator("table.obs-data").last
    acoua = table.locator("tr", has=page.locator("th:text-is('Acoua')"))
    headers = [h.strip() for h in table.locator("thead th").all_text_contents()]
    cell = acoua.locator("td").nth(headers.index("1er janvier 2018") - 1)  # the th is a cell
    assert cell.text_content().startswith("plus de 90")
    assert note_of(page, cell).startswith("Valeur plancher : la source écrit « dépasse 90 % »")
    assert page.external == []


def test_quarters_portraits_and_comparison_show_the_period(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, "themes/emploi/"))
    assert (
        page.locator(
            ":is(.obs-kpi__meta, .obs-tile__meta):has-text('Mayotte, 1er trimestre 2024')"
        ).count()
        == 1
    )
    page.goto(urljoin(site_url, "territoires/97610/"))
    row = page.locator("tr", has=page.locator(f"a[href$='/{GROWTH}/']")).first
    assert row.locator("td").first.text_content() == "2012-2017"
    assert note_of(page, row.locator("td").nth(1)) == KOUNGOU_NOTE
    page.goto(urljoin(site_url, "territoires/comparer/"))
    heading = page.locator(f"#comparer-{GROWTH}").text_content()
    assert heading.endswith("(2012-2017)")
    assert page.external == []


def test_downloads_head_columns_by_period_and_carry_the_notes(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, f"indicateurs/{GROWTH}/"))
    href = page.locator("a[download][href$='.csv']").get_attribute("href")
    text = page.request.get(urljoin(page.url, href)).text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Code", "Territoire", "Niveau", "2007-2012", "2012-2017", "Unité", "Sources", "Notes",
    ]  # fmt: skip
    koungou = next(r for r in rows if r[0] == "97610")
    assert koungou[4] == "4" and koungou[-1] == f"2012-2017 : {KOUNGOU_NOTE}"


@pytest.mark.parametrize("path", [f"indicateurs/{GROWTH}/", "themes/demographie/"])
def test_a_map_of_a_period_says_the_period(
    open_page: Callable[..., Any], site_url: str, path: str
) -> None:
    """The 2012-2017 growth rate is filed under 2017: its map never reads « en 2017 »."""
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, path))
    layout = page.locator(f"#carte-{GROWTH}-2017")
    facts = layout.locator(".obs-map-facts").inner_text()
    assert facts.startswith("Unité : % par an · Période : 2012-2017 · Source : ")
    title = layout.locator(f"svg title#{GROWTH}-commune-titre").text_content()
    assert title == (
        "Carte des communes de Mayotte : Taux de variation annuel moyen de la population "
        "sur la période 2012-2017"
    )
    tip = layout.locator(f"path#{GROWTH}-commune-97610 title").text_content()
    assert tip == "10. Koungou : 4,0\u202f% par an sur la période 2012-2017"
    caption = layout.locator(".obs-map-table caption").text_content()
    assert caption.endswith("sur la période 2012-2017")
    assert "en 2017" not in str(layout.text_content())
    assert page.external == []
