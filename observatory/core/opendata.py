"""The open data of a release, as values: the published files of each public package,
their DCAT description, the release manifest and the release notes.

Computed by ``compute.opendata`` (the pipeline puts the result in ``Site.open_data``);
shown by the catalogue pages and written by ``publish.opendata`` and ``publish.dcat``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from observatory.core.model import Package


@dataclass(frozen=True)
class PublishedFile:
    path: str  # site-relative
    title: str
    content: bytes
    schema: str = ""


@dataclass(frozen=True)
class FileInfo:
    """One published file: its site-relative path, size, SHA-1 and schema (if a table)."""

    path: str
    title: str
    size: int
    sha1: str
    schema: str = ""  # site-relative path of its Table Schema, or "" (spec for descriptors)


BBox = tuple[float, float, float, float]  # west, south, east, north (WGS84 degrees)


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    title: str
    description: str
    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    publisher: str
    frequency: str
    license_url: str
    landing: str  # site-relative URL of the package sheet
    issued: str
    modified: str
    period: tuple[str, str] | None  # temporal coverage: first and last day (ISO dates)
    files: tuple[FileInfo, ...]
    bbox: BBox | None = None  # spatial coverage: Mayotte's bounding box


def sha1_hex(data: bytes) -> str:
    """SHA-1, the only checksum algorithm DCAT-AP 2.1.1 accepts (integrity, not security)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Published:
    package: Package
    files: tuple[PublishedFile, ...]
    info: DatasetInfo


ValueRow = tuple[str, str, int, str, float | None]


@dataclass(frozen=True)
class ReleaseNotes:
    release: str
    previous: str  # "" for the first release
    added_series: tuple[tuple[str, str], ...]  # (indicator, code)
    added_values: tuple[ValueRow, ...]
    revised: tuple[tuple[ValueRow, float | None], ...]  # (new row, old value)
    removed: tuple[ValueRow, ...]
    changed_files: tuple[str, ...] = ()  # site paths of files added or modified


@dataclass(frozen=True)
class OpenData:
    """Everything the open-data outputs and pages show, computed once per build."""

    published: tuple[Published, ...] = ()
    manifest: Mapping[str, Any] = field(default_factory=dict)
    notes: ReleaseNotes | None = None
