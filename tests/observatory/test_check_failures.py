# ruff: noqa: E501
"""One tiny fixture project per failure: copy the minimal valid project, break one
thing, run ``build.py check`` and compare the exact report and exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.observatory.fixtures.projects import (
    OBSERVATIONS,
    POPULATION,
    SCHEME_ROW,
    SOUHAITE,
    SOURCES,
    TERRITOIRES,
    add_schemes,
    edit_json,
    indicator,
    make_project,
    observations_field,
    replace_text,
    run_check,
)


def assert_report(root: Path, expected: str) -> None:
    code, out, err = run_check(root)
    assert (out, err, code) == (expected, "", 1)


def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    code, out, err = run_check(make_project(tmp_path))
    assert (out, err, code) == ("Aucun problème : toutes les données sont valides.\n", "", 0)


def test_bad_type(tmp_path: Path) -> None:
    """A year that is not an integer."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", "97611,2020a,200")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « annee » : valeur invalide : nombre entier attendu (valeur : « 2020a »)
    → écrivez un nombre entier (ex. 2021) dans « annee », ou laissez la cellule vide

1 problème trouvé.
""",
    )


def test_unknown_commune_code(tmp_path: Path) -> None:
    """A commune code that is not in the territory reference."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", "97699,2020,200")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « code_geo » : code absent du référentiel territorial (datapackages/territoires) (valeur : « 97699 »)
    → vérifiez le code INSEE (code officiel géographique) : il doit figurer dans territoires.csv

1 problème trouvé.
""",
    )


def test_wrong_insee_code_format(tmp_path: Path) -> None:
    """A commune code with 4 digits."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", "9761,2020,200")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « code_geo » : code géographique mal formé (valeur : « 9761 »)
    → écrivez un code INSEE de commune sur 5 caractères (ex. 97611), un SIREN d'EPCI sur 9 chiffres ou un code de département (ex. 976)

1 problème trouvé.
""",
    )


def test_epci_sum_mismatch(tmp_path: Path) -> None:
    """An EPCI value that is not the sum of its two communes (100 + 50)."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "200060465,2020,150", "200060465,2020,160")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 4 › champ « valeur » : la valeur du niveau EPCI n'est pas la somme de ses communes : somme attendue 150, écart 10 (valeur : « 160 »)
    → corrigez cette valeur ou celles des communes ; si l'écart vient de la source (arrondis, autre millésime), déclarez l'indicateur avec "aggregation": "none"

1 problème trouvé.
""",
    )


def test_missing_sources_metadata(tmp_path: Path) -> None:
    """A package without its ``sources`` list."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d.pop("sources"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « sources » : aucune source déclarée
    → ajoutez "sources": [{"title": …, "path": …}] : chaque chiffre doit avoir une source

1 problème trouvé.
""",
    )


def test_missing_licence(tmp_path: Path) -> None:
    """A package without licence."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d.pop("licenses"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « licenses » : aucune licence déclarée
    → ajoutez "licenses": [{"name": "etalab-2.0", "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "title": "Licence Ouverte 2.0"}] pour des données publiques

1 problème trouvé.
""",
    )


def test_unknown_licence(tmp_path: Path) -> None:
    """A licence name that is not one of the open licences the observatory publishes under."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["licenses"][0].update(name="etalab-2"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « licenses[0].name » : licence inconnue : l'observatoire publie sous une licence ouverte reconnue (valeur : « etalab-2 »)
    → choisissez parmi : CC-BY-4.0, CC0-1.0, ODbL-1.0, etalab-2.0 (« etalab-2.0 » = Licence Ouverte 2.0, à privilégier pour le secteur public)

1 problème trouvé.
""",
    )


def test_licence_address_differs(tmp_path: Path) -> None:
    """A known licence whose address is not the official one (DCAT publishes it)."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["licenses"][0].update(path="http://example.org/lo"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « licenses[0].path » : adresse de la licence « etalab-2.0 » absente ou différente de l'adresse officielle (valeur : « http://example.org/lo »)
    → écrivez "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

1 problème trouvé.
""",
    )


def test_duplicate_indicator_id(tmp_path: Path) -> None:
    """Two packages declare the same indicator id."""
    root = make_project(tmp_path)
    edit_json(root, SOUHAITE, lambda d: d["observatory"]["indicators"][0].update(id="habitants"))
    assert_report(
        root,
        """\
datapackages/souhaite/datapackage.json › champ « observatory.indicators[0].id » : identifiant d'indicateur déjà déclaré dans le paquet « population » (valeur : « habitants »)
    → choisissez un identifiant unique (ex. en ajoutant un suffixe) ou supprimez l'une des deux déclarations

1 problème trouvé.
""",
    )


def test_unknown_theme(tmp_path: Path) -> None:
    """A theme that is not in themes.json."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"].update(themes=["demografie"]))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « observatory.themes[0] » : thème inconnu (valeur : « demografie »)
    → choisissez parmi les thèmes de observatory/profile/themes.json : demographie, logement, handicap, personnes_agees, emploi, insertion, contexte, enfance_famille, pauvrete, jeunesse, ess, politique_ville, territoires

