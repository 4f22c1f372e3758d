"""Every text of the pages goes through the catalogue: the template is up to date, catalogues
compile, a translation reaches the pages, unknown languages are refused with their fix."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from vault_service import i18n
from vault_service.settings import Settings, SettingsError
from vault_service.web import make_jinja


def msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_the_catalogue_template_is_up_to_date():
    extracted = {str(m.id) for m in i18n.extract() if m.id}
    shipped = msgids(i18n.TEMPLATE)
    assert sorted(extracted - shipped) == [], (
        "textes absents de vault_service/locale/messages.pot : lancer "
        "`python -m vault_service i18n extract`"
    )
    assert sorted(shipped - extracted) == [], "textes qui ne sont plus dans les pages"


def test_every_shipped_catalogue_compiles():
    for language in i18n.languages()[1:]:
        assert i18n.compile_catalogue(i18n.catalogue_path(language))


@pytest.fixture
def locales(tmp_path, monkeypatch):
    root = tmp_path / "locale"
    root.mkdir()
    shutil.copy(i18n.TEMPLATE, root / "messages.pot")
    monkeypatch.setattr(i18n, "LOCALES", root)
    monkeypatch.setattr(i18n, "TEMPLATE", root / "messages.pot")
    return root


def test_a_language_unknown_to_babel_is_started_translated_and_shown(locales):
    path = i18n.init("swb", "Shimaoré")
    text = path.read_text(encoding="utf-8")
    assert '"Language: swb\\n"' in text and 'msgid "Clés publiques du coffre-fort"' in text
    # A (test-only) translator writes one entry; the others stay French.
    path.write_text(
        text.replace(
            'msgid "Clés publiques du coffre-fort"\nmsgstr ""',
            'msgid "Clés publiques du coffre-fort"\nmsgstr "[swb] Clés publiques"',
        ),
        encoding="utf-8",
    )
    assert i18n.languages() == ["fr", "swb"]
    page = make_jinja("swb").get_template("keys.html").render(keys=[])
    assert "<h1>[swb] Clés publiques</h1>" in page
    assert "Comparez l&#39;empreinte" in page or "Comparez l'empreinte" in page  # French kept
    assert i18n.update() == [path]
    with pytest.raises(i18n.CatalogueError, match="existe déjà"):
        i18n.init("swb", "Shimaoré")


def test_a_broken_catalogue_is_refused_with_the_entry(locales):
    path = i18n.catalogue_path("buc")
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Le %(nom)s"\nmsgstr "Ny %(anarana)s"\n',
        encoding="utf-8",
    )
    with pytest.raises(i18n.CatalogueError, match="Le %\\(nom\\)s"):
        i18n.compile_catalogue(path)


def test_an_unknown_language_setting_names_the_available_ones(tmp_path):
    with pytest.raises(SettingsError, match="VAULT_LANGUAGE : pas de catalogue pour « xx »"):
        Settings.from_env(
            {},
            cookie_key="k" * 48,
            keyring={"k1": bytes(32)},
            data_dir=tmp_path,
            language="xx",
        )


LETTERS = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
TRANSLATED_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}


class _Text(HTMLParser):
    """Text nodes and translatable attributes left once the jinja parts are removed."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.code += tag == "code"
        self.found += [
            f"{name}=« {value} »"
            for name, value in attrs
            if name in TRANSLATED_ATTRIBUTES and value and LETTERS.search(value)
        ]

    def handle_endtag(self, tag: str) -> None:
        self.code -= tag == "code"

    def handle_data(self, data: str) -> None:
        if not self.code and LETTERS.search(data):
            self.found.append(" ".join(data.split()))


def bare_texts(source: str) -> list[str]:
    """What a template shows without going through the catalogue."""
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", "", source, flags=re.S)
    source = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "", source, flags=re.S)
    parser = _Text()
    parser.feed(source)
    return parser.found


def test_every_text_of_every_template_is_in_the_catalogue():
    bare = {
        path.name: found
        for path in sorted((i18n.PACKAGE / "templates").glob("*.html"))
        if (found := bare_texts(path.read_text(encoding="utf-8")))
    }
    assert bare == {}, "textes hors {% trans %} ou _() : entourez-les, puis i18n extract"


def test_the_rule_catches_bare_text():
    assert bare_texts('<p>Bonjour {{ name }}</p><a title="Aide">?</a>') == [
        "Bonjour",
        "title=« Aide »",
    ]
    assert bare_texts("<p>{% trans %}Bonjour{% endtrans %} <code>pip</code> ·</p>") == []


