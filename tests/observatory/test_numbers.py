"""French number formatting: separators, rounding, units, missing and secret values."""

from __future__ import annotations

import pytest

from observatory.core.numbers import (
    D3_FORMAT_LOCALE,
    fmt_date,
    fmt_number,
    fmt_ordinal,
    fmt_percent,
    fmt_signed,
    fmt_value,
    fmt_year,
    fmt_years,
)

N = "\u202f"  # narrow no-break space
B = "\u00a0"  # no-break space


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, f"1{N}234,5"),
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, f"1{N}000"),
        (1234567.891, 2, f"1{N}234{N}567,89"),
        (2.5, 0, "3"),  # half away from zero, not banker's rounding
        (0.125, 2, "0,13"),
        (-3.25, 1, "\u22123,3"),
        (-0.04, 1, "0,0"),  # no "−0,0"
        (310022, 0, f"310{N}022"),
        (12.0, 2, "12,00"),
    ],
)
def test_fmt_number(value: float, decimals: int, expected: str) -> None:
    assert fmt_number(value, decimals) == expected


def test_fmt_number_without_value_is_never_zero() -> None:
    assert fmt_number(None) == "non disponible"
    assert fmt_number(float("nan")) == "non disponible"


def test_fmt_percent_and_signed() -> None:
    assert fmt_percent(12.34) == f"12,3{N}%"
    assert fmt_percent(None) == "non disponible"
    assert fmt_signed(1234, 0) == f"+1{N}234"
    assert fmt_signed(-3.21, 1) == "\u22123,2"
    assert fmt_signed(0.01, 1) == "0,0"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((12.34, "%", 1), f"12,3{N}%"),
        ((1234, "habitants", 0), f"1{N}234{B}habitants"),
        ((1234, "nombre", 0), f"1{N}234"),
        ((1500.5, "€", 0), f"1{N}501{N}€"),
        ((None, "%", 1), "non disponible"),
    ],
)
def test_fmt_value(args: tuple[float | None, str, int], expected: str) -> None:
    assert fmt_value(*args) == expected


def test_fmt_value_secret_says_so() -> None:
    assert fmt_value(None, "%", 1, status="secret") == "secret statistique"
    assert fmt_value(None, "%", 1, status="missing") == "non disponible"


def test_years_and_ordinals() -> None:
    assert fmt_year(2019) == "2019"
    assert fmt_year("2017") == "2017"
    assert fmt_years(2012, 2022) == "de 2012 à 2022"
    assert fmt_years(2022, 2022) == "en 2022"
    assert fmt_ordinal(1, feminine=True) == "1re"
    assert fmt_ordinal(1) == "1er"
    assert fmt_ordinal(3, feminine=True) == "3e"


def test_dates_in_words_and_release_names_as_they_are() -> None:
    assert fmt_date("2026-11-29") == "29 novembre 2026"
    assert fmt_date("2026-02-01") == "1er février 2026"
    assert fmt_date("2026-11") == "2026-11"
    assert fmt_date("2026-13-01") == "2026-13-01"
    assert fmt_date("publication-a") == "publication-a"


def test_d3_locale_matches_page_formatting() -> None:
    assert D3_FORMAT_LOCALE["thousands"] == N
    assert D3_FORMAT_LOCALE["decimal"] == ","


def test_long_percent_units_keep_the_narrow_space() -> None:
    assert fmt_value(37.04, "% de la population active", 1) == f"37,0{N}% de la population active"
