"""Theme dashboards in Chromium: the first screen shows the declared key figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}]
)
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
    assert "Tous les indicateurs" in headings
    assert page.external == []
