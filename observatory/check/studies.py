"""The study check of ``build.py check``: front matter, shortcodes and cost parameters.

Registered in ``observatory.check.validate.CHECKS``. Shortcodes are expanded exactly as the
build expands them (same values, after aggregation and statistical secrecy), so a study
that passes the check renders without a blank.
"""

from __future__ import annotations

import importlib

from observatory.compute.indicators import compute_series
from observatory.core.model import Project
from observatory.core.problems import Problem
from observatory.source.discover import Discovery
from observatory.source.studies import StudyRefs, read_files, read_studies, study_folders
from observatory.studies.context import Context
from observatory.studies.scenarios import PARAMETERS_FILE, SCENARIOS_FILE, read_cost_model
from observatory.studies.shortcodes import expand, values_from_series


def check_studies(project: Project) -> list[Problem]:
    """Every problem of every study: front matter, shortcodes and cost parameters."""
    studies, problems = read_studies(
        project.root / "studies", project.root, StudyRefs.from_project(project)
    )
    series = compute_series(project)
    values = values_from_series(tuple(series.values()))
    for study in studies:
        _, found = expand(study, Context(project, values, study, series=series))
        problems.extend(found)
    for folder in study_folders(project.root / "studies"):  # also those with other problems
        files = dict(read_files(folder))
        if PARAMETERS_FILE in files or SCENARIOS_FILE in files:
            rel = folder.relative_to(project.root).as_posix()
            problems.extend(read_cost_model(files, rel)[1])
    return problems


def refs_from_discovery(discovery: Discovery) -> StudyRefs:
    """Identifiers read from the descriptors, for when the project cannot be loaded."""
    indicators = set()
    for package in discovery.packages:
        for indicator in package.observatory.get("indicators") or []:
            if isinstance(indicator, dict) and isinstance(indicator.get("id"), str):
                indicators.add(indicator["id"])
    return StudyRefs(
        themes=frozenset(discovery.themes),
        indicators=frozenset(indicators),
        packages=frozenset(p.id for p in discovery.packages),
    )


def check(discovery: Discovery) -> list[Problem]:
    """The study check of ``build.py check`` (registered in ``validate.CHECKS``).

    With a loadable project, shortcodes are expanded against the data; when the data
    themselves have problems (reported by the other checks), only the front matter is
    checked, against the identifiers of the descriptors.
    """
    try:
        loader = importlib.import_module("observatory.source.load")
        project: Project | None = loader.load_project(discovery.config)
    except Exception:  # the data checks report why the project does not load
        project = None
    if project is not None:
        return check_studies(project)
    root = discovery.root
    return read_studies(root / "studies", root, refs_from_discovery(discovery))[1]
