"""Reading the reference tables of published figures for make_theme_packages.py: the CSV
files, where a row goes (its indicator), its period as a year and a note, its value, and the
rows of mayotte_facts_communes_2.csv turned into main-table rows. Any problem stops the script
with a French message (`fail`).
"""

# ruff: noqa: E501
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path
from typing import NoReturn

from theme_packages_data import (
    LOCAL_EXTRA_ROWS,
    LOCAL_NOTES,
    LOCAL_ROUTES,
    LOCAL_ROW_ZONES,
    LOCAL_SKIPPED,
    LOCAL_ZONES,
    ROUTES,
)


def fail(message: str) -> NoReturn:
    print(f"erreur : {message}", file=sys.stderr)
    raise SystemExit(1)


def route(ref: dict[str, str]) -> str:
    for indicator, unit, year, target in ROUTES:
        if (
            ref["indicator"] == indicator
            and unit in ("*", ref["unit"])
            and year in ("*", ref["year"])
        ):
            return target
    return ref["indicator"].lower()


def parse_year(raw: str) -> tuple[int, str]:
    """Integer year of a reference period, and a note when the period is not a plain year."""
    if re.fullmatch(r"\d{4}", raw):
        return int(raw), ""
    if m := re.fullmatch(r"(\d{4})-01-01", raw):
        return int(m[1]), f"Au 1er janvier {m[1]}."
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw):
        months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
        day = int(m[3])
        return int(m[1]), f"Au {day} {months[int(m[2]) - 1]} {m[1]}."
    if m := re.fullmatch(r"(\d{4})-T(\d)", raw):
        ordinal = "1er" if m[2] == "1" else f"{m[2]}e"
        return int(m[1]), f"Moyenne du {ordinal} trimestre {m[1]}."
    if m := re.fullmatch(r"(\d{4})-(\d{2})", raw):
        months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
        month = months[int(m[2]) - 1]
        article = "d'" if month[0] in "ao" else "de "
        return int(m[1]), f"Valeur {article}{month} {m[1]}."
    if m := re.fullmatch(r"(\d{4})-(\d{4})", raw):
        return int(m[2]), f"Période {m[1]}-{m[2]} (rangée à l'année de fin)."
    fail(f"période non reconnue : {raw!r}")


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")  # fmt: skip
PERIOD_NOTE = re.compile(
    r"^(?:Période (?P<span>\d{4}-\d{4}) \(rangée à l'année de fin\)"
    r"|Moyenne du (?P<q>1er|[234]e) trimestre (?P<qy>\d{4})"
    r"|Au (?P<d>1er|\d{1,2}) (?P<dm>[a-zéû]+) (?P<dy>\d{4})"
    r"|Valeur (?:d'|de )(?P<m>[a-zéû]+) (?P<my>\d{4}))\.\s*"
)


def period_column(note: str) -> tuple[str, str]:
    """The period of a note written by ``parse_year`` moved to the column ``periode`` (the
    data contract): ``("2012-2017", the rest of the note)``; ``("", note)`` otherwise."""
    found = PERIOD_NOTE.match(note)
    if found is None:
        return "", note
    rest = note[found.end() :]
    if found["span"]:
        return found["span"], rest
    if found["q"]:
        return f"{found['qy']}-T{found['q'][0]}", rest
    if found["d"] and found["dm"] in MONTHS:
        day = 1 if found["d"] == "1er" else int(found["d"])
        return f"{found['dy']}-{MONTHS.index(found['dm']) + 1:02d}-{day:02d}", rest
    if found["m"] in MONTHS:
        return f"{found['my']}-{MONTHS.index(found['m']) + 1:02d}", rest
    return "", note


def number(raw: str) -> str:
    try:
        value = float(raw)
    except ValueError:
        fail(f"valeur non numérique : {raw!r} (point décimal, sans espace)")
    return str(int(value)) if value == int(value) else repr(value)


REFERENCE_COLUMNS = (
    "indicator", "geo_level", "geo_code", "year", "value", "unit",
    "source_org", "source_title", "source_url", "quote",
)  # fmt: skip


def read_table(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file, or a French message naming the file and what is missing."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                fail(f"{path} : colonnes manquantes : {', '.join(missing)}")
            return list(reader)
    except (OSError, UnicodeDecodeError) as error:
        fail(
            f"{path} : lecture impossible ({error.__class__.__name__}) ; vérifiez le chemin du fichier"
        )


def localise(local: list[dict[str, str]]) -> list[dict[str, str]]:
    """Local reference rows as main-table rows: target indicator, territory, zone, note."""
    out: list[dict[str, str]] = []
    by_name: dict[tuple[str, str, str], dict[str, str]] = {}
    for ref in local:
        skip = (ref["indicator"], ref["geo_name"], ref["year"], ref["source_url"])
        if skip in LOCAL_SKIPPED:
            continue
        level = ref["geo_level"]
        target = LOCAL_ROUTES.get((ref["indicator"], level)) or LOCAL_ROUTES.get(
            (ref["indicator"], "*")
        )
        if target is None:
            fail(f"indicateur local sans destination : {ref['indicator']} ({level})")
        row = dict(ref, target=target, dimension="", zone="")
        notes = []
        if level in ("village", "qpv"):
            zone = LOCAL_ZONES.get(ref["geo_name"])
            if zone is None:
                fail(f"zone sans rattachement : {ref['geo_name']!r}")
            row["geo_level"], row["geo_code"], row["dimension"], row["zone"], zone_note = zone
            notes.append(zone_note)
        elif ref["indicator"] in LOCAL_ROW_ZONES:
            row["dimension"], row["zone"] = LOCAL_ROW_ZONES[ref["indicator"]]
        notes.append(LOCAL_NOTES.get((ref["indicator"], ref["geo_name"], ref["year"]), ""))
        row["local_note"] = " ".join(n for n in notes if n)
        by_name[(ref["indicator"], ref["geo_name"], ref["year"])] = row
        out.append(row)
    for indicator, name, year, level, code, value, note in LOCAL_EXTRA_ROWS:
        holder = by_name.get((indicator, name, year))
        if holder is None:
            fail(f"ligne d'origine introuvable pour une ligne ajoutée : {indicator} {name} {year}")
        out.append(
            dict(holder, geo_level=level, geo_code=code, value=value, local_note=note, year=year)
        )
    return out