1 problème trouvé.
""",
    )


def test_secrecy_breach(tmp_path: Path) -> None:
    """A public commune value under the secrecy threshold (11), sums kept right."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97602,2020,50", "97602,2020,5")
    replace_text(root, OBSERVATIONS, "200060465,2020,150", "200060465,2020,105")
    replace_text(root, OBSERVATIONS, "976,2020,350", "976,2020,305")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 6 › champ « valeur » : secret statistique : la valeur 5 est sous le seuil de 11 de l'indicateur « habitants » (valeur : « 5 »)
    → supprimez la valeur (cellule vide) et écrivez « secret statistique » dans la colonne note

1 problème trouvé.
""",
    )


def test_malformed_json(tmp_path: Path) -> None:
    """A missing comma in datapackage.json."""
    root = make_project(tmp_path)
    replace_text(root, POPULATION, '"version": "1.0.0",', '"version": "1.0.0"')
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › ligne 6 : JSON mal formé ligne 6, colonne 3 : virgule attendue
    → corrigez la syntaxe JSON (virgules, guillemets doubles, accolades) ; un validateur JSON en ligne ou votre éditeur indique l'endroit exact

1 problème trouvé.
""",
    )


def test_missing_csv(tmp_path: Path) -> None:
    """A declared resource whose file does not exist."""
    root = make_project(tmp_path)
    (root / OBSERVATIONS).unlink()
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « resources[0].path » : le fichier de la ressource n'existe pas (valeur : « observations.csv »)
    → ajoutez le fichier datapackages/population/observations.csv ou corrigez le chemin

1 problème trouvé.
""",
    )


def test_bom(tmp_path: Path) -> None:
    """A CSV saved with a UTF-8 byte order mark."""
    root = make_project(tmp_path)
    (root / SOURCES).write_bytes(b"\xef\xbb\xbf" + (root / SOURCES).read_bytes())
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 1 : le fichier commence par une marque d'ordre d'octets (BOM)
    → enregistrez le fichier en UTF-8 sans BOM

1 problème trouvé.
""",
    )


def test_latin1_encoding(tmp_path: Path) -> None:
    """A CSV saved in Latin-1: the first bad byte is on line 10."""
    root = make_project(tmp_path)
    text = (root / OBSERVATIONS).read_text(encoding="utf-8")
    (root / OBSERVATIONS).write_bytes(
        text.replace("secret statistique", "donnée secrète").encode("latin-1")
    )
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 10 › champ « note » : le fichier n'est pas en UTF-8 : octet invalide 0xe9 ligne 10 (encodage Latin-1 ou Windows-1252 ?)
    → réenregistrez le fichier en UTF-8 (dans un tableur : « CSV UTF-8 »)

1 problème trouvé.
""",
    )


def test_wrong_delimiter(tmp_path: Path) -> None:
    """A CSV separated by semicolons (French spreadsheet export)."""
    root = make_project(tmp_path)
    (root / SOURCES).write_text(
        (root / SOURCES).read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8"
    )
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 1 : séparateur « ; » (point-virgule) détecté au lieu de la virgule
    → enregistrez le fichier en CSV séparé par des virgules

1 problème trouvé.
""",
    )


