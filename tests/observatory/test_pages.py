"""Plan and page producers: which pages exist, where they sit in the navigation, how
they link to each other, and what the renderer writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.compute.indicators import compute_series
from observatory.core.site import Output, Page, Plan, Site
from observatory.core.urls import relative_url, url_of
from observatory.pages import about as pages_about
from observatory.pages import home as pages_home
from observatory.pages import indicators as pages_indicators
from observatory.pages import territories as pages_territories
from observatory.pages import themes as pages_themes
from observatory.pages.plan import make_plan
from observatory.publish.render import front_matter, make_environment, nav_tree, render_plan
from tests.observatory.test_pipeline_project import fixture_config, fixture_project

# The producers of this part of the site (the pipeline lists more: catalogue, studies...)
PAGE_PRODUCERS = (
    pages_home.produce,
    pages_themes.produce,
    pages_indicators.produce,
    pages_territories.produce,
    pages_about.produce,
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("pages")
    project = fixture_project(root)
    series = compute_series(project)
    return Site(project=project, config=fixture_config(root), release="2026-11", series=series)


@pytest.fixture(scope="module")
def plan(site: Site) -> Plan:
    plan, problems = make_plan(site, PAGE_PRODUCERS)
    assert problems == []
    return plan


def test_plan_lists_every_page_once_sorted(plan: Plan) -> None:
    paths = [p.path for p in plan.pages]
    assert paths == sorted(paths)
    assert paths[:6] == [
        "index.md",
        "indicateurs/beneficiaires-fictifs.md",
        "indicateurs/index.md",
        "indicateurs/taux-fictif.md",
        "methodologie.md",
        "territoires/200050532.md",
    ]
    assert len([p for p in paths if p.startswith("territoires/")]) == 24  # 23 + the list
    assert paths[-2:] == ["themes/index.md", "themes/insertion.md"]
    assert [o.path for o in plan.outputs] == [
        f"telechargements/{i}.{ext}"
        for i in ("beneficiaires-fictifs", "taux-fictif")
        for ext in ("csv", "json", "xlsx", "zip")
    ]


def test_navigation_is_small_and_ordered(plan: Plan) -> None:
    assert nav_tree((*plan.pages, *pages_about.HAND_WRITTEN)) == [
        {"Accueil": "index.md"},
        {
            "Thèmes": [
                {"Tous les thèmes": "themes/index.md"},
                {"Insertion et formation professionnelle": "themes/insertion.md"},
            ]
        },
        {
            "Territoires": [
                {"Tous les territoires": "territoires/index.md"},
                {"Mayotte": "territoires/976.md"},
                {"CA de Dembeni / Mamoudzou": "territoires/200060457.md"},
                {"CA du Grand Nord de Mayotte": "territoires/200060465.md"},
                {"CC de Petite-Terre": "territoires/200050532.md"},
                {"CC du Centre-Ouest": "territoires/200059871.md"},
                {"CC du Sud": "territoires/200060473.md"},
            ]
        },
        {"Indicateurs": [{"Tous les indicateurs": "indicateurs/index.md"}]},
        {
            "À propos": [
                {"Méthodologie": "methodologie.md"},
                {"Mentions légales": "mentions-legales.md"},
                {"Données personnelles": "donnees-personnelles.md"},
                {"Déclaration d'accessibilité": "accessibilite.md"},
            ]
        },
    ]


def test_new_producers_and_sections_plug_in(site: Site) -> None:
    def catalogue(site: Site) -> list[Page | Output]:
        return [
            Page("exemple/index.md", "Exemple", "home.md.j2", nav=("Données",)),
            Output("donnees/tout.zip", b"zip"),
        ]

    plan, problems = make_plan(site, (*PAGE_PRODUCERS, catalogue))
    assert problems == []
    assert "donnees/tout.zip" in [o.path for o in plan.outputs]
    nav = nav_tree(plan.pages)
    assert [next(iter(entry)) for entry in nav if isinstance(entry, dict)] == [
        "Accueil",
        "Thèmes",
        "Territoires",
        "Indicateurs",
        "Données",
        "À propos",
    ]


def test_same_path_twice_is_a_problem(site: Site) -> None:
    def twice(site: Site) -> list[Page | Output]:
        return [Output("index.md", b"x")]

    _, problems = make_plan(site, (*PAGE_PRODUCERS, twice))
    assert [p.as_text() for p in problems] == [
        "index.md : deux éléments du site veulent le même chemin (valeur : « index.md »)\n"
        "    → donner un identifiant unique à l'indicateur, au paquet ou à la page"
    ]


def test_urls_are_stable_and_relative() -> None:
    assert url_of("indicateurs/taux.md") == "indicateurs/taux/"
    assert url_of("indicateurs/index.md") == "indicateurs/"
    assert url_of("index.md") == ""
    assert relative_url("index.md", "indicateurs/taux.md") == "indicateurs/taux/"
    assert relative_url("indicateurs/taux.md", "territoires/976.md") == "../../territoires/976/"
    assert relative_url("indicateurs/index.md", "index.md") == "../"
    assert relative_url("index.md", "index.md") == "./"


def test_front_matter_is_exact_yaml() -> None:
    page = Page("a.md", "Taux d'emploi : « 15-64 ans »", "x", description="Déf.", search=False)
    assert front_matter(page) == (
        '---\ntitle: "Taux d\'emploi : « 15-64 ans »"\ndescription: "Déf."\n'
        'search: {"exclude": true}\n---\n\n'
    )


def test_rendered_indicator_page_escapes_and_links(site: Site, plan: Plan) -> None:
    docs = render_plan(plan, site, make_environment()).docs
    text = docs["indicateurs/taux-fictif.md"]
    assert text.startswith('---\ntitle: "Taux fictif d\'équipement"\n')
    assert "# Taux fictif d&#39;équipement" in text
    assert '<dt>Thème</dt><dd><a href="../../themes/insertion/">' in text
    assert "<dt>Niveaux géographiques</dt><dd>communes, département</dd>" in text
    assert "<dt>Période</dt><dd>de 2019 à 2021</dd>" in text
    home = docs["index.md"]
    assert "- [Tous les indicateurs](indicateurs/index.md)" in home
    portrait = docs["territoires/976.md"]
    assert (
        "[CC de Petite-Terre](200050532.md)" in portrait or "territoires/200050532" not in portrait
    )
    assert "Département de Mayotte" in portrait


def test_hand_written_pages_exist() -> None:
    docs = Path(__file__).resolve().parents[2] / "site_src" / "docs"
    for page in pages_about.HAND_WRITTEN:
        text = (docs / page.path).read_text(encoding="utf-8")
        assert text.startswith(f"---\ntitle: {page.title}"), page.path


def test_table_and_downloads_with_a_dimension() -> None:
    from observatory.compute.indicators import indicator_series
    from observatory.core.model import Observation
    from observatory.pages.tables import make_table, to_csv
    from tests.observatory.test_pipeline_project import indicator, territories

    ind = indicator("x", dimensions=("sexe",), levels=("commune",), aggregation="none")
    obs = [
        Observation("x", "commune", "97608", 2020, value, "src", dimensions=(("sexe", sexe),))
        for sexe, value in (("femmes", 12.0), ("hommes", 3.0))
    ]
    series = indicator_series(ind, obs, territories())
    table = make_table(series, {"97608": "Dzaoudzi"}, ())
    assert table.header == ("Code", "Territoire", "Niveau", "sexe", "2020")
    assert to_csv(table).decode() == (
        "Code,Territoire,Niveau,sexe,2020,Unité,Sources,Notes\n"
        "97608,Dzaoudzi,commune,femmes,12,personnes,,\n"
        "97608,Dzaoudzi,commune,hommes,secret statistique,personnes,,\n"
    )


def test_table_columns_are_periods_and_notes_are_numbered() -> None:
    """A value over a period heads its own column (« 2012-2017 »), a quarter reads as one;
    each distinct note is numbered once, marked in its cells and carried by the CSV."""
    from observatory.compute.indicators import indicator_series
    from observatory.core.model import Observation
    from observatory.pages.tables import make_table, to_csv
    from tests.observatory.test_pipeline_project import indicator, territories

    ind = indicator("x", levels=("commune",), aggregation="none")
    note = "Valeur plancher : la source écrit « plus de 10 % »."
    obs = [
        Observation("x", "commune", "97608", 2017, 40.0, "src", period="2012-2017", note=note),
        Observation("x", "commune", "97608", 2024, 50.0, "src", period="2024-T1"),
        Observation("x", "commune", "97610", 2017, 60.0, "src", period="2012-2017", note=note),
        Observation("x", "commune", "97610", 2020, 70.0, "src", note="Autre note."),
    ]
    table = make_table(indicator_series(ind, obs, territories()), {"97608": "Dzaoudzi"}, ())
    assert table.labels == ("2012-2017", "2020", "1er trimestre 2024")
    assert table.notes == (note, "Autre note.")
    assert [row.marks for row in table.rows] == [(1, 0, 0), (1, 2, 0)]
    assert to_csv(table).decode().splitlines()[0] == (
        "Code,Territoire,Niveau,2012-2017,2020,1er trimestre 2024,Unité,Sources,Notes"
    )
    assert to_csv(table).decode().splitlines()[2] == (
        f"97610,97610,commune,60,70,,personnes,,2012-2017 : {note} ; 2020 : Autre note."
    )
