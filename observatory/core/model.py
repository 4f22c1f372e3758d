"""Immutable values passed between the stages of the build pipeline.

Every stage is a function from frozen values to frozen values; only discovery/loading
read files and only the writer writes. Collections are tuples, sorted where order
does not carry meaning, so that the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Level = Literal["commune", "epci", "departement"]
LEVELS: tuple[Level, ...] = ("commune", "epci", "departement")
LEVEL_ORDER: dict[Level, int] = {"departement": 0, "epci": 1, "commune": 2}  # display order
DEPARTEMENT = "976"  # the INSEE code of Mayotte, the one département of the observatory
# Packages with their own resources instead of observations + sources.
REFERENCE_PACKAGES = ("territoires", "dispositifs", "partenaires")
Status = Literal["available", "desired"]
Aggregation = Literal["sum", "ratio_of_sums", "none"]
Sensitivity = Literal["public", "partners", "personal"]


@dataclass(frozen=True)
class Territory:
    """A commune (INSEE code 976xx), an EPCI (SIREN) or the département (976)."""

    code: str
    name: str
    level: Level
    epci: str | None = None  # for communes: the EPCI SIREN
    departement: str = DEPARTEMENT
    communes: tuple[str, ...] = ()  # for EPCI and département: member commune codes


@dataclass(frozen=True)
class Source:
    """Where a figure comes from. ``secondary`` flags a second-hand citation."""

    id: str
    organisation: str
    title: str
    url: str
    vintage: str
    secondary: bool = False
    quote: str = ""


@dataclass(frozen=True)
class Governance:
    owner: str
    producer: str
    creates: str
    modifies: str
    corrects: str
    updates: str
    validates: str
    update_frequency: str
    legal_basis: str
    gdpr: str
    sensitivity: Sensitivity
    producers: tuple[str, ...] = ()  # partner ids (partenaires.csv), checked as foreign keys


@dataclass(frozen=True)
class Priority:
    """Scores from 1 (low) to 3 (high); the total orders the integration work."""

    partner_commitment: int
    data_integrity: int
    technical_feasibility: int
    social_need: int
    social_need_note: str

    @property
    def total(self) -> int:
        return (
            self.partner_commitment
            + self.data_integrity
            + self.technical_feasibility
            + self.social_need
        )


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    unit: str
    definition: str
    package: str
    theme: str
    levels: tuple[Level, ...]
    aggregation: Aggregation = "none"
    numerator: str = ""
    denominator: str = ""
    secrecy_threshold: int | None = None
    comparability: str = ""
    chart: str = "line"
    decimals: int = 0
    status: Status = "available"
    dimensions: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()  # decision_makers, partners, public (labels.RECIPIENTS)


@dataclass(frozen=True)
class Observation:
    """One figure: indicator × territory × year (× dimensions), with its source."""

    indicator: str
    level: Level
    code: str
    year: int
    value: float | None
    source: str
    note: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()
    period: str = ""  # column ``periode``: ``2012-2017``, ``2024-T1``, ``2023-01-01`` or ""


PointStatus = Literal["ok", "secret", "missing"]


@dataclass(frozen=True)
class Point:
    """One value of a series after aggregation and statistical secrecy.

    ``status`` is ``secret`` when the value is suppressed (``value`` is then ``None``:
    a suppressed value is never shown, never as zero), ``missing`` when no figure exists.
    ``computed`` marks a value aggregated by the build (e.g. an EPCI summed from its communes).
    """

    code: str
    level: Level
    year: int
    value: float | None
    status: PointStatus = "ok"
    source: str = ""
    note: str = ""
    computed: bool = False
    dimensions: tuple[tuple[str, str], ...] = ()
    period: str = ""  # as declared by the observation (``2012-2017``...), "" = the year


@dataclass(frozen=True)
class Series:
    """One indicator over every territory and year, ready for charts, maps and tables."""

    indicator: Indicator
    points: tuple[Point, ...]


@dataclass(frozen=True)
class SchemaField:
    name: str
    type: str
    title: str = ""
    description: str = ""
    unit: str = ""
    constraints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str = ""
    description: str = ""
    fields: tuple[SchemaField, ...] = ()


@dataclass(frozen=True)
class DesiredData:
    """For ``status: desired``: the data the observatory needs and who could provide it."""

    needed: str
    likely_producer: str
    legal_constraints: str
    levels: tuple[Level, ...] = ()
    frequency: str = ""


@dataclass(frozen=True)
class Package:
    id: str
    path: Path  # folder of the package, absolute
    title: str
    description: str
    themes: tuple[str, ...]
    status: Status
    licenses: tuple[tuple[str, str], ...]  # (name, path)
    governance: Governance
    priority: Priority
    indicators: tuple[Indicator, ...] = ()
    resources: tuple[Resource, ...] = ()
    sources: tuple[Source, ...] = ()
    desired: DesiredData | None = None
    keywords: tuple[str, ...] = ()
    version: str = ""
    # declared period (start, end ISO dates) of a package without yearly series
    temporal: tuple[str, str] | None = None
    # datapackage.json and its resource files as read: (path in the folder, bytes)
    files: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Theme:
    """A theme and its dashboard: ``key_indicators`` open it (in this order), then the
    ``subtopics`` (title, indicator ids) in their declared order."""

    id: str
    title: str
    description: str
    order: int
    key_indicators: tuple[str, ...] = ()
    subtopics: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Scheme:
    """A social scheme (dispositif) and the data that would document it."""

    id: str
    name: str
    domain: str
    operator: str
    public: str
    description: str
    packages: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    url: str = ""
    acronym: str = ""  # sigle, e.g. AAH
    specificity: str = ""  # how the scheme applies in Mayotte (specificite_mayotte)


@dataclass(frozen=True)
class Partner:
    """An institution of the partners network (``partenaires.csv``)."""

    id: str
    name: str
    acronym: str = ""
    category: str = ""
    role: str = ""
    data: str = ""  # the data it holds
    marks: tuple[str, ...] = ()  # names that identify it in a source or an operator text
    url: str = ""
    source: str = ""  # the page its role and data are read from
    quote: str = ""  # the sentences of that page, as written


@dataclass(frozen=True)
class Study:
    slug: str
    path: Path
    title: str
    authors: tuple[str, ...]
    partner: str
    date: str
    themes: tuple[str, ...]
    summary: str
    licence: str
    body: str
    indicators: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    pdf: str = ""
    # files beside index.md (PDF, parameter tables, images): (relative POSIX path, bytes)
    files: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Project:
    """Everything the build read, validated and ready for the later stages."""

    root: Path
    themes: tuple[Theme, ...]
    territories: tuple[Territory, ...]
    packages: tuple[Package, ...]
    observations: tuple[Observation, ...] = ()
    schemes: tuple[Scheme, ...] = ()
    partners: tuple[Partner, ...] = ()
    studies: tuple[Study, ...] = ()
    geojson: tuple[tuple[Level, str], ...] = ()  # (level, GeoJSON FeatureCollection text)
    previous_manifest: Mapping[str, Any] | None = None  # of the previous release (notes)
    release: str = ""
