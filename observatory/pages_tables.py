"""The data table of an indicator page and its downloads (CSV, JSON, XLSX).

The table shown on the page and the three downloads are made from the same ``Table``
value, so that a download holds exactly what the page shows: one row per territory
(× dimensions), one column per year; a suppressed value is ``secret statistique``,
an absent one is empty — never zero. Bytes are deterministic (fixed XLSX dates).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from observatory.indicators import LEVEL_ORDER, SECRET_NOTE
from observatory.model import Level, Point, Series, Source

LEVEL_LABELS: dict[Level, str] = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
}


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: Level
    dimensions: tuple[str, ...]
    cells: tuple[Point | None, ...]  # one per year of the table


@dataclass(frozen=True)
class Table:
    indicator: str
    title: str
    unit: str
    dimensions: tuple[str, ...]
    years: tuple[int, ...]
    rows: tuple[Row, ...]
    sources: tuple[Source, ...]

    @property
    def header(self) -> tuple[str, ...]:
        return ("Code", "Territoire", "Niveau", *self.dimensions, *map(str, self.years))


def make_table(series: Series, names: Mapping[str, str], sources: tuple[Source, ...]) -> Table:
    ind = series.indicator
    years = tuple(sorted({p.year for p in series.points}))
    grouped: dict[tuple[str, tuple[str, ...]], dict[int, Point]] = {}
    levels: dict[str, Level] = {}
    for p in series.points:
        dims = tuple(dict(p.dimensions).get(d, "") for d in ind.dimensions)
        grouped.setdefault((p.code, dims), {})[p.year] = p
        levels[p.code] = p.level
    keys = sorted(grouped, key=lambda k: (LEVEL_ORDER[levels[k[0]]], k[0], k[1]))
    rows = tuple(
        Row(
            code=code,
            name=names.get(code, code),
            level=levels[code],
            dimensions=dims,
            cells=tuple(grouped[(code, dims)].get(y) for y in years),
        )
        for code, dims in keys
    )
    used = {s for p in series.points for s in p.source.split()}
    return Table(
        indicator=ind.id,
        title=ind.title,
        unit=ind.unit,
        dimensions=ind.dimensions,
        years=years,
        rows=rows,
        sources=tuple(s for s in sources if s.id in used),
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


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(
            [
                row.code,
                row.name,
                LEVEL_LABELS[row.level],
                *row.dimensions,
                *(_csv_text(cell_value(c)) for c in row.cells),
            ]
        )
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
                LEVEL_LABELS[row.level],
                *row.dimensions,
                *(cell_value(c) for c in row.cells),
            ]
            for row in table.rows
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


def to_xlsx(table: Table, release: str) -> bytes:
    """An XLSX workbook with the table; document dates set to the release, zip dates fixed."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = table.indicator[:31]
    ws.append(list(table.header))
    for row in table.rows:
        ws.append(
            [
                row.code,
                row.name,
                LEVEL_LABELS[row.level],
                *row.dimensions,
                *(cell_value(c) for c in row.cells),
            ]
        )
    stamp = _release_datetime(release)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "Observatoire social et médico-social de Mayotte"
    raw = io.BytesIO()
    wb.save(raw)
    return normalize_zip(raw.getvalue(), stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _release_datetime(release: str) -> datetime:
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(release, fmt)
        except ValueError:
            continue
    return datetime(2000, 1, 1)


CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalize_zip(data: bytes, stamp: str = "2000-01-01T00:00:00Z") -> bytes:
    """Rewrite a zip with fixed entry dates, in the original entry order; the document
    dates of an Office file (``docProps/core.xml``, set to *now* by openpyxl) become
    ``stamp``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = CORE_DATES.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            dst.writestr(fixed, content)
    return out.getvalue()
