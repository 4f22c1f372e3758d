# ruff: noqa: E501
"""Producers as foreign keys into the partners reference: one break per fixture,
exact report and exit code (like test_check_failures.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.observatory.fixtures.projects import (
    POPULATION,
    SOUHAITE,
    edit_json,
    make_project,
    run_check,
)

REPO = Path(__file__).resolve().parents[2]
TERRITOIRES_PACKAGE = "datapackages/territoires/datapackage.json"
PARTNERS = """\
id,nom,sigle,categorie,role,donnees,reperes,url,source,citation
cssm,Caisse de sécurité sociale de Mayotte,CSSM,Organisme de sécurité sociale,Caisse unique.,Allocataires.,CSSM,,,
insee,Institut national de la statistique et des études économiques,INSEE,Établissement public,Recensement.,Populations.,INSEE,,,
observatoire,Observatoire social et médico-social de Mayotte,Observatoire,Observatoire territorial,Publie les données.,Référentiels.,Observatoire,,,
"""


def with_partners(tmp_path: Path) -> Path:
    """The minimal project plus a three-row partners reference."""
    root = make_project(tmp_path)
    target = root / "datapackages/partenaires"
    shutil.copytree(REPO / "datapackages/partenaires", target)
    (target / "partenaires.csv").write_text(PARTNERS, encoding="utf-8")
    return root


def set_producers(root: Path, rel: str, ids: list[str]) -> None:
    edit_json(root, rel, lambda d: d["observatory"]["governance"].update(producers=ids))


def migrated(tmp_path: Path) -> Path:
    root = with_partners(tmp_path)
    for rel in (POPULATION, SOUHAITE, TERRITOIRES_PACKAGE):
        set_producers(root, rel, ["insee"])
    return root


def test_every_package_names_partner_ids(tmp_path: Path) -> None:
    root = with_partners(tmp_path)
    set_producers(root, POPULATION, ["insee"])
    set_producers(root, TERRITOIRES_PACKAGE, ["insee"])
    code, out, err = run_check(root)
    assert (out, err, code) == (
        """\
datapackages/souhaite/datapackage.json › champ « observatory.governance.producers » : les producteurs du paquet ne sont pas désignés par leurs identifiants du référentiel des partenaires (datapackages/partenaires/partenaires.csv)
    → ajoutez "producers": [...] avec un ou plusieurs de : cssm, insee, observatoire

1 problème trouvé.
""",
        "",
        1,
    )


def test_unknown_producer_lists_the_known_ids(tmp_path: Path) -> None:
    root = migrated(tmp_path)
    set_producers(root, SOUHAITE, ["cssm", "caisse-securite-sociale"])
    code, out, err = run_check(root)
    assert (out, err, code) == (
        """\
datapackages/souhaite/datapackage.json › champ « observatory.governance.producers[1] » : producteur absent du référentiel des partenaires (datapackages/partenaires/partenaires.csv) (valeur : « caisse-securite-sociale »)
    → choisissez un identifiant connu (cssm, insee, observatoire) ou ajoutez l'institution à datapackages/partenaires/partenaires.csv

1 problème trouvé.
""",
        "",
        1,
    )


def test_producers_spelled_as_text_break_the_profile(tmp_path: Path) -> None:
    """A name instead of an id is refused by the profile before the key is looked up."""
    root = migrated(tmp_path)
    set_producers(root, SOUHAITE, ["CSSM"])
    code, out, _ = run_check(root)
    assert code == 1
    assert "observatory.governance.producers" in out
    assert "« CSSM »" in out


def test_migrated_project_is_valid(tmp_path: Path) -> None:
    code, out, err = run_check(migrated(tmp_path))
    assert (out, err, code) == ("Aucun problème : toutes les données sont valides.\n", "", 0)


def test_shipped_packages_all_name_partner_ids() -> None:
    """Every shipped package is migrated: the CSSM is one id, not three spellings."""
    import json

    ids = {
        line.split(",", 1)[0]
        for line in (REPO / "datapackages/partenaires/partenaires.csv")
        .read_text("utf-8")
        .splitlines()[1:]
    }
    for path in sorted((REPO / "datapackages").glob("*/datapackage.json")):
        governance = json.loads(path.read_text("utf-8"))["observatory"]["governance"]
        assert governance["producers"], path
        assert set(governance["producers"]) <= ids, path


def test_the_partners_added_with_the_foreign_keys_are_sourced() -> None:
    """DARES, DEPP, DGCL, IGN and SIAO: the role and the data read from a page (URL and the
    sentences as written); the observatory's own role is read from the packages it
    produces. A source always comes with its quote."""
    import csv

    with (REPO / "datapackages/partenaires/partenaires.csv").open(encoding="utf-8") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    for ident in ("dares", "depp", "dgcl", "ign", "siao"):
        assert rows[ident]["source"].startswith("https://"), ident
        assert len(rows[ident]["citation"]) > 40, ident
    assert not rows["observatoire"]["source"]
    for ident, row in rows.items():
        assert bool(row["source"]) == bool(row["citation"]), ident
