"""Key rules of a read ``Table``: primary key (no repeat, never entirely empty), unique
fields, and foreign keys to the resources of the same package. Each repeated or dangling
key names its row, the row it repeats, and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from observatory.check.tables import CAP, Reporter, Table
from observatory.core.problems import Problem


def as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def check_unique(table: Table, names: list[str], out: Reporter, *, code: str) -> None:
    """Report every row whose key repeats an earlier row (naming that row)."""
    if not len(table):
        return
    dense, first = table.key(names)
    duplicated = pd.Series(dense).duplicated(keep="first").to_numpy().copy()
    if code == "unique":
        codes, uniques = table.factor(names[0])
        duplicated &= uniques[codes] != ""
    if not duplicated.any():
        return
    rows = np.flatnonzero(duplicated)
    lines = table.lines[rows]
    shown = rows[: CAP + 1]
    first_line = dict(
        zip(lines[: CAP + 1].tolist(), table.lines[first[dense[shown]]].tolist(), strict=True)
    )
    key_text = {
        line: ", ".join(str(table.columns[n][r]) for n in names)
        for line, r in zip(lines[: CAP + 1].tolist(), shown.tolist(), strict=True)
    }
    label = ", ".join(names)
    what = "clé primaire" if code == "cle-primaire" else "valeur unique"
    out.rows(
        lines,
        field=label if code == "cle-primaire" else names[0],
        code=code,
        message=lambda line: f"{what} en double ({label}) : déjà présente ligne {first_line[line]}",
        fix=lambda line: (
            f"supprimez l'une des lignes {first_line[line]} et {line}, ou corrigez la valeur"
        ),
        values=lambda line: key_text[line],
    )


def check_null_keys(table: Table, key: list[str], out: Reporter, required: set[str]) -> None:
    """A primary key identifies its row: it may not be entirely empty (as frictionless
    says; a dimension column of the key is empty where it does not apply). A field also
    declared required has its empty cells reported once, by the required rule."""
    if set(key) & required or not len(table):
        return
    empty = np.ones(len(table), dtype=bool)
    for name in key:
        codes, uniques = table.factor(name)
        empty &= (uniques == "")[codes]
        if name in table.missing:
            empty &= ~table.missing[name]
    label = ", ".join(key)
    out.rows(
        table.lines[np.flatnonzero(empty)],
        field=label,
        code="cle-primaire-vide",
        message=f"clé primaire vide ({label}) : la ligne n'est pas identifiée",
        fix=f"renseignez {'les champs' if len(key) > 1 else 'le champ'} {label}",
    )


def check_foreign_keys(
    table: Table, schema: dict[str, Any], resolve: Callable[[str], Table | None]
) -> list[Problem]:
    """Foreign keys to resources of the same package (``resolve`` finds them by name)."""
    out = Reporter(table.file, table.resource)
    keys = schema.get("foreignKeys")
    for fk in keys if isinstance(keys, list) else []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        local = as_list(fk.get("fields"))
        target_name = str(fk["reference"].get("resource", "")) or table.resource
        remote = as_list(fk["reference"].get("fields"))
        if not local or len(local) != len(remote) or not all(n in table.columns for n in local):
            continue
        target = table if target_name == table.resource else resolve(target_name)
        if target is None or not all(n in target.columns for n in remote):
            continue
        known = set(zip(*(target.columns[n].tolist() for n in remote), strict=True))
        dense, first = table.key(local)
        firsts = first.tolist()
        tuples = [tuple(str(table.columns[n][r]) for n in local) for r in firsts]
        bad_code = np.array([t not in known and any(t) for t in tuples], dtype=bool)
        if not bad_code.any():
            continue
        rows = np.flatnonzero(bad_code[dense])
        lines = table.lines[rows]
        shown = {
            line: ", ".join(tuples[c])
            for line, c in zip(lines[: CAP + 1].tolist(), dense[rows[: CAP + 1]], strict=True)
        }
        label = ", ".join(remote)
        out.rows(
            lines,
            field=", ".join(local),
            code="cle-etrangere",
            message=f"valeur absente de la ressource « {target_name} » (champ « {label} »)",
            fix={
                line: f"ajoutez « {key} » dans la ressource « {target_name} » ou corrigez la valeur"
                for line, key in shown.items()
            },
            values=shown,
        )
    return out.problems
