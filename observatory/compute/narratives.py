"""French text summaries computed from a series: latest value, trend, extremes, rank.

``summarize(series, code, names)`` writes a few plain-text sentences (no markup) about
one territory. It only states what the data says:

- the latest published value and its year (and that the build computed it, if so);
- a suppressed latest year is said to be « couverte par le secret statistique »;
- the trend from the first to the last published year: for a rate (unit starting
  with « % ») the change is in percentage points, otherwise in percent with the
  average annual growth rate; when the indicator has comparability notes the trend
  is flagged « à lire avec prudence », and a series break (« rupture ») is named; a
  value the source gives only approximately, in words, as a floor, or across a series
  revision (its note says so) never starts or ends a trend: it is named instead;
- among territories of the same level at the same year: extremes and the rank
  (« 3e commune sur 17 »), counted over published values only, saying how many are
  secret or missing so nobody reads a rank among 15 as a rank among 17.

Only figures without dimensions (the total) are summarised; a territory with only a
breakdown (e.g. by sex) gets the latest value of each part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from observatory.core.model import Point, Series
from observatory.core.numbers import (
    fmt_as_given,
    fmt_number,
    fmt_ordinal,
    fmt_period,
    fmt_signed,
    fmt_since,
    fmt_when,
)

# level -> (singular, plural, feminine)
LEVEL_NOUNS: Mapping[str, tuple[str, str, bool]] = {
    "commune": ("commune", "communes", True),
    "epci": ("EPCI", "EPCI", False),
    "departement": ("département", "départements", False),
}


def is_percent(unit: str) -> bool:
    """« % », « % des 15-29 ans », « % par an »... : a rate, whose changes are in points."""
    return unit.strip().startswith("%") or unit.strip() in ("points", "point de pourcentage")


def _totals(series: Series) -> list[Point]:
    return [p for p in series.points if not p.dimensions]


# Words of an observation note that make a value unfit to measure a change from or to.
NOT_FOR_TRENDS = ("approch", "arrondi", "environ", "révis", "plancher", "toutes lettres")


def fit_for_trend(point: Point) -> bool:
    """A value as precise as the source measures it, on the series' current definition."""
    note = point.note.lower()
    return not any(word in note for word in NOT_FOR_TRENDS)


def _value(point: Point, series: Series) -> str:
    indicator = series.indicator
    return fmt_as_given(point.value, indicator.unit, indicator.decimals, point.status, point.note)


def _trend(first: Point, last: Point, series: Series) -> str:
    indicator = series.indicator
    assert first.value is not None and last.value is not None
    years = last.year - first.year
    since = fmt_since(first.period, first.year)
    then = fmt_when(first.period, first.year)
    change = last.value - first.value
    if is_percent(indicator.unit):
        # a rate changes in percentage points, at the precision of the data
        decimals = indicator.decimals
        if fmt_number(change, decimals).strip("0,") == "":
            return f"Valeur stable {since} ({_value(first, series)} {then})."
        word = "Hausse" if change > 0 else "Baisse"
        size = fmt_number(abs(change), decimals)
        text = (
            f"{word} de {size} point{'s' if abs(float(size.replace(',', '.'))) >= 2 else ''} "
            f"{since} ({_value(first, series)} {then})"
        )
        if years > 1:
            per_year = change / years
            text += f", soit {fmt_signed(per_year, max(decimals, 1))} point"
            text += f"{'s' if abs(per_year) >= 2 else ''} par an en moyenne"
        return text + "."
    if first.value == 0:
        return f"{_value(first, series)} {then}."
    relative = change / abs(first.value) * 100
    if fmt_number(relative, 1).strip("0,") == "":
        return f"Valeur stable {since} ({_value(first, series)} {then})."
    word = "Hausse" if change > 0 else "Baisse"
    text = (
        f"{word} de {fmt_number(abs(relative), 1)}\u202f% {since} ({_value(first, series)} {then})"
    )
    if first.value > 0 and last.value > 0 and years > 1:
        rate = ((last.value / first.value) ** (1 / years) - 1) * 100
        text += f", soit une évolution annuelle moyenne de {fmt_signed(rate, 1)}\u202f%"
    return text + "."


