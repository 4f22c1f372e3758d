"""The resources of a package: each path stays a plain file inside the package folder
(no control character, no symbolic link out of it), and an available package has the
resources the observatory needs while a desired one has none.
"""

from __future__ import annotations

from collections.abc import Iterator

from observatory.core.model import REFERENCE_PACKAGES
from observatory.core.problems import Problem
from observatory.source.discover import PackageFolder

DATA_RESOURCES = ("observations", "sources")


def resource_problems(package: PackageFolder) -> Iterator[Problem]:
    rel = package.rel
    root = package.path.resolve()
    for index, resource in enumerate(package.resources()):
        path = resource.get("path")
        if not isinstance(path, str):
            continue  # reported by the standard validation
        field = f"resources[{index}].path"
        if any(ord(c) < 32 for c in path) or len(path.encode("utf-8", "replace")) > 255:
            yield Problem(
                file=rel,
                field=field,
                value=path.encode("unicode_escape").decode()[:80],
                code="chemin-invalide",
                message="chemin de ressource invalide : caractère de contrôle (octet nul, "
                "tabulation, retour à la ligne) ou plus de 255 octets",
                fix="indiquez le nom du fichier CSV du paquet, par exemple « observations.csv »",
            )
            continue
        link = package.path / path
        if link.is_symlink() and not link.resolve().is_relative_to(root):
            yield Problem(
                file=rel,
                field=field,
                value=path,
                code="lien-hors-depot",
                message="le fichier de la ressource est un lien symbolique vers l'extérieur "
                "du dossier du paquet",
                fix="copiez le fichier dans le dossier du paquet à la place du lien",
            )
            continue
        target = link.resolve()
        if path.startswith(("/", "\\")) or "://" in path or not target.is_relative_to(root):
            yield Problem(
                file=rel,
                field=field,
                value=path,
                code="chemin-interdit",
                message="le chemin de la ressource sort du dossier du paquet",
                fix="indiquez un chemin relatif à l'intérieur du dossier du paquet "
                "(ex. « observations.csv »)",
            )
        elif package.file(path) is None:
            yield Problem(
                file=rel,
                field=field,
                value=path,
                code="fichier-absent",
                message="le fichier de la ressource n'existe pas",
                fix=f"ajoutez le fichier {package.rel_file(path)} ou corrigez le chemin",
            )
    names = [r.get("name") for r in package.resources()]
    block = package.observatory
    if package.id in REFERENCE_PACKAGES or not block:
        return
    status = block.get("status")
    if status == "available":
        for wanted in DATA_RESOURCES:
            if wanted not in names:
                yield Problem(
                    file=rel,
                    field="resources",
                    value=wanted,
                    code="ressource-absente",
                    message=f"un paquet disponible doit avoir la ressource « {wanted} »",
                    fix=f"déclarez la ressource « {wanted} » ({wanted}.csv) ou passez le "
                    'paquet en "status": "desired"',
                )
    elif status == "desired" and names:
        yield Problem(
            file=rel,
            field="resources",
            code="souhaite-avec-donnees",
            message="un paquet souhaité (status « desired ») ne doit contenir aucune donnée",
            fix='videz la liste ("resources": []) ou passez le paquet en "status": "available" '
            "si les données sont publiées",
        )
