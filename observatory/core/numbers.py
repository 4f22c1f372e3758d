"""French number formatting for pages, charts, maps and summaries.

Decisions (French typography, Imprimerie nationale; the same in every part of the site):

- thousands separator: the narrow no-break space U+202F (``1 234 567``), which never
  breaks a number across lines; years are never grouped (``2019``);
- decimal separator: the comma (``1 234,5``); values are rounded half away from zero
  on their decimal representation (``2,5`` -> ``3``), never with banker's rounding;
- minus sign: U+2212 (``−3,2``), as d3-format (charts) prints it; a value that rounds
  to zero is printed without sign;
- symbol units (``%``, ``‰``, ``€``) follow the number after a narrow no-break space
  (``12,3 %``); word units after a no-break space U+00A0 (``1 234 habitants``);
- no value: ``secret statistique`` when the value is suppressed, ``non disponible``
  when no figure exists — never ``0``.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NNBSP = "\u202f"  # narrow no-break space: thousands separator, before % ‰ €
NBSP = "\u00a0"  # no-break space: before word units
MINUS = "\u2212"
SUPPRESSED_TEXT = "secret statistique"
MISSING_TEXT = "non disponible"

SYMBOL_UNITS = frozenset({"%", "‰", "€", "k€", "M€", "‱"})
# Units that describe the kind of figure rather than a unit to print after it.
SILENT_UNITS = frozenset({"", "nombre", "indice", "ratio", "effectif"})

# d3-format locale for Vega (charts) so that charts print numbers exactly as the pages do.
D3_FORMAT_LOCALE: dict[str, object] = {
    "decimal": ",",
    "thousands": NNBSP,
    "grouping": [3],
    "currency": ["", f"{NNBSP}€"],
    "minus": MINUS,
    "percent": f"{NNBSP}%",
    "nan": MISSING_TEXT,
}


def _rounded(value: float, decimals: int) -> Decimal:
    try:
        number = Decimal(repr(float(value)))
    except (InvalidOperation, ValueError) as exc:  # pragma: no cover - floats are finite here
        raise ValueError(f"nombre invalide : {value!r}") from exc
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_number(value: float | None, decimals: int = 0) -> str:
    """``fmt_number(1234.5, 1) == "1 234,5"`` (U+202F); ``None`` -> ``non disponible``."""
    if value is None:
        return MISSING_TEXT
    if value != value or value in (float("inf"), float("-inf")):
        return MISSING_TEXT
    decimals = max(0, int(decimals))
    number = _rounded(value, decimals)
    negative = number < 0 and number != 0
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = NNBSP.join(groups)
    if fraction:
        result += "," + fraction
    return (MINUS if negative else "") + result


def fmt_signed(value: float, decimals: int = 0) -> str:
    """A change with its sign: ``+1 234``, ``−3,2``, ``0``."""
    text = fmt_number(value, decimals)
    if text.strip("0,") and not text.startswith(MINUS):
        return "+" + text
    return text


def fmt_percent(value: float | None, decimals: int = 1) -> str:
    """A value already in percent: ``fmt_percent(12.34) == "12,3 %"`` (U+202F before %)."""
    if value is None:
        return MISSING_TEXT
    return f"{fmt_number(value, decimals)}{NNBSP}%"


def fmt_unit(unit: str) -> str:
    """The separator and unit printed after a number (empty for silent units)."""
    unit = unit.strip()
    if unit.lower() in SILENT_UNITS:
        return ""
    if unit in SYMBOL_UNITS or unit.startswith(("% ", "‰ ", "€ ")):
        return NNBSP + unit
    return NBSP + unit


def fmt_value(value: float | None, unit: str = "", decimals: int = 0, status: str = "ok") -> str:
    """A figure with its unit: ``fmt_value(12.34, "%", 1) == "12,3 %"``.

    ``status`` is the point status of ``observatory.core.model.Point``: a ``secret`` value
    reads ``secret statistique``, a missing one ``non disponible``.
    """
    if status == "secret":
        return SUPPRESSED_TEXT
    if value is None or status == "missing":
        return MISSING_TEXT
    return fmt_number(value, decimals) + fmt_unit(unit)


def fmt_year(year: int | str) -> str:
    """A year, never grouped: ``fmt_year(2019) == "2019"``."""
    return str(int(year))


def fmt_years(first: int, last: int) -> str:
    """A period: ``de 2012 à 2022``, or ``en 2022`` for a single year."""
    if first == last:
        return f"en {fmt_year(first)}"
    return f"de {fmt_year(first)} à {fmt_year(last)}"


def fmt_ordinal(rank: int, feminine: bool = False) -> str:
    """``1re``/``1er``, ``2e``, ``3e``... (abbreviations of the Imprimerie nationale)."""
    if rank == 1:
        return "1re" if feminine else "1er"
    return f"{rank}e"


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def fmt_date(iso: str) -> str:
    """An ISO date in words: ``fmt_date("2026-11-01") == "1er novembre 2026"``; any other
    text (a release named ``2026-11``, say) is returned as it is."""
    year, _, rest = iso.partition("-")
    month, _, day = rest.partition("-")
    if not (len(year) == 4 and len(month) == len(day) == 2 and f"{year}{month}{day}".isdigit()):
        return iso
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return iso
    return f"{int(day)}{'er' if day == '01' else ''} {MONTHS[int(month) - 1]} {year}"


# The period of a value as the source gives it: the optional column ``periode`` of
# observations.csv. Empty: the calendar year ``annee``. Otherwise a span of years
# ``2012-2017`` (filed under its last year, ``annee`` = 2017), a quarter ``2024-T1``, a
# month ``2025-02`` or a date ``2023-01-01`` (a stock counted that day); ``annee`` is then
# its year.
PERIOD_FORMS = (
    "une période pluriannuelle AAAA-AAAA (ex. 2012-2017), un trimestre AAAA-T1 à AAAA-T4 "
    "(ex. 2024-T1), un mois AAAA-MM (ex. 2025-02) ou une date AAAA-MM-JJ (ex. 2023-01-01)"
)
QUARTER_WORDS = ("1er", "2e", "3e", "4e")


def _digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes ``²`` (which ``int`` refuses) and
    fullwidth or Arabic-Indic digits (which the site would print as written)."""
    return text.isascii() and text.isdigit()


