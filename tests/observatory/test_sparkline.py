"""The small line of a dashboard tile: a time axis where a gap in the series shows."""

from __future__ import annotations

from observatory.core.model import Indicator, Point, Series
from observatory.pages.sparkline import sparkline

RATE = Indicator(
    id="taux",
    title="Taux",
    unit="%",
    definition="Un taux.",
    package="p",
    theme="t",
    levels=("departement",),
    decimals=1,
)


def _series(*values: tuple[int, float]) -> Series:
    return Series(RATE, tuple(Point("976", "departement", y, v) for y, v in values))


def test_consecutive_years_make_one_line() -> None:
    line = sparkline(_series((2020, 10.0), (2021, 12.0), (2022, 11.0)), "976", "Mayotte")
    assert line is not None
    assert line.svg.count("<polyline") == 1 and line.svg.count("<circle") == 3
    assert (line.first, line.last) == (2020, 2022)
    assert line.alt == "Évolution, Mayotte : 10,0\u202f% en 2020, 11,0\u202f% en 2022 (3 valeurs)."
    assert f'aria-label="{line.alt}"' in line.svg and 'role="img"' in line.svg


def test_a_missing_year_breaks_the_line() -> None:
    line = sparkline(_series((2019, 8.0), (2022, 9.0), (2023, 9.5), (2024, 9.0)), "976", "Mayotte")
    assert line is not None
    # 2019 stands alone: nothing joins it to 2022 across the three missing years
    assert line.svg.count("<polyline") == 1 and line.svg.count("<circle") == 4
    assert line.alt.endswith("(4 valeurs, avec des années manquantes).")
    assert 'points="4,' not in line.svg  # the first dot (x = 4) is on no line


def test_one_year_is_no_line() -> None:
    assert sparkline(_series((2020, 10.0)), "976", "Mayotte") is None
    assert sparkline(_series((2020, 10.0), (2021, 11.0)), "97610", "Koungou") is None
