"""A portrait's reference territory in Chromium: with JavaScript a labelled selector shows the
chosen commune's column in every indicator table (announced, kept in the address); without
it, links to the comparison page with both territories. On a phone and on a desktop."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import axe_serious

pytestmark = pytest.mark.e2e

KOUNGOU = "territoires/97610/"
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]


SPACES = str.maketrans("\u202f\xa0", "  ")


def _population_row(page: Any) -> Any:
    return page.locator("tr", has=page.locator('a[href$="/population_municipale/"]')).first


def _text(row: Any) -> str:
    return str(row.inner_text()).translate(SPACES)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_reader_chooses_a_reference_territory(
    open_page: Callable[..., Any], site_url: str, viewport: dict[str, int]
) -> None:
    page = open_page(viewport=viewport)
    page.goto(urljoin(site_url, KOUNGOU))
    select = page.get_by_label("Territoire de référence")
    assert select.is_visible()
    assert page.locator(".obs-reference-links").count() == 0  # the links gave way to it
    box = select.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    row = _population_row(page)
    assert "71 437" not in _text(row)  # hidden before a choice
    # keyboard: focus the selector, pick Mamoudzou
    select.focus()
    select.select_option(label="Mamoudzou")
    status = page.locator(".obs-reference [role=status]")
    assert "Colonne « Mamoudzou » ajoutée" in status.inner_text()
    assert "71 437 habitants" in _text(row)
    header = page.locator("thead th", has_text="Mamoudzou").first
    assert header.is_visible()
    assert "reference=97611" in page.url
    caption = page.locator("table.obs-data:has(th.obs-ref) caption").first.inner_text()
    assert caption.endswith("; territoire de référence : Mamoudzou")
    # every table shows the column, once
    tables = page.locator("table.obs-data:has(th.obs-ref)")
    assert tables.count() >= 2
    for i in range(tables.count()):
        assert tables.nth(i).locator("thead th.obs-ref:visible").all_inner_texts() == ["Mamoudzou"]
    # the address is shared: reopening it shows the same column
    page.goto(page.url)
    assert page.get_by_label("Territoire de référence").input_value() == "97611"
    assert "71 437 habitants" in _text(_population_row(page))
    link = page.locator("a.obs-reference-compare")
    assert link.is_visible() and "territoires=97610~97611" in (link.get_attribute("href") or "")
    page.get_by_label("Territoire de référence").select_option(value="")
    assert "71 437" not in _text(_population_row(page))
    assert "reference=" not in page.url
    assert axe_serious(page) == []
    assert page.external == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_javascript_links_open_the_comparison(
    open_page: Callable[..., Any], site_url: str, viewport: dict[str, int]
) -> None:
    page = open_page(javascript=False, viewport=viewport)
    page.goto(urljoin(site_url, KOUNGOU))
    assert page.locator("th.obs-ref:visible, td.obs-ref:visible").count() == 0
    links = page.locator(".obs-reference-links a")
    assert links.count() == 16  # every other commune
    assert re.sub(r"\s+", " ", page.locator("#obs-reference-help").inner_text()).startswith(
        "Territoire de référence"
    )
    mamoudzou = links.filter(has_text="Mamoudzou")
    box = mamoudzou.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    mamoudzou.click()
    page.wait_for_load_state()
    assert page.url.endswith("territoires/comparer/?territoires=97610~97611")
    assert page.locator("h1").inner_text().strip() == "Comparer des territoires"
    # the page without JavaScript holds every territory, both of them among them
    text = page.locator("table.obs-data").first.inner_text()
    assert "Koungou" in text and "Mamoudzou" in text
    assert page.external == []