def test_empty_file(tmp_path: Path) -> None:
    """An empty CSV."""
    root = make_project(tmp_path)
    (root / SOURCES).write_text("", encoding="utf-8")
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » : le fichier est vide
    → ajoutez la ligne d'en-tête puis les données

1 problème trouvé.
""",
    )


def test_decimal_comma(tmp_path: Path) -> None:
    """A French decimal comma (quoted, as a spreadsheet writes it)."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "2020,45.5,", '2020,"45,5",')
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 8 › champ « valeur » : valeur invalide : nombre attendu (valeur : « 45,5 »)
    → virgule décimale : écrivez 45.5 (point décimal)

1 problème trouvé.
""",
    )


def test_duplicate_primary_key(tmp_path: Path) -> None:
    """The same indicator, place, year and sex twice: both rows are named."""
    root = make_project(tmp_path)
    replace_text(
        root,
        OBSERVATIONS,
        "hommes\n",
        "hommes\npart_jeunes,commune,97601,2020,44.5,fictive,,hommes\n",
    )
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 10 › champ « indicateur, code_geo, annee, sexe » : clé primaire en double (indicateur, code_geo, annee, sexe) : déjà présente ligne 9 (valeur : « part_jeunes, 97601, 2020, hommes »)
    → supprimez l'une des lignes 9 et 10, ou corrigez la valeur

1 problème trouvé.
""",
    )


def test_broken_foreign_key(tmp_path: Path) -> None:
    """A source id that is not in sources.csv."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200,fictive", "97611,2020,200,insee-2020")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « source » : valeur absente de la ressource « sources » (champ « id ») (valeur : « insee-2020 »)
    → ajoutez « insee-2020 » dans la ressource « sources » ou corrigez la valeur

1 problème trouvé.
""",
    )


def test_niveau_code_mismatch(tmp_path: Path) -> None:
    """A commune code written with niveau epci."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "habitants,commune,97611", "habitants,epci,97611")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « niveau » : le niveau ne correspond pas au code : ce code est de niveau « commune » (valeur : « epci »)
    → écrivez « commune » ou corrigez le code géographique

1 problème trouvé.
""",
    )


def test_undeclared_indicator(tmp_path: Path) -> None:
    """A row whose indicator is not declared by the package."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "habitants,commune,97611", "habitant,commune,97611")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « indicateur » : indicateur non déclaré dans ce paquet (valeur : « habitant »)
    → déclarez-le dans observatory.indicators de datapackage.json ou corrigez l'identifiant (besoin_futur, habitants, part_jeunes)

1 problème trouvé.
""",
    )


def test_extra_column(tmp_path: Path) -> None:
    """A column that the schema does not declare."""
    root = make_project(tmp_path)
    lines = (root / SOURCES).read_text(encoding="utf-8").splitlines()
    (root / SOURCES).write_text("".join(line + ",x\n" for line in lines), encoding="utf-8")
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 1 › champ « x » : colonne non déclarée dans le schéma de la ressource
    → supprimez la colonne ou déclarez-la dans le schéma de la ressource (datapackage.json) ; en-tête attendu : id,organisme,titre,url,millesime,secondaire,citation

1 problème trouvé.
""",
    )


def test_missing_column(tmp_path: Path) -> None:
    """The last column (citation) removed from the header and the row."""
    root = make_project(tmp_path)
    header, row = (root / SOURCES).read_text(encoding="utf-8").splitlines()
    (root / SOURCES).write_text(
        header.rsplit(",", 1)[0] + "\n" + row.rsplit(',"', 1)[0] + "\n", encoding="utf-8"
    )
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 1 › champ « citation » : colonne absente de l'en-tête
    → ajoutez la colonne « citation » (en-tête attendu : id,organisme,titre,url,millesime,secondaire,citation)

1 problème trouvé.
""",
    )


def test_misordered_columns(tmp_path: Path) -> None:
    """Two columns swapped in the header."""
    root = make_project(tmp_path)
    replace_text(root, SOURCES, "id,organisme,titre", "id,titre,organisme")
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 1 : colonnes dans le désordre : id,titre,organisme,url,millesime,secondaire,citation
    → remettez les colonnes dans l'ordre du schéma : id,organisme,titre,url,millesime,secondaire,citation

