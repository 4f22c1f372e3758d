"""Charts: SVG precomputed in French, secret values never drawn, stable bytes."""

from __future__ import annotations

import json
import re

import pytest

from observatory.compute.chart_specs import ChartJob, build_spec, chart_kind
from observatory.compute.charts import render_charts
from observatory.core.model import Indicator, Point, Series
from observatory.core.site import Chart

N = "\u202f"
B = "\u00a0"
NAMES = (("97601", "Acoua"), ("97602", "Bandraboua"), ("97603", "Bandrélé"))


def indicator(chart: str = "line", unit: str = "habitants", decimals: int = 0) -> Indicator:
    return Indicator(
        id="population",
        title="Population municipale",
        unit=unit,
        definition="Nombre d'habitants.",
        package="demographie",
        theme="demographie",
        levels=("commune",),
        chart=chart,
        decimals=decimals,
    )


def series(chart: str = "line", unit: str = "habitants", decimals: int = 0) -> Series:
    """Acoua 2017–2020, Bandraboua with 2019 secret, Bandrélé secret in 2020."""
    points = []
    for i, code in enumerate(("97601", "97602")):
        for year in (2017, 2018, 2019, 2020):
            if (code, year) == ("97602", 2019):
                points.append(Point(code, "commune", year, None, status="secret"))
            else:
                points.append(Point(code, "commune", year, 1000.0 * (i + 1) + year - 2000))
    points.append(Point("97603", "commune", 2020, None, status="secret"))
    return Series(indicator(chart, unit, decimals), tuple(points))


def texts(svg: str) -> list[str]:
    return re.findall(r">([^<]+)</text>", svg)


@pytest.fixture(scope="module")
def charts() -> tuple[Chart, ...]:
    jobs = [
        ChartJob("graphique-population", series(), ("97601", "97602"), "Population", NAMES),
        ChartJob(
            "graphique-taux",
            series("bar", "%", 1),
            ("97601", "97602", "97603"),
            "Taux",
            NAMES,
        ),
    ]
    return render_charts(jobs)


def test_kind_follows_declaration_and_years() -> None:
    assert chart_kind(ChartJob("a", series(), ("97601",), "t")) == "line"
    assert chart_kind(ChartJob("a", series("bar"), ("97601", "97602"), "t")) == "bar"
    assert chart_kind(ChartJob("a", series("bar"), ("97601",), "t")) == "columns"
    # a single year of data is a comparison between territories
    assert chart_kind(ChartJob("a", series(), ("97603",), "t")) == "bar"


def test_line_chart_svg_is_french_and_inline_ready(charts: tuple[Chart, ...]) -> None:
    chart = charts[0]
    assert chart.id == "graphique-population"
    assert chart.svg.startswith("<svg ")
    assert "<?xml" not in chart.svg
    assert f"1{N}000" in texts(chart.svg)  # French thousands separator on the axis
    assert texts(chart.svg)[:5] == ["2017", "2018", "2019", "2020", "Année"]
    assert "Acoua" in texts(chart.svg)


def test_no_english_aria_from_vega(charts: tuple[Chart, ...]) -> None:
    for chart in charts:
        assert "aria-roledescription" not in chart.svg
        assert "aria-label=" not in chart.svg
        assert re.findall(r'role="([^"]+)"', chart.svg) == ["img"]
        assert f'aria-labelledby="{chart.id}-titre"' in chart.svg
        assert f'<title id="{chart.id}-titre">{chart.alt}</title>' in chart.svg


def test_ids_derive_from_chart_id(charts: tuple[Chart, ...]) -> None:
    for chart in charts:
        ids = re.findall(r'\sid="([^"]+)"', chart.svg)
        assert ids, "Vega clip paths are expected"
        assert all(i.startswith(chart.id + "-") for i in ids)
        for ref in re.findall(r"url\(#([^)]+)\)", chart.svg):
            assert ref in ids


