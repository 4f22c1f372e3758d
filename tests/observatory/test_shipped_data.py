"""The data packages shipped in datapackages/ follow the data contract.

These tests read only the repository: the reference table the packages were built from
is not available at test time, so a few published figures are asserted directly.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from frictionless import validate

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "datapackages"
PROFILE = ROOT / "observatory" / "profile" / "observatory-profile.schema.json"
THEMES = ROOT / "observatory" / "profile" / "themes.json"
REFERENCE_PACKAGES = {"territoires", "dispositifs", "partenaires"}
SECONDARY_MARKERS = (
    "source secondaire",
    "cité par",
    "citée par",
    "repris par",
    "reprise par",
    "rapporté par",
    "rapportée par",
    "repris intégralement par",
    "d’après",
    "d'après",
    "copie",
)
OBSERVATION_HEADER = ["indicateur", "niveau", "code_geo", "annee", "valeur", "source", "note"]


def observation_header(folder: Path) -> list[str]:
    """The contract's columns, with the optional ``periode`` after ``annee`` when used."""
    header = (folder / "observations.csv").read_text("utf-8").split("\n", 1)[0].split(",")
    if "periode" in header:
        return [*OBSERVATION_HEADER[:4], "periode", *OBSERVATION_HEADER[4:]]
    return list(OBSERVATION_HEADER)


SOURCE_HEADER = ["id", "organisme", "titre", "url", "millesime", "secondaire", "citation"]
LEVEL_ORDER = {"departement": 0, "epci": 1, "commune": 2}