1 problème trouvé.
""",
    )


def test_enum_violation(tmp_path: Path) -> None:
    """A dimension value outside its enum."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "fictive,,hommes", "fictive,,autres")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 9 › champ « sexe » : valeur non autorisée (valeur : « autres »)
    → choisissez parmi : femmes, hommes

1 problème trouvé.
""",
    )


def test_profile_missing_governance(tmp_path: Path) -> None:
    """The observatory block without governance."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"].pop("governance"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « observatory.governance » : propriété obligatoire « governance » absente
    → ajoutez « governance » dans « observatory » (voir observatory/profile/observatory-profile.schema.json)

1 problème trouvé.
""",
    )


def test_profile_enum(tmp_path: Path) -> None:
    """A sensitivity outside the profile's enum."""
    root = make_project(tmp_path)
    edit_json(
        root, POPULATION, lambda d: d["observatory"]["governance"].update(sensitivity="secret")
    )
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « observatory.governance.sensitivity » : valeur non autorisée (valeur : « secret »)
    → choisissez parmi : public, partners, personal

1 problème trouvé.
""",
    )


def test_profile_type(tmp_path: Path) -> None:
    """A priority score written as text."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"]["priority"].update(data_integrity="2"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « observatory.priority.data_integrity » : type incorrect : entier attendu (valeur : « "2" »)
    → écrivez une valeur du type attendu

1 problème trouvé.
""",
    )


def test_profile_maximum(tmp_path: Path) -> None:
    """A priority score above 3."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d["observatory"]["priority"].update(data_integrity=5))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « observatory.priority.data_integrity » : valeur supérieure au maximum 3 (valeur : « 5 »)
    → indiquez une valeur entre les bornes autorisées

1 problème trouvé.
""",
    )


def test_desired_package_with_rows(tmp_path: Path) -> None:
    """A desired package that ships a CSV."""
    root = make_project(tmp_path)
    shutil.copy(root / SOURCES, root / "datapackages/souhaite/sources.csv")
    sources = json.loads((root / POPULATION).read_text(encoding="utf-8"))["resources"][1]
    edit_json(root, SOUHAITE, lambda d: d.update(resources=[sources]))
    assert_report(
        root,
        """\
datapackages/souhaite/datapackage.json › champ « resources » : un paquet souhaité (status « desired ») ne doit contenir aucune donnée
    → videz la liste ("resources": []) ou passez le paquet en "status": "available" si les données sont publiées
datapackages/souhaite/sources.csv › ressource « sources » : un paquet souhaité (status « desired ») contient 1 ligne(s) de données
    → supprimez les données ou passez le paquet en "status": "available"

2 problèmes trouvés.
""",
    )


def test_desired_indicator_with_rows(tmp_path: Path) -> None:
    """Rows for an indicator declared as desired."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "habitants,commune,97611", "besoin_futur,commune,97611")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « indicateur » : un indicateur souhaité (status « desired ») ne doit pas avoir de données (valeur : « besoin_futur »)
    → passez l'indicateur en "status": "available" ou supprimez ses lignes

1 problème trouvé.
""",
    )


def test_empty_value_without_note(tmp_path: Path) -> None:
    """An empty value with no note to say why."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "2020,,fictive,secret statistique,", "2020,,fictive,,")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 10 › champ « valeur » : valeur vide sans explication
    → indiquez la raison dans la colonne note (ex. « secret statistique », « donnée non publiée »)

1 problème trouvé.
""",
    )


def test_wrong_number_of_cells(tmp_path: Path) -> None:
    """A row with one cell too few."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200,fictive,,", "97611,2020,200,fictive,")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « sexe » : cellule manquante : la ligne a 7 cellules au lieu de 8
    → ajoutez la valeur (ou une cellule vide) : vérifiez les virgules de la ligne ; une valeur qui contient une virgule doit être entre guillemets doubles

1 problème trouvé.
""",
    )


def test_blank_line(tmp_path: Path) -> None:
    """A blank line in the middle of the data."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "hommes\n", "hommes\n\n")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 10 : ligne vide (aucune valeur)
    → supprimez la ligne vide

