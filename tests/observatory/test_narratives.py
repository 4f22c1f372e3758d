"""Text summaries: latest value, trend, series breaks, secrecy, extremes and rank."""

from __future__ import annotations

from observatory.compute.narratives import summarize
from observatory.core.model import Indicator, Point, Series

N = "\u202f"
B = "\u00a0"
NAMES = {
    "97601": "Acoua",
    "97602": "Bandraboua",
    "97603": "Bandrélé",
    "97604": "Bouéni",
    "976": "Mayotte",
    "200060465": "CA du Grand Nord de Mayotte",
    "200050532": "CC de Petite-Terre",
}


def indicator(unit: str = "habitants", decimals: int = 0, comparability: str = "") -> Indicator:
    return Indicator(
        id="x",
        title="Population municipale" if unit != "%" else "Taux de chômage",
        unit=unit,
        definition="",
        package="p",
        theme="demographie",
        levels=("commune", "epci", "departement"),
        decimals=decimals,
        comparability=comparability,
    )


def population() -> Series:
    return Series(
        indicator(comparability="Recensement rénové à partir de 2017."),
        (
            Point("97601", "commune", 2012, 4000.0),
            Point("97601", "commune", 2017, 5000.0),
            Point("97601", "commune", 2019, None, status="secret"),
            Point("97602", "commune", 2017, 10000.0),
            Point("97603", "commune", 2017, None, status="secret"),
            Point("97604", "commune", 2017, 3000.0),
            Point("97601", "commune", 2017, 2600.0, dimensions=(("sexe", "femmes"),)),
        ),
    )


def test_latest_value_trend_break_secret_and_rank() -> None:
    assert summarize(population(), "97601", NAMES) == (
        f"Acoua : 5{N}000{B}habitants en 2017. "
        "La valeur de 2019 est couverte par le secret statistique. "
        f"Hausse de 25,0{N}% depuis 2012 (4{N}000{B}habitants en 2012), "
        f"soit une évolution annuelle moyenne de +4,6{N}%. "
        "Évolution à lire avec prudence (voir les notes de comparabilité de l'indicateur). "
        "En 2017, valeur la plus élevée parmi les 3 communes dont la valeur est publiée : "
        f"Bandraboua (10{N}000{B}habitants) ; la plus faible : Bouéni (3{N}000{B}habitants). "
        "1 commune sans valeur publiée (secret statistique ou donnée manquante). "
        "Acoua est la 2e commune sur 3, de la valeur la plus élevée à la plus faible."
    )


def test_rates_change_in_points() -> None:
    series = Series(
        indicator("%", 1),
        (
            Point("97601", "commune", 2012, 30.0),
            Point("97601", "commune", 2017, 34.5),
            Point("97602", "commune", 2017, 34.5),
        ),
    )
    assert summarize(series, "97601", NAMES) == (
        f"Acoua : 34,5{N}% en 2017. "
        f"Hausse de 4,5 points depuis 2012 (30,0{N}% en 2012), soit +0,9 point par an en moyenne. "
        f"En 2017, les 2 communes dont la valeur est publiée ont la même valeur (34,5{N}%). "
        "Acoua est la 1re commune sur 2 (ex aequo), de la valeur la plus élevée à la plus faible."
    )


def test_decrease_and_stable() -> None:
    down = Series(
        indicator(),
        (Point("976", "departement", 2012, 1000.0), Point("976", "departement", 2022, 800.0)),
    )
    assert summarize(down, "976", NAMES) == (
        f"Mayotte : 800{B}habitants en 2022. "
        f"Baisse de 20,0{N}% depuis 2012 (1{N}000{B}habitants en 2012), "
        f"soit une évolution annuelle moyenne de \u22122,2{N}%."
    )
    flat = Series(
        indicator(),
        (Point("976", "departement", 2012, 800.0), Point("976", "departement", 2022, 800.0)),
    )
    assert summarize(flat, "976", NAMES) == (
        f"Mayotte : 800{B}habitants en 2022. Valeur stable depuis 2012 (800{B}habitants en 2012)."
    )


def test_epci_rank_is_masculine_and_computed_values_are_flagged() -> None:
    series = Series(
        indicator(),
        (
            Point("200060465", "epci", 2017, 40000.0, computed=True),
            Point("200050532", "epci", 2017, 30000.0, computed=True),
        ),
    )
    assert summarize(series, "200050532", NAMES) == (
        f"CC de Petite-Terre : 30{N}000{B}habitants en 2017 (valeur calculée par l'observatoire). "
        "En 2017, valeur la plus élevée parmi les 2 EPCI dont la valeur est publiée : "
        f"CA du Grand Nord de Mayotte (40{N}000{B}habitants) ; "
        f"la plus faible : CC de Petite-Terre (30{N}000{B}habitants). "
        "CC de Petite-Terre est le 2e EPCI sur 2, de la valeur la plus élevée à la plus faible."
    )


def test_secret_only_and_no_data_never_read_as_zero() -> None:
    assert summarize(population(), "97603", NAMES) == (
        "Bandrélé : la valeur de l'indicateur « Population municipale » (2017) "
        "est couverte par le secret statistique."
    )
    assert summarize(population(), "200050532", NAMES) == (
        "Aucune donnée n'est disponible pour CC de Petite-Terre "
        "sur l'indicateur « Population municipale »."
    )


def test_breakdown_without_total_is_not_called_missing() -> None:
    series = Series(
        indicator(),
        (
            Point("97602", "commune", 2017, 5100.0, dimensions=(("sexe", "hommes"),)),
            Point("97602", "commune", 2017, 4900.0, dimensions=(("sexe", "femmes"),)),
            Point("97602", "commune", 2012, 4000.0, dimensions=(("sexe", "femmes"),)),
        ),
    )
    assert summarize(series, "97602", NAMES) == (
        f"Bandraboua : femmes : 4{N}900{B}habitants ; hommes : 5{N}100{B}habitants "
        "en 2017 (pas de total publié)."
    )


