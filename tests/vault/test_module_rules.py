"""The vault's endpoint modules follow one-way rules: the JSON API imports no HTML page module,
and no endpoint module builds SQL (the modules that own the tables do)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VAULT = Path(__file__).resolve().parents[2] / "vault_service"
PAGES = {
    "auth",
    "access_pages",
    "account_pages",
    "document_pages",
    "duplicate_pages",
    "exchange_pages",
    "leaving_pages",
    "relationship_pages",
    "share_pages",
    "staff_pages",
}
API_MODULES = {"api", "exchange_api"}
ENDPOINTS = PAGES | API_MODULES
# What an endpoint module may take from SQLAlchemy: types and errors, never query builders
# or tables.
ALLOWED = {"sqlalchemy": {"Connection", "Engine"}, "vault_service.db": {"as_utc", "now"}}


def _imports(source: str) -> list[tuple[int, str, str]]:
    """(line, module, name) of every import in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, "") for alias in node.names]
    return found


def page_imports(source: str) -> list[str]:
    """Page modules imported by `source` (`from vault_service import x` included)."""
    wrong = []
    for line, module, name in _imports(source):
        target = name if module == "vault_service" else module.removeprefix("vault_service.")
        if target in PAGES:
            wrong.append(f"ligne {line} : importe le module de pages {target}")
    return wrong


def sql_imports(source: str) -> list[str]:
    wrong = []
    for line, module, name in _imports(source):
        if module in ALLOWED and name not in ALLOWED[module]:
            wrong.append(f"ligne {line} : importe {module}.{name}")
        elif module.startswith("sqlalchemy.") and module != "sqlalchemy.exc":
            wrong.append(f"ligne {line} : importe {module}")
    return wrong


def _source(module: str) -> str:
    return (VAULT / f"{module}.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("module", sorted(API_MODULES))
def test_api_imports_no_page_module(module: str) -> None:
    assert page_imports(_source(module)) == []


@pytest.mark.parametrize("module", sorted(ENDPOINTS))
def test_no_sql_in_endpoint_modules(module: str) -> None:
    assert sql_imports(_source(module)) == []


def test_the_rules_catch_what_the_api_used_to_do() -> None:
    planted = (
        "from sqlalchemy import Connection, text\n"
        "from vault_service.document_pages import NOT_FOUND\n"
        "from vault_service import auth\n"
        "from vault_service.db import accounts as accounts_table\n"
    )
    assert page_imports(planted) == [
        "ligne 2 : importe le module de pages document_pages",
        "ligne 3 : importe le module de pages auth",
    ]
    assert sql_imports(planted) == [
        "ligne 1 : importe sqlalchemy.text",
        "ligne 4 : importe vault_service.db.accounts",
    ]
