"""Checks of ``datapackage.json``: the Frictionless standard, the observatory profile,
themes, licence, sources and resource paths — each problem in French with its fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

import jsonschema

from observatory.check.resources import resource_problems
from observatory.core import context
from observatory.core.labels import OPEN_LICENCES, RECIPIENTS, TYPES_FR
from observatory.core.problems import Problem
from observatory.source.discover import Discovery, PackageFolder, profile_schema

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def json_path(parts: Iterable[object]) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(racine)"


def short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "…"


# A missing property whose fix needs more than its name: what to write.
REQUIRED_FIXES = {
    "recipients": 'ajoutez "recipients": [...] à l\'indicateur : à qui il sert, un ou plusieurs de '
    + " ; ".join(f"{key} : {label}" for key, label in RECIPIENTS.items()),
}


@cache
def profile_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(profile_schema())


def profile_problem(rel: str, error: jsonschema.ValidationError) -> Problem:
    """Translate one JSON Schema error of the observatory profile into French."""
    path = json_path(error.absolute_path)
    kind = error.validator
    arg: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    value = "" if kind == "required" else short(error.instance)
    fix = "corrigez la valeur (voir observatory/profile/observatory-profile.schema.json)"
    if kind == "required":
        missing = next((n for n in arg if n not in instance), str(arg))
        field = f"{path}.{missing}" if path != "(racine)" else str(missing)
        return Problem(
            file=rel,
            field=field,
            code="profil",
            message=f"propriété obligatoire « {missing} » absente",
            fix=REQUIRED_FIXES.get(missing)
            or f"ajoutez « {missing} » dans « {path} » "
            "(voir observatory/profile/observatory-profile.schema.json)",
        )
    if kind == "enum":
        message = "valeur non autorisée"
        fix = "choisissez parmi : " + ", ".join(str(v) for v in arg)
    elif kind == "const":
        message = "valeur non autorisée"
        fix = f"la valeur attendue est {short(arg)}"
    elif kind == "type":
        names = [arg] if isinstance(arg, str) else list(arg)
        message = "type incorrect : " + " ou ".join(TYPES_FR.get(n, n) for n in names) + " attendu"
        value = json.dumps(instance, ensure_ascii=False)[:80]
        fix = "écrivez une valeur du type attendu"
    elif kind == "pattern":
        message = "format incorrect"
        fix = f"la valeur doit respecter le motif {arg} (minuscules, chiffres, _)"
    elif kind in ("minimum", "maximum"):
        word = "inférieure au minimum" if kind == "minimum" else "supérieure au maximum"
        message = f"valeur {word} {arg}"
        fix = "indiquez une valeur entre les bornes autorisées"
    elif kind == "minItems":
        message = f"liste trop courte : au moins {arg} élément(s) attendu(s)"
        fix = "complétez la liste"
    elif kind == "uniqueItems":
        message = "la liste contient des doublons"
        fix = "supprimez les éléments répétés"
    elif kind == "minLength":
        message = "texte vide"
        fix = "renseignez ce champ"
    elif kind == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        message = "propriété(s) inconnue(s) : " + ", ".join(extra)
        value = ""
        fix = "supprimez-les ou corrigez leur orthographe (voir le profil de l'observatoire)"
    else:
        message = f"non conforme au profil de l'observatoire ({kind})"
    return Problem(file=rel, field=path, value=value, code="profil", message=message, fix=fix)


FRICTIONLESS_NOTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^(?P<value>.*) is not of type '(?P<type>\w+)' at property '(?P<prop>.*)'$"),
        "la propriété « {prop} » doit être de type {type}",
    ),
    (
        re.compile(r"^'(?P<value>.*)' is a required property at property '(?P<prop>.*)'$"),
        "propriété obligatoire « {value} » absente dans « {prop} »",
    ),
    (
        re.compile(r"^'(?P<value>.*)' is a required property$"),
        "propriété obligatoire « {value} » absente",
    ),
    (
        re.compile(r'^primary key "(?P<value>.*)" does not match the fields "(?P<prop>.*)"$'),
        "la clé primaire {value} ne correspond pas aux champs du schéma {prop}",
    ),
    (
        re.compile(r'^foreign key "(?P<value>.*)" does not match the fields "(?P<prop>.*)"$'),
        "la clé étrangère {value} ne correspond pas aux champs du schéma {prop}",
    ),
    (
        re.compile(r'^field type "(?P<value>.*)" is not supported'),
        "type de champ « {value} » inconnu du standard Table Schema (types possibles : "
        "string, integer, number, boolean, date, year, datetime…)",
    ),
)


UNSAFE_PATH = re.compile(r'^path ".*" is not safe')


def translate_frictionless(note: str) -> str:
    for pattern, template in FRICTIONLESS_NOTES:
        match = pattern.match(note)
        if match:
            groups = match.groupdict()
            if "type" in groups:
                groups["type"] = TYPES_FR.get(groups["type"], groups["type"])
            return template.format(**groups)
    return f"descripteur non conforme au standard Data Package : {note}"


def normalise(descriptor: dict[str, Any]) -> dict[str, Any]:
    """A copy without the observatory block and with Table Schema v1 shorthands
    (a single field name instead of a list in keys) expanded, as frictionless does."""
    copy: dict[str, Any] = json.loads(json.dumps(descriptor))
    copy.pop("observatory", None)
    for resource in copy.get("resources") or []:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if not isinstance(schema, dict):
            continue
        if isinstance(schema.get("primaryKey"), str):
            schema["primaryKey"] = [schema["primaryKey"]]
        for fk in schema.get("foreignKeys") or []:
            if not isinstance(fk, dict):
                continue
            if isinstance(fk.get("fields"), str):
                fk["fields"] = [fk["fields"]]
            reference = fk.get("reference")
            if isinstance(reference, dict) and isinstance(reference.get("fields"), str):
                reference["fields"] = [reference["fields"]]
    return copy


def frictionless_notes(kind: str, descriptor: dict[str, Any]) -> list[str]:
    """Notes of frictionless' descriptor validation (``kind``: Package or Resource)."""
    import frictionless

    validator = getattr(frictionless, kind)
    try:
        return [e.note for e in validator.metadata_validate(descriptor)]
    except frictionless.FrictionlessException as exception:
        return [exception.error.note]
    except Exception as exception:  # frictionless may fail on very broken descriptors
        return [str(exception)]


