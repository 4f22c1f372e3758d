"""Table Schema rules on a read ``Table``: header, types, constraints, keys.

Rules work on the distinct values of each column (see ``Table.factor``); the rows are
found back with one vectorised lookup. Messages say what is wrong and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from observatory.check.keys import as_list, check_null_keys, check_unique
from observatory.check.tables import (
    DECIMAL_COMMA,
    FAST_UNIQUES,
    INTEGER,
    INTEGER_CHARS,
    ISO_DATE,
    NUMBER,
    NUMBER_CHARS,
    TYPE_EXPECTED,
    TYPE_FR,
    YEAR,
    Reporter,
    Table,
    fast_ok,
    report_cells,
)
from observatory.core.problems import Problem

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")


def schema_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return []
    return [f for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def check_header(table: Table, schema: dict[str, Any], out: Reporter) -> None:
    """Fields absent from the header, extra columns, order. Blank and repeated labels
    were reported when reading; those bound to a field count as that field here."""
    expected = [f["name"] for f in schema_fields(schema)]
    found = list(table.columns)
    listing = ",".join(expected)
    for name in expected:
        if name not in found:
            out.file_problem(
                "colonne-absente",
                "colonne absente de l'en-tête",
                f"ajoutez la colonne « {name} » (en-tête attendu : {listing})",
                row=1,
                field=name,
            )
    for name in found:
        if name not in expected:
            out.file_problem(
                "colonne-en-trop",
                "colonne non déclarée dans le schéma de la ressource",
                "supprimez la colonne ou déclarez-la dans le schéma de la ressource "
                f"(datapackage.json) ; en-tête attendu : {listing}",
                row=1,
                field=name,
            )
    common = [n for n in found if n in expected]
    if common != [n for n in expected if n in found]:
        out.file_problem(
            "ordre-colonnes",
            f"colonnes dans le désordre : {','.join(found)}",
            f"remettez les colonnes dans l'ordre du schéma : {listing}",
            row=1,
        )


def flag(uniques: np.ndarray, test: Callable[[str], bool]) -> np.ndarray:
    return np.fromiter((not test(v) for v in uniques), dtype=bool, count=len(uniques))


def iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return bool(ISO_DATE.match(text))


def iso_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def type_errors(spec: dict[str, Any], uniques: np.ndarray) -> np.ndarray:
    """Flags of the distinct non-empty values that are not of the field's type."""
    kind = spec.get("type", "string")
    size = len(uniques)
    filled = uniques[uniques != ""]
    if kind == "integer":
        if len(filled) > FAST_UNIQUES and fast_ok(filled, INTEGER_CHARS, np.int64):
            return np.zeros(size, dtype=bool)
        return flag(uniques, lambda v: bool(INTEGER.match(v)))
    if kind == "number":
        if len(filled) > FAST_UNIQUES and fast_ok(filled, NUMBER_CHARS, np.float64):
            return np.zeros(size, dtype=bool)
        return flag(uniques, lambda v: bool(NUMBER.match(v)))
    if kind == "boolean":
        allowed = set(as_list(spec.get("trueValues")) or TRUE_VALUES) | set(
            as_list(spec.get("falseValues")) or FALSE_VALUES
        )
        return flag(uniques, lambda v: v in allowed)
    if kind == "year":
        return flag(uniques, lambda v: bool(YEAR.match(v)))
    if kind == "date" and spec.get("format", "default") == "default":
        return flag(uniques, iso_date)
    if kind == "datetime" and spec.get("format", "default") == "default":
        return flag(uniques, iso_datetime)
    return np.zeros(size, dtype=bool)


def type_fix(kind: str, name: str) -> Callable[[str], str]:
    def fix(value: str) -> str:
        if kind == "number" and DECIMAL_COMMA.match(value):
            return f"virgule décimale : écrivez {value.replace(',', '.')} (point décimal)"
        if kind == "boolean":
            return "écrivez true ou false"
        return f"écrivez {TYPE_FR.get(kind, kind)} dans « {name} », ou laissez la cellule vide"

    return fix


def typed_uniques(kind: str, uniques: np.ndarray) -> list[Any]:
    """Distinct values converted for comparisons (None when empty or invalid)."""

    def convert(text: str) -> Any:
        if text == "":
            return None
        if kind in NUMERIC_KINDS:
            try:
                return float(text) if NUMBER.match(text) else None
            except ValueError:
                return None
        return text

    return [convert(v) for v in uniques.tolist()]


NUMERIC_KINDS = ("integer", "number", "year")


@dataclass(frozen=True)
class Column:
    """One field of a table being checked: its distinct values (``uniques``) and which of
    them are well typed and present (``ok``), where the constraint checks look."""

    table: Table
    out: Reporter
    name: str
    kind: str
    uniques: np.ndarray
    ok: np.ndarray
    constraints: dict[str, Any]

    def report(self, bad: np.ndarray, rule: str, message: str, fix: str) -> None:
        report_cells(self.table, self.out, self.name, bad, rule, message, fix)