def period_year(code: str) -> int | None:
    """The year a period is filed under (its last year); ``None`` when it is malformed."""
    first, sep, rest = code.partition("-")
    if not (sep and len(first) == 4 and _digits(first)):
        return None
    if len(rest) == 4 and _digits(rest):
        return int(rest) if int(first) < int(rest) else None
    if rest in ("T1", "T2", "T3", "T4"):
        return int(first)
    if len(rest) == 2 and _digits(rest):
        return int(first) if 1 <= int(rest) <= 12 else None
    if fmt_date(code) != code:
        try:
            date.fromisoformat(code)
        except ValueError:
            return None
        return int(first)
    return None


def period_start(code: str, year: int) -> int:
    """The first year a period covers (``2012`` for ``2012-2017``), else ``year``."""
    first, _, rest = code.partition("-")
    return int(first) if len(rest) == 4 and period_year(code) is not None else year


def fmt_period(code: str, year: int) -> str:
    """« 2012-2017 », « 1er trimestre 2024 », « 1er janvier 2023 », or the year."""
    if not code or period_year(code) is None:
        return fmt_year(year)
    first, _, rest = code.partition("-")
    if rest.startswith("T"):
        return f"{QUARTER_WORDS[int(rest[1]) - 1]} trimestre {first}"
    if len(rest) == 4:
        return code
    if len(rest) == 2:
        return f"{MONTHS[int(rest) - 1]} {first}"
    return fmt_date(code)


def fmt_when(code: str, year: int) -> str:
    """The period after a value: « en 2017 », « sur la période 2012-2017 », « au 1er
    trimestre 2024 », « au 1er janvier 2023 », « en février 2025 »."""
    label = fmt_period(code, year)
    if label == fmt_year(year) or label[0].isalpha():
        return f"en {label}"
    if label[0].isdigit() and "-" in label:
        return f"sur la période {label}"
    return f"au {label}"


def fmt_since(code: str, year: int) -> str:
    """The start of a change: « depuis 2012 », « depuis la période 2007-2012 », « depuis le
    1er trimestre 2024 », « depuis le 1er janvier 2019 », « depuis février 2025 »."""
    when = fmt_when(code, year)
    if when.startswith("sur "):
        return "depuis " + when[len("sur ") :]
    if when.startswith("au "):
        return "depuis le " + when[len("au ") :]
    return "depuis " + when[len("en ") :]


# Precision as the source gives it, read from the observation's note (the data contract
# writes it there: « Valeur approchée : … », « Valeur plancher : … »).
APPROXIMATE = ("approch", "environ", "arrondi")


def fmt_as_given(
    value: float | None, unit: str, decimals: int, status: str = "ok", note: str = ""
) -> str:
    """The value at the source's precision: « environ 40 % » for a value the source gives
    approximately (no decimal it did not give), « plus de 90 % » for a floor."""
    lower = note.lower()
    approx = any(word in lower for word in APPROXIMATE)
    floor = "plancher" in lower
    if (approx or floor) and value is not None and value == int(value):
        decimals = 0
    text = fmt_value(value, unit, decimals, status)
    if status != "ok" or value is None:
        return text
    return f"environ {text}" if approx else f"plus de {text}" if floor else text
