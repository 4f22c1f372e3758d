"""Seed new theme data packages from the reference table of published figures.

Usage::

    python scripts/make_theme_packages.py PATH/TO/mayotte_facts.csv [--out datapackages]
    python scripts/make_theme_packages.py PATH/TO/mayotte_facts.csv --replace NAME

The reference table (one published figure per row, with its source and the sentence it
was read from) is only read by this script. **The committed CSV and JSON files under
``datapackages/`` are the source of truth**: figures, sources, periods (column
``periode``) and curated fields have been added and corrected there by hand since the
packages were seeded, and the build and the tests never read the reference table. So the
script only writes a package whose folder has no ``datapackage.json`` yet; an existing
package is left untouched (and named on the output). ``--replace NAME`` regenerates that
package from the table, keeping only its curated descriptor fields (``carry_curated``):
the rows added by hand are lost, review the diff. A period that is not a calendar year
(``2012-2017``, ``2024-T1``, ``2023-01-01``) is written in the column ``periode``.

Every decision taken on a figure (which indicator it feeds, why a year is approximate,
why two values are kept apart) is declared as data in ``theme_packages_data.py``, so that a
reviewer can check it. Output is deterministic: running the script twice writes
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from theme_packages_data import (
    EXTRA_ROWS,
    INDICATORS,
    LEVEL_ORDER,
    NOTES,
    PACKAGES,
    PERIOD_NOTES,
    SECONDARY_MARKERS,
    SOURCE_SLUGS,
    IndicatorSpec,
    observations_schema,
    sources_schema,
)
from theme_reference import (
    REFERENCE_COLUMNS,
    fail,
    localise,
    number,
    parse_year,
    period_column,
    read_table,
    route,
)

# The column periode of the data contract, written when a package has a row whose period
# is not a calendar year (parse_year writes it in the note; period_column moves it).
PERIOD_FIELD = {
    "name": "periode",
    "type": "string",
    "title": "Période",
    "description": "Période de la valeur quand ce n'est pas l'année civile : AAAA-AAAA "
    "(période pluriannuelle, ex. 2012-2017), AAAA-T1 à AAAA-T4 (trimestre), AAAA-MM (mois) "
    "ou AAAA-MM-JJ (date) ; vide pour l'année civile. La colonne annee donne alors la "
    "dernière année de la période.",
}

YEAR_OF_PERIOD = (
    "Année de référence de la valeur ; quand elle porte sur une période, un trimestre, un "
    "mois ou une date (colonne periode), la dernière année de cette période."
)


@dataclass
class Row:
    indicator: str
    level: str
    code: str
    year: int
    value: str
    source: str
    note: str
    dims: tuple[tuple[str, str], ...] = ()


@dataclass
class Built:
    rows: list[Row] = field(default_factory=list)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


def is_secondary(organisation: str) -> bool:
    lower = organisation.lower()
    return any(marker in lower for marker in SECONDARY_MARKERS)


def source_key(ref: dict[str, str]) -> tuple[str, str, str, str]:
    """One source per quote; a table row quoted with or without its column legend is one quote."""
    quote = re.sub(r"\s*\(colonnes\s*:[^)]*\)\s*$", "", ref["quote"])
    return (ref["source_org"], ref["source_title"], ref["source_url"], quote)


Pending = tuple[IndicatorSpec, dict[str, str], int, str, str]  # spec, ref, year, value, note
QuoteKey = tuple[str, str, str, str]


def build(reference: list[dict[str, str]]) -> dict[str, Built]:
    built: dict[str, Built] = {str(p["name"]): Built() for p in PACKAGES}
    pending = pending_rows(reference)
    suffixes = source_suffixes(pending)
    longest: dict[QuoteKey, str] = {}
    for _, ref, *_ in pending:
        key = source_key(ref)
        if len(ref["quote"]) > len(longest.get(key, "")):
            longest[key] = ref["quote"]
    for spec, ref, year, value, note in pending:
        slug, vintage = SOURCE_SLUGS[ref["source_url"]]
        source_id = slug + suffixes[(spec.package, slug, source_key(ref))]
        package = built[spec.package]
        package.sources[source_id] = {
            "id": source_id,
            "organisme": ref["source_org"],
            "titre": ref["source_title"],
            "url": ref["source_url"],
            "millesime": vintage,
            "secondaire": "true" if is_secondary(ref["source_org"]) else "false",
            "citation": longest[source_key(ref)],
        }
        if ref["geo_level"] not in spec.levels:
            fail(f"{spec.id} : niveau {ref['geo_level']} non déclaré")
        dims = ((ref["dimension"], ref["zone"]),) if ref.get("dimension") else ()
        if any(d not in spec.dimensions for d, _ in dims):
            fail(f"{spec.id} : dimension {dims} non déclarée")
        package.rows.append(
            Row(spec.id, ref["geo_level"], ref["geo_code"], year, value, source_id, note, dims)
        )
    for name, package in built.items():
        seen: set[tuple[str, str, int, tuple[tuple[str, str], ...]]] = set()
        for row in package.rows:
            row_key = (row.indicator, row.code, row.year, row.dims)
            if row_key in seen:
                fail(f"{name} : clé primaire en double {row_key}")
            seen.add(row_key)
        package.rows.sort(key=lambda r: (r.indicator, LEVEL_ORDER[r.level], r.code, r.dims, r.year))
    return built


def pending_rows(reference: list[dict[str, str]]) -> list[Pending]:
    """Each reference row with its target indicator, year, value and notes; then the extra
    rows read from the quote of another row."""
    by_id = {spec.id: spec for spec in INDICATORS}
    pending: list[Pending] = []
    for ref in reference:
        target = ref.get("target") or route(ref)
        if target not in by_id:
            fail(f"indicateur de référence sans destination : {ref['indicator']} ({ref['unit']})")
        year, period_note = parse_year(ref["year"])
        period_note = PERIOD_NOTES.get(
            (ref["indicator"], ref["geo_code"], ref["year"]), period_note
        )
        notes = [
            n
            for n in (
                period_note,
                NOTES.get((ref["indicator"], ref["geo_code"], ref["year"]), ""),
                ref.get("local_note", ""),
            )
            if n
        ]
        pending.append((by_id[target], ref, year, number(ref["value"]), " ".join(notes)))
    for ref_indicator, ref_year, target, year, value, note in EXTRA_ROWS:
        # An extra row is read from the quote of another row: no quote, no row.
        for holder in reference:
            if holder["indicator"] == ref_indicator and holder["year"] == ref_year:
                pending.append((by_id[target], holder, year, value, note))
                break
    return pending


def source_suffixes(pending: list[Pending]) -> dict[tuple[str, str, QuoteKey], str]:
    """Source ids: slug of the URL, suffixed when one page gives several quotes to a package
    (by territory code when each quote is a table row about one territory)."""
    quotes: dict[tuple[str, str], list[QuoteKey]] = defaultdict(list)
    codes: dict[tuple[str, str], dict[QuoteKey, set[str]]] = defaultdict(dict)
    for spec, ref, *_ in pending:
        known = SOURCE_SLUGS.get(ref["source_url"])
        if known is None:
            fail(f"URL sans identifiant de source : {ref['source_url']}")
        key = source_key(ref)
        bucket = quotes[(spec.package, known[0])]
        if key not in bucket:
            bucket.append(key)
        codes[(spec.package, known[0])].setdefault(key, set()).add(ref["geo_code"])
    suffixes: dict[tuple[str, str, QuoteKey], str] = {}
    for (package_name, slug_id), bucket in quotes.items():
        by_quote = codes[(package_name, slug_id)]
        single = [next(iter(c)) for c in by_quote.values() if len(c) == 1]
        use_codes = len(single) == len(bucket) and len(set(single)) == len(bucket)
        width = len(str(len(bucket)))
        for index, key in enumerate(bucket, start=1):
            if len(bucket) == 1:
                suffix = ""
            elif use_codes:
                suffix = "-" + next(iter(by_quote[key]))
            else:
                suffix = f"-{index:0{width}d}"
            suffixes[(package_name, slug_id, key)] = suffix
    return suffixes


def check_sums(built: dict[str, Built], communes: dict[str, str]) -> None:
    """Stop when an additive indicator's EPCI or département row differs from its communes."""
    specs = {spec.id: spec for spec in INDICATORS}
    for package in built.values():
        values: dict[tuple[str, str, int], float] = {
            (r.indicator, r.code, r.year): float(r.value) for r in package.rows
        }
        for (indicator, code, year), value in sorted(values.items()):
            if specs[indicator].aggregation != "sum" or (code.startswith("976") and len(code) == 5):
                continue
            members = [c for c, epci in communes.items() if code == "976" or epci == code]
            parts = [values.get((indicator, c, year)) for c in members]
            if None in parts:
                continue
            total = sum(p for p in parts if p is not None)
            if total != value:
                fail(f"{indicator} {code} {year} : {value} publié, {total} par somme des communes")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def package_dimensions(meta: dict[str, object]) -> tuple[str, ...]:
    """Dimension columns of a package: those its indicators declare, in a fixed order."""
    declared = {d for spec in INDICATORS if spec.package == meta["name"] for d in spec.dimensions}
    return tuple(sorted(declared))