def check_field(table: Table, spec: dict[str, Any], out: Reporter) -> None:
    """Every rule of one field: required, type, then each constraint of the schema."""
    name = spec["name"]
    kind = str(spec.get("type", "string"))
    codes, uniques = table.factor(name)
    empty = uniques == ""
    constraints = spec.get("constraints")
    constraints = constraints if isinstance(constraints, dict) else {}
    if constraints.get("required") and empty.any():
        rows = np.flatnonzero(empty[codes])
        if name in table.missing:  # a missing cell is reported as such, not twice
            rows = rows[~table.missing[name][rows]]
        out.rows(
            table.lines[rows],
            field=name,
            code="valeur-manquante",
            message="valeur obligatoire manquante",
            fix=f"renseignez « {name} » (champ obligatoire)",
        )
    bad_type = type_errors(spec, uniques) & ~empty
    message = f"valeur invalide : {TYPE_EXPECTED.get(kind, kind)}"
    report_cells(table, out, name, bad_type, "type", message, type_fix(kind, name))
    column = Column(table, out, name, kind, uniques, ~empty & ~bad_type, constraints)
    for check in CONSTRAINT_CHECKS:
        check(column)


def _enum(c: Column) -> None:
    enum = c.constraints.get("enum")
    if not isinstance(enum, list) or not enum:
        return
    allowed = {str(v) for v in enum}
    if c.kind in NUMERIC_KINDS:
        numbers = {float(v) for v in enum if isinstance(v, int | float)}
        values = typed_uniques(c.kind, c.uniques)
        bad = np.array([v not in numbers for v in values], dtype=bool) & c.ok
    else:
        bad = np.array([v not in allowed for v in c.uniques.tolist()], dtype=bool) & c.ok
    choices = ", ".join(str(v) for v in enum)
    c.report(bad, "enum", "valeur non autorisée", f"choisissez parmi : {choices}")


def _range(c: Column) -> None:
    for bound in ("minimum", "maximum"):
        limit = c.constraints.get(bound)
        if limit is None:
            continue
        if c.kind in NUMERIC_KINDS and isinstance(limit, int | float):
            floats = np.array(
                [np.nan if v is None else v for v in typed_uniques(c.kind, c.uniques)],
                dtype=float,
            )
            with np.errstate(invalid="ignore"):
                bad = (floats < limit) if bound == "minimum" else (floats > limit)
        elif c.kind in ("date", "datetime", "string"):
            text = c.uniques.astype(str)
            bad = (text < str(limit)) if bound == "minimum" else (text > str(limit))
        else:
            continue
        word = "inférieure au minimum" if bound == "minimum" else "supérieure au maximum"
        c.report(
            np.asarray(bad, dtype=bool) & c.ok,
            bound,
            f"valeur {word} autorisé ({limit})",
            f"corrigez la valeur (limite : {limit})",
        )


def _lengths(c: Column) -> None:
    for bound in ("minLength", "maxLength"):
        limit = c.constraints.get(bound)
        if isinstance(limit, int):
            uniques = c.uniques
            lengths = np.fromiter((len(v) for v in uniques), dtype=np.int64, count=len(uniques))
            bad = ((lengths < limit) if bound == "minLength" else (lengths > limit)) & c.ok
            word = "trop courte" if bound == "minLength" else "trop longue"
            c.report(
                bad,
                bound,
                f"valeur {word} (limite : {limit} caractères)",
                "corrigez la longueur de la valeur",
            )


def _pattern(c: Column) -> None:
    pattern = c.constraints.get("pattern")
    if not isinstance(pattern, str):
        return
    try:
        regex = re.compile(pattern)
    except re.error:
        c.out.file_problem(
            "motif-invalide",
            "motif (pattern) invalide dans le schéma : ce n'est pas une expression régulière",
            f"corrigez « constraints.pattern » du champ « {c.name} » dans le datapackage.json "
            "du paquet (crochets et parenthèses fermés, caractères spéciaux précédés de \\)",
            field=c.name,
            value=pattern,
        )
        return
    bad = flag(c.uniques, lambda v: regex.fullmatch(v) is not None) & c.ok
    c.report(
        bad,
        "pattern",
        f"format incorrect (motif attendu : {pattern})",
        "corrigez la valeur pour qu'elle respecte le motif",
    )


# The constraints of a Table Schema field, checked in this order on the well-typed values.
CONSTRAINT_CHECKS: tuple[Callable[[Column], None], ...] = (_enum, _range, _lengths, _pattern)


def check_table(table: Table, schema: dict[str, Any]) -> list[Problem]:
    """Header, types, constraints and primary key of one table against its schema."""
    out = Reporter(table.file, table.resource)
    check_header(table, schema, out)
    for spec in schema_fields(schema):
        if spec["name"] in table.columns:
            check_field(table, spec, out)
    key = as_list(schema.get("primaryKey"))
    for spec in schema_fields(schema):
        constraints = spec.get("constraints")
        unique = isinstance(constraints, dict) and constraints.get("unique")
        if unique and key != [spec["name"]] and spec["name"] in table.columns:
            check_unique(table, [spec["name"]], out, code="unique")
    if key and all(name in table.columns for name in key):
        required = {
            f["name"]
            for f in schema_fields(schema)
            if isinstance(f.get("constraints"), dict) and f["constraints"].get("required")
        }
        check_null_keys(table, key, out, required)
        check_unique(table, key, out, code="cle-primaire")
    return out.problems
