"""Vendor assets: the list of self-hosted files and the French error when npm ci was not run."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.publish.assets import (
    VENDOR,
    VendorMissing,
    copy_vendor,
    vendor_files,
    vendor_problems,
)


def fake_modules(root: Path, skip: str = "") -> None:
    for _, src in VENDOR:
        if src == skip:
            continue
        path = root / "node_modules" / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(src, encoding="utf-8")


def test_vendor_files_lists_the_minimal_bundles(tmp_path: Path) -> None:
    fake_modules(tmp_path)
    files = vendor_files(tmp_path)
    assert list(files)[:3] == [
        "assets/vendor/leaflet/LICENSE",
        "assets/vendor/leaflet/images/layers-2x.png",
        "assets/vendor/leaflet/images/layers.png",
    ]
    assert (
        files["assets/vendor/vega/vega.min.js"] == tmp_path / "node_modules/vega/build/vega.min.js"
    )
    assert len(files) == 14
    assert vendor_problems(tmp_path) == []


def test_copy_vendor_writes_under_destination(tmp_path: Path) -> None:
    fake_modules(tmp_path)
    written = copy_vendor(tmp_path / "site", tmp_path)
    target = tmp_path / "site/assets/vendor/vega-embed/vega-embed.min.js"
    assert target in written
    assert target.read_text(encoding="utf-8") == "vega-embed/build/vega-embed.min.js"


def test_missing_node_modules_is_a_french_error_with_the_fix(tmp_path: Path) -> None:
    fake_modules(tmp_path, skip="leaflet/dist/leaflet.js")
    with pytest.raises(VendorMissing) as error:
        vendor_files(tmp_path)
    assert str(error.value) == (
        "fichiers JavaScript/CSS introuvables dans node_modules/ : "
        "node_modules/leaflet/dist/leaflet.js ; installer les dépendances JavaScript "
        "verrouillées : lancer « npm ci » (ou « make install ») à la racine du projet, "
        "puis relancer la construction"
    )
    [problem] = vendor_problems(tmp_path)
    assert problem.file == "node_modules/leaflet/dist/leaflet.js"
    assert problem.message == "fichier nécessaire au site (servi par le site lui-même) introuvable"


def test_real_node_modules_has_them() -> None:
    root = Path(__file__).resolve().parents[2]
    if not (root / "node_modules").is_dir():
        pytest.skip("node_modules absent : lancer npm ci")
    assert vendor_problems(root) == []