def descriptor(meta: dict[str, object], built: Built) -> dict[str, object]:
    specs = [spec for spec in INDICATORS if spec.package == meta["name"]]
    indicator_ids = sorted(spec.id for spec in specs if spec.status == "available")
    observatory = dict(meta["observatory"])  # type: ignore[call-overload]
    observatory["indicators"] = [spec.declaration() for spec in specs]
    body = {k: v for k, v in meta.items() if k != "observatory"}
    # One entry per publication (URL and organisation), with its most complete title.
    publications: dict[tuple[str, str], dict[str, str]] = {}
    for s in sorted(built.sources.values(), key=lambda s: s["id"]):
        entry = {"title": s["titre"], "path": s["url"], "organisation": s["organisme"]}
        known = publications.setdefault((s["url"], s["organisme"]), entry)
        if len(entry["title"]) > len(known["title"]):
            known["title"] = entry["title"]
    body["sources"] = list(publications.values())
    body["resources"] = [
        {
            "name": "observations",
            "path": "observations.csv",
            "title": "Observations",
            "description": "Une ligne par indicateur, territoire et année, avec sa source.",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": observations_schema(indicator_ids, package_dimensions(meta)),
        },
        {
            "name": "sources",
            "path": "sources.csv",
            "title": "Sources",
            "description": "Publications d'où chaque valeur est tirée, avec la citation exacte.",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": sources_schema(),
        },
    ]
    body["observatory"] = observatory
    return body


