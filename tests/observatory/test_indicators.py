"""Indicators stage: aggregation and statistical secrecy (primary, secondary)."""

from __future__ import annotations

from observatory.compute.indicators import apply_secrecy, indicator_series, relations
from observatory.core.model import Observation, Point, Series
from tests.observatory.test_pipeline_project import (
    COMMUNES,
    PETITE_TERRE,
    indicator,
    observations,
    territories,
)


def all_communes(value: float) -> dict[str, float | None]:
    return {code: value for code, _, _ in COMMUNES}


def point(series: Series, code: str, year: int = 2020) -> Point:
    (found,) = [p for p in series.points if p.code == code and p.year == year]
    return found


def test_sum_aggregates_communes_to_epci_and_departement() -> None:
    values = all_communes(10.0)
    values["97608"] = 7.0
    series = indicator_series(
        indicator("x", secrecy_threshold=None), observations("x", values), territories()
    )
    assert point(series, PETITE_TERRE) == Point(
        PETITE_TERRE, "epci", 2020, 17.0, source="src", computed=True
    )
    assert point(series, "976").value == 16 * 10.0 + 7.0
    assert point(series, "976").computed is True
    # order: département, EPCI by code, communes by code
    assert [p.code for p in series.points][:3] == ["976", "200050532", "200059871"]


def test_published_aggregate_wins_over_the_sum() -> None:
    obs = (
        *observations("x", all_communes(10.0)),
        Observation("x", "epci", PETITE_TERRE, 2020, 25.0, "src"),
    )
    series = indicator_series(indicator("x", secrecy_threshold=None), obs, territories())
    assert point(series, PETITE_TERRE).value == 25.0
    assert point(series, PETITE_TERRE).computed is False


def test_no_aggregate_when_a_commune_is_missing() -> None:
    values = all_communes(10.0)
    del values["97615"]
    series = indicator_series(
        indicator("x", secrecy_threshold=None), observations("x", values), territories()
    )
    assert [p.code for p in series.points if p.code in (PETITE_TERRE, "976")] == []


def test_no_aggregation_for_levels_not_declared() -> None:
    ind = indicator("x", secrecy_threshold=None, levels=("commune", "departement"))
    series = indicator_series(ind, observations("x", all_communes(10.0)), territories())
    assert {p.level for p in series.points} == {"commune", "departement"}
    assert point(series, "976").value == 170.0


def test_primary_suppression_hides_small_values_never_zero() -> None:
    values = all_communes(10.0)
    values["97601"] = 0.0
    values["97602"] = 4.0
    series = indicator_series(
        indicator("x", aggregation="none"), observations("x", values), territories()
    )
    assert point(series, "97601").value == 0.0  # zero is not under the threshold
    hidden = point(series, "97602")
    assert (hidden.value, hidden.status, hidden.note) == (None, "secret", "secret statistique")


def test_secondary_suppression_blocks_subtraction_in_petite_terre() -> None:
    """Dzaoudzi is under the threshold: Petite-Terre − Pamandzi would give it back."""
    values = all_communes(100.0)
    values["97608"] = 3.0
    values["97615"] = 50.0
    series = indicator_series(indicator("x"), observations("x", values), territories())
    shown = {p.code: p.value for p in series.points}
    assert shown["97608"] is None
    # the subtraction attack fails: the EPCI or its other commune is hidden too
    assert shown[PETITE_TERRE] is None or shown["97615"] is None
    # and at département level: 976 − the other EPCI cannot give Petite-Terre back
    for parent, _, children in relations(territories()):
        cells = [shown.get(parent), *(shown.get(c) for c in children)]
        assert sum(v is None for v in cells) != 1, parent


def test_secondary_suppression_prefers_the_smallest_sibling() -> None:
    cells: dict[tuple[str, int, tuple[tuple[str, str], ...]], Point] = {
        (code, 2020, ()): Point(code, "commune", 2020, value)
        for code, value in (("97603", 2.0), ("97604", 30.0), ("97606", 20.0), ("97609", 40.0))
    }
    cells[("200060473", 2020, ())] = Point("200060473", "epci", 2020, 92.0)
    out = apply_secrecy(cells, 5, relations(territories()), additive=True)
    assert [k[0] for k, p in sorted(out.items()) if p.status == "secret"] == ["97603", "97606"]


def test_subtraction_attack_on_every_relation_of_a_full_series() -> None:
    values = {code: float(5 + 13 * i) for i, (code, _, _) in enumerate(COMMUNES)}
    values["97601"] = 1.0
    values["97617"] = 2.0
    series = indicator_series(indicator("x"), observations("x", values), territories())
    shown = {p.code: p.value for p in series.points}
    for parent, _, children in relations(territories()):
        hidden = [c for c in (parent, *children) if shown.get(c) is None]
        assert len(hidden) != 1, (parent, hidden)
    # no hidden value appears anywhere as zero
    assert all(p.value != 0 for p in series.points if p.status == "secret")


def test_source_secret_is_kept_and_counts_as_hidden() -> None:
    obs = [*observations("x", all_communes(100.0))]
    obs[7] = Observation(
        "x", "commune", "97608", 2020, None, "src", note="Secret statistique (source)"
    )
    series = indicator_series(indicator("x", aggregation="sum"), obs, territories())
    assert point(series, "97608").status == "secret"
    # no aggregate can be summed over a hidden cell, so no subtraction is possible
    assert [p for p in series.points if p.code in (PETITE_TERRE, "976")] == []
    assert point(series, "97615").status == "ok"


def test_ratio_of_sums_uses_numerator_and_denominator_indicators() -> None:
    ratio = indicator(
        "r",
        unit="%",
        aggregation="ratio_of_sums",
        numerator="n",
        denominator="d",
        secrecy_threshold=None,
    )
    num = observations("n", {"97608": 10.0, "97615": 30.0})
    den = observations("d", {"97608": 100.0, "97615": 100.0})
    rates = observations("r", {"97608": 10.0, "97615": 30.0})
    series = indicator_series(ratio, rates, territories(), {"n": num, "d": den})
    assert point(series, PETITE_TERRE).value == 20.0
    assert point(series, "97608").value == 10.0
