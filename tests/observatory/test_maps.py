"""Maps: classes from the data (never fewer than three), proportional symbols for counts,
hatched secret and missing values, numbered territories, links to portraits, the year of
full coverage, no external URL."""

from __future__ import annotations

import json
import re

import pytest

from observatory.compute.classes import MapRefused, classify, jenks_groups, quantile_groups
from observatory.compute.maps import can_draw, choropleth, is_count, map_year
from observatory.core.model import Indicator, Point, Series
from observatory.core.site import MapOutput
from observatory.pipeline import map_years

N = "\u202f"
B = "\u00a0"


def square(code: str, name: str, col: int, row: int, level: str = "commune") -> dict[str, object]:
    """A 0.05° square at Mayotte's latitude, synthetic geometry for tests."""
    x, y = 45.0 + 0.05 * col, -12.6 - 0.05 * row
    ring = [[x, y], [x + 0.05, y], [x + 0.05, y - 0.05], [x, y - 0.05], [x, y]]
    return {
        "type": "Feature",
        "properties": {"code": code, "nom": name, "niveau": level},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            square("97601", "Acoua", 0, 0),
            square("97602", "Bandraboua", 1, 0),
            square("97603", "Bandrélé", 0, 1),
            square("97604", "Bouéni", 1, 1),
            square("97605", "Chiconi", 0, 2),
            square("200050532", "CC de Petite-Terre", 3, 3, "epci"),
        ],
    }
)

INDICATOR = Indicator(
    id="taux-chomage",
    title="Taux de chômage",
    unit="%",
    definition="Part des chômeurs dans la population active.",
    package="emploi",
    theme="emploi",
    levels=("commune",),
    decimals=1,
)


def series() -> Series:
    return Series(
        INDICATOR,
        (
            Point("97601", "commune", 2020, 10.0),
            Point("97602", "commune", 2020, 30.0),
            Point("97603", "commune", 2020, 32.5),
            Point("97604", "commune", 2020, None, status="secret"),
            Point("97601", "commune", 2019, 99.0),  # another year: ignored
            Point("97605", "commune", 2020, 50.0, dimensions=(("sexe", "femmes"),)),
        ),
    )


@pytest.fixture(scope="module")
def output() -> MapOutput:
    return choropleth(series(), "commune", 2020, GEOJSON, "carte-taux-chomage-commune")


