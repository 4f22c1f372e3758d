"""Publishing that cannot go wrong: a publication build needs the public site URL, a local
build writes no local host anywhere, and a broken internal link fails the build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from observatory.cli import LOCAL_NOTICE, main
from observatory.core.config import load_config, publication_error
from observatory.publish import write
from observatory.publish.links import broken_links
from observatory.publish.render import Rendered
from tests.observatory.test_pipeline import build

REPOSITORY = Path(__file__).resolve().parents[2]

WITHOUT_URL = (
    "Erreur : construction de publication (--release 2026-12) sans URL publique du site. "
    "Indiquez l'adresse où le site sera publié avec --site-url https://… ou la variable "
    "OBSERVATOIRE_SITE_URL ; sans elle, le catalogue DCAT, le plan du site et les citations "
    "ne pointeraient vers aucune adresse publique.\n"
)
LOCAL_URL_IN_CI = (
    "Erreur : construction de publication (CI=true) avec une URL locale du site "
    "(« http://localhost:8000/ »). Indiquez l'adresse publique du site avec --site-url "
    "https://… ou OBSERVATOIRE_SITE_URL.\n"
)


@pytest.fixture(autouse=True)
def no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "OBSERVATOIRE_SITE_URL", "OBSERVATOIRE_RELEASE", "OBSERVATOIRE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_release_build_without_site_url_stops_before_building(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = tmp_path / "dist"
    code = main(["build", "--root", str(REPOSITORY), "--dist", str(dist), "--release", "2026-12"])
    assert code == 2
    assert capsys.readouterr().err == WITHOUT_URL
    assert not dist.exists()


def test_ci_build_with_a_local_site_url_stops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    dist = tmp_path / "dist"
    argv = ["build", "--root", str(REPOSITORY), "--dist", str(dist)]
    assert main([*argv, "--site-url", "http://localhost:8000/"]) == 2
    assert capsys.readouterr().err == LOCAL_URL_IN_CI
    assert main(argv) == 2
    assert "(CI=true) sans URL publique du site" in capsys.readouterr().err
    assert not dist.exists()


@pytest.mark.parametrize(
    ("settings", "environ", "refused"),
    [
        ({}, {}, False),  # a developer's build: local, allowed
        ({"site_url": "http://localhost:8000/"}, {}, False),
        ({"release": "2026-12", "site_url": "https://observatoire.example.org/"}, {}, False),
        ({}, {"CI": "true"}, True),
        ({"release": "2026-12", "site_url": "http://127.0.0.1:8000/"}, {}, True),
        ({"release": "2026-12", "site_url": "observatoire.example.org"}, {}, True),
    ],
)
def test_which_builds_are_publications(
    settings: dict[str, str], environ: dict[str, str], refused: bool
) -> None:
    config = load_config(root=str(REPOSITORY), **settings)
    assert (publication_error(config, environ) is not None) == refused


def test_local_build_says_so_and_writes_no_local_host(tmp_path: Path) -> None:
    config, problems = build(tmp_path)
    assert problems == []
    assert config.local
    for path in sorted(config.dist.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".ttl", ".jsonld", ".atom", ".txt"}:
            text = path.read_text(encoding="utf-8")
            assert "localhost" not in text, path.relative_to(config.dist)
    ttl = (config.dist / "catalogue.ttl").read_text(encoding="utf-8")
    assert "</catalogue.ttl#catalogue> a dcat:Catalog" in ttl
    assert "<loc>/indicateurs/taux-fictif/</loc>" in (config.dist / "sitemap.xml").read_text()
    assert "Sitemap" not in (config.dist / "robots.txt").read_text()
    assert "--site-url" in LOCAL_NOTICE


def test_broken_internal_link_names_page_and_target(tmp_path: Path) -> None:
    (tmp_path / "catalogue" / "donnees").mkdir(parents=True)
    (tmp_path / "index.html").write_text('<a href="catalogue/donnees/">ok</a>', encoding="utf-8")
    (tmp_path / "catalogue" / "donnees" / "index.html").write_text(
        '<a href="../../">accueil</a> <a href="#haut">haut</a> <a href="https://insee.fr/">x</a>'
        ' <img src="../../assets/absent.png" alt=""> <a href="../themes/pauvrete/">thème</a>'
        " <script>var s = '<a href=\"nulle-part/\">';</script>",
        encoding="utf-8",
    )
    problems = broken_links(tmp_path)
    assert [(p.file, p.code, p.message) for p in problems] == [
        (
            "dist/catalogue/donnees/index.html",
            "lien-interne-casse",
            "la page « /catalogue/donnees/ » a un lien vers « ../../assets/absent.png » "
            "(/assets/absent.png), qui n'est aucun fichier du site",
        ),
        (
            "dist/catalogue/donnees/index.html",
            "lien-interne-casse",
            "la page « /catalogue/donnees/ » a un lien vers « ../themes/pauvrete/ » "
            "(/catalogue/themes/pauvrete/), qui n'est aucun fichier du site",
        ),
    ]


def test_links_under_a_base_path_and_the_public_url(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="/obs/a/">soi</a> <a href="https://site.example/obs/b/">b</a>', encoding="utf-8"
    )
    problems = broken_links(tmp_path, "/obs/", "https://site.example/obs/")
    assert [p.value for p in problems] == ["https://site.example/obs/b/"]


def test_a_build_with_a_broken_link_fails_and_keeps_the_old_site(tmp_path: Path) -> None:
    config = load_config(root=str(tmp_path), dist=str(tmp_path / "dist"), release="2026-11")
    (config.dist).mkdir()
    (config.dist / "ancien.txt").write_text("ancien site", encoding="utf-8")
    rendered = Rendered(
        docs={"index.md": '# Accueil\n\n<a href="themes/absent/">un thème</a>\n'}, fragments={}
    )
    site_src = tmp_path / "site_src"  # the theme of the site, without its hand-written pages
    shutil.copytree(write.SITE_SRC, site_src, ignore=shutil.ignore_patterns("*.md"))
    nav: list[object] = [{"Accueil": "index.md"}]
    problems = write.write_site(config, rendered, [], nav, "2026-11", site_src=site_src)
    # (the theme's 404 page and menus link to pages this tiny site does not have)
    assert {p.code for p in problems} == {"lien-interne-casse"}
    assert (
        "la page « / » a un lien vers « themes/absent/ » (/themes/absent/), "
        "qui n'est aucun fichier du site"
    ) in [p.message for p in problems if p.file == "dist/index.html"]
    assert (config.dist / "ancien.txt").read_text(encoding="utf-8") == "ancien site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "site_src"]
