"""Values as the source gives them: periods and quarters as such, « environ » at the
source's precision, floors as « plus de »."""

from __future__ import annotations

import pytest

from observatory.core.model import Indicator, Point
from observatory.pages.figures import period_of, shown_value

N = "\u202f"
RATE = Indicator("x", "Part", "% de la population", "", "p", "t", ("departement",), decimals=1)


@pytest.mark.parametrize(
    ("note", "period"),
    [
        ("Période 2012-2017 (rangée à l'année de fin).", "2012-2017"),
        ("Moyenne du 1er trimestre 2024.", "1er trimestre 2024"),
        ("Moyenne du 3e trimestre 2022.", "3e trimestre 2022"),
        (
            "Au 1er janvier 2018. Valeur plancher : la source écrit « dépasse 90 % ».",
            "1er janvier 2018",
        ),
        ("", "2017"),
    ],
)
def test_periods_are_shown_as_the_source_gives_them(note: str, period: str) -> None:
    assert period_of(Point("976", "departement", 2017, 1.0, note=note)) == period


def test_approximate_values_keep_the_source_precision_and_say_environ() -> None:
    approx = Point("976", "departement", 2012, 40.0, note="Valeur approchée : « autour de 40 % ».")
    assert shown_value(approx, RATE) == f"environ 40{N}% de la population"
    floor = Point("97601", "commune", 2018, 90.0, note="Valeur plancher : « dépasse 90 % ».")
    assert shown_value(floor, RATE) == f"plus de 90{N}% de la population"
    exact = Point("976", "departement", 2017, 48.0)
    assert shown_value(exact, RATE) == f"48,0{N}% de la population"
