"""Observatory rules on the tables: every CSV against its schema, observations against
the territory reference and the indicator declarations, and the cross-package rules
(unique indicator ids, additive indicators, statistical secrecy, reference packages).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from observatory.check.csvread import read_table, too_big
from observatory.check.fields import check_table, schema_fields
from observatory.check.keys import as_list, check_foreign_keys
from observatory.check.tables import CAP, NUMBER, Reporter, Table, report_cells
from observatory.core import context
from observatory.core.limits import MAX_FILE
from observatory.core.model import LEVELS, REFERENCE_PACKAGES
from observatory.core.problems import Problem
from observatory.source.discover import Discovery, PackageFolder

TERRITORY_PACKAGE = "territoires"
STANDARD_COLUMNS = (
    "indicateur", "niveau", "code_geo", "annee", "periode", "valeur", "source", "note",
)  # fmt: skip
CODE_FORMATS = {
    "commune": re.compile(r"^(?:\d{5}|2[AB]\d{3})$"),
    "epci": re.compile(r"^\d{9}$"),
    "departement": re.compile(r"^(?:\d{2,3}|2[AB])$"),
}


def schema_of(resource: dict[str, Any]) -> dict[str, Any] | None:
    schema = resource.get("schema")
    return schema if isinstance(schema, dict) else None


def get_table(discovery: Discovery, package: PackageFolder, name: str) -> Table | None:
    """The parsed CSV of a resource, read once per run (``None`` when unreadable)."""
    key = ("table", package.id, name)
    if key in discovery.shared:
        cached: Table | None = discovery.shared[key][0]
        return cached
    resource = package.resource(name)
    table: Table | None = None
    problems: list[Problem] = []
    path = resource.get("path") if resource else None
    schema = schema_of(resource or {})
    if isinstance(path, str) and path.endswith(".csv") and schema is not None:
        data, size = package.read(path, MAX_FILE.value)
        rel = package.rel_file(path)
        if data is not None:
            fields = [f["name"] for f in schema_fields(schema)]
            table, problems = read_table(rel, name, data, fields)
        elif size >= 0:
            out = Reporter(rel, name)
            too_big(out, size)
            problems = out.problems
    discovery.shared[key] = (table, problems)
    return table


def check_tables(discovery: Discovery) -> Iterator[Problem]:
    """Every CSV resource of every package against its Table Schema."""
    for package in discovery.packages:
        for resource in package.resources():
            name, schema = resource.get("name"), schema_of(resource)
            if not isinstance(name, str) or schema is None:
                continue
            table = get_table(discovery, package, name)
            yield from discovery.shared[("table", package.id, name)][1]
            if table is None:
                continue
            yield from check_table(table, schema)
            yield from check_foreign_keys(table, schema, partial(get_table, discovery, package))


@dataclass(frozen=True)
class Territories:
    level: dict[str, str]  # code -> niveau
    parent: dict[str, dict[str, str]]  # niveau -> commune code -> parent code
    members: dict[str, int]  # EPCI or département code -> number of communes


def territories(discovery: Discovery) -> Territories | None:
    if "territories" in discovery.shared:
        cached: Territories | None = discovery.shared["territories"]
        return cached
    result = None
    package = discovery.package(TERRITORY_PACKAGE)
    table = get_table(discovery, package, "territoires") if package else None
    if table is not None and {"code", "niveau"} <= set(table.columns):
        codes = table.columns["code"].tolist()
        levels = table.columns["niveau"].tolist()
        parent: dict[str, dict[str, str]] = {"epci": {}, "departement": {}}
        for level, column in (("epci", "code_epci"), ("departement", "code_departement")):
            if column in table.columns:
                for code, lvl, up in zip(
                    codes, levels, table.columns[column].tolist(), strict=True
                ):
                    if lvl == "commune" and up:
                        parent[level][code] = up
        members: dict[str, int] = {}
        for mapping in parent.values():
            for up in mapping.values():
                members[up] = members.get(up, 0) + 1
        result = Territories(dict(zip(codes, levels, strict=True)), parent, members)
    discovery.shared["territories"] = result
    return result


def declared_indicators(package: PackageFolder) -> list[dict[str, Any]]:
    indicators = package.observatory.get("indicators")
    if not isinstance(indicators, list):
        return []
    return [i for i in indicators if isinstance(i, dict) and isinstance(i.get("id"), str)]


def theme_packages(discovery: Discovery) -> Iterator[tuple[PackageFolder, Table]]:
    for package in discovery.packages:
        if package.id in REFERENCE_PACKAGES or package.descriptor is None:
            continue
        table = get_table(discovery, package, "observations")
        if table is not None and {"indicateur", "code_geo", "niveau"} <= set(table.columns):
            context.mark(table.file)
            yield package, table


def check_observations(discovery: Discovery) -> Iterator[Problem]:
    """Observations against the territory reference and the package's indicators."""
    reference = territories(discovery)
    if reference is None:
        yield Problem(
            file=f"datapackages/{TERRITORY_PACKAGE}/datapackage.json",
            code="referentiel-absent",
            message="référentiel territorial introuvable ou illisible",
            fix="ajoutez le paquet datapackages/territoires (ressource « territoires », "
            "territoires.csv) : les codes géographiques sont vérifiés contre lui",
        )
    for package, table in theme_packages(discovery):
        out = Reporter(table.file, table.resource)
        indicators = {i["id"]: i for i in declared_indicators(package)}
        ids = sorted(indicators)
        _, names = table.factor("indicateur")
        report_cells(
            table,
            out,
            "indicateur",
            np.array([n != "" and n not in indicators for n in names], dtype=bool),
            "indicateur-inconnu",
            "indicateur non déclaré dans ce paquet",
            "déclarez-le dans observatory.indicators de datapackage.json"
            + (f" ou corrigez l'identifiant ({', '.join(ids)})" if ids else ""),
        )
        report_cells(
            table,
            out,
            "indicateur",
            np.array([indicators.get(n, {}).get("status") == "desired" for n in names]),
            "indicateur-souhaite",
            "un indicateur souhaité (status « desired ») ne doit pas avoir de données",
            'passez l\'indicateur en "status": "available" ou supprimez ses lignes',
        )
        dimensions = {d for i in indicators.values() for d in as_list(i.get("dimensions"))}
        for column in table.columns:
            if column not in STANDARD_COLUMNS and column not in dimensions:
                out.file_problem(
                    "dimension-non-declaree",
                    "colonne de dimension non déclarée par un indicateur",
                    f"ajoutez « {column} » aux dimensions (observatory.indicators[].dimensions) "
                    "des indicateurs concernés, ou supprimez la colonne",
                    row=1,
                    field=column,
                )
        if reference is not None:
            code_problems(table, out, reference, indicators)
        if "valeur" in table.columns:
            value_problems(table, out)
        yield from out.problems


