"""The built site as crawlers and data portals read it: sitemaps, schema.org, open data.

- ``sitemap.xml.gz`` is exactly ``sitemap.xml`` compressed (search engines may read either);
- every package sheet carries a complete schema.org ``Dataset`` (Google Dataset Search):
  a description of 50 characters or more, temporal and spatial coverage, licence,
  creator, downloads;
- every published data file is canonical: UTF-8 without BOM, ``\\n`` line endings.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def datasets(site: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for descriptor in sorted((site / "donnees").glob("*/datapackage.json")):
        name = descriptor.parent.name
        page = site / "catalogue" / "donnees" / name / "index.html"
        blocks = [json.loads(b) for b in JSONLD.findall(page.read_text(encoding="utf-8"))]
        (dataset,) = [b for b in blocks if b.get("@type") == "Dataset"]
        found[name] = dataset
    return found


def test_the_gzipped_sitemap_is_the_sitemap(built_site: Path) -> None:
    plain = (built_site / "sitemap.xml").read_bytes()
    assert plain.count(b"<loc>") > 100
    assert gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()) == plain


def test_every_package_sheet_has_a_complete_schema_org_dataset(built_site: Path) -> None:
    found = datasets(built_site)
    assert len(found) >= 10
    incomplete = {}
    for name, data in found.items():
        missing = [
            key
            for key in ("name", "description", "license", "creator", "distribution",
                        "temporalCoverage", "spatialCoverage", "url", "identifier")
            if not data.get(key)
        ]  # fmt: skip
        if len(data.get("description", "")) < 50:
            missing.append(f"description de {len(data.get('description', ''))} caractères")
        geo = data.get("spatialCoverage", {}).get("geo", {})
        south, west, north, east = (float(v) for v in geo.get("box", "0 0 0 0").split())
        if not (-13.1 < south < north < -12.5 and 44.9 < west < east < 45.4):
            missing.append(f"boîte de Mayotte invalide : {geo}")
        if not re.fullmatch(r"\d{4}(-\d{2}-\d{2})?(/\d{4}(-\d{2}-\d{2})?)?",
                            str(data.get("temporalCoverage", ""))):  # fmt: skip
            missing.append(f"période invalide : {data.get('temporalCoverage')}")
        if missing:
            incomplete[name] = missing
    assert incomplete == {}


def test_published_data_files_are_canonical_utf8(built_site: Path) -> None:
    files = [
        p for p in (built_site / "donnees").rglob("*") if p.suffix in (".csv", ".json", ".geojson")
    ]
    assert len(files) > 30
    bad = []
    for path in files:
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
            bad.append(path.relative_to(built_site).as_posix())
        data.decode("utf-8")  # raises on anything else
    assert bad == []
