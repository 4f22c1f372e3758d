"""What the catalogues need: a description of 50 characters or more and a period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.observatory.fixtures.projects import POPULATION, edit_json, make_project, run_check

TERRITOIRES_JSON = "datapackages/territoires/datapackage.json"


def report(root: Path) -> tuple[int, str]:
    code, out, _ = run_check(root)
    return code, out


def test_a_short_description_is_refused_with_its_length(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d.__setitem__("description", "Densité et niveau de vie."))
    assert report(root) == (
        1,
        "datapackages/population/datapackage.json › champ « description » : description trop "
        "courte (25 caractères, au moins 50) : les moteurs de recherche de données l'ignorent "
        "(valeur : « Densité et niveau de vie. »)\n"
        "    → décrivez ce que contient le paquet (indicateurs, territoires, années) et d'où "
        "viennent les données, en une ou deux phrases\n\n1 problème trouvé.\n",
    )


def test_a_package_without_yearly_series_declares_its_period(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    edit_json(root, TERRITOIRES_JSON, lambda d: d["observatory"].pop("temporal"))
    code, out = report(root)
    assert code == 1
    assert out.startswith(
        "datapackages/territoires/datapackage.json › champ « observatory.temporal » : période "
        "couverte absente : ce paquet n'a pas de série annuelle dont la déduire\n"
    )


def test_a_period_with_bad_dates_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)

    def bad(d: dict[str, Any]) -> None:
        d["observatory"]["temporal"].update(start="2026-02-30", end="2025-01-01")

    edit_json(root, TERRITOIRES_JSON, bad)
    code, out = report(root)
    assert code == 1
    assert "champ « observatory.temporal.start » : date invalide (valeur : « 2026-02-30 »)" in out
    edit_json(
        root, TERRITOIRES_JSON, lambda d: d["observatory"]["temporal"].update(start="2026-01-01")
    )
    code, out = report(root)
    assert "la période finit avant de commencer (valeur : « 2026-01-01 → 2025-01-01 »)" in out
