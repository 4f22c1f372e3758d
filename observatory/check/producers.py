"""Producers are partners: each package names its producers by their id in the
partners reference (``datapackages/partenaires/partenaires.csv``), a foreign key, so
that one institution is spelled once (the CSSM, not « CSSM », « Caisse de sécurité
sociale de Mayotte (CSSM) » and « la Caisse »). The free text ``producer`` keeps the
detail (survey, service). A project without a partners reference has nothing to check.
"""

from __future__ import annotations

from collections.abc import Iterator

from observatory.check.rules import get_table
from observatory.core.problems import Problem
from observatory.source.discover import Discovery

REFERENCE = "datapackages/partenaires/partenaires.csv"
KEY = "producers"  # under observatory.governance


def check_producers(discovery: Discovery) -> Iterator[Problem]:
    """``governance.producers`` is present and every id is a partner id."""
    reference = discovery.package("partenaires")
    table = get_table(discovery, reference, "partenaires") if reference else None
    if table is None or "id" not in table.columns:
        return
    known = sorted({str(i) for i in table.columns["id"].tolist() if str(i)})
    listing = ", ".join(known)
    for package in discovery.packages:
        governance = package.observatory.get("governance")
        if not isinstance(governance, dict):
            continue  # the profile check reports it
        producers = governance.get(KEY)
        if producers is None:
            yield Problem(
                file=package.rel,
                field=f"observatory.governance.{KEY}",
                code="producteurs-absents",
                message="les producteurs du paquet ne sont pas désignés par leurs "
                f"identifiants du référentiel des partenaires ({REFERENCE})",
                fix=f'ajoutez "producers": [...] avec un ou plusieurs de : {listing}',
            )
            continue
        if not isinstance(producers, list):
            continue  # the profile check reports it
        for index, ident in enumerate(producers):
            if isinstance(ident, str) and ident not in known:
                yield Problem(
                    file=package.rel,
                    field=f"observatory.governance.{KEY}[{index}]",
                    value=ident,
                    code="producteur-inconnu",
                    message=f"producteur absent du référentiel des partenaires ({REFERENCE})",
                    fix=f"choisissez un identifiant connu ({listing}) ou ajoutez "
                    f"l'institution à {REFERENCE}",
                )
