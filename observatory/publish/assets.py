"""Self-hosted JavaScript and CSS from node_modules: Vega, Vega-Lite, Vega-Embed, Leaflet.

The site loads nothing from another host. The few vendor files it needs are copied at
build time from ``node_modules/`` (installed by ``npm ci`` from the locked
``package-lock.json``) into ``assets/vendor/`` of the site; they are not committed.

- ``vendor_files()`` maps each destination path (relative to the site root) to its
  source file; it raises ``VendorMissing`` with a French message naming every missing
  file and the fix when ``node_modules`` is incomplete;
- ``vendor_problems()`` gives the same diagnosis as ``Problem`` values for the build
  report;
- ``copy_vendor(destination)`` copies them (``destination`` is the site root, or the
  mkdocs ``docs`` folder) and returns the written paths, sorted.

``site_src/assets/javascripts/interactive.js`` loads these files only when the reader
asks for an interactive chart or map.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from observatory.core import urls
from observatory.core.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = urls.VENDOR.rstrip("/")

# destination under assets/vendor/ -> source under node_modules/
VENDOR: tuple[tuple[str, str], ...] = (
    ("vega/vega.min.js", "vega/build/vega.min.js"),
    ("vega/LICENSE", "vega/LICENSE"),
    ("vega-lite/vega-lite.min.js", "vega-lite/build/vega-lite.min.js"),
    ("vega-lite/LICENSE", "vega-lite/LICENSE"),
    ("vega-embed/vega-embed.min.js", "vega-embed/build/vega-embed.min.js"),
    ("vega-embed/LICENSE", "vega-embed/LICENSE"),
    ("leaflet/leaflet.js", "leaflet/dist/leaflet.js"),
    ("leaflet/leaflet.css", "leaflet/dist/leaflet.css"),
    ("leaflet/images/layers.png", "leaflet/dist/images/layers.png"),
    ("leaflet/images/layers-2x.png", "leaflet/dist/images/layers-2x.png"),
    ("leaflet/images/marker-icon.png", "leaflet/dist/images/marker-icon.png"),
    ("leaflet/images/marker-icon-2x.png", "leaflet/dist/images/marker-icon-2x.png"),
    ("leaflet/images/marker-shadow.png", "leaflet/dist/images/marker-shadow.png"),
    ("leaflet/LICENSE", "leaflet/LICENSE"),
)

FIX = (
    "installer les dépendances JavaScript verrouillées : lancer « npm ci » (ou "
    "« make install ») à la racine du projet, puis relancer la construction"
)


class VendorMissing(Exception):
    """node_modules lacks files the site must serve itself."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            "fichiers JavaScript/CSS introuvables dans node_modules/ : "
            + ", ".join(missing)
            + f" ; {FIX}"
        )


def _sources(root: Path) -> dict[str, Path]:
    modules = root / "node_modules"
    return {f"{VENDOR_DIR}/{dest}": modules / src for dest, src in VENDOR}


def _missing(sources: dict[str, Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in sources.values() if not path.is_file()]


def vendor_files(root: Path | None = None) -> dict[str, Path]:
    """Destination path in the site (``assets/vendor/...``) -> source file, sorted."""
    root = root or ROOT
    sources = _sources(root)
    missing = _missing(sources, root)
    if missing:
        raise VendorMissing(missing)
    return dict(sorted(sources.items()))


def vendor_problems(root: Path | None = None) -> list[Problem]:
    """One problem per missing vendor file (empty when everything is there)."""
    root = root or ROOT
    return [
        Problem(
            file=path,
            code="dependance-js",
            message="fichier nécessaire au site (servi par le site lui-même) introuvable",
            fix=FIX,
        )
        for path in _missing(_sources(root), root)
    ]


def copy_vendor(destination: Path, root: Path | None = None) -> list[Path]:
    """Copy every vendor file under ``destination``; returns the written files."""
    written = []
    for rel, source in vendor_files(root).items():
        target = destination / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written
