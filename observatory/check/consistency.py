"""Rules that look at several rows or several packages at once: additive indicators
(EPCI and département equal the sum of their communes), statistical secrecy, unique
indicator ids across packages, and the links of the reference packages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from observatory.check.rules import (
    Territories,
    declared_indicators,
    get_table,
    territories,
    theme_packages,
)
from observatory.check.tables import CAP, Reporter, Table
from observatory.core.labels import LEVEL_NAMES
from observatory.core.problems import Problem
from observatory.source.discover import Discovery

WHICH = {"epci": ("un EPCI", "de l'EPCI"), "departement": ("un département", "du département")}


def fmt(value: float) -> str:
    """A number as a partner wrote it: no trailing .0, point decimal."""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def secrecy(table: Table, out: Reporter, indicators: dict[str, dict[str, Any]]) -> None:
    """In a public package, 0 < value < secrecy_threshold is a breach."""
    codes, names = table.factor("indicateur")
    thresholds = np.array(
        [
            float(indicators.get(n, {}).get("secrecy_threshold") or 0)
            if isinstance(indicators.get(n, {}).get("secrecy_threshold"), int)
            else 0.0
            for n in names
        ],
        dtype=float,
    )
    if not thresholds.any():
        return
    limit = thresholds[codes]
    values = table.number("valeur")
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero((values > 0) & (values < limit))
    shown = rows[: CAP + 1]
    lines = table.lines[rows]
    detail = {
        line: (fmt(values[r]), fmt(limit[r]), str(table.columns["indicateur"][r]))
        for line, r in zip(lines[: CAP + 1].tolist(), shown.tolist(), strict=True)
    }
    out.rows(
        lines,
        field="valeur",
        code="secret-statistique",
        message=lambda line: (
            f"secret statistique : la valeur {detail[line][0]} est sous le "
            f"seuil de {detail[line][1]} de l'indicateur « {detail[line][2]} »"
        ),
        fix="supprimez la valeur (cellule vide) et écrivez « secret statistique » dans la "
        "colonne note",
        values=lambda line: detail[line][0],
    )


def sums(
    table: Table, out: Reporter, reference: Territories, indicators: dict[str, dict[str, Any]]
) -> None:
    """For ``aggregation: sum``, an EPCI or département value equals the sum of its
    communes whenever all of its communes are present for the same year (and dimensions).
    """
    additive = {n for n, i in indicators.items() if i.get("aggregation") == "sum"}
    if not additive or "annee" not in table.columns:
        return
    ind_codes, names = table.factor("indicateur")
    wanted = np.array([n in additive for n in names], dtype=bool)[ind_codes]
    values = table.number("valeur")
    wanted &= ~np.isnan(values)
    if not wanted.any():
        return
    dims = [c for c in table.columns if c not in ("indicateur", "niveau", "code_geo", "annee")]
    dims = [c for c in dims if c not in ("valeur", "source", "note")]
    group, _ = table.key(["indicateur", "annee", *dims])
    geo_codes, geo = table.factor("code_geo")
    kinds = {"commune": 0, "epci": 1, "departement": 2}
    level = np.array([kinds.get(reference.level.get(c, ""), -1) for c in geo], dtype=np.int8)
    row_level = level[geo_codes]
    communes = wanted & (row_level == 0)
    ids = {code: i for i, code in enumerate(sorted(reference.level))}
    own = np.array([ids.get(c, -1) for c in geo], dtype=np.int64)
    span = len(ids) + 1
    for kind in ("epci", "departement"):
        parent_of = reference.parent[kind]
        parent = np.array([ids.get(parent_of.get(c, ""), -1) for c in geo], dtype=np.int64)
        members_of = np.array([reference.members.get(c, -1) for c in geo], dtype=np.int64)
        child = communes & (parent[geo_codes] >= 0)
        rows = np.flatnonzero(wanted & (row_level == kinds[kind]))
        if not len(rows) or not child.any():
            continue
        keys, inverse = np.unique(
            group[child] * span + parent[geo_codes[child]], return_inverse=True
        )
        totals = np.bincount(inverse, weights=values[child], minlength=len(keys))
        counts = np.bincount(inverse, minlength=len(keys))
        wanted_keys = group[rows] * span + own[geo_codes[rows]]
        position = np.minimum(np.searchsorted(keys, wanted_keys), len(keys) - 1)
        present = keys[position] == wanted_keys
        expected = np.where(present, totals[position], np.nan)
        complete = present & (counts[position] == members_of[geo_codes[rows]])
        actual = values[rows]
        with np.errstate(invalid="ignore"):
            tolerance = 1e-9 * np.maximum(1.0, np.abs(expected))
            bad = complete & (np.abs(actual - expected) > tolerance)
        picked = np.flatnonzero(bad)
        lines = table.lines[rows[picked]]
        detail = {
            line: (fmt(actual[p]), fmt(expected[p]), fmt(actual[p] - expected[p]))
            for line, p in zip(lines[: CAP + 1].tolist(), picked[: CAP + 1].tolist(), strict=True)
        }
        label = LEVEL_NAMES[kind]
        out.rows(
            lines,
            field="valeur",
            code="somme-communes",
            message={
                line: f"la valeur du niveau {label} n'est pas la somme de ses communes : "
                f"somme attendue {expected_}, écart {gap}"
                for line, (_, expected_, gap) in detail.items()
            },
            fix="corrigez cette valeur ou celles des communes ; si l'écart vient de la source "
            '(arrondis, autre millésime), déclarez l\'indicateur avec "aggregation": "none"',
            values={line: d[0] for line, d in detail.items()},
        )


def check_aggregates(discovery: Discovery) -> Iterator[Problem]:
    """Secrecy and additivity of every available theme package."""
    reference = territories(discovery)
    for package, table in theme_packages(discovery):
        if "valeur" not in table.columns:
            continue
        out = Reporter(table.file, table.resource)
        indicators = {i["id"]: i for i in declared_indicators(package)}
        governance = package.observatory.get("governance")
        if isinstance(governance, dict) and governance.get("sensitivity") == "public":
            secrecy(table, out, indicators)
        if reference is not None:
            sums(table, out, reference, indicators)
        yield from out.problems


def check_indicator_ids(discovery: Discovery) -> Iterator[Problem]:
    """An indicator id is declared once in the whole observatory."""
    seen: dict[str, str] = {}
    for package in discovery.packages:
        for index, indicator in enumerate(declared_indicators(package)):
            ident = indicator["id"]
            if ident in seen:
                where = "ce paquet" if seen[ident] == package.id else f"« {seen[ident]} »"
                yield Problem(
                    file=package.rel,
                    field=f"observatory.indicators[{index}].id",
                    value=ident,
                    code="indicateur-double",
                    message=f"identifiant d'indicateur déjà déclaré dans le paquet {where}",
                    fix="choisissez un identifiant unique (ex. en ajoutant un suffixe) ou "
                    "supprimez l'une des deux déclarations",
                )
            else:
                seen[ident] = package.id


def check_schemes(discovery: Discovery) -> Iterator[Problem]:
    """The schemes inventory points to existing themes, packages and indicators."""
    package = discovery.package("dispositifs")
    table = get_table(discovery, package, "dispositifs") if package else None
    if table is None:
        return
    out = Reporter(table.file, table.resource)
    packages = {p.id for p in discovery.packages}
    indicators = {i["id"] for p in discovery.packages for i in declared_indicators(p)}
    for column, known, what in (
        ("domaine", set(discovery.themes), "thème"),
        ("paquets", packages, "paquet"),
        ("indicateurs", indicators, "indicateur"),
    ):
        if column not in table.columns:
            continue
        for position, cell in enumerate(table.columns[column].tolist()):
            items = [cell] if column == "domaine" else str(cell).split()
            for item in items:
                if item and item not in known:
                    out.file_problem(
                        "reference-inconnue",
                        f"{what} inconnu",
                        f"indiquez un {what} existant de l'observatoire ou corrigez l'orthographe",
                        row=int(table.lines[position]),
                        field=column,
                        value=item,
                    )
    yield from out.problems


def check_territories(discovery: Discovery) -> Iterator[Problem]:
    """Each commune of the territory reference belongs to an existing EPCI and département."""
    package = discovery.package("territoires")
    table = get_table(discovery, package, "territoires") if package else None
    reference = territories(discovery)
    if table is None or reference is None:
        return
    out = Reporter(table.file, table.resource)
    for kind, column in (("epci", "code_epci"), ("departement", "code_departement")):
        for position, (code, up) in enumerate(
            zip(table.columns["code"].tolist(), table.columns.get(column, []), strict=False)
        ):
            if reference.level.get(code) == "commune" and reference.level.get(up) != kind:
                out.file_problem(
                    "territoire-parent",
                    f"la commune renvoie à {WHICH[kind][0]} absent du référentiel",
                    f"ajoutez la ligne {WHICH[kind][1]} ou corrigez le code",
                    row=int(table.lines[position]),
                    field=column,
                    value=str(up),
                )
    yield from out.problems


def check_desired_rows(discovery: Discovery) -> Iterator[Problem]:
    """A desired package holds no data rows, whatever its resources say."""
    for package in discovery.packages:
        if package.observatory.get("status") != "desired":
            continue
        for resource in package.resources():
            name = resource.get("name")
            table = get_table(discovery, package, name) if isinstance(name, str) else None
            if table is not None and len(table):
                yield Problem(
                    file=table.file,
                    resource=table.resource,
                    code="souhaite-avec-donnees",
                    message=f"un paquet souhaité (status « desired ») contient {len(table)} "
                    "ligne(s) de données",
                    fix='supprimez les données ou passez le paquet en "status": "available"',
                )
