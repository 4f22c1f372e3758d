"""Guards on the JSON of a ``datapackage.json``, applied before any check reads it:
duplicate keys and NaN noted (JSON that means two things), nesting depth measured without
recursion, and descriptors with more resources or wider schemas than any package needs.
"""

from __future__ import annotations

from typing import Any

from observatory.core.limits import MAX_COLUMNS, MAX_DEPTH, MAX_RESOURCES
from observatory.core.problems import Problem


def too_many(rel: str, data: Any) -> Problem | None:
    """More resources, or fields in a schema, than any package needs: refused whole, so
    that no later check spends time on them."""
    resources = data.get("resources") if isinstance(data, dict) else None
    resources = resources if isinstance(resources, list) else []
    if len(resources) > MAX_RESOURCES.value:
        what = f"{len(resources)} ressources (au plus {MAX_RESOURCES.text()})"
    else:
        fields = [
            len(r["schema"]["fields"])
            for r in resources
            if isinstance(r, dict)
            and isinstance(r.get("schema"), dict)
            and isinstance(r["schema"].get("fields"), list)
        ]
        if not fields or max(fields) <= MAX_COLUMNS.value:
            return None
        what = f"un schéma de {max(fields)} champs (au plus {MAX_COLUMNS.text()})"
    return Problem(
        file=rel,
        field="resources",
        code="descripteur-trop-grand",
        message=f"descripteur démesuré : {what}",
        fix="un paquet de l'observatoire a deux ressources (observations et sources) "
        "d'une dizaine de colonnes : vérifiez le fichier (généré par erreur ?)",
    )


def unique_keys(pairs: list[tuple[str, Any]], oddities: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            oddities.append(f"propriété « {key[:80]} » présente deux fois dans un objet")
        result[key] = value
    return result


def depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, without recursion."""
    deepest = 0
    todo: list[tuple[Any, int]] = [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH.value:
                return level
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, level + 1) for child in children)
    return deepest


def too_deep(rel: str) -> Problem:
    return Problem(
        file=rel,
        code="json-trop-profond",
        message=f"JSON trop profondément imbriqué (au plus {MAX_DEPTH.text()} d'objets "
        "et de listes les uns dans les autres)",
        fix="un datapackage.json n'a besoin que de quelques niveaux : vérifiez les "
        "accolades et crochets (un descripteur généré par erreur ?)",
    )
