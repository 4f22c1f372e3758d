"""``check`` output formats and exit codes: text, JSON for machines, GitHub annotations."""

from __future__ import annotations

import json
from pathlib import Path

from tests.observatory.fixtures.projects import OBSERVATIONS, make_project, replace_text, run_check


def broken(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", "97611,2020a,200")
    return root


def test_json_format(tmp_path: Path) -> None:
    code, out, err = run_check(broken(tmp_path), "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "valid": False,
        "problems": [
            {
                "file": "datapackages/population/observations.csv",
                "resource": "observations",
                "row": 7,
                "field": "annee",
                "value": "2020a",
                "code": "type",
                "message": "valeur invalide : nombre entier attendu",
                "fix": "écrivez un nombre entier (ex. 2021) dans « annee », "
                "ou laissez la cellule vide",
            }
        ],
    }


def test_json_format_clean(tmp_path: Path) -> None:
    code, out, _ = run_check(make_project(tmp_path), "--format", "json")
    assert (code, json.loads(out)) == (0, {"valid": True, "problems": []})


def test_github_format(tmp_path: Path) -> None:
    code, out, err = run_check(broken(tmp_path), "--format", "github")
    assert (code, err) == (1, "")
    assert out == (
        "::error file=datapackages/population/observations.csv,line=7,title=type::"
        "valeur invalide : nombre entier attendu (valeur : « 2020a ») "
        "→ écrivez un nombre entier (ex. 2021) dans « annee », ou laissez la cellule vide\n"
    )


def test_github_format_without_line(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "datapackages/population/sources.csv").write_text("", encoding="utf-8")
    code, out, _ = run_check(root, "--format", "github")
    assert code == 1
    assert out == (
        "::error file=datapackages/population/sources.csv,title=fichier-vide::"
        "le fichier est vide → ajoutez la ligne d'en-tête puis les données\n"
    )


def test_root_that_does_not_exist(tmp_path: Path) -> None:
    code, out, err = run_check(tmp_path / "absent")
    assert (code, out) == (2, "")
    assert err == f"Erreur : le dossier du projet {tmp_path / 'absent'} n'existe pas.\n"


def test_root_without_datapackages(tmp_path: Path) -> None:
    root = tmp_path / "vide"
    root.mkdir()
    code, out, err = run_check(root)
    assert (code, out) == (2, "")
    assert err == (
        f"Erreur : pas de dossier datapackages/ dans {root} ; "
        "indiquez la racine du projet avec --root.\n"
    )


def test_every_problem_of_every_package_in_one_sorted_report(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", "97699,2020a,200")
    replace_text(root, "datapackages/population/sources.csv", "2020,false,", "2020,non,")
    (root / "datapackages/souhaite/datapackage.json").write_text("{", encoding="utf-8")
    code, out, _ = run_check(root, "--format", "json")
    problems = json.loads(out)["problems"]
    assert code == 1
    assert [(p["file"].split("/")[1:], p["row"], p["field"]) for p in problems] == [
        (["population", "observations.csv"], 7, "annee"),
        (["population", "observations.csv"], 7, "code_geo"),
        (["population", "sources.csv"], 2, "secondaire"),
        (["souhaite", "datapackage.json"], 1, ""),
    ]


def test_studies_are_checked_when_there_are_some(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    code, _, _ = run_check(root)
    assert code == 0
    (root / "studies/essai").mkdir(parents=True)
    (root / "studies/essai/index.md").write_text("Pas d'en-tête.\n", encoding="utf-8")
    code, out, _ = run_check(root, "--format", "json")
    files = {p["file"] for p in json.loads(out)["problems"]}
    assert (code, files) == (1, {"studies/essai/index.md"})
