"""Catalogue pages: data catalogue (one sheet per package), indicator catalogue with its
coverage matrix, schemes inventory, prioritisation matrix and partners network.

Everything is drawn from the packages' metadata, so the catalogues are true at every
release. Filters by theme and by producer are plain pages (readable without JavaScript).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from observatory.core.labels import (
    AGGREGATION,
    FIELD_TYPES,
    FREQUENCIES,
    GDPR,
    LEVEL_NAMES,
    LICENCE_NAMES,
    SENSITIVITY,
    STATUS,
    constraint_label,
    is_reference,
    recipients_label,
    recipients_short,
    theme_packages,
)
from observatory.core.model import LEVELS, Indicator, Package, Partner
from observatory.core.opendata import DatasetInfo, Published
from observatory.core.site import Output, Page, Site
from observatory.core.urls import (
    CATALOGUE,
    CATALOGUE_INDICATORS,
    CATALOGUE_PARTNERS,
    CATALOGUE_PRIORITIES,
    CATALOGUE_SCHEMES,
    catalogue_theme_path,
    indicator_path,
    package_path,
    producer_path,
    public_url,
)
from observatory.studies.tables import coverage_years

NAV = ("Catalogues",)
PRIORITY_CLASSES: tuple[tuple[int, str], ...] = (
    (10, "1 — à intégrer en premier"),
    (8, "2 — à préparer"),
    (0, "3 — à instruire"),
)


def institutions(producer: str) -> tuple[str, ...]:
    """The institutions named in a producer text, for the filter pages:
    ``"INSEE (enquête Emploi) ; France Travail"`` -> ``("INSEE", "France Travail")``.
    Parts after a comma that start in lower case are descriptions, not institutions."""
    names: list[str] = []
    for part in re.split(r"[;,]", re.sub(r"\s*\([^)]*\)", "", producer)):
        name = part.strip()
        if name and not name[0].islower() and name not in names:
            names.append(name)
    return tuple(names) or (producer,)


def producer_filters(site: Site, package: Package) -> tuple[tuple[str, str], ...]:
    """(institution, filter page) for each producer of a package: its partner ids when
    declared (one page per partner, the CSSM once), else the names in the free text."""
    partners = {p.id: p for p in site.project.partners}
    known = [partners[i] for i in package.governance.producers if i in partners]
    if known:
        return tuple((p.acronym or p.name, producer_path(p.id)) for p in known)
    return tuple((name, producer_path(name)) for name in institutions(package.governance.producer))


def priority_class(total: int) -> str:
    return next(label for floor, label in PRIORITY_CLASSES if total >= floor)


@dataclass(frozen=True)
class Row:
    """One package in the catalogue lists."""

    id: str
    title: str
    path: str
    status: str
    themes: tuple[tuple[str, str], ...]  # (title, filter page path)
    producer: str
    producers: tuple[tuple[str, str], ...]  # (institution, filter page path)
    frequency: str
    sensitivity: str
    total: int


def rows(site: Site, packages: list[Package]) -> list[Row]:
    titles = {t.id: t.title for t in site.project.themes}
    return [
        Row(
            id=p.id,
            title=p.title,
            path=package_path(p.id),
            status=STATUS[p.status],
            themes=tuple((titles.get(t, t), catalogue_theme_path(t)) for t in p.themes),
            producer=p.governance.producer,
            producers=producer_filters(site, p),
            frequency=FREQUENCIES.get(p.governance.update_frequency, ""),
            sensitivity=SENSITIVITY[p.governance.sensitivity],
            total=p.priority.total,
        )
        for p in packages
    ]


def data_catalogue(site: Site) -> Iterator[Page]:
    packages = theme_packages(site.project.packages)
    reference = sorted((p for p in site.project.packages if is_reference(p)), key=lambda p: p.id)
    all_rows = rows(site, packages)
    themes = sorted({t for r in all_rows for t in r.themes})
    producers = sorted({pair for r in all_rows for pair in r.producers})
    yield Page(
        path=CATALOGUE,
        title="Catalogue des données",
        template="catalogue/data_index.md.j2",
        context={
            "rows": all_rows,
            "reference": rows(site, reference),
            "themes": themes,
            "producers": producers,
            "heading": "Catalogue des données",
            "available": sum(1 for p in packages if p.status == "available"),
            "desired": sum(1 for p in packages if p.status == "desired"),
        },
        nav=NAV,
        order=0,
        description="Toutes les données de l'observatoire, disponibles et souhaitées.",
    )
    for title, path in themes:
        selected = [r for r in all_rows if (title, path) in r.themes]
        yield _filtered(f"Données du thème « {title} »", path, selected, themes, producers)
    for producer, path in producers:
        selected = [r for r in all_rows if (producer, path) in r.producers]
        yield _filtered(f"Données produites par {producer}", path, selected, themes, producers)


def _filtered(
    title: str,
    path: str,
    selected: list[Row],
    themes: list[tuple[str, str]],
    producers: list[tuple[str, str]],
) -> Page:
    return Page(
        path=path,
        title=title,
        template="catalogue/data_index.md.j2",
        context={
            "rows": selected,
            "reference": [],
            "themes": themes,
            "producers": producers,
            "heading": title,
            "available": sum(1 for r in selected if r.status == STATUS["available"]),
            "desired": sum(1 for r in selected if r.status == STATUS["desired"]),
        },
        description=title,
    )


def package_sheets(site: Site, items: Iterable[Published]) -> Iterator[Page]:
    by_id = {item.package.id: item for item in items}
    titles = {t.id: t.title for t in site.project.themes}
    filtered = {t for p in theme_packages(site.project.packages) for t in p.themes}
    for package in sorted(site.project.packages, key=lambda p: p.id):
        item = by_id.get(package.id)
        jsonld = schema_org(item.info, public_url(site.config)) if item else ""
        yield Page(
            path=package_path(package.id),
            title=package.title,
            template="catalogue/package.md.j2",
            context={
                "p": package,
                "item": item,
                "jsonld": jsonld,
                # a reference package's theme has no filter page: its name, without a link
                "themes": [
                    (titles.get(t, t), catalogue_theme_path(t) if t in filtered else "")
                    for t in package.themes
                ],
                "status": STATUS[package.status],
                "frequency": FREQUENCIES.get(package.governance.update_frequency, ""),
                "gdpr": GDPR.get(package.governance.gdpr, package.governance.gdpr),
                "sensitivity": SENSITIVITY[package.governance.sensitivity],
                "levels": LEVEL_NAMES,
                "field_types": FIELD_TYPES,
                "licence_names": LICENCE_NAMES,
                "constraint": constraint_label,
                "priority": priority_class(package.priority.total),
                "indicator_path": indicator_path,
                "published": set(site.series),
                "release": site.release,
            },
            description=package.description[:300],
        )


@dataclass(frozen=True)
class CoverageRow:
    indicator: Indicator
    level: str
    cells: tuple[bool, ...]
    first: bool  # first row of its indicator


def indicator_catalogue(site: Site) -> Page:
    years_by = coverage_years(site.series.values())
    packages = {p.id: p for p in site.project.packages}
    indicators = sorted(
        (i for p in theme_packages(site.project.packages) for i in p.indicators),
        key=lambda i: (i.theme, i.title),
    )
    # recent years first: the columns a reader looks for are in view without scrolling
    all_years = sorted({y for ys in years_by.values() for y in ys}, reverse=True)
    matrix: list[CoverageRow] = []
    for indicator in indicators:
        levels = [lv for lv in LEVELS if lv in indicator.levels or (indicator.id, lv) in years_by]
        for n, level in enumerate(levels):
            got = set(years_by.get((indicator.id, level), []))
            matrix.append(
                CoverageRow(
                    indicator, LEVEL_NAMES[level], tuple(y in got for y in all_years), n == 0
                )
            )
    return Page(
        path=CATALOGUE_INDICATORS,
        title="Catalogue des indicateurs",
        template="catalogue/indicators.md.j2",
        context={
            "indicators": indicators,
            "packages": packages,
            "years": all_years,
            "matrix": matrix,
            "levels": LEVEL_NAMES,
            "aggregation": AGGREGATION,
            "status": STATUS,
            "frequencies": FREQUENCIES,
            "sensitivity": SENSITIVITY,
            "recipients": recipients_label,
            "recipients_short": recipients_short,
            "indicator_path": indicator_path,
            "package_path": package_path,
            "themes": {t.id: t.title for t in site.project.themes},
        },
        nav=NAV,
        order=1,
        description="Tous les indicateurs, existants et souhaités, et leur couverture.",
    )


def schemes_page(site: Site) -> Page:
    schemes = sorted(site.project.schemes, key=lambda s: s.name)
    indicators = {i.id: i for p in site.project.packages for i in p.indicators}
    packages = {p.id: p for p in site.project.packages}
    return Page(
        path=CATALOGUE_SCHEMES,
        title="Inventaire des dispositifs sociaux",
        template="catalogue/schemes.md.j2",
        context={
            "schemes": schemes,
            "indicators": indicators,
            "packages": packages,
            "themes": {t.id: t.title for t in site.project.themes},
            "indicator_path": indicator_path,
            "package_path": package_path,
        },
        nav=NAV,
        order=2,
        description="Les dispositifs sociaux de Mayotte et les données qui les documentent.",
    )


def priorities_page(site: Site) -> Page:
    packages = sorted(
        theme_packages(site.project.packages),
        key=lambda p: (-p.priority.total, -p.priority.technical_feasibility, p.title),
    )
    return Page(
        path=CATALOGUE_PRIORITIES,
        title="Matrice de priorisation",
        template="catalogue/priorities.md.j2",
        context={
            "packages": packages,
            "classes": {p.id: priority_class(p.priority.total) for p in packages},
            "status": STATUS,
            "package_path": package_path,
            "rules": PRIORITY_CLASSES,
        },
        nav=NAV,
        order=3,
        description="L'ordre d'intégration des données, calculé à partir de leurs scores.",
    )


@dataclass(frozen=True)
class PartnerSheet:
    partner: Partner
    packages: tuple[Package, ...]  # theme packages whose sources name it
    schemes: tuple[str, ...]  # names of the schemes it operates


def partners(site: Site) -> list[PartnerSheet]:
    result = []
    for partner in site.project.partners:
        marks = partner.marks
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, marks)) + r")\b") if marks else None

        def names(text: str, pattern: re.Pattern[str] | None = pattern) -> bool:
            return bool(pattern and pattern.search(text))

        cited = tuple(
            p
            for p in theme_packages(site.project.packages)
            if any(names(s.organisation) for s in p.sources)
        )
        operated = tuple(sorted(s.name for s in site.project.schemes if names(s.operator)))
        result.append(PartnerSheet(partner, cited, operated))
    return sorted(result, key=lambda p: p.partner.name)


def partners_page(site: Site) -> Page:
    return Page(
        path=CATALOGUE_PARTNERS,
        title="Réseau des partenaires",
        template="catalogue/partners.md.j2",
        context={"partners": partners(site), "package_path": package_path},
        nav=NAV,
        order=4,
        description="Les institutions du champ social de Mayotte et leur rôle.",
    )


def produce(site: Site) -> Iterator[Page | Output]:
    yield from data_catalogue(site)
    yield from package_sheets(site, site.open_data.published)
    yield indicator_catalogue(site)
    yield schemes_page(site)
    yield priorities_page(site)
    yield partners_page(site)


def iso_interval(start: str, end: str) -> str:
    """ISO 8601 period for schema.org: whole years as ``2019/2021``, else dates."""
    if start.endswith("-01-01") and end.endswith("-12-31"):
        start, end = start[:4], end[:4]
    return start if start == end else f"{start}/{end}"


def schema_org(info: DatasetInfo, site_url: str) -> str:
    """schema.org ``Dataset`` JSON-LD for the package sheet (Google Dataset Search)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": info.title,
        "description": info.description,
        "identifier": f"observatoire-social-mayotte/{info.id}",
        "url": site_url + info.landing,
        "keywords": list(info.keywords),
        "license": info.license_url,
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "datePublished": info.issued,
        "dateModified": info.modified,
        "creator": {"@type": "Organization", "name": info.publisher},
        "spatialCoverage": {"@type": "Place", "name": "Mayotte, France"},
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f.title,
                "contentUrl": site_url + f.path,
                "encodingFormat": "text/csv" if f.path.endswith(".csv") else "application/json",
                "contentSize": f"{f.size} B",
            }
            for f in info.files
            if not f.path.endswith(".schema.json")
        ],
    }
    if info.period:
        data["temporalCoverage"] = iso_interval(*info.period)
    if info.bbox:
        west, south, east, north = info.bbox
        data["spatialCoverage"]["geo"] = {
            "@type": "GeoShape",
            "box": f"{south} {west} {north} {east}",
        }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