def test_quantiles_keep_ties_together() -> None:
    values = [1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    groups = quantile_groups(values, 4)
    assert groups == [[1, 2, 2, 2], [3, 4], [5, 6, 7], [8, 9, 10]]


def test_jenks_finds_natural_gaps() -> None:
    assert jenks_groups([1, 2, 3, 20, 21, 50], 3) == [[1, 2, 3], [20, 21], [50]]
    assert jenks_groups([4, 4, 4], 3) == [[4, 4, 4]]


def test_method_depends_on_the_number_of_values() -> None:
    assert classify([float(v) for v in range(17)]).method == "Classes par quantiles (4 classes)"
    five = classify([1.0, 2.0, 10.0, 11.0, 30.0])
    assert five.method == "Classes par seuils naturels de Jenks (3 classes)"
    assert five.groups == ((1.0, 2.0), (10.0, 11.0), (30.0, 30.0))
    # ties are never split: three distinct values among eight make three classes
    tied = classify([1.0] * 6 + [2.0, 9.0])
    assert tied.groups == ((1.0, 1.0), (2.0, 2.0), (9.0, 9.0))


def test_a_single_class_map_is_refused_with_its_message() -> None:
    """Koungou 44 % and Sada 3 % must never share one colour."""
    with pytest.raises(MapRefused) as refused:
        classify([44.0, 3.0], "Part des logements en tôle")
    assert str(refused.value) == (
        "carte refusée pour « Part des logements en tôle » : 2 valeurs distinctes, il en faut "
        "au moins 3 pour former 3 classes ; un diagramme en barres étiqueté la remplace"
    )
    with pytest.raises(MapRefused, match="1 valeur distincte,"):
        classify([5.0, 5.0], "x")
    two = Series(
        INDICATOR, (Point("97601", "commune", 2020, 44.0), Point("97616", "commune", 2020, 3.0))
    )
    assert not can_draw(two, "commune", 2020, ["97601", "97616"])
    with pytest.raises(MapRefused):
        choropleth(two, "commune", 2020, GEOJSON, "m")


def test_svg_colours_hatches_and_greys(output: MapOutput) -> None:
    fills = dict(
        re.findall(r'<path id="carte-taux-chomage-commune-(\d+)"[^>]*fill="([^"]+)"', output.svg)
    )
    assert fills == {
        "97601": "#c7e9b4",
        "97602": "#41b6c4",
        "97603": "#225ea8",
        "97604": "url(#carte-taux-chomage-commune-secret)",
        # only a value by sex: no total, hatched lightly as missing
        "97605": "url(#carte-taux-chomage-commune-absent)",
    }
    assert '<pattern id="carte-taux-chomage-commune-secret"' in output.svg
    assert '<pattern id="carte-taux-chomage-commune-absent"' in output.svg
    assert "<title>4. Bouéni : secret statistique en 2020</title>" in output.svg
    assert "<title>5. Chiconi : non disponible en 2020</title>" in output.svg
    assert f"<title>3. Bandrélé : 32,5{N}% en 2020</title>" in output.svg
    numbers = re.findall(r'<text class="obs-map-number"[^>]*>(\d+)</text>', output.svg)
    assert numbers == ["1", "2", "3", "4", "5"]
    assert "CC de Petite-Terre" not in output.svg  # other level


def test_svg_is_accessible_in_french(output: MapOutput) -> None:
    assert output.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in output.svg
    assert (
        '<title id="carte-taux-chomage-commune-titre">'
        "Carte des communes de Mayotte : Taux de chômage en 2020</title>"
    ) in output.svg
    assert output.alt == (
        "Carte des communes de Mayotte : Taux de chômage en 2020. "
        "Classes par seuils naturels de Jenks (3 classes). "
        f"Valeur la plus élevée : Bandrélé (32,5{N}%) ; la plus faible : Acoua (10,0{N}%). "
        "Secret statistique : Bouéni. Non disponible : Chiconi."
    )
    assert f'<desc id="carte-taux-chomage-commune-desc">{output.alt}</desc>' in output.svg


def test_legend_says_the_method_and_the_classes(output: MapOutput) -> None:
    assert '<p class="obs-map-method">Classes par seuils naturels de Jenks (3 classes)</p>' in (
        output.legend
    )
    assert '<p class="obs-map-facts">Unité : % · Année : 2020</p>' in output.legend
    legend = output.legend.split('<details class="obs-map-key">')
    items = [re.sub(r"<svg.*?</svg>\s*", "", li) for li in re.findall(r"<li>(.*?)</li>", legend[0])]
    assert items == [
        f"10,0{N}%",
        f"30,0{N}%",
        f"32,5{N}%",
        "secret statistique",
        "non disponible (aucune valeur publiée pour ce territoire et cette année)",
    ]
    # the numbers keyed by name with each value: the data table of the map
    assert "<summary>Numéros et valeurs des territoires</summary>" in legend[1]
    assert "<caption>Taux de chômage en 2020</caption>" in legend[1]
    rows = re.findall(
        r'<tr><td>(\d+)</td><th scope="row">([^<]*)</th><td class="obs-num">([^<]*)</td></tr>',
        legend[1],
    )
    assert rows == [
        ("1", "Acoua", f"10,0{N}%"),
        ("2", "Bandraboua", f"30,0{N}%"),
        ("3", "Bandrélé", f"32,5{N}%"),
        ("4", "Bouéni", "secret statistique"),
        ("5", "Chiconi", "non disponible"),
    ]


def test_secret_hatching_survives_without_the_static_map(output: MapOutput) -> None:
    # the legend carries its own pattern, which the Leaflet map uses for secret areas
    assert '<pattern id="carte-taux-chomage-commune-secret-legende"' in output.legend
    assert '"fillColor": "url(#carte-taux-chomage-commune-secret-legende)"' in output.leaflet_html


def test_leaflet_fragment_is_inert_local_and_stable(output: MapOutput) -> None:
    fragment = output.leaflet_html
    assert "http" not in fragment
    assert "cdn" not in fragment.lower()
    assert 'data-leaflet-js="assets/vendor/leaflet/leaflet.js"' in fragment
    assert 'data-leaflet-css="assets/vendor/leaflet/leaflet.css"' in fragment
    assert '<button type="button" class="obs-interactive" hidden>' in fragment
    assert "Afficher la carte interactive" in fragment
    assert re.search(r"<template>.*</template></div>$", fragment, re.S)
    assert '"attributionControl": false' in fragment
    assert re.findall(r"\b(?:map|geo_json)_[0-9a-f]{32}\b", fragment) == []
    assert "map_carte_taux_chomage_commune_0" in fragment
    again = choropleth(series(), "commune", 2020, GEOJSON, "carte-taux-chomage-commune")
    assert again == output


def test_assets_url_and_optional_basemap() -> None:
    out = choropleth(
        series(),
        "commune",
        2020,
        GEOJSON,
        "m",
        assets_url="/observatoire/assets/vendor/",
        basemap="/tuiles/{z}/{x}/{y}.png",
        basemap_attribution="© contributeurs OpenStreetMap",
    )
    assert 'data-leaflet-js="/observatoire/assets/vendor/leaflet/leaflet.js"' in out.leaflet_html
    assert '"/tuiles/{z}/{x}/{y}.png"' in out.leaflet_html
    assert '"attribution": "\\u00a9 contributeurs OpenStreetMap"' in out.leaflet_html


def test_a_name_cannot_close_the_script() -> None:
    data = json.loads(GEOJSON)
    data["features"][0]["properties"]["nom"] = "</script><script>alert(1)</script>"
    out = choropleth(series(), "commune", 2020, json.dumps(data), "m")
    template = out.leaflet_html.split("<template>", 1)[1]
    assert template.count("</script>") == 1
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; : " in out.svg


def test_cache_token_follows_the_map_code_and_folium(monkeypatch: pytest.MonkeyPatch) -> None:
    from observatory.compute import buildcache, charts, maps

    token = maps.cache_token()
    assert re.fullmatch(r"[0-9a-f]{16}", token)
    assert token != charts.cache_token()
    assert token == buildcache.code_token(
        (
            "compute/maps.py",
            "compute/classes.py",
            "compute/geometry.py",
            "compute/leaflet.py",
            "compute/map_legend.py",
            "core/numbers.py",
        ),
        ("folium",),
    )
    versions = {"folium": "0.0-autre"}
    monkeypatch.setattr("importlib.metadata.version", lambda dist: versions.get(dist, "1"))
    assert maps.cache_token() != token


COUNT = Indicator(
    id="population",
    title="Population municipale",
    unit="habitants",
    definition="",
    package="p",
    theme="demographie",
    levels=("commune",),
    aggregation="sum",
)


def test_counts_are_proportional_symbols_linked_to_portraits() -> None:
    counts = Series(
        COUNT,
        (
            Point("97601", "commune", 2017, 400.0),
            Point("97602", "commune", 2017, 100.0),
            Point("97603", "commune", 2017, 25.0),
        ),
    )
    out = choropleth(
        counts, "commune", 2017, GEOJSON, "m", portrait_url="../../territoires/", source="INSEE"
    )
    radii = dict(
        re.findall(r'<a href="../../territoires/(\d+)/"[^>]*><circle[^>]* r="([\d.]+)"', out.svg)
    )
    # the area of a circle is proportional to the value: r ∝ √value
    assert radii == {"97601": "24.0", "97602": "12.0", "97603": "6.0"}
    assert 'aria-label="Portrait d&#x27;Acoua"' in out.svg
    assert '<a href="../../territoires/97604/" aria-label="Portrait de Bouéni"><path' in out.svg
    assert "Cercles proportionnels (surface proportionnelle à la valeur)" in out.legend
    assert "Source : INSEE" in out.legend
    assert '<ul class="obs-map-symbols">' in out.legend
    assert out.legend.endswith("</ul></div>")
    assert is_count(COUNT)
    assert not is_count(INDICATOR)
    density = Indicator("d", "Densité", "habitants par km²", "", "p", "t", ("commune",))
    assert not is_count(density)


def test_interactive_map_links_portraits_and_follows_each_year() -> None:
    """One Leaflet map per indicator: each area names its portrait, value, year and source;
    each year's static map carries what the interactive map shows for that year."""
    counts = Series(
        COUNT,
        (
            Point("97601", "commune", 2017, 400.0),
            Point("97602", "commune", 2017, 100.0),
            Point("97603", "commune", 2017, 25.0),
            Point("97604", "commune", 2017, None, status="secret"),
        ),
    )
    out = choropleth(
        counts, "commune", 2017, GEOJSON, "m", portrait_url="../../territoires/", source="INSEE"
    )
    fragment = out.leaflet_html
    assert 'data-leaflet-map="map_m_0" data-leaflet-layer="geo_json_m_1"' in fragment
    assert (
        '"properties": {"annee": "2017", "code": "97601", "lien": "Portrait d\\u0027Acoua", '
        '"nom": "Acoua", "source": "INSEE", '
        '"url": "../../territoires/97601/", "valeur": "400\\u00a0habitants"}'
    ) in fragment
    assert 'let fields = ["nom", "valeur", "annee", "source"];' in fragment
    assert 'let aliases = ["Territoire", "Valeur", "Ann\\u00e9e", "Source"];' in fragment
    year = json.loads(out.leaflet_year)
    assert (year["annee"], year["source"]) == ("2017", "INSEE")
    assert year["zones"]["97601"] == {
        "cercle": [-12.625, 45.025, 24.0],
        "style": {"color": "#4d4d4d", "fillColor": "#f2f2f2", "fillOpacity": 0.9, "weight": 1},
        "valeur": f"400{B}habitants",
    }
    assert year["zones"]["97604"]["style"]["fillColor"] == "url(#m-secret-legende)"
    assert year["zones"]["97604"]["valeur"] == "secret statistique"
    assert "cercle" not in year["zones"]["97605"]
    # another year's map: its data only, the default year's interactive map restyles itself
    other = choropleth(counts, "commune", 2017, GEOJSON, "m-2017", interactive=False)
    assert other.leaflet_html == ""
    assert json.loads(other.leaflet_year)["zones"].keys() == year["zones"].keys()


def test_the_year_mapped_is_the_latest_with_full_coverage() -> None:
    codes = ["97601", "97602", "97603"]
    full_2012 = [Point(c, "commune", 2012, float(i)) for i, c in enumerate(codes)]
    sparse_2017 = [Point("97601", "commune", 2017, 5.0)]
    assert map_year(Series(INDICATOR, (*full_2012, *sparse_2017)), "commune", codes) == 2012
    # without a complete year: the year with the most values, the latest among equals
    partial = [Point("97601", "commune", y, 1.0) for y in (2015, 2016)]
    assert map_year(Series(INDICATOR, tuple(partial)), "commune", codes) == 2016
    assert map_year(Series(INDICATOR, ()), "commune", codes) is None


def test_the_other_years_are_those_that_make_a_truthful_map() -> None:
    codes = ["97601", "97602", "97603"]

    def year(y: int, values: list[float]) -> list[Point]:
        return [Point(c, "commune", y, v) for c, v in zip(codes, values, strict=False)]

    points = (*year(2007, [1.0]), *year(2012, [1.0, 2.0, 3.0]), *year(2017, [4.0, 5.0, 6.0]))
    # 2017 by default (latest full coverage), then 2012; 2007 (one value) is refused
    assert map_years(Series(INDICATOR, points), "commune", codes) == [2017, 2012]
    one_class = year(2017, [1.0, 1.0, 1.0])
    assert map_years(Series(INDICATOR, tuple(one_class)), "commune", codes) == []


def test_a_period_is_said_as_the_source_gives_it() -> None:
    """A 2012-2017 growth rate is filed under 2017 but never read « en 2017 »."""
    growth = Series(
        INDICATOR,
        tuple(
            Point(code, "commune", 2017, value, period="2012-2017")
            for code, value in (("97601", 1.0), ("97602", 4.0), ("97603", 7.5))
        ),
    )
    drawn = choropleth(growth, "commune", 2017, GEOJSON, "m")
    assert drawn.period == "2012-2017"
    assert ">Unité : % · Période : 2012-2017<" in drawn.legend
    assert "<caption>Taux de chômage sur la période 2012-2017</caption>" in drawn.legend
    assert (
        '<title id="m-titre">Carte des communes de Mayotte : Taux de chômage sur la période '
        "2012-2017</title>"
    ) in drawn.svg
    assert drawn.alt.startswith(
        "Carte des communes de Mayotte : Taux de chômage sur la période 2012-2017. "
    )
    assert f"<title>1. Acoua : 1,0{N}% sur la période 2012-2017</title>" in drawn.svg
    year = json.loads(drawn.leaflet_year)
    assert (year["annee"], year["quand"]) == ("2012-2017", "sur la période 2012-2017")
    assert "en 2017" not in drawn.svg + drawn.legend + drawn.alt + drawn.leaflet_html
    plain = choropleth(series(), "commune", 2020, GEOJSON, "p")
    assert plain.period == "2020" and "Année : 2020" in plain.legend
    assert json.loads(plain.leaflet_year)["quand"] == "en 2020"


def test_the_year_choice_names_periods_as_the_source_does() -> None:
    """The links of a map of periods read « 2007-2012 », « 2012-2017 », under « Période »."""
    from observatory.publish.render import make_environment

    env = make_environment()
    macro = env.get_template("_macros.md.j2").module.map_choice  # type: ignore[attr-defined]

    def drawn(year: int, period: str) -> MapOutput:
        return MapOutput(f"m-{year}", "<svg/>", "", "Carte.", "", "", year, period)

    periods = str(
        macro("x", "Croissance", drawn(2017, "2012-2017"), [drawn(2012, "2007-2012")], False)
    )
    assert 'aria-label="Période de la carte : Croissance"' in periods
    assert "Par défaut, la carte de 2012-2017 :" in periods
    assert '>2012-2017</a>, <a href="#carte-x-2012" data-year="2012">2007-2012</a>.' in periods
    years = str(macro("x", "Population", drawn(2017, "2017"), [drawn(2012, "2012")], False))
    assert 'aria-label="Année de la carte : Population"' in years and 'data-word="Année"' in years
