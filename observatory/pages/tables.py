"""The data table of an indicator page and its downloads (CSV, JSON, XLSX).

The table shown on the page and the three downloads are made from the same ``Table``
value, so that a download holds exactly what the page shows: one row per territory
(× dimensions), one column per year or per period as the source gives it (« 2012-2017 »,
« 1er trimestre 2024 », column ``periode`` of the observations), each observation note
numbered once and marked in the cells it qualifies; a suppressed value is ``secret statistique``,
an absent one is empty — never zero. Bytes are deterministic (fixed XLSX dates).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from observatory.core.labels import LEVEL_NAMES, SECRET_NOTE
from observatory.core.model import LEVEL_ORDER, Level, Point, Series, Source
from observatory.core.numbers import fmt_period
from observatory.pages.figures import note_of, numbered


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: Level
    dimensions: tuple[str, ...]
    cells: tuple[Point | None, ...]  # one per column of the table
    marks: tuple[int, ...] = ()  # per cell: the number of its note in ``Table.notes``, 0 if none


Column = tuple[int, str]  # (year, declared period): ``(2017, "2012-2017")``, ``(2020, "")``


@dataclass(frozen=True)
class Table:
    indicator: str
    title: str
    unit: str
    dimensions: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    sources: tuple[Source, ...]
    notes: tuple[str, ...] = ()  # the observation notes, numbered from 1 in this order

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({year for year, _ in self.columns}))

    @property
    def labels(self) -> tuple[str, ...]:
        """Each value column as the source gives it: « 2012-2017 », « 1er trimestre 2024 »."""
        return tuple(fmt_period(period, year) for year, period in self.columns)

    @property
    def header(self) -> tuple[str, ...]:
        return ("Code", "Territoire", "Niveau", *self.dimensions, *self.labels)


def make_table(series: Series, names: Mapping[str, str], sources: tuple[Source, ...]) -> Table:
    ind = series.indicator
    columns = tuple(sorted({(p.year, p.period) for p in series.points}))
    grouped: dict[tuple[str, tuple[str, ...]], dict[Column, Point]] = {}
    levels: dict[str, Level] = {}
    for p in series.points:
        dims = tuple(dict(p.dimensions).get(d, "") for d in ind.dimensions)
        grouped.setdefault((p.code, dims), {})[(p.year, p.period)] = p
        levels[p.code] = p.level
    keys = sorted(grouped, key=lambda k: (LEVEL_ORDER[levels[k[0]]], k[0], k[1]))
    cells = [tuple(grouped[key].get(c) for c in columns) for key in keys]
    marks, notes = numbered([note_of(c) for row in cells for c in row])
    width = len(columns)
    rows = tuple(
        Row(
            code, names.get(code, code), levels[code], dims, row, marks[i * width : (i + 1) * width]
        )
        for i, ((code, dims), row) in enumerate(zip(keys, cells, strict=True))
    )
    used = {s for p in series.points for s in p.source.split()}
    return Table(
        indicator=ind.id,
        title=ind.title,
        unit=ind.unit,
        dimensions=ind.dimensions,
        columns=columns,
        rows=rows,
        sources=tuple(s for s in sources if s.id in used),
        notes=notes,
    )


def cell_value(point: Point | None) -> float | str | None:
    """The machine value of a cell: the number, ``secret statistique`` or ``None``."""
    if point is None:
        return None
    if point.status == "secret":
        return SECRET_NOTE
    return point.value


def _csv_text(value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    return value


# The downloads (CSV, XLSX) add to the page's columns the unit, the row's sources and the
# notes of its values, so that a file read on its own still says what its numbers are and
# where they come from. A value column is headed by its period as the source gives it.
PROVENANCE_COLUMNS = ("Unité", "Sources", "Notes")


def row_sources(table: Table, row: Row) -> str:
    by_id = {s.id: s for s in table.sources}
    used = [
        by_id[sid] for c in row.cells if c is not None for sid in c.source.split() if sid in by_id
    ]
    names = dict.fromkeys(
        f"{s.organisation} ({s.vintage}{', source secondaire' if s.secondary else ''})"
        for s in used
    )
    return " ; ".join(names)


def row_notes(table: Table, row: Row) -> str:
    """The notes of a row's values, each after the column it qualifies (« 2012-2017 : … »)."""
    labels = table.labels
    return " ; ".join(
        f"{labels[i]} : {table.notes[mark - 1]}" for i, mark in enumerate(row.marks) if mark
    )