1 problème trouvé.
""",
    )


def test_path_escaping_package(tmp_path: Path) -> None:
    """A resource path that leaves the package folder."""
    root = make_project(tmp_path)
    edit_json(
        root, POPULATION, lambda d: d["resources"][1].update(path="../territoires/territoires.csv")
    )
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « resources[1].path » : le chemin de la ressource sort du dossier du paquet (valeur : « ../territoires/territoires.csv »)
    → indiquez un chemin relatif à l'intérieur du dossier du paquet (ex. « observations.csv »)

1 problème trouvé.
""",
    )


def test_missing_descriptor(tmp_path: Path) -> None:
    """A package folder without datapackage.json."""
    root = make_project(tmp_path)
    (root / SOUHAITE).unlink()
    assert_report(
        root,
        """\
datapackages/souhaite/datapackage.json : le dossier du paquet n'a pas de fichier datapackage.json
    → ajoutez un datapackage.json (partez de celui d'un paquet existant) ou supprimez le dossier

1 problème trouvé.
""",
    )


def test_available_without_sources_resource(tmp_path: Path) -> None:
    """An available package without its sources resource."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d.update(resources=d["resources"][:1]))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « resources » : un paquet disponible doit avoir la ressource « sources » (valeur : « sources »)
    → déclarez la ressource « sources » (sources.csv) ou passez le paquet en "status": "desired"

1 problème trouvé.
""",
    )


def test_undeclared_dimension(tmp_path: Path) -> None:
    """A dimension column that no indicator declares."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: indicator(d, "part_jeunes").pop("dimensions"))
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 1 › champ « sexe » : colonne de dimension non déclarée par un indicateur
    → ajoutez « sexe » aux dimensions (observatory.indicators[].dimensions) des indicateurs concernés, ou supprimez la colonne

1 problème trouvé.
""",
    )


def test_undeclared_level(tmp_path: Path) -> None:
    """A département row for an indicator declared at commune level only."""
    root = make_project(tmp_path)
    replace_text(
        root,
        OBSERVATIONS,
        "part_jeunes,commune,97601,2020,45.5,fictive,,femmes",
        "part_jeunes,departement,976,2020,45.5,fictive,,femmes",
    )
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 8 › champ « niveau » : niveau non déclaré pour l'indicateur « part_jeunes » (niveaux déclarés : commune)
    → ajoutez ce niveau à « levels » de l'indicateur ou supprimez ces lignes

1 problème trouvé.
""",
    )


def test_minimum_violation(tmp_path: Path) -> None:
    """A year before the schema's minimum."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", "97611,1850,200")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « annee » : valeur inférieure au minimum autorisé (1900) (valeur : « 1850 »)
    → corrigez la valeur (limite : 1900)

1 problème trouvé.
""",
    )


def test_required_cell(tmp_path: Path) -> None:
    """An empty required cell."""
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200,fictive", "97611,2020,200,")
    assert_report(
        root,
        """\
datapackages/population/observations.csv › ressource « observations » › ligne 7 › champ « source » : valeur obligatoire manquante
    → renseignez « source » (champ obligatoire)

1 problème trouvé.
""",
    )


def test_boolean(tmp_path: Path) -> None:
    """A boolean written in French."""
    root = make_project(tmp_path)
    replace_text(root, SOURCES, "2020,false,", "2020,non,")
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 2 › champ « secondaire » : valeur invalide : booléen attendu (valeur : « non »)
    → écrivez true ou false

1 problème trouvé.
""",
    )


def test_unknown_field_type(tmp_path: Path) -> None:
    """A field type that Table Schema does not know."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: observations_field(d, "annee").update(type="entier"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › ressource « observations » › champ « resources[0] » : type de champ « entier » inconnu du standard Table Schema (types possibles : string, integer, number, boolean, date, year, datetime…)
    → corrigez datapackage.json selon le standard Frictionless Data Package (https://datapackage.org/standard/data-package/)

1 problème trouvé.
""",
    )


