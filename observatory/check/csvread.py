"""Reading one CSV resource for the checks: bytes to ``Table``, every defect named.

In order: size, NUL bytes, UTF-16, BOM, UTF-8, line endings, line length, delimiter,
header (number of columns, blank and repeated labels), then the rows. A defect that
makes the rest unreadable ends the file with one precise problem (line, and field when
known); a defect of the header or of one row never hides the other rows.

Header labels are bound to the schema's fields by name; a blank or repeated label is
bound to the field at its position (as frictionless does), so its cells are still
checked. A short row keeps its cells (the missing ones are named and left empty), a
long row loses only its extra cells, a row of empty cells (``,,``) is a blank row.

Time and memory are linear in the size of the file and in its number of columns: the
lines are found with numpy, a regular unquoted file is parsed by pandas' C engine, any
other by the csv module one record at a time.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from observatory.check.csvrows import (
    PhysicalLines,
    quote_column,
    quote_problem,
    report_shape,
    swallow,
)
from observatory.check.tables import CAP, Reporter, Table
from observatory.core.limits import MAX_COLUMNS, MAX_FILE, MAX_LINE, megabytes
from observatory.core.problems import Problem

LONE_CR = re.compile(rb"\r(?!\n)")
UTF8_FIX = "réenregistrez le fichier en UTF-8 (dans un tableur : « CSV UTF-8 »)"


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def too_big(out: Reporter, size: int) -> None:
    out.file_problem(
        "fichier-trop-gros",
        f"fichier trop volumineux ({megabytes(size)}, au plus {MAX_FILE.text()})",
        "découpez le fichier ou agrégez les données : l'observatoire publie des effectifs "
        "agrégés, jamais des fichiers de détail",
    )


def read_table(
    file: str, resource: str, data: bytes, fields: Sequence[str] = ()
) -> tuple[Table | None, list[Problem]]:
    """Decode and split a CSV; ``fields`` are the schema's field names, in order."""
    out = Reporter(file, resource)
    text = decode(data, out)
    if text is None:
        return None, out.problems
    first = text.split("\n", 1)[0].removesuffix("\r")
    for delimiter, label in ((";", "point-virgule"), ("\t", "tabulation")):
        if first.count(delimiter) > first.count(","):
            out.file_problem(
                "separateur",
                f"séparateur « {delimiter if delimiter != chr(9) else 'tab'} » "
                f"({label}) détecté au lieu de la virgule",
                "enregistrez le fichier en CSV séparé par des virgules",
                row=1,
            )
            return None, out.problems
    if first.count(",") + 1 > MAX_COLUMNS.value:
        out.file_problem(
            "trop-de-colonnes",
            f"l'en-tête a {first.count(',') + 1:,} colonnes (au plus {MAX_COLUMNS.text()})"
            .replace(",", " "),
            "gardez une colonne par champ du schéma ; une ligne de données mise en en-tête, "
            "ou un séparateur mal choisi à l'export, produit ce genre d'en-tête",
            row=1,
        )  # fmt: skip
        return None, out.problems
    header = next(csv.reader([first]), [])
    names = bind(header, fields, out)
    if '"' not in text and (table := fast_split(file, resource, text, header, names)):
        return table, out.problems
    return slow_split(file, resource, text, header, names, out), out.problems


