"""Tables a study embeds with ``{{ tableau("nom") }}``, drawn from the catalogues at build.

The data and indicator mapping report cites these instead of pasting tables, so that its
tables are those of the release. Each table is a function returning HTML; ``TABLES`` is
the list of names a study may use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from markupsafe import Markup, escape

from observatory.core.labels import FREQUENCIES, LEVEL_NAMES, STATUS, theme_packages
from observatory.core.model import LEVELS, Package, Project, Series
from observatory.core.numbers import fmt_number
from observatory.core.urls import package_url
from observatory.studies.context import Context, ShortcodeError
from observatory.studies.scenarios import read_cost_model


def html_table(
    caption: str, headers: Iterable[str], rows: Iterable[Iterable[str | Markup]], css: str
) -> str:
    """One-line HTML table (a raw HTML block in Markdown); the first cell heads its row."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = ""
    for row in rows:
        cells = list(row)
        body += f'<tr><th scope="row">{escape(cells[0])}</th>'
        body += "".join(f"<td>{escape(c)}</td>" for c in cells[1:]) + "</tr>"
    return (
        f'<div class="obs-table" tabindex="0" role="region" aria-label="{escape(caption)}">'
        f'<table class="{css}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _link(base_url: str, package_id: str, title: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(f"{base_url}{package_url(package_id)}", title)


def _package_cells(project: Project, base_url: str, package: Package) -> tuple[Markup, str]:
    """The first two cells of a package row: its linked title and its themes."""
    titles = {t.id: t.title for t in project.themes}
    themes = ", ".join(titles.get(i, i) for i in package.themes)
    return _link(base_url, package.id, package.title), themes


def available(ctx: Context, kw: Mapping[str, object]) -> str:
    project, base_url = ctx.project, ctx.base_url
    rows = [
        (
            *_package_cells(project, base_url, p),
            p.governance.producer,
            FREQUENCIES.get(p.governance.update_frequency, p.governance.update_frequency),
            str(sum(1 for i in p.indicators if i.status == "available")),
        )
        for p in theme_packages(project.packages)
        if p.status == "available"
    ]
    headers = ("Paquet de données", "Thèmes", "Producteur", "Mise à jour", "Indicateurs publiés")
    return html_table("Données disponibles", headers, rows, "tableau-paquets")


def desired(ctx: Context, kw: Mapping[str, object]) -> str:
    project, base_url = ctx.project, ctx.base_url
    rows = [
        (
            *_package_cells(project, base_url, p),
            p.desired.needed,
            p.desired.likely_producer,
            ", ".join(LEVEL_NAMES[level] for level in p.desired.levels) or "—",
        )
        for p in theme_packages(project.packages)
        if p.status == "desired" and p.desired is not None
    ]
    headers = ("Donnée souhaitée", "Thèmes", "Besoin", "Producteur pressenti", "Niveaux")
    return html_table("Données souhaitées", headers, rows, "tableau-besoins")


def coverage_years(series: Iterable[Series]) -> dict[tuple[str, str], list[int]]:
    """(indicator, level) -> sorted years with at least one published value, after
    aggregation (an EPCI summed from its communes counts) and statistical secrecy:
    ``series`` are those computed by ``compute.indicators.compute_series``."""
    found: dict[tuple[str, str], set[int]] = {}
    for one in series:
        for point in one.points:
            if point.status == "ok" and point.value is not None:
                found.setdefault((one.indicator.id, point.level), set()).add(point.year)
    return {k: sorted(v) for k, v in found.items()}


def years_text(years: list[int]) -> str:
    if not years:
        return "—"
    if len(years) <= 3:
        return ", ".join(map(str, years))
    return f"{years[0]}–{years[-1]} ({len(years)} années)"


def coverage(ctx: Context, kw: Mapping[str, object]) -> str:
    project = ctx.project
    years = coverage_years(ctx.series.values())
    rows = []
    for package in theme_packages(project.packages):
        for indicator in sorted(package.indicators, key=lambda i: i.id):
            cells: list[str | Markup] = [indicator.title]
            for level in LEVELS:
                got = years.get((indicator.id, level), [])
                cells.append(years_text(got) if got else "manquant")
            cells.append(STATUS[indicator.status])
            rows.append(cells)
    rows.sort(key=lambda r: str(r[0]))
    headers = ("Indicateur", "Commune", "EPCI", "Département", "Statut")
    return html_table("Couverture des indicateurs par niveau", headers, rows, "tableau-couverture")


def priorities(ctx: Context, kw: Mapping[str, object]) -> str:
    project, base_url = ctx.project, ctx.base_url
    packages = sorted(theme_packages(project.packages), key=lambda p: (-p.priority.total, p.title))
    rows = [
        (
            _link(base_url, p.id, p.title),
            STATUS[p.status],
            str(p.priority.partner_commitment),
            str(p.priority.data_integrity),
            str(p.priority.technical_feasibility),
            str(p.priority.social_need),
            str(p.priority.total),
        )
        for p in packages
    ]
    headers = (
        "Paquet",
        "Statut",
        "Engagement",
        "Intégrité",
        "Faisabilité",
        "Besoin social",
        "Total",
    )
    return html_table("Matrice de priorisation", headers, rows, "tableau-priorites")


def _euros(value: object) -> str:
    return fmt_number(float(str(value)), 0) + "\u00a0€"


def costs(ctx: Context, kw: Mapping[str, object]) -> str:
    project = ctx.project
    folder = ctx.study.path.relative_to(project.root).as_posix()
    model, problems = read_cost_model(dict(ctx.study.files), folder)
    if model is None:
        files = sorted({p.file for p in problems})
        raise ShortcodeError(
            "le tableau des coûts ne peut pas être calculé : "
            + " et ".join(files)
            + (" contient" if len(files) == 1 else " contiennent")
            + " des erreurs",
            "Corrigez d'abord les problèmes signalés sur ces fichiers.",
        )
    names = [s.name for s in model.scenarios]
    rows = []
    for p in model.parameters:
        values = [fmt_number(float(v), 2).removesuffix(",00") for v in p.values]
        rows.append((f"{p.label} ({p.unit})", *values, p.nature))
    params = html_table(
        "Paramètres de décision (à remplir par l'acheteur)",
        ("Paramètre", *names, "Nature des valeurs"),
        rows,
        "tableau-parametres",
    )
    totals = [model.totals(i) for i in range(len(model.scenarios))]
    years = [fmt_number(float(model.value("duree_annees", i)), 0) for i in range(len(names))]
    total_rows = [
        (
            "Jours-personne (développement, migration, formation)",
            *(fmt_number(float(t.days), 0) for t in totals),
        ),
        ("Coût initial", *(_euros(t.one_off) for t in totals)),
        ("Coût annuel récurrent", *(_euros(t.yearly) for t in totals)),
        ("Coût total sur la durée d'analyse", *(_euros(t.total) for t in totals)),
        ("Durée d'analyse (années)", *years),
    ]
    caption = "Totaux calculés à la construction du site"
    if model.has_examples:
        caption += " — valeurs d'exemple, pas des devis"
    result = params + "\n\n" + html_table(caption, ("Total", *names), total_rows, "tableau-totaux")
    if model.has_examples:
        result = (
            '<p class="avertissement"><strong>Exemple</strong> : les valeurs marquées '
            "« exemple » illustrent le calcul ; elles ne sont ni des devis ni des prix "
            "publiés. Remplacez-les par vos devis dans parametres.csv.</p>\n\n" + result
        )
    return result


TableFn = Callable[[Context, Mapping[str, object]], str]
TABLES: dict[str, TableFn] = {
    "couts": costs,
    "couverture": coverage,
    "paquets_disponibles": available,
    "paquets_souhaites": desired,
    "priorites": priorities,
}