def test_secret_point_breaks_the_line_and_is_named(charts: tuple[Chart, ...]) -> None:
    chart = charts[0]
    assert chart.alt == (
        "Graphique en courbes « Population » (habitants) pour Acoua et Bandraboua, "
        "de 2017 à 2020. Dernières valeurs connues : "
        f"Acoua : 1{N}020\u00a0habitants en 2020 ; Bandraboua : 2{N}020\u00a0habitants en 2020. "
        "Valeurs couvertes par le secret statistique, absentes de la courbe : "
        "Bandraboua (2019). Les données détaillées figurent dans le tableau."
    )
    spec = json.loads(chart.spec_json)
    secret = [r for r in spec["data"]["values"] if r["statut"] == "secret"]
    assert secret == [
        {
            "annee": 2019,
            "court": "secret statistique",
            "libelle": "secret statistique",
            "periode": "2019",
            "serie": "Bandraboua",
            "statut": "secret",
            "valeur": None,
        }
    ]
    # the line of Bandraboua has two pieces: 2017–2018, then 2020 alone (a new "M")
    paths = re.findall(r'<path[^>]*d="(M[^"]*)"[^>]*stroke="#D55E00"', chart.svg)
    assert any(p.count("M") == 2 for p in paths)


def test_bar_chart_writes_secret_instead_of_a_bar(charts: tuple[Chart, ...]) -> None:
    chart = charts[1]
    assert chart.alt == (
        "Graphique en barres « Taux » (%) en 2020 : "
        f"Acoua : 1{N}020,0{N}% ; Bandraboua : 2{N}020,0{N}% ; "
        "Bandrélé : secret statistique. Les données détaillées figurent dans le tableau."
    )
    labels = texts(chart.svg)
    assert "secret statistique" in labels
    assert f"2{N}020,0{N}%" in labels
    assert "Valeur en 2020 (%)" in labels
    bars = re.findall(r'<path[^>]*fill="#(?:0072B2|D55E00|009E73)"', chart.svg)
    assert len(bars) == 2  # Bandrélé has no bar, not a zero-length one


def test_spec_json_is_interactive_safe_and_without_urls(charts: tuple[Chart, ...]) -> None:
    spec = json.loads(charts[0].spec_json)
    assert spec["params"] == [{"name": "zoom", "select": {"type": "interval"}, "bind": "scales"}]
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["Territoire", "Période", "Valeur"]
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    for chart in charts:
        assert "http" not in chart.spec_json
        assert "<" not in chart.spec_json


