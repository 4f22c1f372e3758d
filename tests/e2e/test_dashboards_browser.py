"""Theme dashboards in Chromium: the first screen shows the declared key figures, and each
dashboard reads in a few screens before « Tous les indicateurs ».

The bound, in screens of the viewport's height, from the top of the page to the
« Tous les indicateurs » heading:
- desktop (1280×800): 5 screens. Key figures (about one screen), the maps side by side
  (one row), then the sub-topics as a grid of small tiles, each linking to its indicator
  page for the full chart and its data table; before the tiles it was 15 screens.
- phone (390×844): 9 screens. The maps cannot sit side by side there: each of up to three
  maps with its legend takes about a screen; the tiles go two by two.
Nothing in the page's text overflows sideways on the phone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BOUND = {1280: 5.0, 390: 9.0}
ALL = "Tous les indicateurs"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_first_screen_of_a_dashboard_shows_its_key_figures(
    open_page: Callable[..., Any], site_url: str, viewport: dict[str, int]
) -> None:
    page = open_page(javascript=False, viewport=viewport)
    page.goto(urljoin(site_url, "themes/emploi/"))
    first = page.locator(".obs-kpi").first
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= viewport["height"]
    assert first.locator(".obs-kpi__label").text_content() == "Taux de chômage au sens du BIT"
    headings = [h.strip() for h in page.locator("h2").all_text_contents()]
    assert headings[0] == "Chiffres clés"
    assert headings.index("Chômage au sens du BIT") < headings.index("Demandeurs d'emploi")
    assert ALL in headings
    assert page.external == []


def _top_of(page: Any, text: str) -> float:
    return float(
        page.evaluate(
            """(text) => {
              const h = [...document.querySelectorAll('h2')]
                .find(e => e.textContent.trim() === text);
              return h ? h.getBoundingClientRect().top + window.scrollY : -1;
            }""",
            text,
        )
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE])
def test_each_dashboard_reads_in_a_few_screens(
    open_page: Callable[..., Any], site_url: str, built_site: Path, viewport: dict[str, int]
) -> None:
    page = open_page(javascript=False, viewport=viewport)
    themes = sorted(p.parent.name for p in built_site.glob("themes/*/index.html"))
    assert "emploi" in themes and "demographie" in themes
    heights = {}
    for theme in themes:
        page.goto(urljoin(site_url, f"themes/{theme}/"))
        top = _top_of(page, ALL)
        if top < 0:  # a theme without any published indicator has no such list
            assert page.get_by_text("Aucun indicateur n'est encore publié").count() == 1
            continue
        heights[theme] = round(top / viewport["height"], 1)
        kpi = page.locator(".obs-kpi").first
        if kpi.count():
            box = kpi.bounding_box()
            assert box is not None and box["y"] + box["height"] <= viewport["height"], theme
        article = page.locator("article").first
        wide, room = article.evaluate("a => [a.scrollWidth, a.clientWidth]")
        assert wide <= room, (theme, wide, room)
    too_tall = {t: h for t, h in heights.items() if h > BOUND[viewport["width"]]}
    assert too_tall == {}, heights
    assert page.external == []


def test_a_tile_links_to_the_full_chart_and_table(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False, viewport=DESKTOP)
    page.goto(urljoin(site_url, "themes/demographie/"))
    tile = page.locator(".obs-tile", has=page.locator("h3", has_text="Population totale"))
    line = tile.locator("svg.obs-spark")
    assert line.get_attribute("role") == "img"
    assert str(line.get_attribute("aria-label")).startswith("Évolution, Mayotte : ")
    tile.get_by_role("link", name="graphique et tableau").click()
    page.wait_for_url("**/indicateurs/population_totale/")
    assert page.locator("table.obs-data").count() >= 1
    assert page.locator("figure.obs-chart").count() >= 1
    assert page.external == []
