"""SECURITY.md drives the tests: every route and command has its line, every line names a test
that exists. Adding a route without saying who may use it on whom fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from starlette.routing import Mount, Route

from vault_service.__main__ import parser
from vault_service.app import ROUTES

ROOT = Path(__file__).resolve().parents[2]
MODEL = (ROOT / "vault_service" / "SECURITY.md").read_text(encoding="utf-8")
ROUTE_RE = re.compile(r"`(GET|POST|PATCH|PUT|DELETE) (/[^`]*)`")
TEST_RE = re.compile(r"`(?:(tests/[\w/]+)/)?(test_\w+\.py)::(test_\w+)`")


def declared_routes() -> set[tuple[str, str]]:
    found = set()
    for route in ROUTES:
        if isinstance(route, Mount):
            found.add(("GET", "/static/vault.css"))
        elif isinstance(route, Route):
            found |= {(m, route.path) for m in route.methods or () if m != "HEAD"}
    return found


def test_every_route_has_a_line():
    lines = set(ROUTE_RE.findall(MODEL))
    assert sorted(declared_routes() - lines) == [], "route sans ligne dans SECURITY.md"
    assert sorted(lines - declared_routes()) == [], "ligne de SECURITY.md sans route"


def test_every_command_has_a_line():
    verbs = [
        verb
        for action in parser()._actions
        if getattr(action, "dest", None) == "verb"
        for verb in (action.choices or ())
    ]
    assert "serve" in verbs
    assert sorted(verb for verb in verbs if f"`{verb}`" not in MODEL) == []


def test_every_cited_test_exists():
    cited = TEST_RE.findall(MODEL)
    assert len(cited) > 40
    missing = []
    for folder, filename, name in cited:
        path = ROOT / (folder or "tests/vault") / filename
        names = (
            {
                node.name
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.FunctionDef)
            }
            if path.exists()
            else set()
        )
        if name not in names:
            missing.append(f"{filename}::{name}")
    assert missing == []
