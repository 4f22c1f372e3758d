"""Limits on the inputs of ``check``: past them a file is refused with one clear problem.

They keep the validator's time and memory bounded whatever it is given (a hostile or
broken file ends in seconds, never in a hang or a crash). Each is far above what the
observatory's data needs: a table has about ten columns and a few thousand rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    name: str
    value: int
    unit: str
    help: str

    def text(self) -> str:
        if self.unit == "octets" and self.value >= 1024 * 1024:
            return f"{self.value // (1024 * 1024)} Mo"
        return f"{self.value:,} {self.unit}".replace(",", " ")


MAX_FILE = Limit("max_file", 100 * 1024 * 1024, "octets", "taille d'un fichier CSV")
MAX_LINE = Limit("max_line", 1024 * 1024, "octets", "longueur d'une ligne d'un fichier CSV")
MAX_COLUMNS = Limit("max_columns", 1000, "colonnes", "nombre de colonnes d'un fichier CSV")
MAX_JSON = Limit("max_json", 10 * 1024 * 1024, "octets", "taille d'un datapackage.json")
MAX_DEPTH = Limit("max_depth", 64, "niveaux", "imbrication d'un datapackage.json")
MAX_RESOURCES = Limit("max_resources", 100, "ressources", "ressources d'un datapackage.json")
MAX_STUDY = Limit("max_study", 10 * 1024 * 1024, "octets", "taille du fichier index.md d'une étude")

LIMITS: tuple[Limit, ...] = (
    MAX_FILE,
    MAX_LINE,
    MAX_COLUMNS,
    MAX_JSON,
    MAX_DEPTH,
    MAX_RESOURCES,
    MAX_STUDY,
)


def megabytes(size: int) -> str:
    """A size for a message: « 201,3 Mo »."""
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