def test_python_texts_are_catalogue_entries_translated_when_shown(locales, settings, engine):
    """Errors, notices and form problems written in Python (i18n.msg, msg_plural) are entries
    of the template; a catalogue translates them on the page and in the API, placeholders
    filled in the translation's order; a broken translation falls back to French."""
    from dataclasses import replace

    from starlette.testclient import TestClient

    from vault_service.app import create_app

    extracted = {str(m.id if isinstance(m.id, str) else m.id[0]) for m in i18n.extract() if m.id}
    assert "Page introuvable." in extracted
    assert "Champ inconnu : « {field} » ; champs acceptés : {fields}." in extracted
    assert "Trop de tentatives : réessayez dans {count} minute." in extracted
    path = i18n.init("swb", "Shimaoré")
    text = path.read_text(encoding="utf-8")
    for msgid, msgstr in (
        ("Page introuvable.", "[swb] Kayitso."),
        ("Le corps n'est pas du JSON valide.", "[swb] JSON {broken}"),
    ):
        assert f'msgid "{msgid}"\nmsgstr ""' in text, msgid
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    text = text.replace(
        'msgid "Champ inconnu : « {field} » ; champs acceptés : {fields}."\nmsgstr ""',
        'msgid "Champ inconnu : « {field} » ; champs acceptés : {fields}."\n'
        'msgstr "[swb] {fields} / {field}"',
    )
    path.write_text(text, encoding="utf-8")
    client = TestClient(create_app(replace(settings, language="swb"), engine=engine))
    page = client.get("/nulle-part")
    assert page.status_code == 404 and "[swb] Kayitso." in page.text
    api = client.get("/api/nulle-part").json()["error"]["message"]
    assert api == "[swb] Kayitso."
    unknown = client.post(
        "/api/session", json={"login": "x", "extra": 1}, headers={"X-Vault-CSRF": "1"}
    )
    assert unknown.json()["error"]["message"].startswith("[swb] login, password, totp")
    assert unknown.json()["error"]["message"].endswith(" / extra")
    broken = client.post(
        "/api/session",
        content=b"{",
        headers={"X-Vault-CSRF": "1", "content-type": "application/json"},
    )
    assert broken.json()["error"]["message"] == "Le corps n'est pas du JSON valide."


def test_plural_and_nested_texts():
    gone = i18n.msg_plural("{count} jour.", "{count} jours.", 1)
    assert (gone, i18n.msg_plural("{count} jour.", "{count} jours.", 3)) == ("1 jour.", "3 jours.")
    assert i18n.msg_plural("{count} jour.", "{count} jours.", 0) == "0 jour."
    nested = i18n.msg("{where} est vide.", where=i18n.msg("Le formulaire"))
    assert nested == "Le formulaire est vide."
    both = i18n.joined([i18n.msg("Un."), "Deux {x}."])
    assert both == "Un. Deux {x}." and i18n.translate(both, i18n.load("fr")) == both


def test_any_placeholder_name_is_a_value():
    """Names the Text class uses itself (number, plural, msgid) are plain values too."""
    made = i18n.msg("{number} {plural} {msgid}", number=3, plural="p", msgid="m")
    assert made == "3 p m"


def bare_python_messages(source: str) -> list[int]:
    """Lines where a refusal's French text is written bare (a literal or an f-string) instead
    of msg(…): HTTPError's message, ShareError, Rejected, BadUpload, DuplicateError,
    AccountError, PhotoError, and the `error=` / `message=` shown by a page."""
    import ast

    found = []
    first = {"ShareError", "Rejected", "BadUpload", "DuplicateError", "AccountError", "PhotoError"}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        texts = []
        if name == "HTTPError" and len(node.args) > 2:
            texts.append(node.args[2])
        elif name in first and node.args:
            texts.append(node.args[0])
        if not name.startswith("make"):  # segno.make(error="m") is not a message
            texts += [k.value for k in node.keywords if k.arg in ("error", "message")]
        found += [t.lineno for t in texts if isinstance(t, ast.JoinedStr | ast.Constant)]
    return found


def test_python_refusals_go_through_the_catalogue():
    bare = {
        path.name: lines
        for path in sorted(i18n.PACKAGE.glob("*.py"))
        if (lines := bare_python_messages(path.read_text(encoding="utf-8")))
    }
    assert bare == {}, "message en français hors msg(…) : entourez-le, puis i18n extract"
    assert bare_python_messages('raise HTTPError(400, "x", f"Le {a}.")\nf(error="Non.")') == [
        1,
        2,
    ]
