"""Internal links of the built site: every ``href`` and ``src`` of every HTML page must
lead to a file of the site.

mkdocs checks the links of Markdown pages; the links written by templates as HTML, the
downloads and the assets are checked here, on the finished site before it replaces
``dist/``. A broken link is a problem naming the page and the target: the build fails
and the previous site is kept.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from observatory.core.problems import Problem

# An attribute of an opening tag; values are double-quoted by jinja2 and mkdocs.
LINK = re.compile(r"<[a-zA-Z][^<>]*?\s(?:href|src)=\"([^\"]*)\"")
NOT_A_FILE = ("#", "mailto:", "tel:", "data:", "javascript:", "blob:")
# Comments and scripts hold text that looks like markup (templates of the JS code).
HIDDEN = re.compile(r"<!--.*?-->|<script\b[^>]*>.*?</script>", re.S | re.I)


def page_url(relative: str) -> str:
    """The site-root URL of an HTML file: ``a/index.html`` -> ``/a/``."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def links_of(html: str) -> Iterator[str]:
    for found in LINK.finditer(HIDDEN.sub("", html)):
        yield found[1].replace("&amp;", "&")


def target_file(files: frozenset[str], url_path: str) -> str | None:
    """The file (site-relative) an URL path names among ``files``, or ``None``."""
    relative = posixpath.normpath(unquote(url_path).lstrip("/") or ".")
    if relative.startswith(".."):
        return None  # outside the site
    if relative == ".":
        relative = ""
    index = f"{relative}/index.html" if relative else "index.html"
    candidates = (index,) if url_path.endswith("/") or not relative else (relative, index)
    return next((c for c in candidates if c in files), None)


def internal_path(link: str, page: str, base_path: str, public: str) -> str | None:
    """The site-root path a link points to, or ``None`` for an external link."""
    if not link or link.startswith(NOT_A_FILE):
        return None
    if public and link.startswith(public):
        link = base_path + link[len(public) :]
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    absolute = urljoin(base_path + page.lstrip("/"), parts.path)
    if not absolute.startswith(base_path):
        return "/" + absolute.lstrip("/")  # outside the site: reported as broken
    return "/" + absolute[len(base_path) :]


def broken_links(site: Path, base_path: str = "/", public: str = "") -> list[Problem]:
    """One problem per page and broken target, sorted by page then target."""
    if not base_path.startswith("/"):
        base_path = urlsplit(base_path).path or "/"
    problems: list[Problem] = []
    files = frozenset(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        page = page_url(relative)
        seen: set[str] = set()
        for link in links_of(file.read_text(encoding="utf-8", errors="replace")):
            path = internal_path(link, page, base_path, public)
            if path is None or path in seen:
                continue
            seen.add(path)
            if target_file(files, path) is None:
                problems.append(
                    Problem(
                        file=f"dist/{relative}",
                        value=link,
                        code="lien-interne-casse",
                        message=(
                            f"la page « {page} » a un lien vers « {link} » ({path}), "
                            "qui n'est aucun fichier du site"
                        ),
                        fix=(
                            "corrigez ce lien (les pages générées viennent de templates/, "
                            "les pages rédigées de site_src/docs/) ou ajoutez la page cible"
                        ),
                    )
                )
    return problems
