"""HEAD is answered like GET (Starlette adds it to every GET route): a page a link checker
or a proxy probes with HEAD must not be treated as a form submission."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route
from starlette.testclient import TestClient


def test_head_answers_like_get_on_every_page(app: Any, client: TestClient) -> None:
    pages = sorted(
        route.path
        for route in app.routes
        if isinstance(route, Route) and "GET" in (route.methods or ()) and "{" not in route.path
    )
    assert "/connexion" in pages
    mismatches = {}
    for path in pages:
        got = client.get(path, follow_redirects=False).status_code
        head = client.head(path, follow_redirects=False).status_code
        if head != got:
            mismatches[path] = (got, head)
    assert mismatches == {}
