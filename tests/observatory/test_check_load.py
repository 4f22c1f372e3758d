"""``load_project`` on the minimal fixture and on the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.check.validate import check
from observatory.core.config import load_config
from observatory.core.model import Observation, Scheme, Territory
from observatory.source.load import NotCheckedError, load_project
from tests.observatory.fixtures.projects import (
    OBSERVATIONS,
    add_schemes,
    make_project,
    replace_text,
)

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED = (REPOSITORY / "datapackages" / "territoires" / "datapackage.json").is_file()


def test_load_minimal_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    project = load_project(load_config(root=str(root)))
    assert [p.id for p in project.packages] == ["population", "souhaite", "territoires"]
    assert project.territories[:2] == (
        Territory(
            code="976",
            name="Mayotte",
            level="departement",
            epci=None,
            departement="976",
            communes=("97601", "97602", "97611"),
        ),
        Territory(
            code="200060457",
            name="CA de Dembeni / Mamoudzou",
            level="epci",
            epci=None,
            departement="976",
            communes=("97611",),
        ),
    )
    assert project.territories[3].epci == "200060465"
    assert project.observations[-2:] == (
        Observation(
            indicator="part_jeunes",
            level="commune",
            code="97601",
            year=2020,
            value=44.0,
            source="fictive",
            dimensions=(("sexe", "hommes"),),
        ),
        Observation(
            indicator="part_jeunes",
            level="commune",
            code="97602",
            year=2020,
            value=None,
            source="fictive",
            note="secret statistique",
            dimensions=(("sexe", "femmes"),),
        ),
    )
    population = project.packages[0]
    assert [i.id for i in population.indicators] == ["habitants", "part_jeunes", "besoin_futur"]
    assert population.indicators[0].secrecy_threshold == 11
    assert population.indicators[1].dimensions == ("sexe",)
    assert population.governance.sensitivity == "public"
    assert population.priority.total == 9
    assert population.sources[0].id == "fictive"
    assert population.sources[0].secondary is False
    assert [r.name for r in population.resources] == ["observations", "sources"]
    souhaite = project.packages[1]
    assert souhaite.status == "desired"
    assert souhaite.desired is not None and souhaite.desired.levels == ("commune",)
    assert [level for level, _ in project.geojson] == ["commune", "epci", "departement"]
    assert project.themes[0].id == "demographie"
    assert project.studies == ()


def test_load_refuses_unchecked_rows(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200,fictive,,", "97611,2020,200,fictive,,,")
    with pytest.raises(NotCheckedError, match="ligne 7 mal formée"):
        load_project(load_config(root=str(root)))


@pytest.mark.skipif(not SHIPPED, reason="les paquets de données livrés ne sont pas encore là")
def test_shipped_packages_validate_clean(tmp_path: Path) -> None:
    config = load_config(root=str(REPOSITORY), cache=str(tmp_path / "cache"))
    problems = check(config)
    assert [p.as_text() for p in problems] == []


@pytest.mark.skipif(not SHIPPED, reason="les paquets de données livrés ne sont pas encore là")
def test_shipped_project_loads_with_codes_from_the_reference() -> None:
    project = load_project(load_config(root=str(REPOSITORY)))
    codes = {t.code: t.level for t in project.territories}
    assert len([t for t in project.territories if t.level == "commune"]) == 17
    assert project.observations
    assert all(codes[o.code] == o.level for o in project.observations)
    ids = [i.id for p in project.packages for i in p.indicators]
    assert len(ids) == len(set(ids))
    insee = next(p for p in project.partners if p.acronym == "INSEE")  # partenaires.csv
    assert insee.name.startswith("Institut national de la statistique") and insee.marks
    assert {s.id for s in project.schemes} >= {"aah", "rsa"}  # dispositifs.csv


def test_valid_schemes_inventory_checks_and_loads(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    add_schemes(root)
    assert check(load_config(root=str(root), cache=str(tmp_path / "cache"))) == []
    (scheme,) = load_project(load_config(root=str(root))).schemes
    assert scheme == Scheme(
        id="essai",
        name="Dispositif d'essai",
        domain="demographie",
        operator="Opérateur fictif",
        public="Tout public",
        description="Dispositif fictif des tests.",
        packages=("population",),
        indicators=("habitants", "part_jeunes"),
        url="https://example.org/dispositif",
        acronym="DE",
        specificity="Aucune.",
    )