def test_package_name_not_folder(tmp_path: Path) -> None:
    """A package name different from its folder."""
    root = make_project(tmp_path)
    edit_json(root, POPULATION, lambda d: d.update(name="populations"))
    assert_report(
        root,
        """\
datapackages/population/datapackage.json › champ « name » : le nom du paquet doit être le nom de son dossier (valeur : « populations »)
    → écrivez "name": "population"

1 problème trouvé.
""",
    )


def test_duplicate_unique_value(tmp_path: Path) -> None:
    """The same source id twice (primary key of sources.csv)."""
    root = make_project(tmp_path)
    row = (root / SOURCES).read_text(encoding="utf-8").splitlines()[1]
    with (root / SOURCES).open("a", encoding="utf-8") as handle:
        handle.write(row + "\n")
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 3 › champ « id » : clé primaire en double (id) : déjà présente ligne 2 (valeur : « fictive »)
    → supprimez l'une des lignes 2 et 3, ou corrigez la valeur

1 problème trouvé.
""",
    )


def test_date_type(tmp_path: Path) -> None:
    """A vintage declared as a date but written as a year."""
    root = make_project(tmp_path)
    edit_json(
        root, POPULATION, lambda d: d["resources"][1]["schema"]["fields"][4].update(type="date")
    )
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 2 › champ « millesime » : valeur invalide : date attendue (valeur : « 2020 »)
    → écrivez une date AAAA-MM-JJ (ex. 2021-01-31) dans « millesime », ou laissez la cellule vide

1 problème trouvé.
""",
    )


def test_scheme_unknown_references(tmp_path: Path) -> None:
    """A scheme pointing to a package, an indicator and a theme that do not exist."""
    root = make_project(tmp_path)
    add_schemes(
        root,
        SCHEME_ROW.replace("demographie", "sante")
        .replace(",population,", ",populations,")
        .replace("part_jeunes", "part_vieux"),
    )
    assert_report(
        root,
        """\
datapackages/dispositifs/dispositifs.csv › ressource « dispositifs » › ligne 2 › champ « domaine » : thème inconnu (valeur : « sante »)
    → indiquez un thème existant de l'observatoire ou corrigez l'orthographe
datapackages/dispositifs/dispositifs.csv › ressource « dispositifs » › ligne 2 › champ « indicateurs » : indicateur inconnu (valeur : « part_vieux »)
    → indiquez un indicateur existant de l'observatoire ou corrigez l'orthographe
datapackages/dispositifs/dispositifs.csv › ressource « dispositifs » › ligne 2 › champ « paquets » : paquet inconnu (valeur : « populations »)
    → indiquez un paquet existant de l'observatoire ou corrigez l'orthographe

3 problèmes trouvés.
""",
    )


def test_pattern_violation(tmp_path: Path) -> None:
    """A source id that does not match the schema's pattern."""
    root = make_project(tmp_path)
    edit_json(
        root,
        POPULATION,
        lambda d: d["resources"][1]["schema"]["fields"][0]["constraints"].update(
            pattern="[a-z]+-[0-9]{4}"
        ),
    )
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 2 › champ « id » : format incorrect (motif attendu : [a-z]+-[0-9]{4}) (valeur : « fictive »)
    → corrigez la valeur pour qu'elle respecte le motif

1 problème trouvé.
""",
    )


def test_territory_parent_missing(tmp_path: Path) -> None:
    """A commune of the territory reference whose EPCI is missing."""
    root = make_project(tmp_path)
    replace_text(
        root, TERRITOIRES, "97611,Mamoudzou,commune,200060457", "97611,Mamoudzou,commune,200060458"
    )
    assert_report(
        root,
        """\
datapackages/territoires/territoires.csv › ressource « territoires » › ligne 7 › champ « code_epci » : la commune renvoie à un EPCI absent du référentiel (valeur : « 200060458 »)
    → ajoutez la ligne de l'EPCI ou corrigez le code

1 problème trouvé.
""",
    )


def test_descriptor_not_an_object(tmp_path: Path) -> None:
    """A datapackage.json holding a list instead of an object."""
    root = make_project(tmp_path)
    (root / SOUHAITE).write_text("[]\n", encoding="utf-8")
    assert_report(
        root,
        """\
