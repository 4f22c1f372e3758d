"""Writer: the only stage that writes the site.

It assembles a staging folder next to ``dist/`` (hand-written pages and assets from
``site_src/``, the rendered pages, a generated ``mkdocs.yml``), runs mkdocs-material
into it, adds the extra files (downloads, feeds), then swaps the result into ``dist/``
with renames: a build that fails at any step leaves the previous ``dist/`` untouched
and removes its staging folder. ``SOURCE_DATE_EPOCH`` is set from the release date so
that mkdocs' sitemap dates and gzip headers are reproducible.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import yaml

from observatory.core.config import Config
from observatory.core.problems import Problem
from observatory.core.site import Output
from observatory.core.urls import public_url
from observatory.publish import assets, links
from observatory.publish.render import Rendered, insert_fragments

SITE_SRC = Path(__file__).resolve().parents[2] / "site_src"


def release_epoch(release: str) -> int:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return int(datetime.strptime(release, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            continue
    return 0


def mkdocs_settings(
    config: Config, nav: list[object], staging: Path, site_src: Path
) -> dict[str, object]:
    base = yaml.safe_load((site_src / "mkdocs.yml").read_text(encoding="utf-8"))
    settings: dict[str, object] = dict(base)
    theme = dict(base.get("theme", {}))
    theme["custom_dir"] = str(site_src / "overrides")
    settings.update(
        theme=theme,
        site_url=None if config.local else public_url(config),
        docs_dir=str(staging / "docs"),
        site_dir=str(staging / "site"),
        nav=nav,
    )
    scripts = sorted((site_src / "assets" / "javascripts").glob("*.js"))
    if scripts:
        settings["extra_javascript"] = [f"assets/javascripts/{p.name}" for p in scripts]
    return settings


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def run_mkdocs(
    config_file: Path, epoch: int, fragments: Mapping[str, str] | None = None
) -> list[str]:
    """Build with mkdocs in this process; returns the warnings it logged. ``fragments``
    are put back into each page's final HTML (see ``render.extract_fragments``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin

    table = dict(fragments or {})

    class Fragments(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        def on_post_page(self, output: str, **kwargs: object) -> str:
            return insert_fragments(output, table)

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        with _source_date(epoch):
            cfg = load_config(config_file=str(config_file))
            cfg.plugins["observatoire-fragments"] = Fragments()
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                build(cfg)
            finally:
                cfg.plugins.on_shutdown()
    finally:
        logger.removeHandler(handler)
    return handler.messages


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def swap_into(site: Path, dist: Path) -> None:
    """Replace ``dist`` by ``site`` with renames; on failure the old ``dist`` is restored."""
    old = dist.with_name(f".{dist.name}.old-{os.getpid()}")
    had_old = dist.exists()
    if had_old:
        os.replace(dist, old)
    try:
        os.replace(site, dist)
    except OSError:
        if had_old:
            os.replace(old, dist)
        raise
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(dist: Path) -> None:
    """Remove staging and old folders left by a build that was killed (its process is
    gone); those of a build still running are left alone."""
    for path in sorted(dist.parent.glob(f".{dist.name}.*-*")):
        kind, _, rest = path.name[len(dist.name) + 2 :].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in {"staging", "old"} and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


BROKEN_LINK = re.compile(
    r"Doc file '(?P<page>[^']+)' contains a link '(?P<link>[^']+)', but the target"
    r"(?: '(?P<target>[^']+)')? is not found"
)


def mkdocs_problem(warning: str, templates: Mapping[str, str]) -> Problem:
    """A mkdocs warning for people: a broken link names its page and where it comes
    from (a template of templates/ or a hand-written page of site_src/docs/)."""
    found = BROKEN_LINK.search(warning)
    if found is None:
        return Problem(
            file="site_src/mkdocs.yml",
            code="mkdocs",
            message=f"avertissement de mkdocs : {warning}",
            fix="corriger le lien ou la page en cause (les pages générées viennent de templates/)",
        )
    page, link = found["page"], found["link"]
    target = found["target"] or link
    template = templates.get(page)
    source = f"templates/{template}" if template else f"site_src/docs/{page}"
    return Problem(
        file=source,
        value=link,
        code="lien-casse",
        message=f"la page « {page} » a un lien vers « {target} », qui n'est aucune page du site",
        fix=f"corrigez ce lien dans {source}, ou ajoutez la page « {target} »",
    )


def write_site(
    config: Config,
    rendered: Rendered,
    outputs: Sequence[Output],
    nav: list[object],
    release: str,
    site_src: Path = SITE_SRC,
) -> list[Problem]:
    """Stage, build and swap. Returns problems (then ``dist/`` is left as it was)."""
    config.dist.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(config.dist)
    prefix = f".{config.dist.name}.staging-{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=config.dist.parent))
    try:
        docs_dir = staging / "docs"
        shutil.copytree(site_src / "docs", docs_dir)
        if (site_src / "assets").is_dir():
            shutil.copytree(site_src / "assets", docs_dir / "assets")
        for rel in sorted(rendered.docs):
            _write(docs_dir / rel, rendered.docs[rel].encode("utf-8"))
        settings = mkdocs_settings(config, nav, staging, site_src)
        config_file = staging / "mkdocs.yml"
        config_file.write_text(
            yaml.safe_dump(settings, allow_unicode=True, sort_keys=True), encoding="utf-8"
        )
        warnings = run_mkdocs(config_file, release_epoch(release), rendered.fragments)
        problems = [
            mkdocs_problem(w, rendered.templates)
            for w in warnings
            if "not found" in w or "Error" in w
        ]
        if problems:
            return problems
        site = staging / "site"
        for out in outputs:
            _write(site / out.path, out.content)
        # self-hosted Vega/Leaflet (assets/vendor/), copied from node_modules/
        vendor = assets.vendor_problems()
        if vendor:
            return vendor
        assets.copy_vendor(site)
        broken = links.broken_links(site, config.base_url, public_url(config))
        if broken:
            return broken
        swap_into(site, config.dist)
        return []
    except Exception as exc:  # any failure: report it, keep the old dist/
        return [
            Problem(
                file=str(config.dist.name),
                code="ecriture",
                message=f"la construction du site a échoué : {type(exc).__name__}: {exc}",
                fix="corriger la cause ci-dessus puis relancer ; l'ancien site est conservé",
            )
        ]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
