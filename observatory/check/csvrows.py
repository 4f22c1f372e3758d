"""Defects of the rows of a CSV, found while ``csvread`` splits it: the shape of each
row (missing cells named by their field, extra cells with their content) and quoting
(a quote never closed, misplaced, or closed lines later after swallowing whole rows),
each located at the line where the quote opens and the field it opens in.
"""

from __future__ import annotations

import re

import numpy as np

from observatory.check.tables import Reporter
from observatory.core.problems import Problem

QUOTE_FIX = (
    "fermez le guillemet ou supprimez-le ; un guillemet à l'intérieur d'une valeur "
    'entre guillemets s\'écrit deux fois ("")'
)


def swallow(
    out: Reporter,
    row: list[str],
    lines: tuple[int, int],
    expected: int,
    names: list[str | None],
    found: list[Problem],
) -> None:
    """A quoted cell over several lines that holds whole rows (about as many commas as a
    row): a quote opened by mistake, closed by another one lines later."""
    for index, cell in enumerate(row):
        inner = cell.split("\n")
        # a swallowed row has its commas; the last one may have lost one or two cells
        if len(inner) > 1 and any(part.count(",") >= max(expected - 2, 2) for part in inner[1:]):
            name = names[index] if index < len(names) else None
            line, last = lines
            found.append(
                Problem(
                    file=out.file,
                    resource=out.resource,
                    row=line,
                    field=name or f"colonne {index + 1}",
                    code="guillemet",
                    message=f"guillemet ouvert ligne {line} et refermé seulement ligne "
                    f"{last} : les lignes {line} à {last} forment une seule cellule",
                    fix=QUOTE_FIX,
                )
            )
            return


def spans(line: int, last: int) -> str:
    if last <= line:
        return ""
    return (
        f" ; un guillemet ouvert ligne {line} n'est refermé que ligne {last} : ces lignes "
        "sont lues comme un seul enregistrement"
    )


def report_shape(
    out: Reporter,
    short: dict[int, tuple[int, int]],
    long: dict[int, tuple[list[str], int]],
    expected: int,
    names: list[str | None],
) -> None:
    """Missing cells named by their field; extra cells with their content."""
    for index in range(expected):
        name = names[index] or f"colonne {index + 1}"
        rows = sorted(line for line, (count, _) in short.items() if count <= index)
        out.rows(
            np.array(rows, dtype=np.int64),
            field=name,
            code="cellule-manquante",
            message=lambda line: (
                f"cellule manquante : la ligne a {short[line][0]} cellules "
                f"au lieu de {expected}{spans(line, short[line][1])}"
            ),
            fix="ajoutez la valeur (ou une cellule vide) : vérifiez les virgules de la ligne ; "
            "une valeur qui contient une virgule doit être entre guillemets doubles",
        )
    last = names[-1] or f"colonne {expected}"
    out.rows(
        np.array(sorted(long), dtype=np.int64),
        field="",
        code="nombre-cellules",
        message=lambda line: (
            f"la ligne a {expected + len(long[line][0])} cellules au lieu "
            f"de {expected} : {len(long[line][0])} en trop après « {last} »"
            f"{spans(line, long[line][1])}"
        ),
        fix="vérifiez les virgules de la ligne : une valeur qui contient une virgule "
        "doit être entre guillemets doubles",
        values=lambda line: ",".join(long[line][0])[:200],
    )


def quote_column(line: str) -> int:
    """Index of the cell of ``line`` where the quoting goes wrong: a closing quote
    followed by something else than a comma, or a quote still open at the end."""
    index, quoted, at_start, i = 0, False, True, 0
    while i < len(line):
        char = line[i]
        if quoted:
            if char == '"':
                if line[i + 1 : i + 2] == '"':
                    i += 1
                elif line[i + 1 : i + 2] not in ("", ","):
                    return index
                else:
                    quoted = False
        elif char == ",":
            index, at_start = index + 1, True
            i += 1
            continue
        elif char == '"' and at_start:
            quoted = True
        at_start = False
        i += 1
    return index


class PhysicalLines:
    """Line ``n`` of a text (1-based), indexed on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []

    def __getitem__(self, line: int) -> str:
        if not self.starts:
            self.starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        if not 1 <= line <= len(self.starts):
            return ""
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1] : end].rstrip("\r\n")


def quote_problem(
    out: Reporter,
    physical: PhysicalLines,
    start: int,
    end: int,
    error: str,
    names: list[str | None],
) -> None:
    """A quote the csv module cannot read: the line (and field) where it opens."""
    index = quote_column(physical[start])
    name = names[index] if index < len(names) else None
    field = name or (f"colonne {index + 1}" if index < len(names) else "")
    if "end of data" in error:
        message = (
            f"guillemet ouvert ligne {start} jamais refermé : la fin du fichier "
            "serait lue comme une seule cellule"
        )
    else:
        message = (
            f"guillemet mal placé ligne {end} : après un guillemet fermant, il faut une "
            "virgule ou la fin de la ligne"
        )
    out.problems.append(
        Problem(
            file=out.file,
            resource=out.resource,
            row=start if "end of data" in error else end,
            field=field,
            code="guillemet",
            message=message,
            fix=QUOTE_FIX,
        )
    )
