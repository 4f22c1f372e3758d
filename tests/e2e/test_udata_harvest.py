"""data.gouv.fr harvests the DCAT catalogue whole: udata's own harvester, run on the built site.

udata 17.18 (data.gouv.fr's software, from PyPI) runs in its own environment
(tools/udata_env.py) with MongoDB replaced by mongomock (tools/udata_harvest.py). The test
serves the site of the session with ``build.py serve``'s own handler, points udata's
``DcatBackend`` at ``catalogue.ttl`` and ``catalogue.jsonld``, and checks what udata kept
of every dataset, in its preview (what an administrator sees before accepting the source)
and in a real harvest into the in-memory database.
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from observatory.serve import SiteHandler
from tests.e2e.tools.udata_env import udata_python

DRIVER = Path(__file__).with_name("tools") / "udata_harvest.py"
SITE_TITLE = "Observatoire social et médico-social de Mayotte"
FORMATS = {  # suffix -> (udata format, media type)
    ".csv": ("csv", "text/csv"),
    ".json": ("json", "application/json"),
    ".geojson": ("geojson", "application/geo+json"),
}
# Our frequency names (profile) -> udata's UpdateFrequency values.
FREQUENCIES = {"annual": "annual", "irregular": "irregular", "quarterly": "quarterly"}


@pytest.fixture(scope="module")
def served_site(built_site: Path) -> Iterator[str]:
    handler = functools.partial(SiteHandler, directory=str(built_site), prefix="/")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def udata() -> Path:
    return udata_python()


def harvest(udata: Path, url: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(udata), str(DRIVER), url],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def expected_datasets(site: Path) -> dict[str, dict[str, Any]]:
    """What the built site publishes, read from its files (not from the catalogue)."""
    graph = Graph().parse(site / "catalogue.ttl", format="turtle")
    site_url = str(next(graph.objects(None, FOAF.homepage)))
    nodes = {
        str(graph.value(s, DCTERMS.identifier)): s for s in graph.subjects(RDF.type, DCAT.Dataset)
    }
    found: dict[str, dict[str, Any]] = {}
    for descriptor in sorted((site / "donnees").glob("*/datapackage.json")):
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        folder = descriptor.parent
        identifier = f"observatoire-social-mayotte/{package['name']}"
        period = graph.value(nodes[identifier], DCTERMS.temporal)
        found[identifier] = {
            "title": package["title"],
            "description": package["description"],
            "frequency": FREQUENCIES[package["observatory"]["governance"]["update_frequency"]],
            "temporal": (
                [str(graph.value(period, DCAT.startDate)), str(graph.value(period, DCAT.endDate))]
                if period is not None
                else None
            ),
            "resources": sorted(
                (
                    f"{site_url}donnees/{package['name']}/{f.name}",
                    *FORMATS[f.suffix],
                )
                for f in folder.iterdir()
            ),
        }
    assert found, "aucun paquet publié dans le site construit"
    return found


def site_url_of(site: Path) -> str:
    graph = Graph().parse(site / "catalogue.ttl", format="turtle")
    return str(next(graph.objects(None, FOAF.homepage)))


@pytest.mark.parametrize("catalogue", ["catalogue.ttl", "catalogue.jsonld"])
def test_udata_harvests_every_dataset_whole(
    built_site: Path, served_site: str, udata: Path, catalogue: str
) -> None:
    expected = expected_datasets(built_site)
    site_url = site_url_of(built_site)
    report = harvest(udata, served_site + catalogue)
    for run in ("preview", "harvest"):
        job = report[run]
        assert (job["status"], job["errors"]) == ("done", []), (run, job)
        items = {item["remote_id"]: item for item in job["items"]}
        assert sorted(items) == sorted(expected), run
        refused = {i: (v["status"], v["errors"]) for i, v in items.items() if v["status"] != "done"}
        assert refused == {}, run
        for identifier, want in expected.items():
            got = items[identifier]
            where = (run, catalogue, identifier)
            assert got["title"] == want["title"], where  # exact: no mojibake
            assert got["description"] == want["description"], where
            assert got["license"] == "lov2", where
            assert got["frequency"] == want["frequency"], where
            assert got["temporal"] == want["temporal"], where
            assert got["spatial"]["type"] == "MultiPolygon", where
            ((ring,),) = got["spatial"]["coordinates"]
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            # Mayotte: about 45.0-45.3° E, 12.6-13.0° S.
            assert 44.9 < min(lons) < max(lons) < 45.4 and -13.1 < min(lats) < max(lats) < -12.5
            resources = sorted((r["url"], r["format"], r["mime"]) for r in got["resources"])
            assert resources == want["resources"], where
            assert all(r["title"] for r in got["resources"]), where
    contact = {
        "name": SITE_TITLE,
        "email": None,
        "role": "contact",
        "contact_form": site_url + "mentions-legales/",
    }
    for identifier, item in ((i["remote_id"], i) for i in report["harvest"]["items"]):
        assert contact in item["contact_points"], identifier
    assert [i for i, want in expected.items() if not want["temporal"]] == []
