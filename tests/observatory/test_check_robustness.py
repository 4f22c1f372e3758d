"""Odd descriptors and files give problems, never a traceback nor an internal error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.observatory.fixtures.projects import (
    OBSERVATIONS,
    POPULATION,
    edit_json,
    make_project,
    run_check,
)

ODD_DESCRIPTORS: list[tuple[str, Any]] = [
    ("liste", []),
    ("ressources-texte", {"name": "population", "resources": "observations.csv"}),
    (
        "chemin-nombre",
        {"name": "population", "resources": [{"name": "observations", "path": 3}]},
    ),
    (
        "schema-texte",
        {
            "name": "population",
            "resources": [{"name": "observations", "path": "observations.csv", "schema": "x"}],
        },
    ),
    (
        "champs-bizarres",
        {
            "name": "population",
            "resources": [
                {
                    "name": "observations",
                    "path": "observations.csv",
                    "schema": {
                        "fields": [{"name": "indicateur", "constraints": "x"}, 3],
                        "primaryKey": 7,
                        "foreignKeys": ["x", {"fields": 1}],
                    },
                }
            ],
            "observatory": {"themes": "demographie", "indicators": [3, {"id": 5}]},
        },
    ),
]


@pytest.mark.parametrize(
    ("label", "descriptor"), ODD_DESCRIPTORS, ids=[d[0] for d in ODD_DESCRIPTORS]
)
def test_odd_descriptor(tmp_path: Path, label: str, descriptor: Any) -> None:
    root = make_project(tmp_path)
    (root / POPULATION).write_text(json.dumps(descriptor), encoding="utf-8")
    code, out, err = run_check(root, "--format", "json")
    problems = json.loads(out)["problems"]
    assert (code, err) == (1, "")
    assert problems
    assert "erreur-interne" not in {p["code"] for p in problems}
    assert {p["file"] for p in problems} <= {
        "datapackages/population/datapackage.json",
        "datapackages/population/observations.csv",
    }


@pytest.mark.parametrize(
    "content",
    [b"\n\n\n", b"indicateur\n", b'"non ferm\xc3\xa9\n', b"\xff\xfe\x00a", b"a,b\r\n1"],
    ids=["lignes-vides", "une-colonne", "guillemet", "utf16", "tronque"],
)
def test_odd_csv(tmp_path: Path, content: bytes) -> None:
    root = make_project(tmp_path)
    (root / OBSERVATIONS).write_bytes(content)
    code, out, err = run_check(root, "--format", "json")
    problems = json.loads(out)["problems"]
    assert (code, err) == (1, "")
    assert problems
    assert "erreur-interne" not in {p["code"] for p in problems}


def test_utf16_is_named(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    path = root / OBSERVATIONS
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    code, out, _ = run_check(root)
    assert code == 1
    assert out == (
        "datapackages/population/observations.csv › ressource « observations » › ligne 1 : "
        "le fichier est en UTF-16\n"
        "    → réenregistrez le fichier en UTF-8 (dans un tableur : « CSV UTF-8 »)\n"
        "\n1 problème trouvé.\n"
    )


def test_missing_status_is_reported_alone(tmp_path: Path) -> None:
    """The profile's "desired needs a desired block" rule does not add noise."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"].pop("status"))
    code, out, _ = run_check(root)
    assert code == 1
    assert out == (
        "datapackages/population/datapackage.json › champ « observatory.status » : "
        "propriété obligatoire « status » absente\n"
        "    → ajoutez « status » dans « observatory » "
        "(voir observatory/profile/observatory-profile.schema.json)\n"
        "\n1 problème trouvé.\n"
    )
