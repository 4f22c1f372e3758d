"""Values as the source gives them: periods and quarters as such, « environ » at the
source's precision, floors as « plus de »."""

from __future__ import annotations

import pytest

from observatory.core.model import Indicator, Point
from observatory.pages.figures import period_of, shown_value

N = "\u202f"
RATE = Indicator("x", "Part", "% de la population", "", "p", "t", ("departement",), decimals=1)


@pytest.mark.parametrize(
    ("declared", "period"),
    [
        ("2012-2017", "2012-2017"),
        ("2017-T1", "1er trimestre 2017"),
        ("2017-T3", "3e trimestre 2017"),
        ("2017-01-01", "1er janvier 2017"),
        ("", "2017"),
    ],
)
def test_periods_are_shown_as_the_source_gives_them(declared: str, period: str) -> None:
    """The period comes from the column ``periode``, never from the note."""
    note = "Période 2007-2012 (rangée à l'année de fin)."
    assert period_of(Point("976", "departement", 2017, 1.0, note=note, period=declared)) == period


def test_approximate_values_keep_the_source_precision_and_say_environ() -> None:
    approx = Point("976", "departement", 2012, 40.0, note="Valeur approchée : « autour de 40 % ».")
    assert shown_value(approx, RATE) == f"environ 40{N}% de la population"
    floor = Point("97601", "commune", 2018, 90.0, note="Valeur plancher : « dépasse 90 % ».")
    assert shown_value(floor, RATE) == f"plus de 90{N}% de la population"
    exact = Point("976", "departement", 2017, 48.0)
    assert shown_value(exact, RATE) == f"48,0{N}% de la population"


def test_table_cells_and_summaries_keep_the_source_precision() -> None:
    """The data table's cells and the summary say « environ » and « plus de » too."""
    from observatory.compute.narratives import summarize
    from observatory.core.model import Series
    from observatory.publish.render import point_text

    approx = Point("976", "departement", 2012, 40.0, note="Valeur approchée : « autour de 40 % ».")
    floor = Point("97601", "commune", 2018, 90.0, note="Valeur plancher : « dépasse 90 % ».")
    assert point_text(approx, "", 1) == "environ 40"
    assert point_text(floor, "", 1) == "plus de 90"
    assert point_text(Point("976", "departement", 2017, 48.0), "", 1) == "48,0"
    series = Series(RATE, (approx,))
    assert summarize(series, "976", {"976": "Mayotte"}) == (
        f"Mayotte : environ 40{N}% de la population en 2012."
    )