def decode(data: bytes, out: Reporter) -> str | None:
    """The text of the file, or ``None`` after reporting why it cannot be read."""
    if len(data) > MAX_FILE.value:
        too_big(out, len(data))
        return None
    if not data.strip():
        out.file_problem(
            "fichier-vide", "le fichier est vide", "ajoutez la ligne d'en-tête puis les données"
        )
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        out.file_problem("encodage", "le fichier est en UTF-16", UTF8_FIX, row=1)
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        out.file_problem(
            "octet-nul",
            f"octet nul (0x00) ligne {line_of(data, nul)} : ce n'est pas un fichier texte",
            "exportez le tableau en CSV UTF-8 (un fichier de tableur ou un fichier "
            "binaire renommé en .csv ne convient pas)",
            row=line_of(data, nul),
            field=field_at(data, nul),
        )
        return None
    if data.startswith(codecs.BOM_UTF8):
        out.file_problem(
            "bom",
            "le fichier commence par une marque d'ordre d'octets (BOM)",
            "enregistrez le fichier en UTF-8 sans BOM",
            row=1,
        )
        data = data[len(codecs.BOM_UTF8) :]
    lone = LONE_CR.search(data)
    if lone:
        line = line_of(data, lone.start())
        out.file_problem(
            "fin-de-ligne",
            f"retour chariot seul (CR) à la fin de la ligne {line} : fins de ligne de "
            "l'ancien Mac OS, que les outils CSV lisent comme une seule ligne",
            "enregistrez le fichier avec des fins de ligne LF (\\n) ou CRLF (Windows)",
            row=line,
        )
        return None
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.concatenate((np.flatnonzero(raw == 10), [len(raw)]))
    lengths = np.diff(np.concatenate(([-1], ends))) - 1
    if len(lengths) and int(lengths.max()) > MAX_LINE.value:
        line = int(np.argmax(lengths > MAX_LINE.value)) + 1
        out.file_problem(
            "ligne-trop-longue",
            f"ligne {line} trop longue ({megabytes(int(lengths[line - 1]))}, "
            f"au plus {MAX_LINE.text()} par ligne)",
            "vérifiez les fins de ligne du fichier (une ligne par enregistrement) et "
            "raccourcissez les textes trop longs",
            row=line,
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = line_of(data, error.start)
        out.file_problem(
            "encodage",
            f"le fichier n'est pas en UTF-8 : octet invalide 0x{data[error.start]:02x} "
            f"ligne {line} (encodage Latin-1 ou Windows-1252 ?)",
            UTF8_FIX,
            row=line,
            field=field_at(data, error.start),
        )
        return None
    return text


def field_at(data: bytes, offset: int) -> str:
    """The header label of the cell holding byte ``offset`` (for a byte that stops the
    reading: the rows are not split yet), or ``""``."""
    start = data.rfind(b"\n", 0, offset) + 1
    if start == 0:
        return ""  # on the header line itself
    prefix = data[start:offset].decode("utf-8", "replace")
    index = quote_column(prefix)  # commas outside quotes before the byte
    first = data[: data.find(b"\n")].decode("utf-8", "replace").removesuffix("\r")
    header = next(csv.reader([first]), [])
    return header[index] if index < len(header) else ""


def bind(header: list[str], fields: Sequence[str], out: Reporter) -> list[str | None]:
    """The field name of each column; blank and repeated labels are reported."""
    counts = Counter(header)
    labelled = {label for label in header if label.strip() and counts[label] == 1}
    names: list[str | None] = []
    seen: dict[str, int] = {}
    for index, label in enumerate(header):
        if label.strip() and counts[label] == 1:
            names.append(label)
            continue
        by_position = fields[index] if index < len(fields) else None
        name = by_position if by_position and by_position not in labelled else None
        names.append(name)
        if not label.strip():
            out.file_problem(
                "en-tete-vide",
                f"colonne {index + 1} sans nom dans l'en-tête"
                + (f" (le schéma y attend « {name} »)" if name else ""),
                f"écrivez le nom de la colonne{f' (« {name} »)' if name else ''} "
                "ou supprimez la colonne",
                row=1,
                field=name or f"colonne {index + 1}",
            )
        elif label in seen:
            out.file_problem(
                "en-tete-double",
                f"« {label} » apparaît plusieurs fois dans l'en-tête (colonnes "
                f"{seen[label] + 1} et {index + 1})"
                + (f" ; le schéma attend ici « {name} »" if name else ""),
                "gardez une seule colonne de ce nom"
                + (f" et nommez celle-ci « {name} »" if name else ""),
                row=1,
                field=name or label,
                value=label,
            )
        seen.setdefault(label, index)
    return names


def make_table(
    file: str,
    resource: str,
    header: list[str],
    names: list[str | None],
    cells: list[np.ndarray],
    lines: np.ndarray,
    missing: dict[int, np.ndarray] | None = None,
) -> Table:
    columns = {n: cells[i] for i, n in enumerate(names) if n is not None}
    absent = {names[i]: m for i, m in (missing or {}).items() if names[i] is not None}
    return Table(file, resource, header, columns, lines, {k: v for k, v in absent.items() if k})


def fast_split(
    file: str, resource: str, text: str, header: list[str], names: list[str | None]
) -> Table | None:
    """Unquoted and regular (every line with the header's cells, none blank): numpy counts
    the commas of each line, pandas' C engine splits. ``None`` for any other file."""
    data = text.encode("utf-8")
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == 10)
    starts = np.concatenate(([0], newlines + 1))
    starts = starts[starts < len(raw)]
    is_comma = (raw == 44).view(np.uint8)
    # Commas per line modulo 256 (fast); the exact total proves that no line wrapped.
    commas = np.add.reduceat(is_comma, starts, dtype=np.uint8).astype(np.int64)
    if int(commas.sum()) != int(np.count_nonzero(is_comma)):
        return None
    ends = np.concatenate((newlines, [len(raw)]))[: len(starts)]
    lengths = ends - starts - (raw[np.maximum(ends - 1, 0)] == 13)
    expected = len(header)
    irregular = (commas + 1 != expected) | (lengths <= commas)  # wrong count or all empty
    if irregular[1:].any():
        return None
    frame = pd.read_csv(
        io.BytesIO(data),
        header=None,
        skiprows=1,
        names=list(range(expected)),
        dtype=str,
        na_filter=False,
        index_col=False,
        skip_blank_lines=False,
        engine="c",
        encoding="utf-8",
    )
    cells = [frame[i].to_numpy(dtype=object) for i in range(expected)]
    lines = np.arange(2, len(frame) + 2, dtype=np.int64)
    return make_table(file, resource, header, names, cells, lines)


