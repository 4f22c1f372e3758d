"""Build settings, declared once with their help text.

Settings come from command-line options, then environment variables ``OBSERVATOIRE_*``,
then the defaults below. Nothing here is secret: the site is public.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("root", ".", "Dossier du projet (contient datapackages/ et studies/)."),
    Setting("dist", "dist", "Dossier de sortie du site statique."),
    Setting("cache", ".cache", "Dossier du cache par empreinte de contenu."),
    Setting(
        "base_url", "/", "Chemin ou URL de base du site publié (ex. /observatoire/ sur un CDN)."
    ),
    Setting(
        "site_url", "http://localhost:8000/", "URL publique du site (sitemap, DCAT, flux Atom)."
    ),
    Setting(
        "release",
        "",
        "Identifiant de la publication de données (ex. 2026-11) ; vide = date du jour.",
    ),
    Setting(
        "basemap",
        "",
        "Fond de carte des cartes interactives : modèle d'URL de tuiles {z}/{x}/{y} "
        "(ex. /tuiles/{z}/{x}/{y}.png servi par le site) ; vide = aucun fond, aucune requête.",
    ),
    Setting(
        "basemap_attribution",
        "",
        "Mention de la source du fond de carte (ex. © les contributeurs d'OpenStreetMap).",
    ),
)


@dataclass(frozen=True)
class Config:
    root: Path
    dist: Path
    cache: Path
    base_url: str
    site_url: str
    release: str
    basemap: str = ""
    basemap_attribution: str = ""

    @property
    def datapackages(self) -> Path:
        return self.root / "datapackages"

    @property
    def studies(self) -> Path:
        return self.root / "studies"


def load_config(**overrides: str | None) -> Config:
    """Resolve every setting: explicit value, then ``OBSERVATOIRE_<NAME>``, then default."""
    values: dict[str, str] = {}
    for setting in SETTINGS:
        given = overrides.get(setting.name)
        env = os.environ.get(f"OBSERVATOIRE_{setting.name.upper()}")
        values[setting.name] = given if given is not None else env or setting.default
    root = Path(values["root"]).resolve()

    def under_root(value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else root / path

    base_url = values["base_url"]
    if not base_url.endswith("/"):
        base_url += "/"
    config = Config(
        root=root,
        dist=under_root(values["dist"]),
        cache=under_root(values["cache"]),
        base_url=base_url,
        site_url=values["site_url"]
        if values["site_url"].endswith("/")
        else values["site_url"] + "/",
        release=values["release"],
        basemap=values["basemap"],
        basemap_attribution=values["basemap_attribution"],
    )
    assert {f.name for f in fields(Config)} == {s.name for s in SETTINGS}
    return config
