"""« Comparer des territoires » in Chromium: the choice in the URL narrows the tables and
draws a chart with JavaScript; without it, every territory of each indicator is there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

PAGE = "territoires/comparer/"


def visible_codes(page: Any, indicator: str) -> list[str]:
    rows = page.locator(f"section[data-indicator='{indicator}'] tbody tr")
    return [
        rows.nth(i).get_attribute("data-code")
        for i in range(rows.count())
        if rows.nth(i).is_visible()
    ]


def test_a_comparison_from_its_url(open_page: Callable[..., Any], site_url: str) -> None:
    page = open_page()
    page.goto(
        urljoin(site_url, PAGE + "?territoires=97611~97610&indicateurs=population_municipale")
    )
    assert visible_codes(page, "population_municipale") == ["97610", "97611"]
    assert page.locator(
        "section[data-indicator='part_population_nationalite_etrangere']"
    ).is_hidden()
    chart = page.locator("section[data-indicator='population_municipale'] svg.obs-compare-chart")
    assert chart.is_visible()
    assert "Mamoudzou" in (chart.get_attribute("aria-label") or "")
    # choosing a third territory updates the address, to share it
    page.locator("input[name=territoire][value='97608']").check()
    assert "territoires=97608~97610~97611" in page.url
    assert visible_codes(page, "population_municipale") == ["97608", "97610", "97611"]
    assert page.external == []


def test_without_javascript_every_territory_of_each_indicator(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, PAGE + "?territoires=97611~97610"))
    codes = visible_codes(page, "population_municipale")
    assert len(codes) == 23 and codes[0] == "976"
    assert page.locator("section.obs-compare-indicator").count() >= 5
    assert page.locator("form.obs-compare-form").count() == 0