def value_problems(table: Table, out: Reporter) -> None:
    """An empty value needs its reason in the note; a value must be a finite number
    (``NaN``, ``INF`` or ``1e400`` pass the number type but say nothing of a territory)."""
    value_codes, value_uniques = table.factor("valeur")
    empty = (value_uniques == "")[value_codes]
    if "note" in table.columns:
        note_codes, note_uniques = table.factor("note")
        empty &= (note_uniques == "")[note_codes]
    out.rows(
        table.lines[np.flatnonzero(empty)],
        field="valeur",
        code="valeur-sans-note",
        message="valeur vide sans explication",
        fix="indiquez la raison dans la colonne note (ex. « secret statistique », "
        "« donnée non publiée »)",
    )
    report_cells(
        table,
        out,
        "valeur",
        np.array([_not_finite(v) for v in value_uniques], dtype=bool),
        "valeur-non-finie",
        lambda v: f"« {v} » n'est pas une valeur finie",
        "écrivez le nombre publié par la source, ou laissez la cellule vide avec la raison "
        "dans la colonne note",
    )


def _not_finite(text: str) -> bool:
    return bool(NUMBER.match(text)) and not math.isfinite(float(text))


def code_problems(
    table: Table, out: Reporter, reference: Territories, indicators: dict[str, dict[str, Any]]
) -> None:
    codes, uniques = table.factor("code_geo")
    unknown = np.array([c != "" and c not in reference.level for c in uniques], dtype=bool)
    malformed = unknown & np.array(
        [not any(f.match(c) for f in CODE_FORMATS.values()) for c in uniques], dtype=bool
    )
    report_cells(
        table,
        out,
        "code_geo",
        malformed,
        "code-format",
        "code géographique mal formé",
        (
            "écrivez un code INSEE de commune sur 5 caractères (ex. 97611), "
            "un SIREN d'EPCI sur 9 chiffres ou un code de département (ex. 976)"
        ),
    )
    report_cells(
        table,
        out,
        "code_geo",
        unknown & ~malformed,
        "code-inconnu",
        "code absent du référentiel territorial (datapackages/territoires)",
        (
            "vérifiez le code INSEE (code officiel géographique) : il doit figurer "
            "dans territoires.csv"
        ),
    )
    if "niveau" not in table.columns:
        return
    kinds: dict[str, int] = {name: i for i, name in enumerate(LEVELS)}
    code_level = np.array([kinds.get(reference.level.get(c, ""), -1) for c in uniques])
    level_codes, level_uniques = table.factor("niveau")
    written = np.array([kinds.get(v, -1) for v in level_uniques], dtype=np.int64)
    actual, stated = code_level[codes], written[level_codes]
    rows = np.flatnonzero((actual >= 0) & (stated >= 0) & (actual != stated))
    shown = rows[: CAP + 1]
    level_names = list(LEVELS)
    found = {
        line: (level_names[actual[r]], level_names[stated[r]])
        for line, r in zip(table.lines[shown].tolist(), shown.tolist(), strict=True)
    }
    out.rows(
        table.lines[rows],
        field="niveau",
        code="niveau-code",
        message={
            line: f"le niveau ne correspond pas au code : ce code est de niveau « {real} »"
            for line, (real, _) in found.items()
        },
        fix={
            line: f"écrivez « {real} » ou corrigez le code géographique"
            for line, (real, _) in found.items()
        },
        values={line: said for line, (_, said) in found.items()},
    )
    _, names = table.factor("indicateur")
    levels = {n: as_list(indicators.get(n, {}).get("levels")) for n in names}
    ind_codes, _ = table.factor("indicateur")
    lvl_codes, lvl_uniques = table.factor("niveau")
    pairs = pd.DataFrame({"i": ind_codes, "l": lvl_codes}).drop_duplicates()
    for i, lv in zip(pairs["i"].tolist(), pairs["l"].tolist(), strict=True):
        name, level = str(names[i]), str(lvl_uniques[lv])
        if name in indicators and levels[name] and level in LEVELS and level not in levels[name]:
            rows = np.flatnonzero((ind_codes == i) & (lvl_codes == lv))
            out.rows(
                table.lines[rows],
                field="niveau",
                code="niveau-non-declare",
                message=f"niveau non déclaré pour l'indicateur « {name} » "
                f"(niveaux déclarés : {', '.join(levels[name])})",
                fix="ajoutez ce niveau à « levels » de l'indicateur ou supprimez ces lignes",
            )
