"""Shortcodes of study bodies: figures, charts and tables drawn from the data at build time.

A study writes ``{{ chiffre("population_municipale", "976", 2017) }}`` and the build puts
the number of the data there, so that the number in the text IS the number in the data.
An unknown indicator, territory or year is a problem of ``build.py check``, never a blank.

Shortcodes are declared as data (``SHORTCODES``); arguments are Python literals parsed with
``ast.literal_eval`` (no code runs). Handlers return HTML, inserted in the Markdown body.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from markupsafe import escape

from observatory.core.model import LEVELS, Project, Series, Study
from observatory.core.numbers import fmt_number
from observatory.core.problems import Problem
from observatory.core.urls import indicator_url
from observatory.studies.context import Context, ShortcodeError, ValueKey
from observatory.studies.tables import TABLES

PATTERN = re.compile(r"\{\{\s*([a-z_]+)\s*\((.*?)\)\s*\}\}")


def values_from_project(project: Project) -> dict[ValueKey, float | None]:
    """Published values, as read from the packages' observations."""
    return {
        (o.indicator, o.code, o.year, tuple(sorted(o.dimensions))): o.value
        for o in project.observations
    }


def values_from_series(series: tuple[Series, ...]) -> dict[ValueKey, float | None]:
    """Values after aggregation and statistical secrecy (a secret value is None)."""
    return {
        (s.indicator.id, p.code, p.year, tuple(sorted(p.dimensions))): (
            p.value if p.status == "ok" else None
        )
        for s in series
        for p in s.points
    }


def _args(raw: str) -> tuple[list[object], dict[str, object]]:
    call = ast.parse(f"f({raw})", mode="eval").body
    assert isinstance(call, ast.Call)
    args = [ast.literal_eval(a) for a in call.args]
    kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    return args, kwargs


def chiffre(ctx: Context, args: list[object], kwargs: dict[str, object]) -> str:
    """``chiffre(indicateur, code_geo, annee, sexe="femmes")``: one published value."""
    if len(args) != 3 or not isinstance(args[2], int):
        raise ShortcodeError(
            "chiffre() attend trois arguments : indicateur, code géographique, année",
            'Écrivez par exemple {{ chiffre("population_municipale", "976", 2017) }}.',
            ", ".join(map(str, args)),
        )
    indicator = ctx.indicator(args[0])
    code, year = str(args[1]), args[2]
    if code not in {t.code for t in ctx.project.territories}:
        raise ShortcodeError(
            f"territoire inconnu « {code} »",
            "Utilisez un code du référentiel : commune 976xx, SIREN d'EPCI ou 976.",
            code,
        )
    dims = tuple(sorted((str(k), str(v)) for k, v in kwargs.items()))
    key = (indicator.id, code, year, dims)
    if key not in ctx.values:
        years = sorted({k[2] for k in ctx.values if k[0] == indicator.id and k[1] == code})
        listing = ", ".join(map(str, years)) or "aucune"
        raise ShortcodeError(
            f"aucune valeur de « {indicator.id} » pour {code} en {year}",
            f"Choisissez une année publiée pour ce territoire (disponibles : {listing}).",
            f"{indicator.id}, {code}, {year}",
        )
    value = ctx.values[key]
    if value is None:
        raise ShortcodeError(
            f"la valeur de « {indicator.id} » pour {code} en {year} n'est pas publiée "
            "(secret statistique ou valeur absente)",
            "Citez un autre territoire ou une autre année, ou retirez ce chiffre.",
            f"{indicator.id}, {code}, {year}",
        )
    shown = fmt_number(value, indicator.decimals)
    return (
        f'<span class="chiffre" data-indicateur="{escape(indicator.id)}" '
        f'data-code="{escape(code)}" data-annee="{year}" data-valeur="{value:g}">'
        f"{shown}</span>"
    )


