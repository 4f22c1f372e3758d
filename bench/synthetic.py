"""Synthetic national-scale project for benchmarks (never real figures, never shipped).

``write_project(root, rows=…)`` writes ``root/datapackages/territoires`` (about 35 000
communes grouped into EPCI and départements, contract format) and one available theme
package ``root/datapackages/synthetique`` whose ``observations.csv`` holds at least
``rows`` rows: communes × years × indicators, plus the EPCI and département rows of the
additive indicators (equal to the sum of their communes, so the file is valid).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

COMMUNES_PER_DEPARTEMENT = 370
DEPARTEMENTS = 95
COMMUNES_PER_EPCI = 28
INDICATORS = 10
LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte 2.0",
}
GOVERNANCE = {
    "owner": "Banc d'essai",
    "producer": "Banc d'essai",
    "collection": {
        "creates": "générateur",
        "modifies": "générateur",
        "corrects": "générateur",
        "updates": "générateur",
        "validates": "générateur",
    },
    "update_frequency": "annual",
    "legal_basis": "Données synthétiques de test.",
    "gdpr": "none",
    "sensitivity": "public",
}
PRIORITY = {
    "partner_commitment": 1,
    "data_integrity": 1,
    "technical_feasibility": 1,
    "social_need": 1,
    "social_need_note": "Paquet synthétique du banc d'essai.",
}


def _field(name: str, type_: str, title: str, **constraints: object) -> dict[str, object]:
    field: dict[str, object] = {
        "name": name,
        "type": type_,
        "title": title,
        "description": title,
    }
    if constraints:
        field["constraints"] = constraints
    return field


OBSERVATIONS_SCHEMA = {
    "fields": [
        _field("indicateur", "string", "Indicateur", required=True),
        _field(
            "niveau",
            "string",
            "Niveau géographique",
            required=True,
            enum=["commune", "epci", "departement"],
        ),
        _field("code_geo", "string", "Code géographique", required=True),
        _field("annee", "integer", "Année", required=True, minimum=1900, maximum=2100),
        _field("valeur", "number", "Valeur"),
        _field("source", "string", "Source", required=True),
        _field("note", "string", "Note"),
    ],
    "primaryKey": ["indicateur", "code_geo", "annee"],
    "foreignKeys": [{"fields": "source", "reference": {"resource": "sources", "fields": "id"}}],
}
SOURCES_SCHEMA = {
    "fields": [
        _field("id", "string", "Identifiant", required=True, unique=True),
        _field("organisme", "string", "Organisme", required=True),
        _field("titre", "string", "Titre", required=True),
        _field("url", "string", "Adresse"),
        _field("millesime", "string", "Millésime"),
        _field("secondaire", "boolean", "Source secondaire"),
        _field("citation", "string", "Citation"),
    ],
    "primaryKey": ["id"],
}
TERRITOIRES_SCHEMA = {
    "fields": [
        _field("code", "string", "Code", required=True),
        _field("nom", "string", "Nom", required=True),
        _field(
            "niveau", "string", "Niveau", required=True, enum=["commune", "epci", "departement"]
        ),
        _field("code_epci", "string", "EPCI"),
        _field("code_departement", "string", "Département"),
        _field("siren", "string", "SIREN"),
    ],
    "primaryKey": ["code"],
}


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def territories(communes: int) -> tuple[list[str], list[str], list[str]]:
    """Commune codes, their EPCI SIREN and their département code, sorted by commune."""
    codes, epcis, deps = [], [], []
    for i in range(communes):
        dep, rank = divmod(i, COMMUNES_PER_DEPARTEMENT)
        dep_code = f"{dep % DEPARTEMENTS + 1:02d}"
        codes.append(f"{dep_code}{rank + 1:03d}" if dep < DEPARTEMENTS else f"9{i:04d}")
        epcis.append(f"2{dep:03d}{rank // COMMUNES_PER_EPCI:05d}")
        deps.append(dep_code if dep < DEPARTEMENTS else f"9{dep:02d}")
    return codes, epcis, deps


def write_territories(root: Path, communes: int) -> tuple[list[str], list[str], list[str]]:
    folder = root / "datapackages" / "territoires"
    codes, epcis, deps = territories(communes)
    lines = ["code,nom,niveau,code_epci,code_departement,siren"]
    lines += [f"{d},Département {d},departement,,," for d in sorted(set(deps))]
    epci_dep = dict(zip(epcis, deps, strict=True))
    lines += [f"{e},EPCI {e},epci,,{epci_dep[e]},{e}" for e in sorted(epci_dep)]
    lines += [
        f"{c},Commune {c},commune,{e},{d},{210000000 + i}"
        for i, (c, e, d) in enumerate(zip(codes, epcis, deps, strict=True))
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "territoires.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    resources: list[dict[str, object]] = [
        {
            "name": "territoires",
            "path": "territoires.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": TERRITOIRES_SCHEMA,
        }
    ]
    for level, name in (
        ("commune", "communes"),
        ("epci", "epci"),
        ("departement", "departement"),
    ):
        _write_json(folder / f"{name}.geojson", {"type": "FeatureCollection", "features": []})
        resources.append(
            {"name": name, "path": f"{name}.geojson", "format": "geojson", "title": level}
        )
    _write_json(
        folder / "datapackage.json",
        {
            "name": "territoires",
            "title": "Référentiel territorial synthétique",
            "description": "Territoires synthétiques du banc d'essai : communes, EPCI, "
            "départements.",
            "version": "1.0.0",
            "licenses": [LICENSE],
            "sources": [{"title": "Générateur du banc d'essai", "path": "bench/synthetic.py"}],
            "resources": resources,
            "observatory": {
                "themes": ["territoires"],
                "status": "available",
                "governance": GOVERNANCE,
                "priority": PRIORITY,
                "indicators": [],
                "temporal": {"start": "2026-01-01", "end": "2026-12-31", "note": "Banc d'essai."},
            },
        },
    )
    return codes, epcis, deps


def write_project(root: Path, rows: int, communes: int = 35_000) -> int:
    """Write the synthetic project; return the number of observation rows."""
    codes, epcis, deps = write_territories(root, communes)
    years = max(1, math.ceil(rows / (communes * INDICATORS)))
    folder = root / "datapackages" / "synthetique"
    folder.mkdir(parents=True, exist_ok=True)
    indicators = [f"indicateur_{k:02d}" for k in range(INDICATORS)]
    total = write_observations(folder, indicators, (codes, epcis, deps), years, communes)
    (folder / "sources.csv").write_text(
        "id,organisme,titre,url,millesime,secondaire,citation\n"
        "synth,Banc d'essai,Données synthétiques,https://example.org/,2026,false,générées\n",
        encoding="utf-8",
    )
    write_descriptor(folder, indicators)
    return total


def write_observations(
    folder: Path,
    indicators: list[str],
    territories: tuple[list[str], list[str], list[str]],
    years: int,
    communes: int,
) -> int:
    """observations.csv: random commune values, summed into EPCI and département rows for
    the additive (even) indicators; the number of rows."""
    codes, epcis, deps = territories
    rng = np.random.default_rng(976)
    code_arr = np.array(codes)
    epci_arr = np.array(epcis)
    dep_arr = np.array(deps)
    total = 0
    with (folder / "observations.csv").open("w", encoding="utf-8", newline="\n") as out:
        out.write("indicateur,niveau,code_geo,annee,valeur,source,note\n")
        for k, indicator in enumerate(indicators):
            additive = k % 2 == 0
            values = rng.integers(10, 5000, size=(years, communes))
            blocks: list[tuple[str, np.ndarray, np.ndarray]] = []
            if additive:
                for level, keys in (("departement", dep_arr), ("epci", epci_arr)):
                    uniq, inverse = np.unique(keys, return_inverse=True)
                    sums = np.zeros((years, len(uniq)), dtype=np.int64)
                    for y in range(years):
                        sums[y] = np.bincount(inverse, weights=values[y], minlength=len(uniq))
                    blocks.append((level, uniq, sums))
            order = np.argsort(code_arr, kind="stable")
            blocks.append(("commune", code_arr[order], values[:, order]))
            for level, keys, matrix in blocks:
                lines = []
                for j, code in enumerate(keys.tolist()):
                    for y in range(years):
                        lines.append(
                            f"{indicator},{level},{code},{2000 + y},{int(matrix[y, j])},synth,\n"
                        )
                out.write("".join(lines))
                total += len(lines)
    return total


def write_descriptor(folder: Path, indicators: list[str]) -> None:
    declared = [
        {
            "id": indicator,
            "title": f"Indicateur synthétique {k}",
            "unit": "personnes",
            "definition": "Valeur synthétique.",
            "levels": ["commune", "epci", "departement"] if k % 2 == 0 else ["commune"],
            "aggregation": "sum" if k % 2 == 0 else "none",
            "secrecy_threshold": 5,
            "recipients": ["partners"],
        }
        for k, indicator in enumerate(indicators)
    ]
    _write_json(
        folder / "datapackage.json",
        {
            "name": "synthetique",
            "title": "Paquet synthétique",
            "description": "Données synthétiques du banc d'essai : indicateurs par territoire "
            "et année.",
            "version": "1.0.0",
            "licenses": [LICENSE],
            "sources": [{"title": "Générateur du banc d'essai", "path": "bench/synthetic.py"}],
            "resources": [
                {
                    "name": "observations",
                    "path": "observations.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": OBSERVATIONS_SCHEMA,
                },
                {
                    "name": "sources",
                    "path": "sources.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": SOURCES_SCHEMA,
                },
            ],
            "observatory": {
                "themes": ["demographie"],
                "status": "available",
                "governance": GOVERNANCE,
                "priority": PRIORITY,
                "indicators": declared,
            },
        },
    )
