"""Writes the synthetic fixture project's package to disk (descriptor + CSV), so that the
open-data stage can copy, hash and zip real files. Values are synthetic."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from observatory.compute.opendata import for_site
from observatory.core.model import Project
from observatory.core.site import Site
from observatory.source.load import read_package_files
from tests.observatory.test_pipeline_project import fixture_config, fixture_project

FIELDS: list[dict[str, Any]] = [
    {"name": "indicateur", "type": "string", "constraints": {"required": True}},
    {"name": "niveau", "type": "string", "constraints": {"required": True}},
    {"name": "code_geo", "type": "string", "constraints": {"required": True}},
    {"name": "annee", "type": "integer", "constraints": {"required": True}},
    {"name": "valeur", "type": "number"},
    {"name": "source", "type": "string", "constraints": {"required": True}},
    {"name": "note", "type": "string"},
]
SOURCE_FIELDS: list[dict[str, Any]] = [
    {"name": n, "type": "boolean" if n == "secondaire" else "string"}
    for n in ("id", "organisme", "titre", "url", "millesime", "secondaire", "citation")
]


def _csv(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_packages(project: Project) -> None:
    for package in project.packages:
        package.path.mkdir(parents=True, exist_ok=True)
        ids = {i.id for i in package.indicators}
        rows = [
            [o.indicator, o.level, o.code, o.year, "" if o.value is None else o.value, o.source, ""]
            for o in sorted(project.observations, key=lambda o: (o.indicator, o.code, o.year))
            if o.indicator in ids
        ]
        (package.path / "observations.csv").write_text(
            _csv([f["name"] for f in FIELDS], rows), encoding="utf-8"
        )
        sources = [
            [s.id, s.organisation, s.title, s.url, s.vintage, str(s.secondary).lower(), s.quote]
            for s in package.sources
        ]
        (package.path / "sources.csv").write_text(
            _csv([f["name"] for f in SOURCE_FIELDS], sources), encoding="utf-8"
        )
        descriptor = {
            "name": package.id,
            "title": package.title,
            "description": package.description,
            "licenses": [{"name": n, "path": p} for n, p in package.licenses],
            "resources": [
                {
                    "name": "observations",
                    "path": "observations.csv",
                    "profile": "tabular-data-resource",
                    "schema": {
                        "fields": FIELDS,
                        "foreignKeys": [
                            {
                                "fields": "source",
                                "reference": {"resource": "sources", "fields": "id"},
                            }
                        ],
                    },
                },
                {
                    "name": "sources",
                    "path": "sources.csv",
                    "profile": "tabular-data-resource",
                    "schema": {"fields": SOURCE_FIELDS, "primaryKey": ["id"]},
                },
            ],
        }
        (package.path / "datapackage.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8"
        )


def fixture_site(root: Path) -> Site:
    project = with_files(fixture_project(root))
    # the open-data files of a publication: absolute addresses under the site URL
    config = dataclasses.replace(fixture_config(root), site_url="http://localhost:8000/")
    return for_site(Site(project=project, config=config, release="2026-11-15"))


def with_files(project: Project) -> Project:
    """The packages written to disk and read back as the loader reads them."""
    write_packages(project)
    packages = tuple(
        dataclasses.replace(p, files=read_package_files(p.path)) for p in project.packages
    )
    return dataclasses.replace(project, packages=packages)