def graphique(ctx: Context, args: list[object], kwargs: dict[str, object]) -> str:
    """``graphique(indicateur)``: the indicator's series as an accessible table and a link."""
    if len(args) != 1:
        raise ShortcodeError(
            "graphique() attend un argument : l'identifiant de l'indicateur",
            'Écrivez par exemple {{ graphique("naissances") }}.',
            ", ".join(map(str, args)),
        )
    indicator = ctx.indicator(args[0])
    level = str(kwargs.get("niveau", "departement"))
    if level not in LEVELS:
        raise ShortcodeError(
            f"niveau inconnu « {level} »",
            'Choisissez niveau="commune", "epci" ou "departement".',
            level,
        )
    names = {t.code: t.name for t in ctx.project.territories if t.level == level}
    rows = sorted(
        (k[1], k[2], v)
        for k, v in ctx.values.items()
        if k[0] == indicator.id and k[1] in names and not k[3] and v is not None
    )
    if not rows:
        raise ShortcodeError(
            f"aucune valeur publiée de « {indicator.id} » au niveau {level}",
            'Choisissez un autre niveau (niveau="commune") ou un indicateur disponible.',
            indicator.id,
        )
    url = f"{ctx.base_url}{indicator_url(indicator.id)}"
    body = "".join(
        f'<tr><th scope="row">{escape(names[code])}</th><td>{year}</td>'
        f'<td class="nombre">{fmt_number(value, indicator.decimals)}</td></tr>'
        for code, year, value in rows
    )
    svg = ctx.charts.get(indicator.id, "") if level == "departement" else ""
    svg = " ".join(svg.split("\n"))  # one raw HTML block: no blank line inside
    return (
        f'<figure class="graphique-etude" data-indicateur="{escape(indicator.id)}">{svg}'
        f'<div class="obs-table" tabindex="0" role="region" '
        f'aria-label="{escape(indicator.title)}"><table class="obs-tableau">'
        f"<caption>{escape(indicator.title)} "
        f"({escape(indicator.unit)})</caption>"
        '<thead><tr><th scope="col">Territoire</th><th scope="col">Année</th>'
        f'<th scope="col">Valeur</th></tr></thead><tbody>{body}</tbody></table></div>'
        f'<figcaption><a href="{escape(url)}">Graphique, carte et sources de '
        f"l'indicateur « {escape(indicator.title)} »</a></figcaption></figure>"
    )


def tableau(ctx: Context, args: list[object], kwargs: dict[str, object]) -> str:
    """``tableau(nom)``: a table drawn from the catalogues (see ``studies.tables.TABLES``)."""
    name = str(args[0]) if len(args) == 1 else ""
    if name not in TABLES:
        raise ShortcodeError(
            f"tableau inconnu « {name} »",
            "Tableaux possibles : " + ", ".join(sorted(TABLES)) + ".",
            name,
        )
    return TABLES[name](ctx, kwargs)


Handler = Callable[[Context, list[object], dict[str, object]], str]
SHORTCODES: dict[str, Handler] = {"chiffre": chiffre, "graphique": graphique, "tableau": tableau}


def expand(study: Study, ctx: Context) -> tuple[str, list[Problem]]:
    """Replace every shortcode of the body; problems carry the line in index.md."""
    rel = (study.path / "index.md").relative_to(ctx.project.root).as_posix()
    problems: list[Problem] = []

    def line_of(pos: int) -> int:
        return study.body.count("\n", 0, pos) + 1

    def replace(match: re.Match[str]) -> str:
        name, raw = match.group(1), match.group(2)
        try:
            if name not in SHORTCODES:
                raise ShortcodeError(
                    f"raccourci inconnu « {name} »",
                    "Raccourcis possibles : " + ", ".join(sorted(SHORTCODES)) + ".",
                    match.group(0),
                )
            try:
                args, kwargs = _args(raw)
            except (SyntaxError, ValueError) as error:
                raise ShortcodeError(
                    f"arguments illisibles dans {name}()",
                    "Écrivez les textes entre guillemets droits et les années en chiffres, "
                    'par exemple {{ chiffre("naissances", "976", 2019) }}.',
                    match.group(0),
                ) from error
            return SHORTCODES[name](ctx, args, kwargs)
        except ShortcodeError as error:
            problems.append(
                Problem(
                    file=rel,
                    row=line_of(match.start()),
                    value=error.value,
                    code="etude-raccourci",
                    message=error.message,
                    fix=error.fix,
                )
            )
            return ""

    return PATTERN.sub(replace, study.body), problems
