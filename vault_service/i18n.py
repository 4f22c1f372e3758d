"""Every text of the pages goes through a gettext catalogue (Babel + jinja2's i18n extension).

French is the source language: the templates are written in French, so French needs no
catalogue. `locale/messages.pot` is the template translators start from (kept up to date by
`python -m vault_service i18n extract`, checked by tests/vault/test_i18n.py); a language is
`locale/<code>/LC_MESSAGES/messages.po`, compiled in memory at startup (no .mo file to keep in
step). Untranslated entries fall back to French. Shimaoré (`swb`) and Kibushi (`buc`) are not
in Babel's CLDR data, so `pybabel init` refuses them: `python -m vault_service i18n init`
writes the catalogue itself.
How translators work: locale/README.md. Nothing is ever machine-translated.

Texts written in Python (errors, notices, form problems) are marked `msg("… {name} …",
name=value)` or `msg_plural(singular, plural, n, …)`: the result is the French text (a `str`,
so code and tests use it as before) that remembers its catalogue entry and values;
`translate` turns it into the configured language when it is shown (pages: the `t` filter of
base.html and error.html; API: the error handler). Placeholders are named (`{minutes}`), so a
translation may reorder them; a translation that breaks them falls back to French.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import Translations

PACKAGE = Path(__file__).parent
LOCALES = PACKAGE / "locale"
TEMPLATE = LOCALES / "messages.pot"
SOURCE_LANGUAGE = "fr"
# The extraction settings match the jinja environment (web.make_jinja): whitespace inside
# {% trans %} is collapsed, so a sentence on several template lines is one entry.
METHOD_MAP = [("templates/**.html", "jinja2")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
FIXED_DATE = datetime(2026, 1, 1)  # no churn in the .pot at each extraction
# Texts of the Python modules: msg("…") and msg_plural("…", "…", n) (see below).
PYTHON_MAP = [("**.py", "python")]
PYTHON_KEYWORDS: dict[str, Any] = {"msg": None, "msg_plural": (1, 2)}


class Text(str):
    """A French text from Python that remembers its catalogue entry (see `translate`)."""

    msgid: str
    plural: str | None
    number: int
    params: dict[str, Any]

    def __new__(
        cls, msgid: str, plural: str | None = None, number: int = 1, /, **params: Any
    ) -> Text:
        chosen = plural if plural is not None and number not in (0, 1) else msgid
        text = super().__new__(cls, chosen.format(**params) if params or plural else chosen)
        text.msgid, text.plural, text.number, text.params = msgid, plural, number, params
        return text


def msg(msgid: str, /, **params: Any) -> str:
    """A catalogue entry written in Python; `{name}` placeholders filled from `params`.
    Typed `str` (it is one: the French text); `translate` knows it is a `Text`."""
    return Text(msgid, **params)


def msg_plural(singular: str, plural: str, count: int, /, **params: Any) -> str:
    """One entry with its plural (French: singular for 0 and 1); `{count}` is available."""
    return Text(singular, plural, count, count=count, **params)


class Joined(Text):
    """Several texts shown together (every problem of a form at once), each translated."""

    parts: tuple[str, ...]
    separator: str


def joined(parts: Sequence[str], separator: str = " ") -> str:
    text = Joined(separator.join(parts))
    text.parts, text.separator = tuple(parts), separator
    return text


def translate(text: str, translations: NullTranslations) -> str:
    """`text` in the language of `translations`: a `Text` by its entry and values, a plain
    string looked up as is (a label of a Python table); French when the entry is missing or
    its translation broke a placeholder."""
    if isinstance(text, Joined):
        return text.separator.join(translate(part, translations) for part in text.parts)
    if not isinstance(text, Text):
        return translations.gettext(text)
    if text.plural is not None:
        found = translations.ngettext(text.msgid, text.plural, text.number)
    else:
        found = translations.gettext(text.msgid)
    params = {
        key: translate(value, translations) if isinstance(value, Text) else value
        for key, value in text.params.items()
    }
    try:
        return found.format(**params) if params or text.plural or "{" in found else found
    except (KeyError, IndexError, ValueError):
        return str(text)


class CatalogueError(Exception):
    """A catalogue that cannot be used (French message naming the file)."""


def catalogue_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


def languages() -> list[str]:
    """The source language and every language with a catalogue."""
    found = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/messages.po"))
    return [SOURCE_LANGUAGE, *found]


def load(language: str) -> NullTranslations:
    """Translations for `language` (French: none needed), compiled in memory."""
    if language == SOURCE_LANGUAGE:
        return NullTranslations()
    path = catalogue_path(language)
    if not path.is_file():
        raise CatalogueError(
            f"Langue « {language} » : pas de catalogue {path.relative_to(PACKAGE.parent)} "
            f"→ langues disponibles : {', '.join(languages())} "
            "(voir vault_service/locale/README.md)"
        )
    return Translations(io.BytesIO(compile_catalogue(path)))


def compile_catalogue(path: Path) -> bytes:
    """The .mo bytes of a .po file; CatalogueError with every problem found."""
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as error:  # babel raises several kinds on a malformed file
        raise CatalogueError(
            f"{path.name} ({path.parent.parent.name}) illisible : {error}"
        ) from None
    problems = [
        f"{path.parent.parent.name} : « {message.id} » : {'; '.join(map(str, errors))}"
        for message, errors in catalog.check()
    ]
    if problems:
        raise CatalogueError("Catalogue invalide : " + " | ".join(problems))
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def extract() -> Catalog:
    """Every msgid of the templates, with where it is used."""
    catalog = Catalog(
        project="Coffre-fort numérique de Mayotte",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, METHOD_MAP, OPTIONS_MAP
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, PYTHON_MAP, keywords=PYTHON_KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        if filename.startswith(("migrations/", "locale/")):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for filename, text in labels():
        catalog.add(text, None, [(filename, 0)])
    return catalog


def labels() -> list[tuple[str, str]]:
    """(module file, text) of the texts pages show from Python tables, through the `t` filter
    (`{{ DOC_TYPES[d.doc_type]|t }}`): labels and the duplicate verdicts."""
    from vault_service import documents, duplicates, history, notices, web

    tables = (
        (documents, documents.DOC_TYPES),
        (documents, documents.SCHEMES),
        (history, history.LABELS),
        (history, history.HOW),
        (web, web.ROLE_LABELS),
        (duplicates, duplicates.MESSAGES),
        (notices, notices.MESSAGES),
    )
    return [
        (f"{module.__name__.replace('.', '/')}.py", text)
        for module, table in tables
        for text in table.values()
    ]


def write_template(catalog: Catalog, path: Path = TEMPLATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, include_lineno=False, sort_output=True, width=100)


def init(language: str, name: str) -> Path:
    """A new, empty catalogue for `language` (works for codes Babel does not know)."""
    path = catalogue_path(language)
    if path.exists():
        raise CatalogueError(f"Le catalogue {path} existe déjà : utilisez `i18n update`.")
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(
        locale=language,  # Babel keeps codes it has no CLDR data for (swb, buc)
        project=template.project,
        language_team=name,
        creation_date=FIXED_DATE,
        charset="utf-8",
        fuzzy=False,
    )
    catalog.update(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, include_lineno=False, width=100)
    return path


def update() -> list[Path]:
    """Merge the template into every catalogue (new texts added, removed ones kept obsolete)."""
    with TEMPLATE.open("rb") as handle:
        template = read_po(handle)
    done = []
    for language in languages()[1:]:
        path = catalogue_path(language)
        with path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(template)
        with path.open("wb") as handle:
            write_po(handle, catalog, include_lineno=False, width=100)
        done.append(path)
    return done
