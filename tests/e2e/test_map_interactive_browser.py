"""The year of every map, and the interactive map, in Chromium.

- A theme page gives each of its maps the indicator page's year choice: links to the other
  truthful years' static maps without JavaScript (one map at a time, the others untouched),
  a range input keeping the year in the address with it.
- The interactive (Leaflet) map of an indicator follows the year chosen, its tooltip gives
  the value, the year and the source, and each territory opens its portrait on a click or
  with the keyboard (Tab, Enter). Nothing is requested from another host.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import axe_serious

pytestmark = pytest.mark.e2e

OpenPage = Callable[..., Any]
THEME = "themes/demographie/"
RATE = "indicateurs/part_population_nationalite_etrangere/"  # 2012 complete, 2017 partial
COUNT = "indicateurs/population_municipale/"  # 2007, 2012, 2017
FOREIGN = "carte-part_population_nationalite_etrangere"
POPULATION = "carte-population_municipale"
N = "\u202f"  # the narrow no-break space before %


def _shown(page: Any, map_id: str) -> list[str]:
    return [
        str(m.get_attribute("data-year"))
        for m in page.locator(f".obs-map-layout[id^='{map_id}-']").all()
        if m.is_visible()
    ]


def test_theme_page_without_javascript_links_show_each_year(
    open_page: OpenPage, site_url: str
) -> None:
    page = open_page(javascript=False, viewport={"width": 1280, "height": 900})
    page.goto(urljoin(site_url, THEME))
    assert _shown(page, POPULATION) == ["2017"]
    assert _shown(page, FOREIGN) == ["2012"]
    nav = page.locator(f"nav[data-obs-map-years='{FOREIGN}']")
    assert nav.get_attribute("aria-label") == (
        "Année de la carte : Part des habitants de nationalité étrangère"
    )
    assert nav.locator("a").all_inner_texts() == ["2012", "2017"]
    nav.locator("a", has_text="2017").click()
    assert page.url.endswith(f"#{FOREIGN}-2017")
    assert _shown(page, FOREIGN) == ["2017"]
    legend = page.locator(f"#{FOREIGN}-2017 .obs-map-facts").inner_text()
    assert "Année : 2017" in legend
    assert _shown(page, POPULATION) == ["2017"]  # the other maps keep their year
    page.locator(f"nav[data-obs-map-years='{POPULATION}'] a", has_text="2007").click()
    assert _shown(page, POPULATION) == ["2007"]
    assert _shown(page, FOREIGN) == ["2012"]  # a single address: the last year chosen
    # a territory of a year's static map still opens its portrait (its circle, a count)
    page.locator(f"#{POPULATION}-2007 svg a[href$='territoires/97610/'] circle").click()
    page.wait_for_url("**/territoires/97610/")
    assert page.external == []


def test_theme_page_with_javascript_a_slider_per_map(open_page: OpenPage, site_url: str) -> None:
    page = open_page(viewport={"width": 390, "height": 844})
    page.goto(urljoin(site_url, THEME))
    slider = page.locator(f"#{POPULATION}-annee")
    assert page.locator(f"label[for='{POPULATION}-annee']").inner_text().strip() == (
        "Année de la carte : 2017"
    )
    assert page.locator(".obs-map-years a").count() == 0
    slider.focus()
    page.keyboard.press("Home")
    assert _shown(page, POPULATION) == ["2007"]
    assert page.url.endswith(f"#{POPULATION}-2007")
    status = page.locator(f"nav[data-obs-map-years='{POPULATION}'] [role=status]")
    assert status.inner_text() == "Carte de 2007."
    assert _shown(page, FOREIGN) == ["2012"]
    other = page.locator(f"#{FOREIGN}-annee")
    other.focus()
    page.keyboard.press("End")
    assert _shown(page, FOREIGN) == ["2017"]
    assert page.url.endswith(f"#{FOREIGN}-2017")
    page.reload()  # the shared address opens on that year
    assert _shown(page, FOREIGN) == ["2017"]
    assert _shown(page, POPULATION) == ["2017"]
    box = page.locator(f"#{FOREIGN}-2017 svg.obs-map-svg").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 391
    assert axe_serious(page) == []
    assert page.external == []


def _open_interactive(page: Any) -> Any:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.get_by_role("button", name="Afficher la carte interactive").click()
    page.locator(".obs-leaflet-live path.leaflet-interactive").first.wait_for(timeout=20000)
    return requested


def _area(page: Any, name: str) -> Any:
    link = f"Portrait d'{name}" if name[0] in "AEIOUYÉ" else f"Portrait de {name}"
    return page.locator(f'.obs-leaflet-live path[aria-label^="{link} :"]')


def test_interactive_map_follows_the_year_and_tells_value_year_source(
    open_page: OpenPage, site_url: str
) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(urljoin(site_url, RATE))
    requested = _open_interactive(page)
    assert page.locator("svg.obs-map-svg:visible").count() == 0
    # the interactive map sits where the static one was, in the 2012 map with its legend
    assert page.locator(f"#{FOREIGN}-2012 .obs-leaflet-live").is_visible()
    koungou = _area(page, "Koungou")
    label_2012 = str(koungou.get_attribute("aria-label"))
    assert label_2012.startswith(f"Portrait de Koungou : 52,5{N}% de la population en 2012")
    assert " (source : INSEE RP 2012" in label_2012
    assert _area(page, "Acoua").get_attribute("fill") == "#ffffcc"  # its class in 2012
    koungou.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    text = tooltip.inner_text()
    assert "Koungou" in text and "2012" in text and "INSEE" in text and "%" in text
    page.locator(f"#{FOREIGN}-annee").focus()
    page.keyboard.press("End")
    assert page.url.endswith(f"#{FOREIGN}-2017")
    assert page.locator(f"#{FOREIGN}-2017 .obs-leaflet-live").is_visible()
    label_2017 = str(_area(page, "Koungou").get_attribute("aria-label"))
    assert label_2017.startswith(f"Portrait de Koungou : 61,0{N}% de la population en 2017")
    assert " (source : INSEE RP 2017" in label_2017
    # 2017: Acoua has no value, hatched « non disponible » like the static map's legend
    absent = f"url(#{FOREIGN[6:]}-commune-2017-absent-legende)"
    assert _area(page, "Acoua").get_attribute("fill") == absent
    assert str(_area(page, "Acoua").get_attribute("aria-label")).startswith(
        "Portrait d'Acoua : non disponible en 2017"
    )
    page.get_by_role("button", name="Revenir à la carte statique").click()
    assert page.locator(f"#{FOREIGN}-2017 svg.obs-map-svg").is_visible()
    assert all(u.startswith(site_url) for u in requested)
    assert page.external == []


def test_interactive_map_opens_a_portrait_on_click_and_with_the_keyboard(
    open_page: OpenPage, site_url: str
) -> None:
    page = open_page(viewport={"width": 1280, "height": 900})
    page.goto(urljoin(site_url, COUNT))
    _open_interactive(page)
    assert page.locator(".obs-leaflet-live path.leaflet-interactive").count() == 17
    assert page.locator(".obs-leaflet-live path[role=link][tabindex='0']").count() == 17
    # a count: its proportional circles, redrawn for the year chosen
    circles = page.locator(".obs-leaflet-live path:not(.leaflet-interactive)")
    assert circles.count() == 17
    page.locator(f"#{POPULATION}-annee").focus()
    page.keyboard.press("Home")
    assert page.locator(f"#{POPULATION}-2007 .obs-leaflet-live").is_visible()
    assert circles.count() == 17
    assert str(_area(page, "Koungou").get_attribute("aria-label")).startswith(
        f"Portrait de Koungou : 19{N}831\u00a0habitants en 2007 (source : INSEE"
    )
    assert axe_serious(page) == []
    _area(page, "Koungou").click()
    page.wait_for_url("**/territoires/97610/")
    assert "Koungou" in (page.locator("h1").first.text_content() or "")
    page.go_back()
    page.wait_for_url(f"**/{COUNT}#{POPULATION}-2007")
    _open_interactive(page)  # back on 2007, the year in the address: so is the interactive map
    mamoudzou = _area(page, "Mamoudzou")
    mamoudzou.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(
        f"Portrait de Mamoudzou : 53{N}022\u00a0habitants en 2007"
    )
    tooltip = page.locator(".leaflet-tooltip")  # the keyboard gets the tooltip too
    assert "Mamoudzou" in tooltip.inner_text() and "2007" in tooltip.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url("**/territoires/97611/")
    assert page.external == []


LAYOUT = re.compile(
    r'<div class="obs-map-layout [^"]*" id="(carte-[^"]+)" data-year="(\d{4})">(.*?)'
    r'(?=<div class="obs-map-layout |<div class="obs-leaflet"|</div>\s*<!--/raw-->|$)',
    re.S,
)


def test_every_map_of_the_site_has_its_alternative_table_and_truthful_legend(
    built_site: Path,
) -> None:
    """RGAA and the map rules, on every map of the built site (indicator and theme pages):
    a title, a description and a caption; the legend beside the map (same flex row) with
    the unit, the year (or the source's period), the source and the method; three classes
    at least, or proportional circles; the table of every territory's number, name and
    value."""
    pages = [*built_site.glob("indicateurs/*/index.html"), *built_site.glob("themes/*/index.html")]
    seen = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        for map_id, year, body in LAYOUT.findall(text):
            where = f"{path.relative_to(built_site)} {map_id}"
            seen += 1
            assert re.search(r'<svg [^>]*class="obs-map-svg"', body), where
            assert re.search(r"<title id=\"[^\"]+-titre\">[^<]+</title><desc id", body), where
            assert re.search(r"<figcaption>Carte [^<]+\.</figcaption>", body), where
            facts = re.search(r'<p class="obs-map-facts">([^<]*)</p>', body)
            assert facts, where
            # the year, or the period as the source gives it (2012-2017, filed under 2017)
            when = re.search(r" · (?:Année : (\d{4})|Période : [^·]*?(\d{4})) ·", facts[1])
            assert when and year in when.groups() and "Unité : " in facts[1], where
            assert " · Source : " in facts[1], where
            method = re.search(r'<p class="obs-map-method">([^<]*)</p>', body)
            assert method, where
            if not method[1].startswith("Cercles proportionnels"):
                classes = re.search(r"\((\d+) classes\)$", method[1])
                assert classes and int(classes[1]) >= 3, where
            rows = re.findall(r'<tr><td>\d+</td><th scope="row">', body)
            assert len(rows) in (5, 17), where  # every EPCI or every commune
    assert seen >= 14  # 5 indicators with a map, their other years, and the theme pages
