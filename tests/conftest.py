"""Shared test settings: in CI (CI=true) a test may not skip for a missing tool."""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
POSTGRES_URL = os.environ.get(
    "VAULT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def require_tool(name: str, path: str | None = None) -> str:
    """Return the tool's path, or skip (outside CI) with the reason."""
    found = path if path and os.path.exists(path) else shutil.which(name)
    if not found:
        pytest.skip(f"{name} introuvable sur cette machine (installer le paquet Debian {name})")
    return found


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, None]:
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skip interdit en CI (CI=true) : {reason}"
