"""``python build.py check``: every rule over every package, in one sorted report.

The checks are data: ``CHECKS`` lists them in order, each a function from the
``Discovery`` to problems (append one to plug a new checker, e.g. for studies). Heavy
modules are imported only when a check runs, so a cache hit stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from observatory.check import results_cache
from observatory.core import context
from observatory.core.config import Config
from observatory.core.problems import Problem, sort_problems
from observatory.source.discover import Discovery, discover, input_files

Check = Callable[[Discovery], Iterable[Problem]]


def lazy(module: str, name: str) -> Check:
    """A check whose module is imported on first use."""

    def run(discovery: Discovery) -> Iterable[Problem]:
        function: Check = getattr(importlib.import_module(module), name)
        return function(discovery)

    run.__name__ = run.__qualname__ = f"{module}.{name}"
    return run


def only_with_studies(check_studies: Check) -> Check:
    """Run the study check only when ``studies/`` holds a study folder: without studies
    it has nothing to report, and it would load every observation of the project."""

    def run(discovery: Discovery) -> Iterable[Problem]:
        from observatory.source.studies import study_folders  # yaml: only when it runs

        if study_folders(discovery.config.studies):
            return check_studies(discovery)
        return []

    run.__name__ = run.__qualname__ = check_studies.__name__
    return run


CHECKS: tuple[Check, ...] = (
    lazy("observatory.check.descriptors", "check_descriptors"),
    lazy("observatory.check.coverage", "check_coverage"),
    lazy("observatory.check.rules", "check_tables"),
    lazy("observatory.check.rules", "check_observations"),
    lazy("observatory.check.periods", "check_periods"),
    lazy("observatory.check.bounds", "check_bounds"),
    lazy("observatory.check.consistency", "check_aggregates"),
    lazy("observatory.check.consistency", "check_indicator_ids"),
    lazy("observatory.check.consistency", "check_desired_rows"),
    lazy("observatory.check.consistency", "check_territories"),
    lazy("observatory.check.consistency", "check_schemes"),
    lazy("observatory.check.scores", "check_scores"),
    lazy("observatory.check.producers", "check_producers"),
    lazy("observatory.check.themes", "check_dashboards"),
    only_with_studies(lazy("observatory.check.studies", "check")),
)


def run_checks(discovery: Discovery, checks: Iterable[Check] = CHECKS) -> list[Problem]:
    problems: list[Problem] = []
    for check_one in checks:
        context.mark("datapackages")
        try:
            problems.extend(check_one(discovery))
        except (Exception, RecursionError) as error:  # a bug must not hide the other problems
            file, row = context.last()
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    code="erreur-interne",
                    message=f"erreur interne du validateur en lisant ce fichier "
                    f"({check_one.__name__} : {type(error).__name__}: {str(error)[:200]})",
                    fix="signalez ce problème aux mainteneurs de l'observatoire avec ce "
                    "message et le fichier en cause",
                )
            )
    return sort_problems(problems)


def check(config: Config) -> list[Problem]:
    """Validate all packages; reuse the cached result when no input changed."""
    key = results_cache.cache_key(config, input_files(config))
    cached = results_cache.load(config, key)
    if cached is not None:
        return cached
    problems = run_checks(discover(config))
    results_cache.store(config, key, problems)
    return problems
