"""The table of one CSV resource and the vectorised tools the Table Schema checks share.

A CSV is read once with pandas (every cell as text), then each column is factorised:
types and constraints are checked on the distinct values only and mapped back to the
rows, so a file of millions of rows costs a few passes of C code. Every bad cell is
reported (the first ``CAP`` per field and error, then one summary line).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from observatory.core import context
from observatory.core.problems import Problem

CAP = 50
FAST_UNIQUES = 5_000  # above this many distinct values, try the vectorised fast paths

INTEGER = re.compile(r"^[+-]?\d+$", re.ASCII)  # ASCII: not ２０１７ nor ٢٠١٧
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$|^(?:NaN|INF|-INF)$", re.ASCII)
INTEGER_CHARS = "0123456789+-"
NUMBER_CHARS = "0123456789.+-eE"
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$", re.ASCII)
YEAR = re.compile(r"^\d{4}$", re.ASCII)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
TYPE_EXPECTED = {
    "integer": "nombre entier attendu",
    "number": "nombre attendu",
    "boolean": "booléen attendu",
    "date": "date attendue",
    "year": "année attendue",
    "datetime": "date et heure attendues",
}
TYPE_FR = {
    "integer": "un nombre entier (ex. 2021)",
    "number": "un nombre (ex. 12.5, avec un point décimal)",
    "boolean": "true ou false",
    "date": "une date AAAA-MM-JJ (ex. 2021-01-31)",
    "year": "une année sur 4 chiffres",
    "datetime": "une date et heure ISO 8601 (ex. 2021-01-31T12:00:00)",
}


@dataclass
class Table:
    """The text cells of one CSV resource, with the line number of every row.

    ``header`` holds the labels as written; ``columns`` the cells by field name (a blank
    or repeated label is bound to the schema field at its position, see csvread.py);
    ``missing`` flags, per field, the rows too short to have that cell (left empty).
    """

    file: str
    resource: str
    header: list[str]
    columns: dict[str, np.ndarray]
    lines: np.ndarray
    missing: dict[str, np.ndarray] = field(default_factory=dict)
    typed: dict[str, np.ndarray] = field(default_factory=dict)
    _factors: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lines)

    def factor(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Codes (one per row) and distinct values of a column."""
        if name not in self._factors:
            codes, uniques = pd.factorize(self.columns[name])
            self._factors[name] = (codes.astype(np.int64), np.asarray(uniques, dtype=object))
        return self._factors[name]

    def key(self, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Dense codes of the combination of several columns, and a first row per code."""
        combined = np.zeros(len(self), dtype=np.int64)
        span = 1
        for name in names:
            codes, uniques = self.factor(name)
            size = max(len(uniques), 1)
            if span * size >= 2**62:  # rare: re-densify before overflowing
                combined, _ = pd.factorize(combined)
                span = int(combined.max()) + 1 if len(combined) else 1
            combined = combined * size + codes
            span *= size
        dense, _ = pd.factorize(combined)
        _, first = np.unique(dense, return_index=True)
        return dense.astype(np.int64), first

    def number(self, name: str) -> np.ndarray:
        """The column as floats (NaN for empty or invalid cells)."""
        if name not in self.typed:
            codes, uniques = self.factor(name)
            filled = uniques != ""
            values = np.full(len(uniques), np.nan)
            if filled.sum() > FAST_UNIQUES and fast_ok(uniques[filled], NUMBER_CHARS, np.float64):
                values[filled] = uniques[filled].astype(np.float64)
            else:
                values = np.array([to_float(v) for v in uniques], dtype=np.float64)
            self.typed[name] = values[codes] if len(codes) else np.zeros(0)
        return self.typed[name]


def fast_ok(uniques: np.ndarray, allowed: str, dtype: type) -> bool:
    """True when every value is made of ``allowed`` characters and converts in C
    (then the values are valid: the character set excludes spaces, ``_``, ``inf``…)."""
    joined = "".join(uniques.tolist())
    if joined.translate(str.maketrans("", "", allowed)):
        return False
    try:
        uniques.astype(dtype)
    except (ValueError, OverflowError):
        return False
    return True


def to_float(text: str) -> float:
    try:
        return float(text) if NUMBER.match(text) else float("nan")
    except ValueError:
        return float("nan")


Text: TypeAlias = str | Mapping[int, str] | Callable[[int], str]
CellText: TypeAlias = str | Callable[[str], str]


def resolve(text: Text, line: int) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, Mapping):
        return text[line]
    return text(line)


class Reporter:
    """Collects the problems of one table, capping each (field, code) at ``CAP`` rows."""

    def __init__(self, file: str, resource: str) -> None:
        context.mark(file)
        self.file = file
        self.resource = resource
        self.problems: list[Problem] = []

    def rows(
        self,
        lines: np.ndarray,
        *,
        field: str,
        code: str,
        message: Text,
        fix: Text,
        values: Text = "",
    ) -> None:
        """One problem per bad row (``lines``: sorted line numbers in the file)."""
        for line in lines[:CAP].tolist():
            self.problems.append(
                Problem(
                    file=self.file,
                    resource=self.resource,
                    row=line,
                    field=field,
                    value=resolve(values, line),
                    code=code,
                    message=resolve(message, line),
                    fix=resolve(fix, line),
                )
            )
        if len(lines) > CAP:
            rest = len(lines) - CAP
            self.problems.append(
                Problem(
                    file=self.file,
                    resource=self.resource,
                    row=int(lines[CAP]),
                    field=field,
                    code=code,
                    message=f"… et {rest} autre{'s' if rest > 1 else ''} "
                    f"ligne{'s' if rest > 1 else ''} avec la même erreur",
                    fix="corrigez toutes les lignes de la même manière",
                )
            )

    def file_problem(self, code: str, message: str, fix: str, **where: Any) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                resource=self.resource,
                code=code,
                message=message,
                fix=fix,
                **where,
            )
        )


def report_cells(
    table: Table,
    out: Reporter,
    name: str,
    bad_uniques: np.ndarray,
    code: str,
    message: CellText,
    fix: CellText,
) -> None:
    """Report every row whose value of ``name`` is one of the flagged distinct values."""
    if not bad_uniques.any():
        return
    codes, uniques = table.factor(name)
    rows = np.flatnonzero(bad_uniques[codes])
    lines = table.lines[rows]
    values = dict(
        zip(lines[: CAP + 1].tolist(), uniques[codes[rows[: CAP + 1]]].tolist(), strict=True)
    )
    out.rows(
        lines,
        field=name,
        code=code,
        message={k: message if isinstance(message, str) else message(v) for k, v in values.items()},
        fix={k: fix if isinstance(fix, str) else fix(v) for k, v in values.items()},
        values=values,
    )
