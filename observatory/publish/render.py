"""Render stage: each ``Page`` of the plan -> the text of a Markdown file for mkdocs.

Templates live in ``templates/`` (jinja2, autoescaped: page bodies are Markdown with
HTML blocks; SVG and other trusted HTML pass through ``|safe``). Links between pages
are relative (``link`` filter), so the site works under any base URL. Nothing here
reads data files or writes anything.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from observatory.core import urls
from observatory.core.labels import LEVEL_NAMES
from observatory.core.model import Point
from observatory.core.numbers import fmt_as_given, fmt_date, fmt_number, fmt_value
from observatory.core.site import Page, Plan, Site
from observatory.core.urls import relative_url

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def point_text(point: Point | None, unit: str = "", decimals: int = 0) -> str:
    """How a cell reads on a page: the French number at the source's precision (« environ
    40 », « plus de 90 »), ``secret statistique`` or a dash."""
    if point is None:
        return "–"
    return fmt_as_given(point.value, unit, decimals, point.status, point.note)


def make_environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = fmt_number
    env.filters["cell"] = point_text
    env.filters["value"] = fmt_value
    env.filters["date"] = fmt_date
    env.globals["level_labels"] = LEVEL_NAMES
    env.globals["urls"] = urls  # every address of the site: link(urls.OPEN_DATA)
    return env


def front_matter(page: Page) -> str:
    """YAML front matter (JSON is valid YAML: quoting is exact and deterministic)."""
    meta: dict[str, object] = {"title": page.title}
    if page.description:
        meta["description"] = page.description
    if not page.search:
        meta["search"] = {"exclude": True}
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def render_page(page: Page, site: Site, env: jinja2.Environment) -> str:
    template = env.get_template(page.template)

    def link(target: str) -> str:  # for HTML: a URL relative to the published page
        return relative_url(page.path, target)

    def md(target: str) -> str:  # for Markdown links: the docs path, checked by mkdocs
        return posixpath.relpath(target, posixpath.dirname(page.path) or ".")

    text = template.render(**page.context, site=site, page=page, link=link, md=md)
    return front_matter(page) + text.rstrip("\n") + "\n"


# Big HTML blocks (inline SVG, data tables, map templates) skip Markdown: a template
# wraps them in <!--raw--> ... <!--/raw-->; they are replaced by a comment that the
# writer swaps back into the final HTML (after the search index, which must not hold
# them). Python-Markdown then only parses the prose: builds are several times faster.
RAW_BLOCK = re.compile(r"<!--raw-->\n?(.*?)\n?<!--/raw-->", re.S)
FRAGMENT = "<!--obs-fragment:{}-->"
FRAGMENT_RE = re.compile(r"<!--obs-fragment:([0-9a-f]{20})-->")


def extract_fragments(text: str, into: dict[str, str]) -> str:
    def keep(match: re.Match[str]) -> str:
        html = match.group(1)
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()[:20]
        into[key] = html
        return "\n\n" + FRAGMENT.format(key) + "\n\n"

    return RAW_BLOCK.sub(keep, text)


def insert_fragments(html: str, fragments: dict[str, str]) -> str:
    return FRAGMENT_RE.sub(lambda m: fragments[m.group(1)], html)


@dataclass(frozen=True)
class Rendered:
    docs: dict[str, str]  # docs-relative path -> Markdown text
    fragments: dict[str, str]  # key -> raw HTML
    templates: dict[str, str] = field(default_factory=dict)  # docs path -> its template


def render_plan(plan: Plan, site: Site, env: jinja2.Environment | None = None) -> Rendered:
    """Markdown text of every page of the plan, and the raw HTML fragments it refers to."""
    env = env or make_environment()
    fragments: dict[str, str] = {}
    docs = {
        page.path: extract_fragments(render_page(page, site, env), fragments)
        for page in plan.pages
        if page.template
    }
    templates = {page.path: page.template for page in plan.pages if page.template}
    return Rendered(docs, dict(sorted(fragments.items())), templates)


# Order of the navigation sections; "" holds top-level links. Unknown sections follow,
# by title (a stage adding pages in a new section needs no change here).
NAV_SECTIONS: tuple[str, ...] = (
    "",
    "Thèmes",
    "Territoires",
    "Indicateurs",
    "Données",
    "Études",
    "À propos",
)


def nav_tree(pages: tuple[Page, ...]) -> list[object]:
    """The mkdocs ``nav``: ``Page.nav`` = (section,) or (section, subsection)."""
    known = {name: rank for rank, name in enumerate(NAV_SECTIONS)}

    def key(page: Page) -> tuple[int, tuple[str, ...], int, str, str]:
        return (known.get(page.nav[0], len(known)), page.nav, page.order, page.title, page.path)

    out: list[object] = []
    sections: dict[str, list[object]] = {}
    subsections: dict[tuple[str, str], list[object]] = {}
    for page in sorted((p for p in pages if p.nav), key=key):
        entry = {page.title: page.path}
        if page.nav[0] == "":
            out.append(entry)
            continue
        if page.nav[0] not in sections:
            sections[page.nav[0]] = []
            out.append({page.nav[0]: sections[page.nav[0]]})
        target = sections[page.nav[0]]
        if len(page.nav) > 1:
            sub = (page.nav[0], page.nav[1])
            if sub not in subsections:
                subsections[sub] = []
                target.append({page.nav[1]: subsections[sub]})
            target = subsections[sub]
        target.append(entry)
    return out
