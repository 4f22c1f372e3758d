"""Tables on a phone (390 px): no table clips its data — a wide one scrolls inside its
container, shows a scroll cue and keeps its first column in view; the coverage matrix
puts the recent years first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e

PAGES = [
    "territoires/97610/",
    "indicateurs/part_population_nationalite_etrangere/",
    "catalogue/indicateurs/",
    "catalogue/priorites/",
    "etudes/scenarios-deploiement/",
]
MEASURE = """() => [...document.querySelectorAll('.obs-table')].map(box => {
  const table = box.querySelector('table');
  const first = table.querySelector('tbody tr > :first-child');
  return {
    caption: (table.caption && table.caption.textContent || '').slice(0, 60),
    boxRight: box.getBoundingClientRect().right,
    wide: table.scrollWidth > box.clientWidth + 1,
    scrolls: getComputedStyle(box).overflowX === 'auto',
    cue: getComputedStyle(box).backgroundImage.includes('radial-gradient'),
    sticky: first ? getComputedStyle(first).position === 'sticky' : true,
  };
})"""


@pytest.mark.parametrize("path", PAGES)
def test_no_table_clips_its_data_on_a_phone(
    open_page: Callable[..., Any], site_url: str, path: str
) -> None:
    page = open_page(javascript=False, viewport={"width": 390, "height": 844})
    response = page.goto(urljoin(site_url, path))
    assert response is not None and response.ok, path
    tables = page.evaluate(MEASURE)
    assert tables, f"{path} : aucun tableau"
    for t in tables:
        assert t["boxRight"] <= 390 + 1, t  # the container fits the screen
        if t["wide"]:  # the rest is reached by scrolling, and the reader is told so
            assert t["scrolls"] and t["cue"] and t["sticky"], t
    # nothing of the content sticks out of the screen (tables scroll inside their box)
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.md-content *')]
             .filter(e => !e.closest('.obs-table') && e.getBoundingClientRect().right > 391)
             .map(e => e.tagName + '.' + e.className)"""
    )
    assert outside == [], path


def test_coverage_matrix_puts_recent_years_first(
    open_page: Callable[..., Any], site_url: str
) -> None:
    page = open_page(javascript=False, viewport={"width": 1280, "height": 900})
    page.goto(urljoin(site_url, "catalogue/indicateurs/"))
    matrix = page.locator("table", has_text="2007").first
    years = [int(y) for y in matrix.locator("thead th").all_text_contents() if y.strip().isdigit()]
    assert years == sorted(years, reverse=True) and years[0] >= 2023
    first_year = matrix.locator("thead th", has_text=str(years[0])).first.bounding_box()
    assert first_year is not None and first_year["x"] + first_year["width"] <= 1280
