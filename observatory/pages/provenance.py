"""Downloads that carry their provenance, like Our World in Data's.

For each indicator: the facts a reader needs to reuse the figures (title, unit,
definition, numerator and denominator, comparability, sources with their URL, licence,
release, citation) — the same facts as the indicator page — written

- as the « À propos » sheet of the XLSX download (``about_rows``);
- in a ZIP (``indicator_zip``): the CSV, a Frictionless ``datapackage.json`` with title,
  unit, definition, sources and licence, and a short French ``LISEZMOI.md``.

Bytes are deterministic: fixed ZIP dates, sorted keys.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

from observatory.core.model import Indicator, Package
from observatory.pages.tables import FIXED_ZIP_DATE, Table

SITE_TITLE = "Observatoire social et médico-social de Mayotte"


@dataclass(frozen=True)
class Provenance:
    indicator: Indicator
    package: Package
    table: Table
    unit: str  # as the page shows it
    release: str
    citation: str
    permalink: str

    @property
    def licence(self) -> tuple[str, str]:
        """(title, URL) of the package's first licence."""
        if not self.package.licenses:
            return ("Licence non précisée", "")
        name, path = self.package.licenses[0]
        title = "Licence Ouverte 2.0 (Etalab)" if name == "etalab-2.0" else name
        return title, path


def source_text(table: Table) -> str:
    """The organisations behind a table's figures, in one line (second-hand flagged)."""
    names = dict.fromkeys(
        s.organisation + (" (source secondaire)" if s.secondary else "") for s in table.sources
    )
    return " ; ".join(names)


def about_rows(p: Provenance) -> list[tuple[str, str]]:
    ind = p.indicator
    licence, licence_url = p.licence
    rows = [
        ("Titre", ind.title),
        ("Unité", p.unit),
        ("Définition", ind.definition),
    ]
    if ind.numerator:
        rows.append(("Numérateur", ind.numerator))
    if ind.denominator:
        rows.append(("Dénominateur", ind.denominator))
    if ind.comparability:
        rows.append(("Comparabilité", ind.comparability))
    for s in p.table.sources:
        second = ", source secondaire" if s.secondary else ""
        rows.append(("Source", f"{s.organisation} — {s.title} ({s.vintage}{second}) — {s.url}"))
    rows += [
        ("Licence", f"{licence} — {licence_url}" if licence_url else licence),
        ("Producteur du jeu de données", p.package.governance.producer),
        ("Publication des données", p.release),
        ("Adresse permanente", p.permalink),
        ("Comment citer", p.citation),
        ("Publié par", SITE_TITLE),
    ]
    return rows


def descriptor(p: Provenance, csv_name: str) -> dict[str, object]:
    ind = p.indicator
    licence, licence_url = p.licence
    labels = p.table.labels

    def column(name: str, description: str = "") -> dict[str, object]:
        out: dict[str, object] = {"name": name, "type": "string"}
        if description:
            out["description"] = description
        return out

    fields = [
        column("Code", "Code officiel du territoire"),
        column("Territoire"),
        column("Niveau"),
        *(column(d) for d in p.table.dimensions),
        *(
            column(
                label,
                f"Valeur {label} en {p.unit} (nombre au point décimal, vide si absente, "
                "« secret statistique » si masquée)",
            )
            for label in labels
        ),
        column("Unité"),
        column("Sources"),
        column("Notes", "Notes de la source sur les valeurs de la ligne, après leur période"),
    ]
    return {
        "name": ind.id.replace("_", "-"),
        "title": ind.title,
        "description": ind.definition,
        "version": p.release,
        "licenses": [{"name": p.package.licenses[0][0], "path": licence_url, "title": licence}]
        if p.package.licenses
        else [],
        "sources": [
            {"title": s.title, "path": s.url, "organisation": s.organisation}
            for s in p.table.sources
        ],
        "contributors": [{"title": SITE_TITLE, "role": "publisher"}],
        "homepage": p.permalink,
        "observatory": {
            "unit": p.unit,
            "numerator": ind.numerator,
            "denominator": ind.denominator,
            "comparability": ind.comparability,
            "citation": p.citation,
        },
        "resources": [
            {
                "name": "donnees",
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields},
            }
        ],
    }


def readme(p: Provenance, csv_name: str) -> str:
    lines = [f"# {p.indicator.title}", ""]
    lines += [f"- **{label}** : {value}" for label, value in about_rows(p)]
    lines += [
        "",
        f"Le fichier `{csv_name}` contient une ligne par territoire et une colonne par année, "
        "ou par période telle que la source la donne (« 2012-2017 », « 1er trimestre 2024 ») ; "
        "la colonne « Notes » donne les précisions de la source sur les valeurs ; "
        "une valeur masquée par le secret statistique est écrite « secret statistique », une "
        "valeur absente est vide (jamais zéro). `datapackage.json` décrit le fichier au format "
        "Frictionless Data Package.",
        "",
    ]
    return "\n".join(lines)


def indicator_zip(p: Provenance, csv: bytes) -> bytes:
    folder = p.indicator.id
    csv_name = f"{folder}.csv"
    files = {
        f"{folder}/{csv_name}": csv,
        f"{folder}/datapackage.json": (
            json.dumps(descriptor(p, csv_name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        ).encode("utf-8"),
        f"{folder}/LISEZMOI.md": readme(p, csv_name).encode("utf-8"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, files[name])
    return out.getvalue()
