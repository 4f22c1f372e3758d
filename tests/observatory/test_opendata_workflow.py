"""The GitHub workflow: only GitHub's own actions, annotated check, publish on data tags."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "observatoire.yml"


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def test_only_actions_published_by_github() -> None:
    uses = re.findall(r"uses:\s*(\S+)", WORKFLOW.read_text(encoding="utf-8"))
    assert uses, "the workflow uses no action"
    assert [u for u in uses if not re.fullmatch(r"actions/[a-z-]+@v\d+", u)] == []


def test_check_runs_on_pull_requests_with_annotations() -> None:
    data = workflow()
    assert "pull_request" in data[True]  # YAML 1.1 reads the key "on" as True
    steps = data["jobs"]["check"]["steps"]
    assert "python build.py check --format github" in [s.get("run") for s in steps]


def test_publish_only_on_a_data_release_tag() -> None:
    data = workflow()
    assert data[True]["push"]["tags"] == ["donnees-*"]
    publish = data["jobs"]["publish"]
    assert publish["if"] == "startsWith(github.ref, 'refs/tags/donnees-')"
    assert publish["needs"] == "build"
    assert publish["steps"][-1]["uses"] == "actions/deploy-pages@v4"


def test_pull_request_template_asks_for_sources_and_check() -> None:
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "## Sources" in text
    assert "`make check`" in text
