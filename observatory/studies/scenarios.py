"""Deployment scenarios of the technical report: the buyer's parameters and computed totals.

A study folder may hold ``scenarios.csv`` (``id,nom,description``) and ``parametres.csv``
(``parametre,libelle,unite,nature`` then one column per scenario id). The buyer replaces
the values by their own quotes; ``nature`` says what a row's values are: ``exemple`` (an
order of magnitude for illustration, never a quote), ``estimation`` or ``devis``.
Totals are computed at build time from the formula below, so they always match the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from observatory.core.problems import Problem

PARAMETERS_FILE = "parametres.csv"
SCENARIOS_FILE = "scenarios.csv"
NATURES: tuple[str, ...] = ("exemple", "estimation", "devis")
FIXED_COLUMNS: tuple[str, ...] = ("parametre", "libelle", "unite", "nature")

# parameter id -> unit expected; the formula of ``Totals`` uses exactly these.
PARAMETERS: dict[str, str] = {
    "acquisition": "EUR",
    "mise_en_place": "EUR",
    "abonnement_mensuel": "EUR/mois",
    "maintenance_annuelle": "EUR/an",
    "jours_developpement": "jours-personne",
    "jours_migration": "jours-personne",
    "jours_formation": "jours-personne",
    "tarif_journalier": "EUR/jour-personne",
    "duree_annees": "années",
}


@dataclass(frozen=True)
class Scenario:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Parameter:
    id: str
    label: str
    unit: str
    nature: str
    values: tuple[Decimal, ...]  # one per scenario, in scenario order


@dataclass(frozen=True)
class Totals:
    """Computed per scenario: one-off cost, yearly cost and total over the period."""

    days: Decimal
    one_off: Decimal
    yearly: Decimal
    total: Decimal


@dataclass(frozen=True)
class CostModel:
    scenarios: tuple[Scenario, ...]
    parameters: tuple[Parameter, ...]

    def value(self, parameter: str, index: int) -> Decimal:
        return next(p.values[index] for p in self.parameters if p.id == parameter)

    def totals(self, index: int) -> Totals:
        v = self.value
        days = (
            v("jours_developpement", index)
            + v("jours_migration", index)
            + v("jours_formation", index)
        )
        one_off = v("acquisition", index) + v("mise_en_place", index)
        one_off += days * v("tarif_journalier", index)
        yearly = 12 * v("abonnement_mensuel", index) + v("maintenance_annuelle", index)
        return Totals(days, one_off, yearly, one_off + v("duree_annees", index) * yearly)

    @property
    def has_examples(self) -> bool:
        return any(p.nature == "exemple" for p in self.parameters)


def _rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return list(csv.DictReader(io.StringIO(text)))


def read_cost_model(
    files: Mapping[str, bytes], folder: str
) -> tuple[CostModel | None, list[Problem]]:
    """The cost model of a study from its files (``Study.files``); ``folder`` is the study
    folder relative to the project (for the problems). Every problem names file, line and
    column."""
    srel, prel = f"{folder}/{SCENARIOS_FILE}", f"{folder}/{PARAMETERS_FILE}"
    problems = [
        Problem(
            file=rel,
            code="scenarios-fichier-absent",
            message="fichier absent : les coûts des scénarios ne peuvent être calculés",
            fix=f"Ajoutez {name} dans le dossier de l'étude (voir le modèle livré).",
        )
        for name, rel in ((SCENARIOS_FILE, srel), (PARAMETERS_FILE, prel))
        if name not in files
    ]
    if problems:
        return None, problems
    scenarios = _scenarios(_rows(files[SCENARIOS_FILE]), srel, problems)
    rows = _rows(files[PARAMETERS_FILE])
    _check_header(rows, scenarios, prel, problems)
    if problems:
        return None, problems
    parameters = [
        parameter
        for line, row in enumerate(rows, start=2)
        if (parameter := _parameter(row, line, scenarios, prel, problems)) is not None
    ]
    _check_all_given(parameters, prel, problems)
    if problems:
        return None, problems
    return CostModel(scenarios, tuple(parameters)), []


def _scenarios(
    rows: list[dict[str, str]], srel: str, problems: list[Problem]
) -> tuple[Scenario, ...]:
    scenarios = tuple(
        Scenario(r.get("id", "").strip(), r.get("nom", "").strip(), r.get("description", ""))
        for r in rows
    )
    for line, s in enumerate(scenarios, start=2):
        if not s.id or not s.name:
            problems.append(
                Problem(
                    file=srel,
                    row=line,
                    field="id" if not s.id else "nom",
                    code="scenarios-champ-vide",
                    message="chaque scénario doit avoir un identifiant et un nom",
                    fix="Remplissez les colonnes id et nom.",
                )
            )
    return scenarios


def _check_header(
    rows: list[dict[str, str]],
    scenarios: tuple[Scenario, ...],
    prel: str,
    problems: list[Problem],
) -> None:
    header = list(rows[0].keys()) if rows else []
    for column in (*FIXED_COLUMNS, *(s.id for s in scenarios)):
        if column not in header:
            problems.append(
                Problem(
                    file=prel,
                    row=1,
                    field=column,
                    code="scenarios-colonne-absente",
                    message=f"colonne « {column} » absente de l'en-tête",
                    fix="L'en-tête doit contenir parametre, libelle, unite, nature et une "
                    "colonne par identifiant de scenarios.csv.",
                )
            )


def _parameter(
    row: dict[str, str],
    line: int,
    scenarios: tuple[Scenario, ...],
    prel: str,
    problems: list[Problem],
) -> Parameter | None:
    """One row of ``parametres.csv``; ``None`` for an unknown parameter."""
    pid = row["parametre"].strip()
    if pid not in PARAMETERS:
        problems.append(
            Problem(
                file=prel,
                row=line,
                field="parametre",
                value=pid,
                code="scenarios-parametre-inconnu",
                message="paramètre inconnu",
                fix="Paramètres possibles : " + ", ".join(PARAMETERS) + ".",
            )
        )
        return None
    if row["unite"].strip() != PARAMETERS[pid]:
        problems.append(
            Problem(
                file=prel,
                row=line,
                field="unite",
                value=row["unite"],
                code="scenarios-unite",
                message=f"unité inattendue pour « {pid} »",
                fix=f"Exprimez ce paramètre en {PARAMETERS[pid]}.",
            )
        )
    nature = row["nature"].strip()
    if nature not in NATURES:
        problems.append(
            Problem(
                file=prel,
                row=line,
                field="nature",
                value=nature,
                code="scenarios-nature",
                message="nature de valeur inconnue",
                fix="Écrivez exemple, estimation ou devis.",
            )
        )
    values = tuple(
        number
        for s in scenarios
        if (number := _amount(row.get(s.id) or "", line, s.id, prel, problems)) is not None
    )
    return Parameter(pid, row["libelle"].strip(), PARAMETERS[pid], nature, values)


def _amount(raw: str, line: int, column: str, prel: str, problems: list[Problem]) -> Decimal | None:
    raw = raw.strip()
    try:
        number = Decimal(raw.replace(",", "."))
        if not number.is_finite() or number < 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(
            Problem(
                file=prel,
                row=line,
                field=column,
                value=raw,
                code="scenarios-valeur",
                message="la valeur doit être un nombre positif ou nul",
                fix="Écrivez un nombre sans unité ni espace, par exemple 1200 ou 0.5.",
            )
        )
        return None
    return number


def _check_all_given(parameters: list[Parameter], prel: str, problems: list[Problem]) -> None:
    for pid in PARAMETERS:
        if pid not in {p.id for p in parameters} and not any(
            p.field == "parametre" and p.value == pid for p in problems
        ):
            problems.append(
                Problem(
                    file=prel,
                    field="parametre",
                    value=pid,
                    code="scenarios-parametre-absent",
                    message=f"ligne du paramètre « {pid} » absente",
                    fix=f"Ajoutez une ligne {pid} ({PARAMETERS[pid]}) "
                    "avec une valeur par scénario.",
                )
            )
