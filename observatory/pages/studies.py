"""Study pages: one page per study (figures and tables resolved from the data), lists by
theme, partner and year, the study's files (PDF, parameters) and an Atom feed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from observatory.core.labels import licence_label
from observatory.core.model import Study
from observatory.core.numbers import fmt_date
from observatory.core.site import Output, Page, Site
from observatory.core.urls import (
    STUDIES,
    STUDIES_FEED,
    indicator_path,
    package_path,
    public_url,
    studies_partner_path,
    studies_theme_path,
    studies_year_path,
    study_file_path,
    study_path,
    study_url,
    url_of,
)
from observatory.studies.context import Context
from observatory.studies.shortcodes import expand, values_from_series

NAV = ("Études",)


@dataclass(frozen=True)
class Card:
    study: Study
    path: str
    date: str
    themes: tuple[tuple[str, str], ...]  # (title, list page path)
    partner_path: str
    year_path: str


def cards(site: Site, studies: tuple[Study, ...]) -> list[Card]:
    titles = {t.id: t.title for t in site.project.themes}
    return [
        Card(
            study=s,
            path=study_path(s.slug),
            date=fmt_date(s.date),
            themes=tuple((titles.get(t, t), studies_theme_path(t)) for t in s.themes),
            partner_path=studies_partner_path(s.partner),
            year_path=studies_year_path(s.date[:4]),
        )
        for s in studies
    ]


def list_page(path: str, title: str, selected: list[Card], every: list[Card], order: int) -> Page:
    return Page(
        path=path,
        title=title,
        template="studies/list.md.j2",
        context={
            "heading": title,
            "cards": selected,
            "themes": sorted({t for c in every for t in c.themes}),
            "partners": sorted({(c.study.partner, c.partner_path) for c in every}),
            "years": sorted({(c.study.date[:4], c.year_path) for c in every}, reverse=True),
            "feed": STUDIES_FEED,
        },
        nav=NAV if path == STUDIES else (),
        order=order,
        description=title,
    )


def study_page(
    site: Site,
    card: Card,
    values: dict[tuple[str, str, int, tuple[tuple[str, str], ...]], float | None],
) -> Page:
    study = card.study
    prefix = "../" * study_url(study.slug).count("/")
    charts = {k: c.svg for k, c in site.charts.items()}
    body, _ = expand(study, Context(site.project, values, study, prefix, charts, site.series))
    indicators = {i.id: i for p in site.project.packages for i in p.indicators}
    packages = {p.id: p for p in site.project.packages}
    return Page(
        path=card.path,
        title=study.title,
        template="studies/study.md.j2",
        context={
            "card": card,
            "s": study,
            "body": body.strip("\n"),
            "indicators": [
                (indicators[i].title, indicator_path(i) if i in site.series else "")
                for i in study.indicators
                if i in indicators
            ],
            "packages": [
                (packages[p].title, package_path(p)) for p in study.packages if p in packages
            ],
            "files": [name for name, _ in study.files],
            "licence": licence_label(study.licence),
            "site_url": public_url(site.config),
        },
        nav=NAV,
        order=1,
        description=study.summary,
    )


LOCAL_IDS = "urn:observatoire-social-mayotte:"


def feed(site: Site, studies: tuple[Study, ...]) -> bytes:
    """Atom 1.0 feed of the studies, newest first, dated by their publication date."""
    base = public_url(site.config)
    # Atom ids are absolute IRIs: a local build (relative addresses) names them by a URN
    ids = base if base.startswith(("http://", "https://")) else LOCAL_IDS
    updated = max((s.date for s in studies), default="1970-01-01")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
        "  <title>Études de l'observatoire social et médico-social de Mayotte</title>",
        f"  <id>{escape(ids + url_of(STUDIES))}</id>",
        f'  <link rel="self" href={quoteattr(base + STUDIES_FEED)}/>',
        f'  <link rel="alternate" href={quoteattr(base + url_of(STUDIES))}/>',
        f"  <updated>{updated}T00:00:00Z</updated>",
        "  <author><name>Observatoire social et médico-social de Mayotte</name></author>",
    ]
    for s in studies:
        url = base + study_url(s.slug)
        lines += [
            "  <entry>",
            f"    <title>{escape(s.title)}</title>",
            f"    <id>{escape(ids + study_url(s.slug))}</id>",
            f'    <link rel="alternate" href={quoteattr(url)}/>',
            f"    <published>{s.date}T00:00:00Z</published>",
            f"    <updated>{s.date}T00:00:00Z</updated>",
            *(f"    <author><name>{escape(a)}</name></author>" for a in s.authors),
            *(f"    <category term={quoteattr(t)}/>" for t in s.themes),
            f"    <summary>{escape(s.summary)}</summary>",
            f"    <rights>{escape(s.licence)}</rights>",
            "  </entry>",
        ]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def produce(site: Site) -> Iterator[Page | Output]:
    studies = site.project.studies
    every = cards(site, studies)
    yield list_page(STUDIES, "Études", every, every, 0)
    for title, path in sorted({t for c in every for t in c.themes}):
        yield list_page(
            path,
            f"Études du thème « {title} »",
            [c for c in every if (title, path) in c.themes],
            every,
            0,
        )
    for partner, path in sorted({(c.study.partner, c.partner_path) for c in every}):
        yield list_page(
            path,
            f"Études publiées par {partner}",
            [c for c in every if c.partner_path == path],
            every,
            0,
        )
    for year, path in sorted({(c.study.date[:4], c.year_path) for c in every}):
        yield list_page(
            path, f"Études publiées en {year}", [c for c in every if c.year_path == path], every, 0
        )
    values = values_from_series(tuple(site.series.values()))
    for card in every:
        yield study_page(site, card, values)
        for name, content in card.study.files:
            media = "application/pdf" if name.endswith(".pdf") else "text/csv"
            yield Output(study_file_path(card.study.slug, name), content, media)
    yield Output(STUDIES_FEED, feed(site, studies), "application/atom+xml")
