"""Build settings, declared once with their help text.

Settings come from command-line options, then environment variables ``OBSERVATOIRE_*``,
then the defaults below. Nothing here is secret: the site is public.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit


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
        "site_url",
        "",
        "URL publique du site (DCAT, plan du site, flux Atom, citations), obligatoire pour une "
        "publication ; vide = construction locale, avec des adresses relatives.",
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
    Setting(
        "previous_manifest",
        "",
        "Manifeste (release-manifest.json) de la publication précédente, auquel les notes de "
        "version comparent celle-ci ; vide = datapackages/release-manifest.json s'il existe.",
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
    previous_manifest: Path | None = None

    @property
    def local(self) -> bool:
        """A local build: no public URL, every published address is relative."""
        return self.site_url == ""

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
        if values["site_url"].endswith("/") or not values["site_url"]
        else values["site_url"] + "/",
        release=values["release"],
        basemap=values["basemap"],
        basemap_attribution=values["basemap_attribution"],
        previous_manifest=under_root(values["previous_manifest"])
        if values["previous_manifest"]
        else None,
    )
    assert {f.name for f in fields(Config)} == {s.name for s in SETTINGS}
    return config


LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "::1")  # noqa: S104 (names, not a bind)


def is_publication(config: Config, environ: Mapping[str, str]) -> bool:
    """A publication build: a release is named (``--release``) or it runs in CI."""
    return bool(config.release) or environ.get("CI", "").lower() == "true"


def publication_error(config: Config, environ: Mapping[str, str]) -> str | None:
    """Why a publication build cannot go on (French, with the fix), or ``None``."""
    if not is_publication(config, environ):
        return None
    why = "--release " + config.release if config.release else "CI=true"
    if config.local:
        return (
            f"Erreur : construction de publication ({why}) sans URL publique du site. "
            "Indiquez l'adresse où le site sera publié avec --site-url https://… ou la "
            "variable OBSERVATOIRE_SITE_URL ; sans elle, le catalogue DCAT, le plan du site "
            "et les citations ne pointeraient vers aucune adresse publique."
        )
    parts = urlsplit(config.site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"Erreur : URL du site invalide pour une publication ({why}) : "
            f"« {config.site_url} ». Indiquez une adresse complète, par exemple "
            "--site-url https://observatoire.example.org/."
        )
    if parts.hostname in LOCAL_HOSTS:
        return (
            f"Erreur : construction de publication ({why}) avec une URL locale du site "
            f"(« {config.site_url} »). Indiquez l'adresse publique du site avec --site-url "
            "https://… ou OBSERVATOIRE_SITE_URL."
        )
    return None
