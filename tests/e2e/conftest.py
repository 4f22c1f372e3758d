"""Browser fixtures shared by the end-to-end tests: real Chromium, real HTTP server.

- ``browser``: Debian's Chromium driven by Playwright (never ``playwright install``);
  outside CI the tests skip when Chromium or Playwright is missing, in CI they fail.
- ``built_site``: ``python build.py build`` run once per session into a temporary
  ``dist/`` (the real data of the repository); a failed build fails the tests with
  the build report. ``OBSERVATOIRE_E2E_SITE=<folder>`` reuses a site already built
  (to iterate on a browser test without rebuilding).
- ``site_url``: that folder served by a threaded ``http.server`` on 127.0.0.1.
- ``local_page(origin, javascript=True)``: a fresh page whose every request to another
  host than ``origin`` is aborted and recorded in ``page.external`` (a list of URLs) —
  the tests assert it stays empty. Service workers are blocked so no request escapes
  the routing. ``open_page(javascript=True)`` is the same for the built site.
- ``axe_serious(page)``: the serious and critical axe-core violations of the page.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import CHROMIUM, require_tool

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC_URL = "https://observatoire.example.org/"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the e2e package, closed when the package is done.

    Playwright's sync API runs an event loop in the main thread while it is open: a
    session-wide instance would break every later test that uses asyncio.
    """
    executable = require_tool("chromium", CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prebuilt = os.environ.get("OBSERVATOIRE_E2E_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    dist = tmp_path_factory.mktemp("site") / "dist"
    # built as it is published: the DCAT catalogue and the sitemap carry absolute addresses
    # under a public site URL (udata harvests them), as CI=true requires
    env = {**os.environ, "OBSERVATOIRE_DIST": str(dist), "OBSERVATOIRE_SITE_URL": PUBLIC_URL}
    done = subprocess.run(
        [sys.executable, "build.py", "build"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    if done.returncode != 0 or not (dist / "index.html").is_file():
        pytest.fail(
            f"« python build.py build » a échoué (code {done.returncode}) :\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return dist


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}/"


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    server, url = serve_folder(built_site)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def _local_origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def local_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Factory ``local_page(origin, javascript=True, **context_options)`` -> page.

    Requests to ``origin`` (e.g. ``http://127.0.0.1:8123``) pass; any other host is
    aborted and recorded in ``page.external``. Generic: the site and the vault use it.
    """
    contexts: list[Any] = []

    def make(origin: str, javascript: bool = True, **options: Any) -> Any:
        origin = _local_origin(origin)
        context = browser.new_context(
            java_script_enabled=javascript, service_workers="block", locale="fr-FR", **options
        )
        contexts.append(context)
        external: list[str] = []

        def local(url: str) -> bool:
            return _local_origin(url) == origin or url.startswith(("data:", "blob:"))

        def route(route: Any) -> None:
            if local(route.request.url):
                route.continue_()
            else:
                external.append(route.request.url)
                route.abort()

        def seen(request: Any) -> None:
            if not local(request.url) and request.url not in external:
                external.append(request.url)

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", seen)
        page.external = external
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(local_page: Callable[..., Any], site_url: str) -> Callable[..., Any]:
    """``open_page(javascript=True)``: a page of the built site (see ``local_page``)."""

    def make(javascript: bool = True, **options: Any) -> Any:
        return local_page(site_url, javascript, **options)

    return make


def axe_serious(page: Any) -> list[str]:
    """Serious and critical axe-core violations, one readable line each."""
    if not AXE.is_file():
        pytest.skip("axe-core absent de node_modules : lancer npm ci")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']} : {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
