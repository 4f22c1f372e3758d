"""French labels of the observatory profile's enumerations, shared by catalogues and studies."""

from __future__ import annotations

import json
from dataclasses import dataclass

from observatory.core.model import REFERENCE_PACKAGES, Level, Package

# Open licences accepted for publication, with their official address (used in DCAT).
OPEN_LICENCES = {
    "etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}

TYPES_FR = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre",
    "boolean": "booléen (true ou false)",
    "array": "liste [ … ]",
    "object": "objet { … }",
    "null": "null",
}

# Who an indicator is for (profile: indicator.recipients), in the profile's order.
RECIPIENTS: dict[str, str] = {
    "decision_makers": "décideurs (Département, État, communes)",
    "partners": "partenaires (opérateurs, associations, professionnels)",
    "public": "grand public",
}


# The same in one word each, where a row has little room (the coverage matrix).
RECIPIENTS_SHORT: dict[str, str] = {
    "decision_makers": "décideurs",
    "partners": "partenaires",
    "public": "grand public",
}


def recipients_short(recipients: tuple[str, ...]) -> str:
    """« décideurs, grand public » in the profile's order; empty when none declared."""
    return ", ".join(label for key, label in RECIPIENTS_SHORT.items() if key in recipients)


def recipients_label(recipients: tuple[str, ...]) -> str:
    """« décideurs (…), grand public » in the profile's order; empty when none declared."""
    return ", ".join(label for key, label in RECIPIENTS.items() if key in recipients)


SECRET_NOTE = "secret statistique"  # noqa: S105 (a label, not a password)

FREQUENCIES: dict[str, str] = {
    "continuous": "en continu",
    "daily": "quotidienne",
    "weekly": "hebdomadaire",
    "monthly": "mensuelle",
    "quarterly": "trimestrielle",
    "annual": "annuelle",
    "biennial": "tous les deux ans",
    "triennial": "tous les trois ans",
    "quinquennial": "tous les cinq ans",
    "irregular": "irrégulière",
    "unknown": "inconnue",
    "never": "aucune (donnée figée)",
}
GDPR: dict[str, str] = {
    "none": "aucune donnée personnelle",
    "aggregated": "agrégats issus de données personnelles",
    "pseudonymised": "données pseudonymisées",
    "personal": "données personnelles",
}
SENSITIVITY: dict[str, str] = {
    "public": "publique",
    "partners": "réservée aux partenaires",
    "personal": "personnelle (jamais publiée)",
}
STATUS: dict[str, str] = {"available": "disponible", "desired": "souhaitée"}


@dataclass(frozen=True)
class LevelWords:
    """The French words of a geographic level, in every form the site uses."""

    name: str  # "commune" (tables, filters)
    plural: str  # "communes" (levels of an indicator)
    of_the: str  # "des communes" (map titles)
    kind: str  # "Commune de Mayotte" (portraits)


LEVEL_WORDS: dict[Level, LevelWords] = {
    "commune": LevelWords("commune", "communes", "des communes", "Commune de Mayotte"),
    "epci": LevelWords(
        "EPCI", "EPCI", "des intercommunalités (EPCI)", "Intercommunalité (EPCI) de Mayotte"
    ),
    "departement": LevelWords(
        "département", "département", "du département", "Département de Mayotte"
    ),
}
LEVEL_NAMES: dict[Level, str] = {level: words.name for level, words in LEVEL_WORDS.items()}
AGGREGATION: dict[str, str] = {
    "sum": "somme des communes",
    "ratio_of_sums": "rapport des sommes",
    "none": "pas d'agrégation (valeurs publiées seulement)",
}


def is_reference(package: Package) -> bool:
    return package.id in REFERENCE_PACKAGES


def theme_packages(packages: tuple[Package, ...]) -> list[Package]:
    """Theme data packages (available and desired), sorted by id."""
    return sorted((p for p in packages if not is_reference(p)), key=lambda p: p.id)


# Licences by their identifier: the name a reader knows (the address is the validator's).
LICENCE_NAMES: dict[str, str] = {
    "etalab-2.0": "Licence Ouverte 2.0 (Etalab)",
    "ODbL-1.0": "licence ODbL 1.0",
    "CC-BY-4.0": "licence CC BY 4.0",
    "CC-BY-SA-4.0": "licence CC BY-SA 4.0",
    "CC0-1.0": "CC0 1.0 (domaine public)",
}


def licence_label(identifier: str) -> tuple[str, str]:
    """(name, official address) of a licence; unknown: the identifier, no address."""
    return LICENCE_NAMES.get(identifier, identifier), OPEN_LICENCES.get(identifier, "")


# Table Schema words shown in the catalogue's schema tables.
FIELD_TYPES: dict[str, str] = {
    **{kind: TYPES_FR[kind] for kind in ("string", "number", "integer", "boolean")},
    "date": "date",
    "time": "heure",
    "datetime": "date et heure",
    "year": "année",
    "yearmonth": "année et mois",
    "duration": "durée",
    "geopoint": "point géographique",
    "geojson": "géométrie GeoJSON",
    "object": "objet JSON",
    "array": "liste JSON",
    "any": "libre",
}
CONSTRAINTS: dict[str, str] = {
    "enum": "valeurs permises",
    "pattern": "motif (expression régulière)",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "strictement supérieur à",
    "exclusiveMaximum": "strictement inférieur à",
    "minLength": "longueur minimale",
    "maxLength": "longueur maximale",
}
FLAG_CONSTRAINTS: dict[str, str] = {"required": "obligatoire", "unique": "valeurs uniques"}


def constraint_label(key: str, value: str) -> str:
    """One Table Schema constraint in French (``required : true`` reads « obligatoire »)."""
    if key in FLAG_CONSTRAINTS:
        label = FLAG_CONSTRAINTS[key]
        return label if value == "true" else f"{label} : non"
    if key == "enum" and value.startswith("["):
        try:
            values = json.loads(value)
        except ValueError:
            values = None
        if isinstance(values, list):
            value = ", ".join(str(v) for v in values)
    return f"{CONSTRAINTS.get(key, key)} : {value}"
