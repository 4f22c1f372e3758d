"""What a shortcode of a study may draw from (``Context``) and the error it raises when
it cannot be expanded (``ShortcodeError``), shared by ``shortcodes`` and ``tables``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from observatory.core.model import Indicator, Project, Series, Study


class ShortcodeError(Exception):
    """A shortcode (or the table it asks for) that cannot be expanded: the French
    message, the fix and the bad value, for the problem of ``build.py check``."""

    def __init__(self, message: str, fix: str, value: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.value = value


ValueKey = tuple[str, str, int, tuple[tuple[str, str], ...]]


@dataclass(frozen=True)
class Context:
    """What a shortcode may draw from: the project, its values and the site's links."""

    project: Project
    values: Mapping[ValueKey, float | None]
    study: Study  # the study being expanded (its folder and files)
    base_url: str = "/"  # prefix of site-relative links (e.g. "../../" from a study page)
    charts: Mapping[str, str] = field(default_factory=dict)  # indicator id -> chart SVG
    series: Mapping[str, Series] = field(default_factory=dict)  # the computed series

    def indicator(self, indicator_id: object) -> Indicator:
        for package in self.project.packages:
            for indicator in package.indicators:
                if indicator.id == indicator_id:
                    return indicator
        raise ShortcodeError(
            f"indicateur inconnu « {indicator_id} »",
            "Utilisez l'identifiant d'un indicateur déclaré dans un datapackage.json "
            "(voir le catalogue des indicateurs).",
            str(indicator_id),
        )