def test_series_break_and_rates_with_a_long_unit() -> None:
    series = Series(
        Indicator(
            id="taux",
            title="Taux de chômage",
            unit="% de la population active",
            definition="",
            package="p",
            theme="emploi",
            levels=("departement",),
            comparability="Rupture de série en 2017 : révision de l'enquête Emploi.",
        ),
        (
            Point("976", "departement", 1997, 14.0),
            Point("976", "departement", 2017, 38.0),
        ),
    )
    assert summarize(series, "976", NAMES) == (
        f"Mayotte : 38{N}% de la population active en 2017. "
        f"Hausse de 24 points depuis 1997 (14{N}% de la population active en 1997), "
        "soit +1,2 point par an en moyenne. "
        "Rupture de série signalée : évolution à lire avec prudence "
        "(voir les notes de comparabilité de l'indicateur)."
    )


def test_one_year_apart_has_no_annual_average() -> None:
    series = Series(
        indicator(),
        (Point("976", "departement", 2022, 9800.0), Point("976", "departement", 2023, 9320.0)),
    )
    assert summarize(series, "976", NAMES) == (
        f"Mayotte : 9{N}320{B}habitants en 2023. "
        f"Baisse de 4,9{N}% depuis 2022 (9{N}800{B}habitants en 2022)."
    )


def test_ties_at_the_extremes_name_every_territory() -> None:
    series = Series(
        indicator(),
        (
            Point("97601", "commune", 2017, 10.0),
            Point("97602", "commune", 2017, 30.0),
            Point("97603", "commune", 2017, 10.0),
        ),
    )
    assert summarize(series, "97602", NAMES) == (
        f"Bandraboua : 30{B}habitants en 2017. "
        "En 2017, valeur la plus élevée parmi les 3 communes dont la valeur est publiée : "
        f"Bandraboua (30{B}habitants) ; la plus faible : Acoua et Bandrélé (10{B}habitants). "
        "Bandraboua est la 1re commune sur 3, de la valeur la plus élevée à la plus faible."
    )


def test_no_trend_from_a_value_given_approximately_or_across_a_revision() -> None:
    """The unemployment case: 2016 is known only as « 30 %, comme en 2017 et en 2016 »
    after the revision of the series; no « +7 points depuis 2016 » may be computed."""
    revised = "Série révisée : la source écrit « 30 %, comme en 2017 ». Valeur arrondie."
    series = Series(
        indicator(unit="%", decimals=1, comparability="Rupture de série en 2017."),
        (
            Point("976", "departement", 2016, 30.0, note=revised),
            Point("976", "departement", 2019, 30.0),
            Point("976", "departement", 2023, 37.0),
        ),
    )
    text = summarize(series, "976", {"976": "Mayotte"})
    assert "depuis 2016" not in text
    assert "Hausse de 7,0 points depuis 2019 (30,0 % en 2019)" in text.replace(N, " ")
    assert (
        "La valeur de 2016 n'entre dans aucune évolution : approchée, arrondie ou révisée par "
        "la source (voir la note)."
    ) in text
    only_approximate = Series(
        series.indicator,
        (
            Point("976", "departement", 2012, 40.0, note="Valeur approchée : « autour de 40 % »."),
            Point("976", "departement", 2017, 48.0),
        ),
    )
    assert "depuis" not in summarize(only_approximate, "976", {"976": "Mayotte"})


def test_summary_names_periods_quarters_and_dates_as_the_source_gives_them() -> None:
    """A value over a period is « sur la période 2012-2017 », a change starts « depuis la
    période 2007-2012 », a quarter « au 1er trimestre 2024 », a stock « au 1er janvier »."""
    growth = Series(
        indicator(unit="%", decimals=1),
        (
            Point("976", "departement", 2012, 2.7, period="2007-2012"),
            Point("976", "departement", 2017, 3.8, period="2012-2017"),
            Point("97601", "commune", 2017, 4.5, period="2012-2017"),
            Point("97602", "commune", 2017, 6.7, period="2012-2017"),
        ),
    )
    assert summarize(growth, "976", NAMES) == (
        f"Mayotte : 3,8{N}% sur la période 2012-2017. Hausse de 1,1 point depuis la période "
        f"2007-2012 (2,7{N}% sur la période 2007-2012), soit +0,2 point par an en moyenne."
    )
    assert summarize(growth, "97601", NAMES).endswith(
        "Sur la période 2012-2017, valeur la plus élevée parmi les 2 communes dont la valeur "
        f"est publiée : Bandraboua (6,7{N}%) ; la plus faible : Acoua (4,5{N}%). Acoua est la "
        "2e commune sur 2, de la valeur la plus élevée à la plus faible."
    )
    quarter = Series(indicator(), (Point("976", "departement", 2024, 14535.0, period="2024-T1"),))
    assert (
        summarize(quarter, "976", NAMES) == f"Mayotte : 14{N}535{B}habitants au 1er trimestre 2024."
    )
    stock = Series(
        indicator(),
        (
            Point("976", "departement", 2019, 270000.0, period="2019-01-01"),
            Point("976", "departement", 2024, 321000.0, period="2024-01-01"),
        ),
    )
    assert summarize(stock, "976", NAMES).startswith(
        f"Mayotte : 321{N}000{B}habitants au 1er janvier 2024. Hausse de 18,9{N}% depuis le "
        f"1er janvier 2019 (270{N}000{B}habitants au 1er janvier 2019)"
    )