def standard_problems(package: PackageFolder) -> Iterator[Problem]:
    """Frictionless' own descriptor validation, translated and located by resource."""
    descriptor = normalise(package.descriptor or {})
    located: dict[str, tuple[str, str]] = {}
    resources = descriptor.get("resources")
    for index, resource in enumerate(resources if isinstance(resources, list) else []):
        if isinstance(resource, dict):
            name = resource.get("name")
            for note in frictionless_notes("Resource", resource):
                located.setdefault(
                    note, (name if isinstance(name, str) else "", f"resources[{index}]")
                )
    notes = set(frictionless_notes("Package", descriptor)) | set(located)
    for note in sorted(notes):
        if UNSAFE_PATH.match(note):
            continue  # reported in French by resource_problems
        resource, field = located.get(note, ("", ""))
        yield Problem(
            file=package.rel,
            resource=resource,
            field=field,
            code="descripteur",
            message=translate_frictionless(note),
            fix="corrigez datapackage.json selon le standard Frictionless Data Package "
            "(https://datapackage.org/standard/data-package/)",
        )


def metadata_problems(package: PackageFolder, themes: tuple[str, ...]) -> Iterator[Problem]:
    """The package's own metadata: name, title and description, licences, sources,
    themes, then its resources."""
    yield from _name_problems(package)
    yield from _licence_problems(package)
    yield from _source_theme_problems(package, themes)
    yield from resource_problems(package)


