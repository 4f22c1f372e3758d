"""Pipeline: a golden build of a small generated project, determinism, atomic swap,
offline pages and the content-hash cache."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from observatory.compute import buildcache
from observatory.core.config import Config
from observatory.core.model import Indicator, Level, Point, Project, Series
from observatory.core.problems import Problem
from observatory.core.site import Chart, MapOutput, Page, Site
from observatory.pipeline import PAGE_PRODUCERS, Renderers, build_project, chart_codes
from observatory.publish import write
from tests.observatory.test_pipeline_project import fixture_config, fixture_project


@dataclass(frozen=True)
class StubJob:
    id: str
    series: Series
    codes: tuple[str, ...]
    title: str
    names: tuple[tuple[str, str], ...] = ()


def stub_charts(jobs: Sequence[StubJob]) -> list[Chart]:
    return [
        Chart(j.id, f'<svg role="img" id="{j.id}-svg"></svg>', "{}", f"Graphique {j.title}.")
        for j in jobs
    ]


def stub_map(
    series: Series, level: Level, year: int, geojson: str, map_id: str, **_: object
) -> MapOutput:
    return MapOutput(map_id, f'<svg id="{map_id}"></svg>', "<p>Légende</p>", f"Carte {year}.", "")


def stub_summary(series: Series, code: str, names: Mapping[str, str]) -> str:
    return f"Résumé de {series.indicator.title} pour {names[code]}."


STUBS = Renderers(
    charts=stub_charts,
    chart_job=StubJob,
    figure_html=lambda chart, caption: (
        f'<figure id="{chart.id}">{chart.svg}<figcaption>{caption}</figcaption></figure>'
    ),
    choropleth=stub_map,
    summarize=stub_summary,
)


def build(tmp_path: Path, **kw: object) -> tuple[Config, list[object]]:
    config = fixture_config(tmp_path)
    problems = build_project(fixture_project(tmp_path), config, renderers=STUBS, **kw)  # type: ignore[arg-type]
    return config, list(problems)


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config, problems = build(tmp_path_factory.mktemp("golden"))
    assert problems == []
    return config.dist


def page(dist: Path, url: str) -> str:
    return (dist / url / "index.html").read_text(encoding="utf-8")


def test_golden_build_has_every_page(site: Path) -> None:
    pages = sorted(str(p.parent.relative_to(site)) for p in site.rglob("index.html"))
    territories = [p for p in pages if p.startswith("territoires/")]
    assert len(territories) == 17 + 5 + 1 + 1  # the portraits and the comparison page
    assert "territoires/comparer" in territories
    for url in (
        ".",
        "themes",
        "themes/insertion",
        "indicateurs",
        "indicateurs/beneficiaires-fictifs",
        "indicateurs/taux-fictif",
        "territoires",
        "methodologie",
        "mentions-legales",
        "donnees-personnelles",
        "accessibilite",
    ):
        assert url in pages
    assert sorted(p.name for p in (site / "telechargements").iterdir()) == [
        "beneficiaires-fictifs.csv",
        "beneficiaires-fictifs.json",
        "beneficiaires-fictifs.xlsx",
        "beneficiaires-fictifs.zip",
        "taux-fictif.csv",
        "taux-fictif.json",
        "taux-fictif.xlsx",
        "taux-fictif.zip",
    ]


def test_pages_are_french_and_offline(site: Path) -> None:
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert '<html lang="fr"' in text, html
        # nothing is loaded from another host: no external src/href for scripts, styles, fonts
        assert not re.search(r'<(script|img|iframe)[^>]+src="(https?:)?//', text), html
        for link in re.findall(r"<link[^>]+>", text):
            assert 'rel="canonical"' in link or not re.search(r'href="(https?:)?//', link), html
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html
        # links are relative (the site works under any base URL), except in the 404 page,
        # served at any address, whose links start with the base URL's path
        if html.name != "404.html":
            assert not re.search(r'(href|src)="/(?!/)', text), html


def test_not_found_page_is_french_with_ways_back(site: Path) -> None:
    text = (site / "404.html").read_text(encoding="utf-8")
    assert "Not found" not in text
    title = "Page introuvable — Observatoire social et médico-social de Mayotte"
    assert f"<title>{title}</title>" in text
    assert "<h1>Page introuvable (erreur 404)</h1>" in text
    assert '<a href="/indicateurs/">Tous les indicateurs</a>' in text
    assert '<a href="/territoires/">Les territoires</a>' in text


def test_release_dated_by_day_reads_as_a_french_date(tmp_path: Path) -> None:
    from observatory.core.config import load_config

    config = load_config(root=str(tmp_path), release="2026-11-01")
    assert build_project(fixture_project(tmp_path), config, renderers=STUBS) == []
    assert "Publication des données : <strong>1er novembre 2026</strong>" in page(config.dist, ".")
    assert "la publication en cours date du <strong>1er novembre 2026</strong>" in page(
        config.dist, "methodologie"
    )
    portrait = page(config.dist, "territoires/97611")
    assert "Données publiées le 1er novembre 2026 — Observatoire" in portrait


def test_home_shows_key_figures_with_year_and_source(site: Path) -> None:
    home = page(site, ".")
    assert "Publication des données : <strong>2026-11</strong>" in home
    assert "Mayotte, 2021 — source : Organisme fictif, 2022 (calcul de l&#39;observatoire)" in home
    assert 'href="indicateurs/beneficiaires-fictifs/">Nombre de bénéficiaires fictifs</a>' in home


def test_indicator_index_gives_each_figure_its_year_and_source(site: Path) -> None:
    index = page(site, "indicateurs")
    assert (
        '<a href="beneficiaires-fictifs/">Nombre de bénéficiaires fictifs</a> — Mayotte, 2021 : '
        "2\u202f909\u00a0personnes (source : Organisme fictif, 2022 (calcul de l&#39;observatoire))"
    ) in index
    assert (
        '<a href="taux-fictif/">Taux fictif d&#39;équipement</a> — Mayotte, 2021 : 52,5\u202f% '
        "(source : Journal fictif, 2022, source secondaire)"
    ) in index


def test_indicator_page_shows_secret_never_zero(site: Path) -> None:
    text = page(site, "indicateurs/beneficiaires-fictifs")
    row = re.search(r"<tr><td>97608</td>.*?</tr>", text)
    assert row is not None
    assert row.group(0).endswith('<td class="obs-secret">secret statistique</td></tr>')
    assert "Résumé de Nombre de bénéficiaires fictifs pour Mayotte." in text
    assert '<svg role="img" id="graphique-beneficiaires-fictifs-svg">' in text
    assert '<svg id="beneficiaires-fictifs-commune">' in text
    assert "moins de 5 personnes" in text
    assert 'href="../../telechargements/beneficiaires-fictifs.csv"' in text


def test_indicator_page_metadata_sources_and_citation(site: Path) -> None:
    text = page(site, "indicateurs/taux-fictif")
    assert "Rupture de série fictive en 2021." in text
    assert (
        "<dt>Destinataires</dt><dd>décideurs (Département, État, communes), "
        "partenaires (opérateurs, associations, professionnels)</dd>"
    ) in text
    assert '<strong class="obs-secondary">source secondaire</strong>' in text
    assert "millésime 2022" in text
    assert (
        "Observatoire social et médico-social de Mayotte, « Taux fictif d&#39;équipement », "
        "d&#39;après Journal fictif, données publiées le 2026-11, "
        "/indicateurs/taux-fictif/"
    ) in text
    assert "40,0" in text  # French decimals in the table


def test_download_holds_exactly_the_table(site: Path) -> None:
    rows = list(
        csv.reader(io.StringIO((site / "telechargements/beneficiaires-fictifs.csv").read_text()))
    )
    # the page's columns, then the unit, the sources and the notes of each row
    assert rows[0] == [
        "Code", "Territoire", "Niveau", "2019", "2020", "2021", "Unité", "Sources", "Notes",
    ]  # fmt: skip
    assert rows[1][:6] == ["976", "Mayotte", "département", "3213", "3060", "2909"]
    assert rows[1][6] == "personnes" and rows[1][7]
    dz = next(r for r in rows if r[0] == "97608")
    assert dz[:6] == ["97608", "Dzaoudzi", "commune", "179", "170", "secret statistique"]
    html = page(site, "indicateurs/beneficiaires-fictifs")
    assert len(re.findall(r"<tr><td>", html)) == len(rows) - 1
    from openpyxl import load_workbook

    book = load_workbook(site / "telechargements/beneficiaires-fictifs.xlsx")
    assert book.sheetnames == ["beneficiaires-fictifs", "À propos"]
    cells = [
        ["" if v is None else str(int(v)) if isinstance(v, float) else str(v) for v in r]
        for r in book.worksheets[0].iter_rows(values_only=True)
    ]
    assert cells == rows
    about = dict(book["À propos"].iter_rows(min_row=2, values_only=True))
    assert about["Unité"] == "personnes"
    assert about["Licence"].startswith("Licence Ouverte 2.0")
    assert about["Comment citer"].startswith("Observatoire social et médico-social de Mayotte")
    archive = zipfile.ZipFile(site / "telechargements/beneficiaires-fictifs.zip")
    folder = "beneficiaires-fictifs/"
    assert archive.namelist() == [
        folder + "LISEZMOI.md",
        folder + "beneficiaires-fictifs.csv",
        folder + "datapackage.json",
    ]
    assert (
        archive.read(folder + "beneficiaires-fictifs.csv")
        == (site / "telechargements/beneficiaires-fictifs.csv").read_bytes()
    )
    described = json.loads(archive.read(folder + "datapackage.json"))
    assert described["observatory"]["unit"] == about["Unité"]
    assert described["licenses"][0]["name"] == "etalab-2.0"
    assert "- **Unité** : personnes" in archive.read(folder + "LISEZMOI.md").decode()
    data = json.loads((site / "telechargements/beneficiaires-fictifs.json").read_text())
    assert data["colonnes"] == rows[0][:-3]
    assert data["lignes"][1] == ["200050532", "CC de Petite-Terre", "EPCI", 428.0, 410.0, 244.0]


def test_portrait_compares_with_epci_and_departement(site: Path) -> None:
    text = page(site, "territoires/97615")
    assert 'membre de <a href="../../territoires/200050532/">CC de Petite-Terre</a>' in text
    assert (
        '<td>2021</td><td class="obs-num">secret statistique</td>'
        '<td class="obs-num">244\u00a0personnes</td>'
        '<td class="obs-num">2\u202f909\u00a0personnes</td>'
    ) in text


def test_search_index_is_french_and_light(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text())
    assert index["config"]["lang"] == ["fr"]
    text = json.dumps(index, ensure_ascii=False)
    assert "Taux fictif d'équipement" in text
    assert "secret statistique</td>" not in text  # data tables are kept out of the index


def test_search_index_waits_for_the_reader(site: Path) -> None:
    text = page(site, ".")
    assert 'role="dialog" aria-label="Rechercher dans le site"' in text
    assert "search\\/search_index\\.json" in text  # the deferring script is in the head
    assert text.index("search_index") < text.index("</head>")


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    config, problems = build(tmp_path)
    assert problems == []
    first = tree(config.dist)
    config, problems = build(tmp_path)
    assert problems == []
    assert tree(config.dist) == first
    with gzip.open(config.dist / "sitemap.xml.gz") as fh:
        assert fh.read() == (config.dist / "sitemap.xml").read_bytes()


def test_failed_build_keeps_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = build(tmp_path)
    assert problems == []
    before = tree(config.dist)

    def broken(config_file: Path, epoch: int, fragments: object = None) -> list[str]:
        (config_file.parent / "site").mkdir()
        (config_file.parent / "site" / "half.html").write_text("à moitié")
        raise OSError("disque plein")

    monkeypatch.setattr(write, "run_mkdocs", broken)
    _, problems = build(tmp_path)
    assert [(p.code, p.message) for p in problems] == [  # type: ignore[attr-defined]
        ("ecriture", "la construction du site a échoué : OSError: disque plein")
    ]
    assert tree(config.dist) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".dist")) == []


def test_broken_link_in_a_page_stops_the_build(tmp_path: Path) -> None:
    def bad(site: Site) -> list[Page]:
        return [Page("extra.md", "Extra", "methodology.md.j2", {"rows": (), "sources": ()})]

    config = fixture_config(tmp_path)
    project = fixture_project(tmp_path)
    producers = (*PAGE_PRODUCERS, bad)
    assert build_project(project, config, producers, STUBS) == []
    # a page that is produced twice is reported, not silently overwritten
    problems = build_project(project, config, (*producers, bad), STUBS)
    assert [(p.file, p.code) for p in problems] == [("extra.md", "chemin-en-double")]


def test_base_url_changes_only_absolute_addresses(tmp_path: Path) -> None:
    from observatory.core.config import load_config
    from observatory.core.urls import public_url

    config = load_config(
        root=str(tmp_path),
        release="2026-11",
        base_url="/observatoire/",
        site_url="https://cdn.example.org/",
    )
    assert public_url(config) == "https://cdn.example.org/observatoire/"
    problems = build_project(fixture_project(tmp_path), config, renderers=STUBS)
    assert problems == []
    text = page(config.dist, "indicateurs/taux-fictif")
    assert (
        '<link rel="canonical" href="https://cdn.example.org/observatoire/indicateurs/taux-fictif/">'
        in text
    )
    assert 'href="../../assets/stylesheets/observatoire.css"' in text
    not_found = (config.dist / "404.html").read_text(encoding="utf-8")
    assert '<a href="/observatoire/indicateurs/">Tous les indicateurs</a>' in not_found


def test_fingerprint_follows_content(tmp_path: Path) -> None:
    config = fixture_config(tmp_path)
    csv_file = tmp_path / "datapackages" / "x" / "observations.csv"
    csv_file.parent.mkdir(parents=True)
    csv_file.write_text("a\n1\n")
    first = buildcache.fingerprint(config, "2026-11")
    assert buildcache.fingerprint(config, "2026-11") == first
    assert buildcache.fingerprint(config, "2026-12") != first
    csv_file.write_text("a\n2\n")
    changed = buildcache.fingerprint(config, "2026-11")
    assert changed != first
    assert not buildcache.is_fresh(config, changed)  # no dist yet
    config.dist.mkdir()
    buildcache.record(config, changed)
    assert buildcache.is_fresh(config, changed)
    assert not buildcache.is_fresh(config, first)


def test_memo_reuses_charts_and_maps(tmp_path: Path) -> None:
    calls: list[int] = []

    def counting(jobs: Sequence[StubJob]) -> list[Chart]:
        calls.append(len(jobs))
        return stub_charts(jobs)

    renderers = Renderers(
        charts=counting,
        chart_job=StubJob,
        figure_html=STUBS.figure_html,
        choropleth=stub_map,
        summarize=stub_summary,
    )
    config = fixture_config(tmp_path)
    assert build_project(fixture_project(tmp_path), config, renderers=renderers) == []
    assert build_project(fixture_project(tmp_path), config, renderers=renderers) == []
    assert calls == [2, 0]


def test_build_gate_then_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from observatory.pipeline import build as full_build

    monkeypatch.setattr(buildcache, "CODE_DIRS", ())  # the code may change while tests run
    config = fixture_config(tmp_path)
    csv_file = tmp_path / "datapackages" / "fictif" / "observations.csv"
    csv_file.parent.mkdir(parents=True)
    csv_file.write_text("indicateur\n")
    loads: list[Path] = []
    bad = [Problem(file="datapackages/fictif/observations.csv", row=3, message="valeur invalide")]

    def loader(cfg: Config) -> Project:
        loads.append(cfg.root)
        return fixture_project(cfg.root)

    # the gate: a project with problems is not built, the report is the check's report
    assert full_build(config, STUBS, loader, lambda cfg: bad) == bad
    assert loads == [] and not config.dist.exists()
    # a valid project is built once; the same inputs again do nothing
    assert full_build(config, STUBS, loader, lambda cfg: []) == []
    assert full_build(config, STUBS, loader, lambda cfg: []) == []
    assert loads == [tmp_path]
    # one CSV changed: rebuilt
    csv_file.write_text("indicateur\nx\n")
    assert full_build(config, STUBS, loader, lambda cfg: []) == []
    assert loads == [tmp_path, tmp_path]


@pytest.mark.slow
def test_build_with_the_real_charts_maps_and_summaries(tmp_path: Path) -> None:
    config = fixture_config(tmp_path)
    assert build_project(fixture_project(tmp_path), config) == []
    text = page(config.dist, "indicateurs/beneficiaires-fictifs")
    assert re.search(r'<figure class="obs-chart" id="graphique-beneficiaires-fictifs"', text)
    assert text.count("<svg") >= 2  # the chart and the map, inline: readable without JS
    assert 'data-leaflet-js="../../assets/vendor/leaflet/leaflet.js"' in text
    assert "Dzaoudzi" in text and "secret statistique" in text
    # charts and maps were cached: a second build draws nothing new
    cached = sorted(p.name for p in (config.cache / "charts").iterdir())
    assert build_project(fixture_project(tmp_path), config) == []
    assert sorted(p.name for p in (config.cache / "charts").iterdir()) == cached


def test_folders_of_a_killed_build_are_removed(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    stale = tmp_path / f".dist.staging-{dead}-abc"
    stale.mkdir()
    running = tmp_path / f".dist.staging-{os.getpid()}-xyz"
    running.mkdir()
    old = tmp_path / f".dist.old-{dead}"
    old.mkdir()
    write.remove_stale(tmp_path / "dist")
    assert sorted(p.name for p in tmp_path.iterdir()) == [running.name]


def _series(aggregation: str) -> Series:
    indicator = Indicator(
        id="x",
        title="X",
        unit="habitants",
        definition="d",
        package="p",
        theme="demographie",
        levels=("commune", "epci", "departement"),
        aggregation=aggregation,  # type: ignore[arg-type]
    )
    points = (
        Point("976", "departement", 2017, 300.0),
        Point("200050532", "epci", 2017, 100.0),
        Point("200060457", "epci", 2017, 200.0),
        Point("97608", "commune", 2017, 100.0),
    )
    return Series(indicator, points)


def test_chart_draws_epci_alone_for_summed_counts() -> None:
    assert chart_codes(_series("sum")) == ("200050532", "200060457")
    assert chart_codes(_series("none")) == ("976", "200050532", "200060457")


def test_broken_link_names_its_page_template_and_target(tmp_path: Path) -> None:
    import shutil

    from observatory.publish.render import Rendered

    site_src = tmp_path / "site_src"
    shutil.copytree(write.SITE_SRC, site_src)
    for hand_written in (site_src / "docs").glob("*.md"):
        hand_written.unlink()
    (site_src / "docs" / "accessibilite.md").write_text("[Aide](aide.md)\n", encoding="utf-8")
    rendered = Rendered(
        docs={"themes/emploi.md": "# Emploi\n\n[Chômage](../indicateurs/absent.md)\n"},
        fragments={},
        templates={"themes/emploi.md": "theme.md.j2"},
    )
    config = fixture_config(tmp_path)
    problems = write.write_site(config, rendered, (), [], "2026-11", site_src)
    assert [p.as_text() for p in sorted(problems)] == [
        "site_src/docs/accessibilite.md : la page « accessibilite.md » a un lien vers "
        "« aide.md », qui n'est aucune page du site (valeur : « aide.md »)\n"
        "    → corrigez ce lien dans site_src/docs/accessibilite.md, "
        "ou ajoutez la page « aide.md »",
        "templates/theme.md.j2 : la page « themes/emploi.md » a un lien vers "
        "« indicateurs/absent.md », qui n'est aucune page du site "
        "(valeur : « ../indicateurs/absent.md »)\n"
        "    → corrigez ce lien dans templates/theme.md.j2, "
        "ou ajoutez la page « indicateurs/absent.md »",
    ]
    assert not config.dist.exists()


def test_other_mkdocs_warnings_are_reported_as_they_are() -> None:
    problem = write.mkdocs_problem("Error reading page 'a.md': bad", {})
    assert problem.as_text() == (
        "site_src/mkdocs.yml : avertissement de mkdocs : Error reading page 'a.md': bad\n"
        "    → corriger le lien ou la page en cause (les pages générées viennent de templates/)"
    )