def download_rows(table: Table) -> list[list[float | str | None]]:
    """The rows of the CSV and XLSX downloads: the page's columns, then provenance."""
    rows: list[list[float | str | None]] = [[*table.header, *PROVENANCE_COLUMNS]]
    for row in table.rows:
        rows.append(
            [
                row.code,
                row.name,
                LEVEL_NAMES[row.level],
                *row.dimensions,
                *(cell_value(c) for c in row.cells),
                table.unit,
                row_sources(table, row),
                row_notes(table, row),
            ]
        )
    return rows


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for values in download_rows(table):
        writer.writerow([_csv_text(v) for v in values])
    return out.getvalue().encode("utf-8")


def to_json(table: Table) -> bytes:
    data = {
        "indicateur": table.indicator,
        "titre": table.title,
        "unite": table.unit,
        "colonnes": list(table.header),
        "lignes": [
            [
                row.code,
                row.name,
                LEVEL_NAMES[row.level],
                *row.dimensions,
                *(cell_value(c) for c in row.cells),
            ]
            for row in table.rows
        ],
        "notes": [
            {"code": row.code, "colonne": table.labels[i], "note": table.notes[mark - 1]}
            for row in table.rows
            for i, mark in enumerate(row.marks)
            if mark
        ],
        "sources": [
            {
                "id": s.id,
                "organisme": s.organisation,
                "titre": s.title,
                "url": s.url,
                "millesime": s.vintage,
                "secondaire": s.secondary,
            }
            for s in table.sources
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

# A minimal SpreadsheetML workbook written directly (inline strings, no styles): fast
# (no openpyxl start-up per file), small and byte-identical from one build to the next.
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def _xlsx_cell(ref: str, value: float | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _column(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet(rows: list[list[float | str | None]]) -> str:
    sheet_rows = "".join(
        f'<row r="{i + 1}">'
        + "".join(_xlsx_cell(f"{_column(j)}{i + 1}", v) for j, v in enumerate(values))
        + "</row>"
        for i, values in enumerate(rows)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_rows}</sheetData></worksheet>"
    )


ABOUT_SHEET = "À propos"


def to_xlsx(table: Table, release: str, about: list[tuple[str, str]] | None = None) -> bytes:
    """An XLSX workbook with the table (and, given ``about``, a second sheet « À propos »
    with the indicator's provenance); document dates set to the release."""
    rows = download_rows(table)
    stamp = _release_datetime(release).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = escape(table.indicator[:31], {'"': "&quot;"})
    parts = dict(XLSX_PARTS)
    sheets = f'<sheet name="{name}" sheetId="1" r:id="rId1"/>'
    parts["xl/worksheets/sheet1.xml"] = _sheet(rows)
    if about is not None:
        sheets += f'<sheet name="{ABOUT_SHEET}" sheetId="2" r:id="rId2"/>'
        about_sheet: list[list[float | str | None]] = [["Rubrique", "Valeur"]]
        about_sheet += [[label, value] for label, value in about]
        parts["xl/worksheets/sheet2.xml"] = _sheet(about_sheet)
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            "</Types>",
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>",
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>',
        )
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    )
    parts["docProps/core.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(table.title)}</dc:title>"
        "<dc:creator>Observatoire social et médico-social de Mayotte</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for filename, text in parts.items():
            info = zipfile.ZipInfo(filename, date_time=FIXED_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def _release_datetime(release: str) -> datetime:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(release, fmt)
        except ValueError:
            continue
    return datetime(2000, 1, 1)