def slow_split(
    file: str,
    resource: str,
    text: str,
    header: list[str],
    names: list[str | None],
    out: Reporter,
) -> Table:
    """Quoted or irregular CSV: the csv module, with the exact line of every defect."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    with contextlib.suppress(csv.Error):  # a quote in the header: its labels say enough
        next(reader, None)
    expected = len(header)
    good: list[list[str]] = []
    lines: list[int] = []
    blank: list[int] = []
    short: dict[int, tuple[int, int]] = {}  # line -> (cells, last line of the record)
    long: dict[int, tuple[list[str], int]] = {}  # line -> (extra cells, last line)
    previous = reader.line_num
    physical = PhysicalLines(text)
    quotes = 0
    swallowed: list[Problem] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            quotes += 1
            if quotes <= CAP:
                start = previous + 1
                quote_problem(out, physical, start, reader.line_num, str(error), names)
            previous = reader.line_num
            if "end of data" in str(error):
                break
            continue
        line = previous + 1
        last = previous = reader.line_num
        if last > line and len(swallowed) < CAP:
            swallow(out, row, (line, last), expected, names, swallowed)
        if not any(row):
            blank.append(line)
            continue
        if len(row) < expected:
            short[line] = (len(row), last)
            row = row + [""] * (expected - len(row))
        elif len(row) > expected:
            long[line] = (row[expected:], last)
            row = row[:expected]
        good.append(row)
        lines.append(line)
    out.rows(
        np.array(blank, dtype=np.int64),
        field="",
        code="ligne-vide",
        message="ligne vide (aucune valeur)",
        fix="supprimez la ligne vide",
    )
    report_shape(out, short, long, expected, names)
    out.problems.extend(swallowed)
    matrix = np.array(good, dtype=object).reshape(len(good), expected)
    cells = [matrix[:, i] for i in range(expected)]
    line_array = np.array(lines, dtype=np.int64)
    row_of = {line: i for i, line in enumerate(lines)}
    missing: dict[int, np.ndarray] = {}
    for line, (count, _) in short.items():
        for index in range(count, expected):
            mask = missing.setdefault(index, np.zeros(len(lines), dtype=bool))
            mask[row_of[line]] = True
    return make_table(file, resource, header, names, cells, line_array, missing)
