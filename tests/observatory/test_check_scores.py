# ruff: noqa: E501
"""Prioritisation scores that contradict the package status: one break per fixture,
exact report and exit code (like test_check_failures.py)."""

from __future__ import annotations

from pathlib import Path

from tests.observatory.fixtures.projects import (
    POPULATION,
    SOUHAITE,
    edit_json,
    make_project,
    run_check,
)


def set_integrity(root: Path, rel: str, score: int) -> None:
    edit_json(root, rel, lambda d: d["observatory"]["priority"].update(data_integrity=score))


def test_desired_package_cannot_score_integrity_3(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    set_integrity(root, SOUHAITE, 3)
    code, out, err = run_check(root)
    assert (out, err, code) == (
        """\
datapackages/souhaite/datapackage.json › champ « observatory.priority.data_integrity » : un paquet souhaité (status « desired ») décrit une donnée que l'observatoire n'a pas encore : son intégrité (complète, sourcée, stable) n'a pas pu être vérifiée : « data_integrity » vaut au plus 2 (valeur : « 3 »)
    → notez « data_integrity » de 1 à 2, ou passez le paquet en "status": "available" quand ses données sont publiées

1 problème trouvé.
""",
        "",
        1,
    )


def test_desired_package_may_score_integrity_2_and_available_3(tmp_path: Path) -> None:
    """The rule bites only where it should: the boundary score and another status pass."""
    root = make_project(tmp_path)
    set_integrity(root, SOUHAITE, 2)
    set_integrity(root, POPULATION, 3)
    code, out, err = run_check(root)
    assert (out, err, code) == ("Aucun problème : toutes les données sont valides.\n", "", 0)


def test_social_need_must_be_justified(tmp_path: Path) -> None:
    """The social-need score comes with its sentence: the profile requires the note."""
    root = make_project(tmp_path)
    edit_json(root, SOUHAITE, lambda d: d["observatory"]["priority"].pop("social_need_note"))
    code, out, err = run_check(root)
    assert (out, err, code) == (
        """\
datapackages/souhaite/datapackage.json › champ « observatory.priority.social_need_note » : propriété obligatoire « social_need_note » absente
    → ajoutez « social_need_note » dans « observatory.priority » (voir observatory/profile/observatory-profile.schema.json)

1 problème trouvé.
""",
        "",
        1,
    )


def test_social_need_is_scored_1_to_3(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"]["priority"].update(social_need=4))
    code, out, _ = run_check(root)
    assert code == 1
    assert "champ « observatory.priority.social_need »" in out
    assert "(valeur : « 4 »)" in out
