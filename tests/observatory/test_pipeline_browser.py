"""The theme overrides in real Chromium: the search index is fetched only when the
reader opens the search (not at every first visit), then search works in French."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from observatory.pipeline import build_project
from tests.conftest import CHROMIUM, require_tool
from tests.observatory.test_pipeline import STUBS
from tests.observatory.test_pipeline_project import fixture_config, fixture_project

pytestmark = pytest.mark.e2e


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser")
    config = fixture_config(root)
    assert build_project(fixture_project(root), config, renderers=STUBS) == []
    handler = functools.partial(Quiet, directory=str(config.dist))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_search_index_loads_on_demand(site_url: str) -> None:
    executable = require_tool("chromium", CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(site_url + "indicateurs/taux-fictif/", wait_until="networkidle")
            assert [u for u in requests if "search_index" in u] == []
            assert [u for u in requests if not u.startswith(site_url)] == []
            query = page.locator("input[data-md-component=search-query]")
            query.click()
            query.fill("équipement")
            hit = page.locator(".md-search-result__item a[href*='indicateurs/taux-fictif']")
            hit.first.wait_for(timeout=20000)
            assert [u for u in requests if "search_index" in u] == [
                site_url + "search/search_index.json"
            ]
            assert [u for u in requests if not u.startswith(site_url)] == []
        finally:
            browser.close()