def carry_curated(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Keep the fields curated by hand in the existing descriptor (producers as partner
    ids, the social-need score and its sentence, each indicator's recipients): the
    reference table does not hold them, and regenerating must not erase them."""
    new_obs, old_obs = new.get("observatory", {}), old.get("observatory", {})
    producers = old_obs.get("governance", {}).get("producers")
    if producers:
        new_obs.setdefault("governance", {})["producers"] = producers
    for key in ("social_need", "social_need_note"):
        if key in old_obs.get("priority", {}):
            new_obs.setdefault("priority", {})[key] = old_obs["priority"][key]
    recipients = {
        i.get("id"): i["recipients"] for i in old_obs.get("indicators", []) if "recipients" in i
    }
    for indicator in new_obs.get("indicators", []):
        if indicator.get("id") in recipients:
            indicator["recipients"] = recipients[indicator["id"]]
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path, help="chemin de mayotte_facts.csv")
    parser.add_argument("--communes", type=Path, help="chemin de mayotte_communes_ref.csv")
    parser.add_argument(
        "--local",
        type=Path,
        help="chemin de mayotte_facts_communes_2.csv (par défaut : à côté de la table de "
        "référence, s'il existe)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "datapackages")
    parser.add_argument(
        "--replace",
        action="append",
        default=[],
        metavar="NAME",
        help="régénérer ce paquet existant (les lignes ajoutées à la main sont perdues)",
    )
    args = parser.parse_args(argv)
    reference = read_table(args.reference, REFERENCE_COLUMNS)
    local_path = args.local or args.reference.with_name("mayotte_facts_communes_2.csv")
    if args.local is not None or local_path.is_file():
        reference += localise(read_table(local_path, (*REFERENCE_COLUMNS, "geo_name")))
    built = build(reference)
    communes_path = args.communes or args.reference.with_name("mayotte_communes_ref.csv")
    communes = {
        r["insee"]: r["epci_siren"] for r in read_table(communes_path, ("insee", "epci_siren"))
    }
    check_sums(built, communes)
    for meta in PACKAGES:
        name = str(meta["name"])
        folder = args.out / name
        if (folder / "datapackage.json").is_file() and name not in args.replace:
            print(f"{name} : paquet existant non réécrit (les fichiers du dépôt font foi)")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        package = built[name]
        dims = package_dimensions(meta)
        periods = [period_column(r.note) for r in package.rows]
        dated = any(period for period, _ in periods)
        write_csv(
            folder / "observations.csv",
            ["indicateur", "niveau", "code_geo", "annee", *(["periode"] if dated else []),
             "valeur", "source", "note", *dims],
            [
                [r.indicator, r.level, r.code, str(r.year), *([period] if dated else []),
                 r.value, r.source, note] + [dict(r.dims).get(d, "") for d in dims]
                for r, (period, note) in zip(package.rows, periods, strict=True)
            ],
        )  # fmt: skip
        write_csv(
            folder / "sources.csv",
            ["id", "organisme", "titre", "url", "millesime", "secondaire", "citation"],
            [list(s.values()) for s in sorted(package.sources.values(), key=lambda s: s["id"])],
        )
        target = folder / "datapackage.json"
        new = descriptor(meta, package)
        if dated:
            fields = new["resources"][0]["schema"]["fields"]  # type: ignore[index]
            fields[3]["description"] = YEAR_OF_PERIOD
            fields.insert(4, PERIOD_FIELD)
        if target.is_file():
            new = carry_curated(new, json.loads(target.read_text(encoding="utf-8")))
        text = json.dumps(new, ensure_ascii=False, indent=2) + "\n"
        target.write_text(text, encoding="utf-8")
        print(f"{name} : {len(package.rows)} observations, {len(package.sources)} sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