def _name_problems(package: PackageFolder) -> Iterator[Problem]:
    descriptor = package.descriptor or {}
    rel = package.rel
    name = descriptor.get("name")
    if name != package.id:
        rename = not NAME.match(package.id) and isinstance(name, str) and NAME.match(name)
        yield Problem(
            file=rel,
            field="name",
            value="" if name is None else str(name),
            code="nom-paquet",
            message="le nom du paquet doit être le nom de son dossier",
            fix=f"renommez le dossier en « {name} »"
            if rename
            else f'écrivez "name": "{package.id}"',
        )
    if not NAME.match(package.id):
        yield Problem(
            file=rel,
            value=package.id,
            code="nom-paquet",
            message="nom de dossier invalide",
            fix="renommez le dossier avec des minuscules, des chiffres et des tirets "
            "(ex. « emploi-chomage »)",
        )
    for key, label in (("title", "titre du paquet absent"), ("description", "description absente")):
        if not isinstance(descriptor.get(key), str) or not descriptor[key].strip():
            yield Problem(
                file=rel,
                field=key,
                code="metadonnee-absente",
                message=label,
                fix=f'ajoutez "{key}" en français',
            )


def _licence_problems(package: PackageFolder) -> Iterator[Problem]:
    descriptor = package.descriptor or {}
    rel = package.rel
    if not descriptor.get("licenses"):
        yield Problem(
            file=rel,
            field="licenses",
            code="licence-absente",
            message="aucune licence déclarée",
            fix='ajoutez "licenses": [{"name": "etalab-2.0", "path": '
            '"https://www.etalab.gouv.fr/licence-ouverte-open-licence/", '
            '"title": "Licence Ouverte 2.0"}] pour des données publiques',
        )
    licences = descriptor.get("licenses")
    for index, licence in enumerate(licences if isinstance(licences, list) else []):
        name = licence.get("name") if isinstance(licence, dict) else None
        if name not in OPEN_LICENCES:
            yield Problem(
                file=rel,
                field=f"licenses[{index}].name",
                value="" if name is None else str(name),
                code="licence-inconnue",
                message="licence inconnue : l'observatoire publie sous une licence ouverte "
                "reconnue",
                fix="choisissez parmi : "
                + ", ".join(sorted(OPEN_LICENCES))
                + " (« etalab-2.0 » = Licence Ouverte 2.0, à privilégier pour le secteur public)",
            )
        elif licence.get("path") != OPEN_LICENCES[name]:
            yield Problem(
                file=rel,
                field=f"licenses[{index}].path",
                value=str(licence.get("path", "")),
                code="licence-adresse",
                message=f"adresse de la licence « {name} » absente ou différente de "
                "l'adresse officielle",
                fix=f'écrivez "path": "{OPEN_LICENCES[name]}"',
            )


def _source_theme_problems(package: PackageFolder, themes: tuple[str, ...]) -> Iterator[Problem]:
    descriptor = package.descriptor or {}
    rel = package.rel
    if not descriptor.get("sources") and package.observatory.get("status") != "desired":
        yield Problem(
            file=rel,
            field="sources",
            code="sources-absentes",
            message="aucune source déclarée",
            fix='ajoutez "sources": [{"title": …, "path": …}] : chaque chiffre doit avoir '
            "une source",
        )
    block = package.observatory
    declared = block.get("themes")
    for index, theme in enumerate(declared if isinstance(declared, list) else []):
        if isinstance(theme, str) and theme not in themes:
            yield Problem(
                file=rel,
                field=f"observatory.themes[{index}]",
                value=theme,
                code="theme-inconnu",
                message="thème inconnu",
                fix="choisissez parmi les thèmes de observatory/profile/themes.json : "
                + ", ".join(themes),
            )


def misleading(error: jsonschema.ValidationError, package: PackageFolder) -> bool:
    """Without ``status``, the profile's "if desired then require desired" rule also
    fires: the missing status is reported, not a missing ``desired`` block."""
    return (
        error.validator == "required"
        and list(error.absolute_path) == ["observatory"]
        and "desired" in error.validator_value  # type: ignore[operator]
        and "status" not in package.observatory
    )


def check_descriptors(discovery: Discovery) -> Iterator[Problem]:
    """The first check: descriptor syntax, standard, profile and metadata of every package."""
    yield from discovery.problems
    validator = profile_validator()
    for package in discovery.packages:
        if package.descriptor is None:
            continue
        context.mark(package.rel)
        yield from standard_problems(package)
        for error in validator.iter_errors(package.descriptor):
            if not misleading(error, package):
                yield profile_problem(package.rel, error)
        yield from metadata_problems(package, discovery.themes)