def _comparison(point: Point, series: Series, names: Mapping[str, str]) -> str:
    noun, plural, feminine = LEVEL_NOUNS.get(point.level, (point.level, point.level, False))
    peers = [p for p in _totals(series) if p.level == point.level and p.year == point.year]
    published = sorted(
        (p for p in peers if p.status == "ok" and p.value is not None),
        key=lambda p: (-(p.value or 0.0), p.code),
    )
    if len(published) < 2:
        return ""
    when = fmt_when(point.period, point.year)
    year = when[0].upper() + when[1:]
    top, bottom = published[0], published[-1]

    def who(value: float | None) -> str:  # every territory sharing the extreme value
        tied = [names.get(p.code, p.code) for p in published if p.value == value]
        return tied[0] if len(tied) == 1 else ", ".join(tied[:-1]) + " et " + tied[-1]

    unpublished = len(peers) - len(published)
    if top.value == bottom.value:
        text = (
            f"{year}, les {len(published)} {plural} dont la valeur est publiée ont "
            f"la même valeur ({_value(top, series)})."
        )
    else:
        text = (
            f"{year}, valeur la plus élevée parmi les {len(published)} {plural} "
            f"dont la valeur est publiée : {who(top.value)} ({_value(top, series)}) ; "
            f"la plus faible : {who(bottom.value)} ({_value(bottom, series)})."
        )
    if unpublished:
        text += (
            f" {unpublished} {plural if unpublished > 1 else noun} sans valeur publiée "
            "(secret statistique ou donnée manquante)."
        )
    if point.status == "ok" and point.value is not None:
        rank = 1 + sum(1 for p in published if (p.value or 0.0) > point.value)
        tied = sum(1 for p in published if p.value == point.value) > 1
        article = "la" if feminine else "le"
        text += (
            f" {names.get(point.code, point.code)} est {article} "
            f"{fmt_ordinal(rank, feminine)} {noun} sur {len(published)}"
            f"{' (ex aequo)' if tied else ''}, de la valeur la plus élevée à la plus faible."
        )
    return text


def _years(points: Sequence[Point]) -> str:
    years = [fmt_period(p.period, p.year) for p in points]
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " et " + years[-1]


def _detailed(series: Series, code: str) -> str:
    """Without a total, the latest values of each breakdown (e.g. by sex)."""
    own = [p for p in series.points if p.code == code and p.dimensions and p.status == "ok"]
    if not own:
        return ""
    year = max(p.year for p in own)
    latest = sorted((p for p in own if p.year == year), key=lambda p: p.dimensions)
    parts = [f"{', '.join(v for _, v in p.dimensions)} : {_value(p, series)}" for p in latest]
    when = fmt_when(latest[0].period, year)
    return f"{' ; '.join(parts)} {when} (pas de total publié)."


def summarize(series: Series, code: str, names: Mapping[str, str]) -> str:
    """A French summary of ``series`` for territory ``code`` (see the module docstring)."""
    name = names.get(code, code)
    title = series.indicator.title
    own = sorted((p for p in _totals(series) if p.code == code), key=lambda p: p.year)
    published = [p for p in own if p.status == "ok" and p.value is not None]
    secret = [p for p in own if p.status == "secret"]
    if not published:
        if secret:
            plural = len(secret) > 1
            return (
                f"{name} : {'les valeurs' if plural else 'la valeur'} de l'indicateur "
                f"« {title} » ({_years(secret)}) {'sont couvertes' if plural else 'est couverte'}"
                " par le secret statistique."
            )
        detailed = _detailed(series, code)
        if detailed:
            return f"{name} : {detailed}"
        return f"Aucune donnée n'est disponible pour {name} sur l'indicateur « {title} »."
    last = published[-1]
    sentences = [f"{name} : {_value(last, series)} {fmt_when(last.period, last.year)}."]
    if last.computed:
        sentences[-1] = sentences[-1][:-1] + " (valeur calculée par l'observatoire)."
    later_secret = [p for p in secret if p.year > last.year]
    if later_secret:
        sentences.append(
            f"La valeur de {_years(later_secret)} est couverte par le secret statistique."
        )
    measured = [p for p in published if fit_for_trend(p)]
    left_out = [p for p in published if not fit_for_trend(p)]
    if len(measured) > 1 and measured[-1] is last:
        sentences.append(_trend(measured[0], last, series))
    if left_out and len(published) > 1:
        many = len(left_out) > 1
        subject, verb = ("Les valeurs", "n'entrent") if many else ("La valeur", "n'entre")
        sentences.append(
            f"{subject} de {_years(left_out)} {verb} dans aucune évolution : "
            "approchée, arrondie ou révisée par la source (voir la note)."
        )
    if len(published) > 1:
        comparability = series.indicator.comparability.lower()
        if "rupture" in comparability:
            sentences.append(
                "Rupture de série signalée : évolution à lire avec prudence "
                "(voir les notes de comparabilité de l'indicateur)."
            )
        elif comparability:
            sentences.append(
                "Évolution à lire avec prudence (voir les notes de comparabilité de l'indicateur)."
            )
        between = [p for p in secret if published[0].year < p.year < last.year]
        if between:
            sentences.append(f"Valeur de {_years(between)} couverte par le secret statistique.")
    comparison = _comparison(last, series, names)
    if comparison:
        sentences.append(comparison)
    return " ".join(sentences)