def test_rendering_is_deterministic_and_pool_keeps_order(
    charts: tuple[Chart, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("observatory.compute.charts.POOL_MIN_JOBS", 4)
    jobs = [
        ChartJob(f"g{i}", series("bar" if i % 2 else "line"), ("97601", "97602"), "P", NAMES)
        for i in range(4)
    ]
    pooled = render_charts(jobs, workers=2)
    single = render_charts(jobs, workers=1)
    assert [c.id for c in pooled] == [f"g{i}" for i in range(4)]
    assert pooled == single
    again = render_charts(
        [ChartJob("graphique-population", series(), ("97601", "97602"), "Population", NAMES)]
    )
    assert again[0] == charts[0]


def test_spec_without_names_uses_codes() -> None:
    spec = build_spec(ChartJob("x", series(), ("97601",), "t"))
    assert {r["serie"] for r in spec["data"]["values"]} == {"97601"}


def test_path_data_is_rounded_to_a_tenth_of_a_pixel(charts: tuple[Chart, ...]) -> None:
    for chart in charts:
        geometry = " ".join(re.findall(r'\s(?:d|transform)="([^"]*)"', chart.svg))
        assert re.findall(r"\d\.\d\d", geometry) == []


def test_too_many_lines_become_a_bar_chart() -> None:
    points = tuple(
        Point(f"976{i:02d}", "commune", year, float(i + year))
        for i in range(1, 18)
        for year in (2017, 2020)
    )
    job = ChartJob(
        "c", Series(indicator(), points), tuple(f"976{i:02d}" for i in range(1, 18)), "t"
    )
    assert chart_kind(job) == "bar"


def test_long_units_wrap_on_axes_and_shorten_on_bars() -> None:
    job = ChartJob(
        "c",
        series("bar", "% de la population active de 15 ans ou plus", 1),
        ("97601", "97602"),
        "t",
    )
    spec = build_spec(job)
    bars, labels, _ = spec["layer"]
    assert bars["encoding"]["x"]["title"] == [
        "Valeur en 2020 (% de la population active de",
        "15 ans ou plus)",
    ]
    assert labels["encoding"]["text"] == {"field": "court", "type": "nominal"}
    assert spec["data"]["values"][0]["court"] == f"1{N}020,0{N}%"


def test_series_without_any_published_value_still_render() -> None:
    secret = Series(
        indicator(),
        tuple(
            Point(c, "commune", y, None, status="secret") for c in ("97601",) for y in (2017, 2018)
        ),
    )
    empty = Series(indicator(), ())
    charts = render_charts(
        [
            ChartJob("tout-secret", secret, ("97601",), "P", NAMES),
            ChartJob("vide", empty, ("97601",), "P", NAMES),
        ]
    )
    assert charts[0].alt == (
        "Graphique en courbes « P » (habitants) pour Acoua, de 2017 à 2018. "
        "Valeurs couvertes par le secret statistique, absentes de la courbe : "
        "Acoua (2017), Acoua (2018). Les données détaillées figurent dans le tableau."
    )
    assert charts[1].alt == "Graphique « P » (habitants) : aucune donnée disponible."
    assert all(c.svg.startswith("<svg ") for c in charts)


def test_bar_chart_compares_at_the_year_most_territories_have() -> None:
    points = (
        Point("97601", "commune", 2017, 10.0),
        Point("97601", "commune", 2023, 12.0),
        Point("97602", "commune", 2017, 20.0),
        Point("97603", "commune", 2016, 30.0),
    )
    job = ChartJob("c", Series(indicator("bar"), points), ("97601", "97602", "97603"), "P", NAMES)
    assert render_charts([job])[0].alt == (
        "Graphique en barres « P » (habitants) en 2017 : "
        f"Acoua : 10{B}habitants ; Bandraboua : 20{B}habitants ; Bandrélé : non disponible. "
        "Les données détaillées figurent dans le tableau."
    )


def test_one_territory_over_years_declared_as_bars_gets_columns() -> None:
    points = (
        Point("976", "departement", 2018, 7085.0),
        Point("976", "departement", 2019, None, status="secret"),
        Point("976", "departement", 2020, 11880.0),
    )
    job = ChartJob("c", Series(indicator("bar"), points), ("976",), "P", (("976", "Mayotte"),))
    assert chart_kind(job) == "columns"
    chart = render_charts([job])[0]
    assert chart.alt == (
        "Graphique en barres « P » (habitants) pour Mayotte, de 2018 à 2020 : "
        f"2018 : 7{N}085{B}habitants ; 2019 : secret statistique ; "
        f"2020 : 11{N}880{B}habitants. Les données détaillées figurent dans le tableau."
    )
    assert "secret statistique" in texts(chart.svg)
    assert len(re.findall(r'<path[^>]*fill="#0072B2"', chart.svg)) == 2  # no column for 2019


def test_cache_token_follows_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    from observatory.compute import charts

    token = charts.cache_token()
    assert re.fullmatch(r"[0-9a-f]{16}", token)
    assert charts.cache_token() == token
    monkeypatch.setattr("importlib.metadata.version", lambda dist: "0.0-autre")
    assert charts.cache_token() != token


def test_columns_stand_on_a_time_axis_where_a_missing_year_leaves_a_gap() -> None:
    points = (
        Point("976", "departement", 2018, 25600.0),
        Point("976", "departement", 2019, 22500.0),
        Point("976", "departement", 2021, 22000.0),
        Point("976", "departement", 2023, 29000.0),
    )
    job = ChartJob("g", Series(indicator("bar"), points), ("976",), "P", (("976", "Mayotte"),))
    spec = build_spec(job)
    x = spec["layer"][0]["encoding"]["x"]
    assert x["type"] == "quantitative"
    assert x["scale"]["domain"] == [2017.5, 2023.5]
    assert x["axis"]["values"] == [2018, 2019, 2021, 2023]
    chart = render_charts([job])[0]
    lefts = sorted(
        float(m) for m in re.findall(r'<path[^>]*d="M([\d.]+),[^"]*"[^>]*fill="#0072B2"', chart.svg)
    )
    assert len(lefts) == 4
    step = lefts[1] - lefts[0]  # one year
    assert abs((lefts[2] - lefts[1]) - 2 * step) < 1  # 2020 is a gap, not hidden
