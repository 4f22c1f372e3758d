"""Maps that tell the truth, in Chromium: counts as proportional symbols, rates as a
choropleth of at least three classes, the legend beside the map (below it on a phone),
numbered territories, a click on a territory opening its portrait."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

OpenPage = Callable[..., Any]
COUNT = "indicateurs/population_municipale/"
RATE = "indicateurs/part_population_nationalite_etrangere/"
ONE_CLASS = "indicateurs/part_logements_en_tole/"


def test_a_count_is_drawn_as_proportional_symbols(open_page: OpenPage, site_url: str) -> None:
    page = open_page(javascript=False, viewport={"width": 1280, "height": 900})
    page.goto(urljoin(site_url, COUNT))
    svg = page.locator("svg.obs-map-svg").first
    circles = svg.locator("circle.obs-map-symbol")
    assert circles.count() == 17
    radii = {
        page.evaluate(
            "e => e.closest('a').getAttribute('href')", circles.nth(i).element_handle()
        ): float(circles.nth(i).get_attribute("r") or 0)
        for i in range(circles.count())
    }
    # Mamoudzou (71 437) is the largest circle, its area proportional to its population
    assert max(radii, key=lambda k: radii[k]).endswith("territoires/97611/")
    assert svg.locator("text.obs-map-number").count() == 17
    assert "Cercles proportionnels" in (page.locator(".obs-map-method").first.text_content() or "")
    assert page.external == []


def test_a_rate_is_a_choropleth_of_three_classes_or_more(
    open_page: OpenPage, site_url: str
) -> None:
    page = open_page(javascript=False, viewport={"width": 1280, "height": 900})
    page.goto(urljoin(site_url, RATE))
    areas = page.locator("svg.obs-map-svg path.obs-map-area")
    fills = {areas.nth(i).get_attribute("fill") for i in range(areas.count())}
    assert len({f for f in fills if f and f.startswith("#")}) >= 3
    facts = page.locator(".obs-map-facts").first.text_content() or ""
    assert "Unité : % de la population" in facts and "Année : 2012" in facts  # full coverage
    assert "Source : " in facts
    # beside the map on a desktop
    map_box = page.locator("figure.obs-map").first.bounding_box()
    legend_box = page.locator(".obs-map-legend").first.bounding_box()
    assert legend_box["x"] >= map_box["x"] + map_box["width"] - 1
    assert legend_box["y"] < map_box["y"] + map_box["height"]
    # a click on a territory opens its portrait
    page.locator("svg.obs-map-svg a[href$='territoires/97610/'] path").first.click()
    page.wait_for_url("**/territoires/97610/")
    assert "Koungou" in (page.locator("h1").first.text_content() or "")


def test_on_a_phone_the_legend_comes_below_the_map(open_page: OpenPage, site_url: str) -> None:
    page = open_page(javascript=False, viewport={"width": 390, "height": 844})
    page.goto(urljoin(site_url, RATE))
    map_box = page.locator("figure.obs-map").first.bounding_box()
    legend_box = page.locator(".obs-map-legend").first.bounding_box()
    assert legend_box["y"] >= map_box["y"] + map_box["height"] - 1
    assert map_box["x"] + map_box["width"] <= 390 + 1


def test_two_distinct_values_get_no_map_but_their_bar_chart(
    open_page: OpenPage, site_url: str
) -> None:
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, ONE_CLASS))
    assert page.locator("svg.obs-map-svg").count() == 0
    assert page.locator("svg.obs-chart-svg").count() >= 1