def descriptor(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return data


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ALL = sorted(p for p in PACKAGES.iterdir() if (p / "datapackage.json").is_file())
THEME = [p for p in ALL if p.name not in REFERENCE_PACKAGES]
AVAILABLE = [p for p in THEME if descriptor(p)["observatory"]["status"] == "available"]
DESIRED = [p for p in THEME if descriptor(p)["observatory"]["status"] == "desired"]


def dimensions(folder: Path) -> list[str]:
    """Dimension columns declared by the indicators of a package (village, quartier…)."""
    indicators = descriptor(folder)["observatory"]["indicators"]
    return sorted({d for i in indicators for d in i.get("dimensions", [])})


def observations(name: str) -> list[dict[str, str]]:
    return read_csv(PACKAGES / name / "observations.csv")


def value(package: str, indicator: str, code: str, year: int) -> dict[str, str]:
    rows = [
        r
        for r in observations(package)
        if (r["indicateur"], r["code_geo"], r["annee"]) == (indicator, code, str(year))
    ]
    assert len(rows) == 1, f"{indicator} {code} {year}: {len(rows)} lignes"
    return rows[0]


def test_the_six_themes_and_the_desired_data_are_shipped() -> None:
    themes = {t for p in AVAILABLE for t in descriptor(p)["observatory"]["themes"]}
    assert {"demographie", "logement", "handicap", "personnes_agees", "emploi", "insertion"} <= (
        themes
    )
    desired = {p.name for p in DESIRED}
    assert {
        "emploi-chomage-communes",
        "insertion-rsa-communes",
        "logement-conditions-communes",
        "handicap-prestations",
        "personnes-agees-prestations",
        "logement-hebergement-urgence",
    } <= desired


@pytest.mark.parametrize("folder", ALL, ids=[p.name for p in ALL])
def test_descriptor_follows_the_observatory_profile(folder: Path) -> None:
    schema = json.loads(PROFILE.read_text(encoding="utf-8"))
    errors = sorted(
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(descriptor(folder))
    )
    assert errors == []


@pytest.mark.parametrize("folder", ALL, ids=[p.name for p in ALL])
def test_package_is_valid_for_frictionless(folder: Path) -> None:
    report = validate(folder / "datapackage.json")
    assert report.flatten(["type", "message"]) == []
    assert report.valid


@pytest.mark.parametrize("folder", ALL, ids=[p.name for p in ALL])
def test_package_name_is_its_folder_and_themes_exist(folder: Path) -> None:
    data = descriptor(folder)
    theme_ids = {t["id"] for t in json.loads(THEMES.read_text(encoding="utf-8"))}
    assert data["name"] == folder.name
    assert set(data["observatory"]["themes"]) <= theme_ids


@pytest.mark.parametrize("folder", AVAILABLE, ids=[p.name for p in AVAILABLE])
def test_available_package_has_the_two_contract_resources(folder: Path) -> None:
    data = descriptor(folder)
    assert [(r["name"], r["path"]) for r in data["resources"]] == [
        ("observations", "observations.csv"),
        ("sources", "sources.csv"),
    ]
    assert data["licenses"][0]["name"] == "etalab-2.0"
    fields = data["resources"][0]["schema"]["fields"]
    dims = dimensions(folder)
    assert [f["name"] for f in fields] == observation_header(folder) + dims
    assert all(f["title"] and f["description"] for f in fields)
    schema = data["resources"][0]["schema"]
    assert schema["primaryKey"] == ["indicateur", "code_geo", "annee", *dims]
    assert schema["foreignKeys"] == [
        {"fields": "source", "reference": {"resource": "sources", "fields": "id"}}
    ]


@pytest.mark.parametrize("folder", AVAILABLE, ids=[p.name for p in AVAILABLE])
def test_csv_files_are_utf8_without_bom_with_unix_newlines(folder: Path) -> None:
    expected = observation_header(folder) + dimensions(folder)
    for name, header in (("observations.csv", expected), ("sources.csv", SOURCE_HEADER)):
        raw = (folder / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in raw
        assert raw.decode("utf-8").splitlines()[0].split(",") == header


@pytest.mark.parametrize("folder", AVAILABLE, ids=[p.name for p in AVAILABLE])
def test_every_row_has_a_declared_indicator_and_a_known_source(folder: Path) -> None:
    data = descriptor(folder)
    declared = {i["id"] for i in data["observatory"]["indicators"] if i.get("status") != "desired"}
    sources = {s["id"] for s in read_csv(folder / "sources.csv")}
    rows = read_csv(folder / "observations.csv")
    assert rows
    assert {r["indicateur"] for r in rows} == declared
    assert {r["source"] for r in rows} <= sources
    unused = sources - {r["source"] for r in rows}
    assert unused == set()


@pytest.mark.parametrize("folder", AVAILABLE, ids=[p.name for p in AVAILABLE])
def test_rows_are_sorted_and_keys_unique(folder: Path) -> None:
    rows = read_csv(folder / "observations.csv")
    dims = dimensions(folder)
    keys = [
        (
            r["indicateur"],
            LEVEL_ORDER[r["niveau"]],
            r["code_geo"],
            tuple(r[d] for d in dims),
            int(r["annee"]),
        )
        for r in rows
    ]
    assert keys == sorted(keys)
    assert len({(k[0], k[2], k[3], k[4]) for k in keys}) == len(keys)


@pytest.mark.parametrize("folder", AVAILABLE, ids=[p.name for p in AVAILABLE])
def test_second_hand_sources_are_flagged(folder: Path) -> None:
    for source in read_csv(folder / "sources.csv"):
        organisation = source["organisme"].lower()
        second_hand = any(m in organisation for m in SECONDARY_MARKERS) or "afp" in organisation
        assert source["secondaire"] == ("true" if second_hand else "false"), source["id"]
        assert source["citation"].strip(), source["id"]
        assert source["url"].startswith(("http://", "https://")), source["id"]


@pytest.mark.parametrize("folder", DESIRED, ids=[p.name for p in DESIRED])
def test_desired_package_declares_the_need_and_no_rows(folder: Path) -> None:
    data = descriptor(folder)
    assert data["resources"] == []
    assert data["observatory"]["desired"]["needed"]
    assert data["observatory"]["desired"]["likely_producer"]
    assert data["observatory"]["desired"]["legal_constraints"]
    assert data["observatory"]["governance"]["gdpr"] in {"none", "aggregated"}
    assert {i["status"] for i in data["observatory"]["indicators"]} == {"desired"}
    assert not (folder / "observations.csv").exists()


def test_indicator_ids_are_unique_across_packages() -> None:
    where: dict[str, list[str]] = defaultdict(list)
    for folder in ALL:
        for indicator in descriptor(folder)["observatory"].get("indicators", []):
            where[indicator["id"]].append(folder.name)
    assert {i: p for i, p in where.items() if len(p) > 1} == {}
    assert len(where) > 100


def membership() -> dict[str, str]:
    return {
        r["code"]: r["code_epci"]
        for r in read_csv(PACKAGES / "territoires" / "territoires.csv")
        if r["niveau"] == "commune"
    }


@pytest.mark.parametrize(
    ("indicator", "totals"),
    [
        ("population_municipale", {2007: 186452, 2012: 212645, 2017: 256518}),
        ("population_totale", {2007: 186729, 2012: 217091, 2017: 262895}),
    ],
)
def test_legal_populations_add_up(indicator: str, totals: dict[int, int]) -> None:
    rows = [
        r for r in observations("demographie-populations-legales") if r["indicateur"] == indicator
    ]
    epci_of = membership()
    for year, total in totals.items():
        communes = {
            r["code_geo"]: int(r["valeur"])
            for r in rows
            if r["niveau"] == "commune" and r["annee"] == str(year)
        }
        assert sorted(communes) == sorted(epci_of)
        assert sum(communes.values()) == total
        assert value("demographie-populations-legales", indicator, "976", year)["valeur"] == str(
            total
        )
        for epci in (r for r in rows if r["niveau"] == "epci" and r["annee"] == str(year)):
            members = [v for c, v in communes.items() if epci_of[c] == epci["code_geo"]]
            assert sum(members) == int(epci["valeur"]), epci["code_geo"]
    assert len([r for r in rows if r["niveau"] == "epci"]) == 5


def test_legal_populations_declare_sum_aggregation() -> None:
    data = descriptor(PACKAGES / "demographie-populations-legales")
    aggregation = {i["id"]: i["aggregation"] for i in data["observatory"]["indicators"]}
    assert aggregation == {"population_municipale": "sum", "population_totale": "sum"}


@pytest.mark.parametrize(
    ("package", "indicator", "code", "year", "expected"),
    [
        ("demographie-populations-legales", "population_municipale", "97611", 2017, "71437"),
        ("demographie-populations-legales", "population_municipale", "200060457", 2017, "87285"),
        ("emploi-chomage", "taux_chomage_bit", "976", 2022, "34"),
        ("emploi-chomage", "taux_chomage_bit", "976", 2023, "37"),
        ("emploi-chomage", "demandeurs_emploi_categorie_a_fin_annee", "976", 2022, "16835"),
        ("insertion-formation", "foyers_allocataires_rsa", "976", 2022, "4229"),
        ("insertion-formation", "montant_forfaitaire_rsa_personne_seule", "976", 2022, "287.76"),
        ("handicap-autonomie", "personnes_15plus_en_situation_de_handicap", "976", 2021, "22000"),
        ("personnes-agees", "part_seniors_60plus_en_perte_autonomie", "976", 2021, "7"),
        ("logement-conditions", "residences_principales", "976", 2017, "63100"),
        ("logement-conditions", "part_residences_principales_en_tole", "976", 2017, "38"),
        ("demographie-indicateurs", "indicateur_conjoncturel_fecondite", "976", 2023, "4.5"),
        (
            "demographie-indicateurs",
            "part_population_nationalite_etrangere",
            "200060457",
            2017,
            "58",
        ),
        ("emploi-recensement", "variation_emplois_au_lieu_de_travail", "97610", 2017, "1400"),
        ("sante-offre-de-soins", "medecins_generalistes_liberaux", "976", 2021, "27"),
        ("sante-offre-de-soins", "medecins_specialistes_liberaux", "976", 2021, "6"),
        ("sante-offre-de-soins", "professionnels_sante_liberaux", "976", 2021, "389"),
        ("politique-ville-quartiers-prioritaires", "population_en_qpv", "976", 2012, "144000"),
        ("politique-ville-quartiers-prioritaires", "part_population_en_qpv", "976", 2018, "66"),
        (
            "politique-ville-quartiers-prioritaires",
            "nombre_quartiers_prioritaires",
            "976",
            2017,
            "36",
        ),
        ("jeunesse-ecoles-communes", "eleves_premier_degre", "976", 2018, "54746"),
        ("jeunesse-ecoles-communes", "salles_de_classe_manquantes", "976", 2017, "346"),
        ("demographie-indicateurs", "taux_variation_annuel_moyen_population", "97614", 2012, "8.4"),
        ("demographie-indicateurs", "variation_population", "97610", 2012, "6700"),
        ("emploi-chomage", "demandeurs_emploi_inscrits_cites", "97610", 2023, "1700"),
    ],
)
def test_known_published_figures(
    package: str, indicator: str, code: str, year: int, expected: str
) -> None:
    assert value(package, indicator, code, year)["valeur"] == expected


def test_village_floor_values_keep_their_village_and_say_so() -> None:
    rows = [
        r
        for r in read_csv(PACKAGES / "demographie-villages" / "observations.csv")
        if r["source"] == "journal-mayotte-2017-12-15-villages"
    ]
    assert {(r["code_geo"], r["village"], r["valeur"]) for r in rows} == {
        ("97602", "Dzoumogné", "10"),
        ("97606", "Mramadoudou", "10"),
    }
    assert all("Valeur plancher" in r["note"] for r in rows)


def test_unemployment_revision_keeps_both_2016_values_apart() -> None:
    before = value("emploi-chomage", "taux_chomage_bit_avant_revision", "976", 2016)
    after = value("emploi-chomage", "taux_chomage_bit", "976", 2016)
    assert (before["valeur"], after["valeur"]) == ("27.1", "30")
    assert before["source"] != after["source"]
    assert "avant la révision" in before["note"]
    assert "27,1 %" in after["note"]
    indicators = {
        i["id"]: i for i in descriptor(PACKAGES / "emploi-chomage")["observatory"]["indicators"]
    }
    for ident in ("taux_chomage_bit", "taux_chomage_bit_avant_revision"):
        assert "Rupture de série" in indicators[ident]["comparability"]


def test_values_written_in_words_say_so() -> None:
    row = value("logement-conditions", "part_logements_sans_electricite", "976", 2017)
    assert row["valeur"] == "10"
    assert (
        row["note"] == "Valeur écrite en toutes lettres dans la source (« un logement sur dix »)."
    )


def test_share_of_dwellings_and_of_main_residences_stay_apart() -> None:
    indicators = {
        i["id"]: i
        for i in descriptor(PACKAGES / "logement-conditions")["observatory"]["indicators"]
    }
    assert indicators["part_logements_en_tole"]["unit"] == "% des logements"
    assert indicators["part_residences_principales_en_tole"]["unit"] == (
        "% des résidences principales"
    )


def test_schemes_point_to_existing_themes_packages_and_indicators() -> None:
    packages = {p.name for p in ALL}
    indicators = {i["id"] for p in ALL for i in descriptor(p)["observatory"].get("indicators", [])}
    theme_ids = {t["id"] for t in json.loads(THEMES.read_text(encoding="utf-8"))}
    schemes = read_csv(PACKAGES / "dispositifs" / "dispositifs.csv")
    assert {"rsa", "aah", "pch", "apa", "hebergement-urgence", "rsma"} <= {s["id"] for s in schemes}
    for scheme in schemes:
        assert scheme["domaine"] in theme_ids, scheme["id"]
        assert set(scheme["paquets"].split()) <= packages, scheme["id"]
        assert set(scheme["indicateurs"].split()) <= indicators, scheme["id"]
        assert scheme["url"].startswith("https://"), scheme["id"]
    rsa = next(s for s in schemes if s["id"] == "rsa")
    assert "287,76 euros" in rsa["specificite_mayotte"]


@functools.cache
def generator() -> ModuleType:
    """The generator script, loaded as a module (it is not part of the package); it imports
    its data and reader modules beside it, as when run as a script."""
    path = ROOT / "scripts" / "make_theme_packages.py"
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("make_theme_packages", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2017", (2017, "")),
        ("2023-01-01", (2023, "Au 1er janvier 2023.")),
        ("2022-10-31", (2022, "Au 31 octobre 2022.")),
        ("2022-T3", (2022, "Moyenne du 3e trimestre 2022.")),
        ("2024-T1", (2024, "Moyenne du 1er trimestre 2024.")),
        ("2022-04", (2022, "Valeur d'avril 2022.")),
        ("2012-2017", (2017, "Période 2012-2017 (rangée à l'année de fin).")),
    ],
)
def test_generator_turns_reference_periods_into_years_and_notes(
    raw: str, expected: tuple[int, str]
) -> None:
    assert generator().parse_year(raw) == expected


def test_generator_flags_second_hand_sources() -> None:
    module = generator()
    assert module.is_secondary("INSEE (cité par IEDOM)")
    assert module.is_secondary("INSEE (RP 2017, AFP)")
    assert not module.is_secondary("INSEE (avec le CESEM)")
    assert not module.is_secondary("INSEE via Etalab/DINUM (@etalab/decoupage-administratif)")


REFERENCE_HEADER = (
    "theme,indicator,geo_level,geo_code,geo_name,year,value,unit,"
    "source_org,source_title,source_url,quote\n"
)
INSEE_2017 = "https://insee.fr/fr/statistiques/3291775?sommaire=2120838"


def run_generator(tmp_path: Path, rows: list[str], out: str) -> int:
    """Run the generator on a small synthetic reference table (two communes of one EPCI)."""
    reference = tmp_path / "facts.csv"
    reference.write_text(REFERENCE_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    communes = tmp_path / "communes.csv"
    communes.write_text("insee,epci_siren\n97608,200050532\n97615,200050532\n", encoding="utf-8")
    code: int = generator().main(
        [str(reference), "--communes", str(communes), "--out", str(tmp_path / out)]
    )
    return code


def synthetic(code: str, level: str, value: int, url: str = INSEE_2017) -> str:
    return (
        f"demographie,population_municipale,{level},{code},X,2017,{value},habitants,"
        f"INSEE,Populations légales 2017,{url},ligne {code}"
    )


def test_generator_output_is_deterministic(tmp_path: Path) -> None:
    rows = [
        synthetic("97608", "commune", 100),
        synthetic("97615", "commune", 50),
        synthetic("200050532", "epci", 150),
    ]
    assert run_generator(tmp_path, rows, "a") == 0
    assert run_generator(tmp_path, rows, "b") == 0
    first = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert len(first) == 3 * len(generator().PACKAGES)
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes()
    lines = (
        (tmp_path / "a/demographie-populations-legales/observations.csv").read_text().splitlines()
    )
    assert lines[1:] == [
        "population_municipale,epci,200050532,2017,150,insee-3291775-200050532,",
        "population_municipale,commune,97608,2017,100,insee-3291775-97608,",
        "population_municipale,commune,97615,2017,50,insee-3291775-97615,",
    ]


def test_generator_only_seeds_new_packages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The committed files are the source of truth: an existing package is not rewritten
    (a figure added by hand stays), unless ``--replace`` names it."""
    rows = [synthetic("97608", "commune", 100), synthetic("97615", "commune", 50)]
    kept = tmp_path / "out/demographie-populations-legales"
    kept.mkdir(parents=True)
    (kept / "datapackage.json").write_text('{"name": "à la main"}\n', encoding="utf-8")
    (kept / "observations.csv").write_text("ajoutée à la main\n", encoding="utf-8")
    assert run_generator(tmp_path, rows, "out") == 0
    assert (kept / "datapackage.json").read_text(encoding="utf-8") == '{"name": "à la main"}\n'
    assert (kept / "observations.csv").read_text(encoding="utf-8") == "ajoutée à la main\n"
    assert not (kept / "sources.csv").exists()
    printed = capsys.readouterr().out.splitlines()
    assert (
        "demographie-populations-legales : paquet existant non réécrit "
        "(les fichiers du dépôt font foi)"
    ) in printed
    others = [p for p in generator().PACKAGES if p["name"] != "demographie-populations-legales"]
    for meta in others:
        assert (tmp_path / "out" / str(meta["name"]) / "datapackage.json").is_file()
    reference = tmp_path / "facts.csv"
    communes = tmp_path / "communes.csv"
    args = [str(reference), "--communes", str(communes), "--out", str(tmp_path / "out")]
    assert generator().main([*args, "--replace", "demographie-populations-legales"]) == 0
    assert (kept / "observations.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "population_municipale,commune,97608,2017,100,insee-3291775-97608,",
        "population_municipale,commune,97615,2017,50,insee-3291775-97615,",
    ]


def test_generator_writes_periods_in_the_periode_column(tmp_path: Path) -> None:
    """A reference period that is not a calendar year goes to the column ``periode`` (the
    data contract), not to the note; the schema declares the column after ``annee``."""
    rows = [
        "demographie,taux_variation_annuel_moyen_population,commune,97608,X,2012-2017,4.5,"
        f"% par an,INSEE,Populations légales 2017,{INSEE_2017},ligne 97608",
        synthetic("97615", "commune", 50),
    ]
    assert run_generator(tmp_path, rows, "out") == 0
    package = tmp_path / "out/demographie-indicateurs"
    lines = (package / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "indicateur,niveau,code_geo,annee,periode,valeur,source,note"
    assert lines[1] == (
        "taux_variation_annuel_moyen_population,commune,97608,2017,2012-2017,4.5,insee-3291775,"
    )
    fields = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))["resources"][0][
        "schema"
    ]["fields"]
    assert [f["name"] for f in fields][:5] == [
        "indicateur",
        "niveau",
        "code_geo",
        "annee",
        "periode",
    ]
    assert "(colonne periode)" in fields[3]["description"]
    plain = (tmp_path / "out/demographie-populations-legales/observations.csv").read_text()
    assert plain.splitlines()[0] == "indicateur,niveau,code_geo,annee,valeur,source,note"


@pytest.mark.parametrize(
    ("note", "moved"),
    [
        (
            "Période 2012-2017 (rangée à l'année de fin). Valeur plancher.",
            ("2012-2017", "Valeur plancher."),
        ),
        ("Moyenne du 1er trimestre 2024.", ("2024-T1", "")),
        ("Au 31 octobre 2022.", ("2022-10-31", "")),
        ("Au 1er janvier 2023.", ("2023-01-01", "")),
        ("Valeur d'avril 2022.", ("2022-04", "")),
        ("Valeur approchée.", ("", "Valeur approchée.")),
    ],
)
def test_generator_moves_the_period_out_of_the_note(note: str, moved: tuple[str, str]) -> None:
    assert generator().period_column(note) == moved


def test_generator_refuses_a_source_without_identifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [synthetic("97608", "commune", 100, url="https://exemple.invalid/page")]
    with pytest.raises(SystemExit) as stopped:
        run_generator(tmp_path, rows, "out")
    assert stopped.value.code == 1
    assert capsys.readouterr().err == (
        "erreur : URL sans identifiant de source : https://exemple.invalid/page\n"
    )


def test_generator_refuses_totals_that_differ_from_their_communes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        synthetic("97608", "commune", 100),
        synthetic("97615", "commune", 50),
        synthetic("200050532", "epci", 151),
    ]
    with pytest.raises(SystemExit):
        run_generator(tmp_path, rows, "out")
    assert capsys.readouterr().err == (
        "erreur : population_municipale 200050532 2017 : 151.0 publié, "
        "150.0 par somme des communes\n"
    )
    assert not (tmp_path / "out").exists()


def test_generator_names_a_missing_reference_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        generator().main([str(tmp_path / "absent.csv"), "--out", str(tmp_path / "out")])
    assert stopped.value.code == 1
    assert capsys.readouterr().err == (
        f"erreur : {tmp_path / 'absent.csv'} : lecture impossible (FileNotFoundError) ; "
        "vérifiez le chemin du fichier\n"
    )


def test_dashboards_name_existing_indicators_of_their_theme() -> None:
    """Each key indicator and sub-topic of themes.json is an indicator of that theme."""
    theme_of = {
        i["id"]: descriptor(p)["observatory"]["themes"][0]
        for p in AVAILABLE
        for i in descriptor(p)["observatory"]["indicators"]
    }
    wrong = []
    for theme in json.loads(THEMES.read_text(encoding="utf-8")):
        lists = [theme.get("key_indicators", [])]
        lists += [s["indicators"] for s in theme.get("subtopics", [])]
        for ids in lists:
            assert len(ids) == len(set(ids)), theme["id"]
            wrong += [(theme["id"], i) for i in ids if theme_of.get(i) != theme["id"]]
    assert wrong == []
    emploi = next(t for t in json.loads(THEMES.read_text(encoding="utf-8")) if t["id"] == "emploi")
    assert emploi["key_indicators"][0] == "taux_chomage_bit"


def test_generator_keeps_the_curated_fields() -> None:
    """Regenerating a package keeps its partner ids, social need and recipients."""
    old = {
        "observatory": {
            "governance": {"producers": ["insee"]},
            "priority": {"social_need": 3, "social_need_note": "Besoin."},
            "indicators": [
                {"id": "a", "recipients": ["public"]},
                {"id": "gone", "recipients": ["partners"]},
            ],
        }
    }
    new = {
        "observatory": {
            "governance": {"producer": "INSEE"},
            "priority": {"data_integrity": 2},
            "indicators": [{"id": "a"}, {"id": "b"}],
        }
    }
    kept = generator().carry_curated(new, old)["observatory"]
    assert kept["governance"] == {"producer": "INSEE", "producers": ["insee"]}
    assert kept["priority"] == {
        "data_integrity": 2,
        "social_need": 3,
        "social_need_note": "Besoin.",
    }
    assert kept["indicators"] == [{"id": "a", "recipients": ["public"]}, {"id": "b"}]