datapackages/souhaite/datapackage.json › ligne 1 : le descripteur est une liste [ … ] : il doit être un objet JSON ({ … })
    → placez les métadonnées du paquet entre accolades : {"name": …, "title": …, "resources": […]}

1 problème trouvé.
""",
    )


def test_invalid_pattern_in_schema(tmp_path: Path) -> None:
    """A schema pattern that is not a regular expression."""
    root = make_project(tmp_path)
    edit_json(
        root,
        POPULATION,
        lambda d: d["resources"][1]["schema"]["fields"][0]["constraints"].update(pattern="[a-"),
    )
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › champ « id » : motif (pattern) invalide dans le schéma : ce n'est pas une expression régulière (valeur : « [a- »)
    → corrigez « constraints.pattern » du champ « id » dans le datapackage.json du paquet (crochets et parenthèses fermés, caractères spéciaux précédés de \\)

1 problème trouvé.
""",
    )


def test_duplicate_column_in_header(tmp_path: Path) -> None:
    """A CSV header naming the same column twice."""
    root = make_project(tmp_path)
    replace_text(root, SOURCES, "id,organisme,titre,", "id,organisme,id,")
    assert_report(
        root,
        """\
datapackages/population/sources.csv › ressource « sources » › ligne 1 › champ « titre » : « id » apparaît plusieurs fois dans l'en-tête (colonnes 1 et 3) ; le schéma attend ici « titre » (valeur : « id »)
    → gardez une seule colonne de ce nom et nommez celle-ci « titre »

1 problème trouvé.
""",
    )


def test_territory_reference_missing(tmp_path: Path) -> None:
    """No territory package: codes cannot be checked, the report says what to add."""
    root = make_project(tmp_path)
    shutil.rmtree(root / "datapackages" / "territoires")
    assert_report(
        root,
        """\
datapackages/territoires/datapackage.json : référentiel territorial introuvable ou illisible
    → ajoutez le paquet datapackages/territoires (ressource « territoires », territoires.csv) : les codes géographiques sont vérifiés contre lui

1 problème trouvé.
""",
    )


def test_invalid_folder_name(tmp_path: Path) -> None:
    """A package folder with capitals and an underscore: rename the folder."""
    root = make_project(tmp_path)
    (root / "datapackages" / "souhaite").rename(root / "datapackages" / "Souhaite_2")
    assert_report(
        root,
        """\
datapackages/Souhaite_2/datapackage.json : nom de dossier invalide (valeur : « Souhaite_2 »)
    → renommez le dossier avec des minuscules, des chiffres et des tirets (ex. « emploi-chomage »)
datapackages/Souhaite_2/datapackage.json › champ « name » : le nom du paquet doit être le nom de son dossier (valeur : « souhaite »)
    → renommez le dossier en « souhaite »

2 problèmes trouvés.
""",
    )


def test_dashboard_names_an_indicator_of_another_theme(tmp_path: Path) -> None:
    """themes.json puts population_municipale on the demography dashboard: a package of
    the employment theme that declares it is reported, with where to move it."""
    root = make_project(tmp_path)
    text = (root / POPULATION).read_text(encoding="utf-8")
    (root / POPULATION).write_text(
        text.replace('"habitants"', '"population_municipale"'), encoding="utf-8"
    )
    rows = (root / OBSERVATIONS).read_text(encoding="utf-8")
    (root / OBSERVATIONS).write_text(
        rows.replace("\nhabitants,", "\npopulation_municipale,"), encoding="utf-8"
    )
    edit_json(root, POPULATION, lambda d: d["observatory"].update(themes=["emploi"]))
    assert_report(
        root,
        """\
observatory/profile/themes.json › champ « thème « demographie » › key_indicators » : l'indicateur appartient au thème « emploi », pas à « demographie » (valeur : « population_municipale »)
    → déplacez-le dans le tableau de bord du thème « emploi »
observatory/profile/themes.json › champ « thème « demographie » › subtopics[0].indicators » : l'indicateur appartient au thème « emploi », pas à « demographie » (valeur : « population_municipale »)
    → déplacez-le dans le tableau de bord du thème « emploi »

2 problèmes trouvés.
""",
    )
