"""Indicator recipients: declared in the profile (enum), filled for every shipped
indicator, refused when unknown, shown in French on the indicator pages."""

from __future__ import annotations

import json
from pathlib import Path

from observatory.core.labels import RECIPIENTS, recipients_label
from tests.observatory.fixtures.projects import POPULATION, edit_json, make_project, run_check

REPO = Path(__file__).resolve().parents[2]


def test_every_shipped_indicator_names_its_recipients() -> None:
    for path in sorted((REPO / "datapackages").glob("*/datapackage.json")):
        for indicator in json.loads(path.read_text("utf-8"))["observatory"]["indicators"]:
            assert indicator.get("recipients"), (path.parent.name, indicator["id"])
            assert set(indicator["recipients"]) <= set(RECIPIENTS), indicator["id"]


def test_profile_enum_matches_the_french_labels() -> None:
    schema = json.loads(
        (REPO / "observatory/profile/observatory-profile.schema.json").read_text("utf-8")
    )
    enum = schema["$defs"]["indicator"]["properties"]["recipients"]["items"]["enum"]
    assert enum == list(RECIPIENTS)


def test_labels_follow_the_profile_order() -> None:
    assert (
        recipients_label(("public", "decision_makers"))
        == "décideurs (Département, État, communes), grand public"
    )
    assert recipients_label(()) == ""


def test_unknown_recipient_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    edit_json(
        root, POPULATION, lambda d: d["observatory"]["indicators"][0].update(recipients=["élus"])
    )
    code, out, _ = run_check(root)
    assert code == 1
    assert "champ « observatory.indicators[0].recipients[0] »" in out
    assert "« élus »" in out


def test_an_indicator_without_recipients_is_refused(tmp_path: Path) -> None:
    """The profile requires ``recipients`` for every indicator, desired ones included."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"]["indicators"][1].pop("recipients"))
    code, out, err = run_check(root)
    assert (out, err, code) == (
        "datapackages/population/datapackage.json › champ « observatory.indicators[1]"
        ".recipients » : propriété obligatoire « recipients » absente\n"
        '    → ajoutez "recipients": [...] à l\'indicateur : à qui il sert, un ou plusieurs de '
        "decision_makers : décideurs (Département, État, communes) ; partners : partenaires "
        "(opérateurs, associations, professionnels) ; public : grand public\n"
        "\n"
        "1 problème trouvé.\n",
        "",
        1,
    )


def test_the_profile_requires_recipients() -> None:
    schema = json.loads(
        (REPO / "observatory/profile/observatory-profile.schema.json").read_text("utf-8")
    )
    assert "recipients" in schema["$defs"]["indicator"]["required"]
