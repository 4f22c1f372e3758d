"""The year of an indicator's map in Chromium: the most recent year with full coverage by
default; the other years as links without JavaScript, as a range input with it; on a phone
and on a desktop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import axe_serious

pytestmark = pytest.mark.e2e

COUNT = "indicateurs/population_municipale/"  # censuses 2007, 2012, 2017, all complete
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


def _shown_years(page: Any) -> list[str]:
    return [
        str(m.get_attribute("data-year"))
        for m in page.locator(".obs-map-layout[data-year]").all()
        if m.is_visible()
    ]


def _title(page: Any) -> str:
    return str(page.locator(".obs-map-layout[data-year]:visible svg title").first.text_content())


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_javascript_links_show_each_year(
    open_page: Callable[..., Any], site_url: str, viewport: dict[str, int]
) -> None:
    page = open_page(javascript=False, viewport=viewport)
    page.goto(urljoin(site_url, COUNT))
    assert _shown_years(page) == ["2017"]
    assert "2017" in _title(page)
    links = page.locator(".obs-map-years a")
    assert links.all_inner_texts() == ["2017", "2012", "2007"]
    links.filter(has_text="2012").click()
    assert page.url.endswith("#carte-population_municipale-2012")
    assert _shown_years(page) == ["2012"]
    assert "2012" in _title(page)
    # its legend says the year too
    legend = page.locator(".obs-map-layout[data-year]:visible .obs-legend").inner_text()
    assert "2012" in legend
    box = page.locator(".obs-map-layout[data-year]:visible svg").first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"] + 1
    links.filter(has_text="2017").click()
    assert _shown_years(page) == ["2017"]
    assert page.external == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_with_javascript_a_slider_switches_the_year(
    open_page: Callable[..., Any], site_url: str, viewport: dict[str, int]
) -> None:
    page = open_page(viewport=viewport)
    page.goto(urljoin(site_url, COUNT))
    slider = page.locator(".obs-map-years input[type=range]")
    label = page.locator(f'label[for="{slider.get_attribute("id")}"]')
    assert label.inner_text().strip() == "Année de la carte : 2017"
    box = slider.bounding_box()
    assert slider.is_visible() and box is not None and box["x"] + box["width"] <= viewport["width"]
    assert page.locator(".obs-map-years a").count() == 0
    assert _shown_years(page) == ["2017"]
    slider.focus()
    page.keyboard.press("ArrowLeft")
    assert _shown_years(page) == ["2012"]
    assert slider.get_attribute("aria-valuetext") == "2012"
    assert page.locator(".obs-map-years [role=status]").inner_text() == "Carte de 2012."
    assert "2012" in _title(page)
    page.keyboard.press("Home")
    assert _shown_years(page) == ["2007"]
    assert page.url.endswith("#carte-population_municipale-2007")
    # the address is shared: it opens on that year
    page.goto(urljoin(site_url, COUNT) + "#carte-population_municipale-2007")
    page.reload()
    assert _shown_years(page) == ["2007"]
    assert slider.input_value() == "0"
    assert label.inner_text().strip() == "Année de la carte : 2007"
    page.keyboard.press("Tab")  # nothing breaks while tabbing on
    assert axe_serious(page) == []
    assert page.external == []
