"""The ZIP download of an indicator carries the same metadata as its page: title, unit,
definition, sources and licence; its data package is valid for frictionless."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from frictionless import validate

pytestmark = pytest.mark.e2e

INDICATOR = "taux_chomage_bit"


def test_zip_download_metadata_equals_the_page(
    open_page: Callable[..., Any], site_url: str, tmp_path: Path
) -> None:
    page = open_page(javascript=False)
    page.goto(urljoin(site_url, f"indicateurs/{INDICATOR}/"))
    link = page.locator("a[download][href$='.zip']")
    archive = zipfile.ZipFile(
        io.BytesIO(page.request.get(urljoin(page.url, link.get_attribute("href"))).body())
    )
    described = json.loads(archive.read(f"{INDICATOR}/datapackage.json"))
    assert described["title"] == page.locator("h1").first.text_content().strip()
    unit = page.locator("dl.obs-meta dt:text-is('Unité') + dd").text_content().strip()
    assert described["observatory"]["unit"] == unit
    definition = page.locator("h2:text-is('Définition') + p").text_content().strip()
    assert described["description"] == definition
    sources_section = page.locator("h2:text-is('Sources') ~ *").all_inner_texts()
    for source in described["sources"]:
        assert source["path"].startswith("http")
        assert any(source["organisation"] in text for text in sources_section), source
    assert described["licenses"][0]["title"].startswith("Licence Ouverte 2.0")
    citation = page.locator("blockquote.obs-cite").text_content().strip()
    assert described["observatory"]["citation"] == citation
    archive.extractall(tmp_path)
    report = validate(tmp_path / INDICATOR / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "message"])
    readme = (tmp_path / INDICATOR / "LISEZMOI.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {described['title']}")
