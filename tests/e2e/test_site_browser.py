"""The built site in real Chromium: pages, charts, maps, search, downloads, offline, axe.

The site is built once per session from the repository's data (``python build.py
build``) and served on 127.0.0.1; every request to another host is aborted and
recorded, and each test asserts there was none.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from tests.e2e.conftest import axe_serious

pytestmark = pytest.mark.e2e

Page = Any
OpenPage = Callable[..., Any]


# Which pages: found in the built site, the same on every run --------------------------------


def _pages(dist: Path, folder: str) -> list[Path]:
    return sorted(p for p in (dist / folder).glob("*/index.html"))


def _url(dist: Path, page: Path) -> str:
    return page.parent.relative_to(dist).as_posix() + "/"


@pytest.fixture(scope="session")
def pages(built_site: Path) -> dict[str, str]:
    """Home, a theme dashboard with maps and tiles, an indicator page with chart and map, a
    commune portrait."""
    indicators = _pages(built_site, "indicateurs")
    with_map = [p for p in indicators if "obs-map-svg" in p.read_text(encoding="utf-8")]
    with_chart = [p for p in indicators if "obs-chart-svg" in p.read_text(encoding="utf-8")]
    both = [p for p in with_map if p in with_chart]
    themes = [
        p
        for p in _pages(built_site, "themes")
        if all(part in p.read_text(encoding="utf-8") for part in ("obs-spark", "obs-map-svg"))
    ]
    communes = [
        p for p in _pages(built_site, "territoires") if re.fullmatch(r"976\d\d", p.parent.name)
    ]
    assert both, "aucune page d'indicateur n'a à la fois un graphique et une carte"
    assert themes, "aucun tableau de bord thématique n'a de carte et de courbes"
    assert communes, "aucun portrait de commune"
    return {
        "accueil": "",
        "theme": _url(built_site, themes[0]),
        "indicateur": _url(built_site, both[0]),
        "commune": _url(built_site, communes[0]),
    }


def goto(page: Page, site_url: str, path: str) -> Page:
    response = page.goto(urljoin(site_url, path), wait_until="load")
    assert response is not None and response.ok, f"{path} : HTTP {response and response.status}"
    return page


# Pages, charts and maps ------------------------------------------------------------------------


def test_pages_load_in_french_with_charts_and_map(
    open_page: OpenPage, site_url: str, pages: dict[str, str]
) -> None:
    page = open_page()
    for name, path in pages.items():
        goto(page, site_url, path)
        assert page.get_attribute("html", "lang") == "fr", name
        assert page.locator("h1").first.is_visible(), name
    goto(page, site_url, pages["indicateur"])
    chart = page.locator("figure.obs-chart svg.obs-chart-svg").first
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    assert chart.locator("title").first.text_content().startswith("Graphique ")
    assert chart.bounding_box()["height"] > 50
    static_map = page.locator("svg.obs-map-svg").first
    assert static_map.is_visible()
    assert static_map.locator("path.obs-map-area").count() >= 5
    assert static_map.bounding_box()["height"] > 100
    assert re.match(
        r"Classes par (quantiles|seuils naturels de Jenks) \([34] classes\)|Cercles proportionnels",
        page.locator(".obs-map-method").first.text_content(),
    )
    assert page.external == []


def test_without_javascript_every_chart_and_table_is_there(
    open_page: OpenPage, site_url: str, pages: dict[str, str], built_site: Path
) -> None:
    page = open_page(javascript=False)
    for name, path in pages.items():
        goto(page, site_url, path)
        source = (built_site / path / "index.html").read_text(encoding="utf-8")
        charts = page.locator("svg.obs-chart-svg")
        assert charts.count() == source.count('class="marks obs-chart-svg"'), name
        for i in range(charts.count()):
            assert charts.nth(i).is_visible(), f"{name} : graphique {i} invisible sans JavaScript"
        tables = page.locator("table:not(.obs-map-table)")
        for i in range(tables.count()):
            assert tables.nth(i).is_visible(), f"{name} : tableau {i} invisible sans JavaScript"
        # a map's table of values sits in its legend, folded: it opens without JavaScript
        keys = page.locator(".obs-map-layout:visible details.obs-map-key")
        for i in range(keys.count()):
            keys.nth(i).locator("summary").click()
            assert keys.nth(i).locator("table.obs-map-table").is_visible(), f"{name} : carte {i}"
        # buttons for the interactive versions stay hidden without JavaScript
        buttons = page.locator("button.obs-interactive")
        assert all(not buttons.nth(i).is_visible() for i in range(buttons.count())), name
    goto(page, site_url, pages["indicateur"])
    assert page.locator("table").count() >= 1
    assert page.locator("svg.obs-map-svg").first.is_visible()
    assert page.external == []


def test_table_captions_stay_readable_on_a_phone(open_page: OpenPage, site_url: str) -> None:
    page = open_page(javascript=False, viewport={"width": 400, "height": 900})
    # population by commune over three censuses: a table wider than a phone
    goto(page, site_url, "indicateurs/population_municipale/")
    wrapper = page.locator(".obs-table").filter(has=page.locator("caption")).first
    caption = wrapper.locator("caption")
    box, frame = caption.bounding_box(), wrapper.bounding_box()
    assert box is not None and frame is not None
    # the table scrolls sideways; its caption fits the screen and stays pinned
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")
    assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    wrapper.evaluate("el => { el.scrollLeft = 200; }")
    moved = caption.bounding_box()
    assert moved is not None and moved["x"] == box["x"]
    assert page.external == []


def test_interactive_versions_load_from_the_site_only_when_asked(
    open_page: OpenPage, site_url: str, pages: dict[str, str]
) -> None:
    page = open_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    goto(page, site_url, pages["indicateur"])
    assert [u for u in requested if "/vendor/" in u] == []  # nothing before the click
    button = page.get_by_role("button", name="Afficher le graphique interactif").first
    assert button.is_visible()
    button.click()
    page.locator(".obs-chart-live svg").first.wait_for(state="visible", timeout=20000)
    assert page.locator(".obs-chart-static").first.is_hidden()
    assert page.get_by_role("button", name="Revenir au graphique statique").first.is_visible()
    map_button = page.get_by_role("button", name="Afficher la carte interactive").first
    map_button.click()
    page.locator(".obs-leaflet-live .leaflet-container path").first.wait_for(timeout=20000)
    assert page.get_by_role("button", name="Zoom avant").is_visible()
    assert page.locator("svg.obs-map-svg").first.is_hidden()
    vendor = sorted({u.split("/vendor/", 1)[1] for u in requested if "/vendor/" in u})
    assert vendor == [
        "leaflet/leaflet.css",
        "leaflet/leaflet.js",
        "vega-embed/vega-embed.min.js",
        "vega-lite/vega-lite.min.js",
        "vega/vega.min.js",
    ]
    assert all(u.startswith(site_url) for u in requested)
    violations = axe_serious(page)  # the interactive versions are accessible too
    assert violations == [], "\n".join(violations)
    assert page.external == []


def test_interactive_chart_failure_keeps_the_static_chart_and_can_retry(
    open_page: OpenPage, site_url: str, pages: dict[str, str]
) -> None:
    page = open_page()
    page.route("**/vendor/**", lambda route: route.abort())  # e.g. the network drops
    goto(page, site_url, pages["indicateur"])
    figure = page.locator("figure[data-obs-chart]").first
    button = figure.get_by_role("button", name="Afficher le graphique interactif")
    button.click()
    status = figure.locator(".obs-status")
    status.filter(has_text="n'a pas pu").wait_for(timeout=20000)
    assert status.text_content() == (
        "Le graphique interactif n'a pas pu être chargé ; le graphique statique reste affiché."
    )
    assert figure.locator("svg.obs-chart-svg").is_visible()
    page.unroute("**/vendor/**")
    button.click()
    figure.locator(".obs-chart-live svg").wait_for(state="visible", timeout=20000)
    assert figure.locator("svg.obs-chart-svg").is_hidden()
    assert page.external == []


# Search -------------------------------------------------------------------------------------


def test_search_finds_an_indicator_by_a_french_word(
    open_page: OpenPage, site_url: str, pages: dict[str, str]
) -> None:
    page = open_page()
    goto(page, site_url, pages["indicateur"])
    title = page.locator("h1").first.text_content().strip()
    word = max(re.findall(r"[A-Za-zÀ-ÿ]{5,}", title), key=len)
    goto(page, site_url, "")
    query = page.locator("input[data-md-component=search-query]")
    query.click()
    query.fill(word.lower())
    hit = page.locator(".md-search-result__item a[href*='indicateurs/']").first
    hit.wait_for(timeout=20000)
    assert word.lower() in hit.text_content().lower()
    assert page.external == []


# Downloads ------------------------------------------------------------------------------------


def _french_number(text: str) -> float | None:
    """« 1 234,5 % » -> 1234.5, « environ 40 » -> 40 ; None when the cell holds no number."""
    text = re.sub(r"^(environ|plus de) ", "", text.strip())
    cleaned = re.sub(r"[\s\u202f\u00a0]", "", text).replace("\u2212", "-")
    match = re.match(r"-?\d+(,\d+)?", cleaned)
    return float(match.group(0).replace(",", ".")) if match else None


def _same(shown: str, raw: Any) -> bool:
    shown = shown.strip()
    if raw in (None, ""):
        return _french_number(shown) is None and shown != "secret statistique"
    if raw == "secret statistique":
        return shown == "secret statistique"
    value = _french_number(shown)
    if value is None:
        return False
    decimals = len(shown.split(",")[1].split()[0]) if "," in shown else 0
    return bool(abs(float(raw) - value) <= 0.5 * 10**-decimals + 1e-9)


def test_downloads_match_the_table_shown(
    open_page: OpenPage, site_url: str, pages: dict[str, str]
) -> None:
    page = open_page()
    goto(page, site_url, pages["indicateur"])
    table = page.locator(".obs-table table").first
    header = [t.strip() for t in table.locator("thead th").all_text_contents()]
    # each cell's value without its note mark (the superscript number of a note)
    shown = [
        row.evaluate(
            "r => [...r.querySelectorAll('th, td')].map(c => { const k = c.cloneNode(true);"
            " k.querySelectorAll('sup.obs-note-mark').forEach(s => s.remove());"
            " return k.textContent.trim(); })"
        )
        for row in table.locator("tbody tr").all()
    ]
    links = {
        a.text_content().strip().split(" ")[0]: a.get_attribute("href")
        for a in page.locator(".obs-downloads a").all()
    }
    assert set(links) == {"CSV", "JSON", "Excel", "ZIP"}

    def fetch(href: str) -> bytes:
        response = page.request.get(urljoin(page.url, href))
        assert response.ok, href
        body: bytes = response.body()
        return body

    # the page's columns, then the unit, the sources and the notes of each row (provenance)
    rows = list(csv.reader(io.StringIO(fetch(links["CSV"]).decode("utf-8"))))
    assert rows[0][-3:] == ["Unité", "Sources", "Notes"]
    rows = [r[:-3] for r in rows]
    assert rows[0] == header
    assert len(rows) - 1 == len(shown)
    for shown_row, csv_row in zip(shown, rows[1:], strict=True):
        assert shown_row[:3] == csv_row[:3]
        for cell, raw in zip(shown_row[3:], csv_row[3:], strict=True):
            assert _same(cell, raw), f"{csv_row[:2]} : affiché « {cell} », CSV « {raw} »"

    data = json.loads(fetch(links["JSON"]))
    assert data["colonnes"] == header
    assert [[("" if v is None else str(v)) for v in r[:3]] for r in data["lignes"]] == [
        r[:3] for r in rows[1:]
    ]
    for json_row, csv_row in zip(data["lignes"], rows[1:], strict=True):
        for value, raw in zip(json_row[3:], csv_row[3:], strict=True):
            if raw in ("", "secret statistique"):
                assert value in (None, raw)
            else:
                assert abs(float(value) - float(raw)) < 1e-9

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(fetch(links["Excel"])), read_only=True)
    sheet = book.worksheets[0]
    cells = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(cells) if [str(c) for c in r[: len(header)]] == header)
    xlsx_rows = cells[start + 1 : start + 1 + len(shown)]
    assert [[str(c) for c in r[:3]] for r in xlsx_rows] == [r[:3] for r in rows[1:]]
    for xlsx_row, csv_row in zip(xlsx_rows, rows[1:], strict=True):
        for value, raw in zip(xlsx_row[3 : len(header)], csv_row[3:], strict=True):
            if raw in ("", "secret statistique"):
                assert value in (None, "", raw)
            else:
                assert abs(float(value) - float(raw)) < 1e-9
    assert page.external == []


# Accessibility --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["accueil", "theme", "indicateur", "commune"])
def test_axe_finds_no_serious_violation(
    open_page: OpenPage, site_url: str, pages: dict[str, str], name: str
) -> None:
    page = open_page()
    goto(page, site_url, pages[name])
    violations = axe_serious(page)
    assert violations == [], "\n".join(violations)
    assert page.external == []
