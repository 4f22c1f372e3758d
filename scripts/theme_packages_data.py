"""The theme data packages, declared as data: indicators, Table Schemas, package metadata,
where each reference row goes, the notes on figures, source identifiers, and the figures below
the département. ``make_theme_packages.py`` reads this module and writes ``datapackages/``.

Every decision taken on a figure (which indicator it feeds, why a year is approximate, why two
values are kept apart) is declared here, so that a reviewer can check it. Declarative data: the
architecture test exempts this module from the size rules (tests/test_architecture.py).
"""

# ruff: noqa: E501
from __future__ import annotations

from dataclasses import dataclass

LEVEL_ORDER = {"departement": 0, "epci": 1, "commune": 2}
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
    "afp",
)

# --- Indicator declarations -----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    package: str
    title: str
    unit: str
    definition: str
    levels: tuple[str, ...] = ("departement",)
    aggregation: str = "none"
    chart: str = "line"
    decimals: int = 0
    comparability: str = ""
    numerator: str = ""
    denominator: str = ""
    secrecy_threshold: int | None = None
    status: str = "available"
    dimensions: tuple[str, ...] = ()

    def declaration(self) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "definition": self.definition,
        }
        if self.numerator:
            out["numerator"] = self.numerator
        if self.denominator:
            out["denominator"] = self.denominator
        out.update(
            {
                "levels": list(self.levels),
                "aggregation": self.aggregation,
                "secrecy_threshold": self.secrecy_threshold,
                "comparability": self.comparability,
                "chart": self.chart,
                "decimals": self.decimals,
                "status": self.status,
                "dimensions": list(self.dimensions),
            }
        )
        return out


POP = "demographie-populations-legales"
DEMO = "demographie-indicateurs"
LOG = "logement-conditions"
HAND = "handicap-autonomie"
AGE = "personnes-agees"
EMP = "emploi-chomage"
INS = "insertion-formation"
CTX = "contexte-socio-economique"

ALL_LEVELS = ("commune", "epci", "departement")
REVISION = (
    "Rupture de série : l'Insee a révisé les résultats de l'enquête Emploi Mayotte après le "
    "recensement de 2017. Le taux de chômage de 2016, publié à 27,1 % en décembre 2016, est "
    "ensuite décrit comme proche de 30 % (« 30 %, comme en 2017 et en 2016 », communiqué de "
    "décembre 2019). Les valeurs publiées avant la révision sont rangées dans les indicateurs "
    "« avant révision » : ne pas tracer une ligne continue à travers la rupture."
)
BEFORE_REVISION = (
    "Valeurs publiées avant la révision de la série de l'enquête Emploi Mayotte (après le "
    "recensement de 2017) : non comparables aux valeurs publiées ensuite. "
)
EMPLOI_SURVEY = (
    "Enquête Emploi Mayotte de l'Insee, réalisée au 2e trimestre ; une année sans valeur "
    "n'a pas de chiffre dans les sources retenues. "
)
SURVEY_2021 = "Enquête Autonomie 2021 de l'Insee à Mayotte ; effectifs arrondis par l'Insee. "

# fmt: off
INDICATORS: tuple[IndicatorSpec, ...] = (
    # --- Legal populations
    IndicatorSpec(
        "population_municipale", POP, "Population municipale", "habitants",
        "Population municipale légale issue du recensement : personnes ayant leur résidence "
        "habituelle sur le territoire, authentifiée par décret.",
        levels=ALL_LEVELS, aggregation="sum", chart="bar",
        comparability="Recensements de 2007, 2012 et 2017 (dernier recensement général de "
        "Mayotte ; la collecte annuelle qui le remplace est en cours). La population d'un EPCI "
        "ou du département est la somme de celles de ses communes ; les EPCI de 2007 et 2012 "
        "sont calculés par cette somme.",
    ),
    IndicatorSpec(
        "population_totale", POP, "Population totale", "habitants",
        "Population municipale augmentée de la population comptée à part (personnes ayant une "
        "résidence habituelle ailleurs mais un lien avec la commune, par exemple des élèves "
        "internes).",
        levels=ALL_LEVELS, aggregation="sum", chart="bar",
        comparability="Pour comparer des territoires, l'Insee recommande la population "
        "municipale, sans double compte. À Mayotte, les totaux publiés du département et des "
        "EPCI sont égaux à la somme des communes.",
    ),
    # --- Demography
    IndicatorSpec(
        "population_estimee_1er_janvier", DEMO, "Population estimée au 1er janvier", "habitants",
        "Estimation de la population au 1er janvier par l'Insee, entre deux recensements.",
        comparability="Estimations provisoires, souvent arrondies par les sources qui les citent "
        "(270 000, 300 000, 321 000) ; non comparables aux populations légales.",
    ),
    IndicatorSpec(
        "taux_variation_annuel_moyen_population", DEMO,
        "Taux de variation annuel moyen de la population", "% par an",
        "Croissance annuelle moyenne de la population entre deux recensements.",
        levels=ALL_LEVELS, chart="bar", decimals=1,
        comparability="Chaque valeur porte sur une période entre deux recensements ; l'année est "
        "celle de la fin de la période. Les valeurs des communes et des EPCI sont celles que "
        "citent l'Insee, l'IEDOM ou la presse ; seules quelques communes sont citées.",
    ),
    IndicatorSpec(
        "naissances_meres_domiciliees", DEMO, "Naissances de mères domiciliées à Mayotte",
        "naissances", "Nombre de naissances vivantes dont la mère réside à Mayotte (état civil).",
        chart="bar", comparability="Bilans démographiques annuels de l'Insee, certains cités par la presse.",
    ),
    IndicatorSpec(
        "naissances_moyenne_annuelle", DEMO, "Naissances, moyenne annuelle sur une période",
        "naissances par an", "Nombre moyen de naissances par an sur la période indiquée en note.",
        chart="figure", comparability="Moyenne pluriannuelle : ne pas comparer aux naissances d'une année.",
    ),
    IndicatorSpec(
        "deces_residents", DEMO, "Décès de personnes résidant à Mayotte", "décès",
        "Nombre de décès de personnes domiciliées à Mayotte dans l'année (état civil).", chart="bar",
    ),
    IndicatorSpec(
        "solde_naturel", DEMO, "Solde naturel", "personnes",
        "Différence entre les naissances et les décès de l'année.", chart="bar",
    ),
    IndicatorSpec(
        "indicateur_conjoncturel_fecondite", DEMO, "Indicateur conjoncturel de fécondité",
        "enfants par femme",
        "Nombre moyen d'enfants qu'aurait une femme tout au long de sa vie si les taux de "
        "fécondité par âge de l'année restaient inchangés.",
        decimals=1,
    ),
    IndicatorSpec(
        "age_moyen", DEMO, "Âge moyen de la population", "ans",
        "Âge moyen des habitants au recensement.", chart="figure",
    ),
    IndicatorSpec(
        "ratio_de_dependance", DEMO, "Ratio de dépendance démographique", "%",
        "Rapport entre les personnes en âge d'être économiquement dépendantes (jeunes et âgées) "
        "et les personnes en âge de travailler, tel que publié par l'Insee.",
        chart="figure", decimals=1,
        comparability="Bornes d'âge non précisées par la source (rapport IEDOM citant l'Insee).",
    ),
    IndicatorSpec(
        "part_moins_de_20_ans", DEMO, "Part des moins de 20 ans", "% de la population",
        "Part des habitants âgés de moins de 20 ans.", chart="figure",
    ),
    IndicatorSpec(
        "part_population_nationalite_etrangere", DEMO, "Part des habitants de nationalité étrangère",
        "% de la population",
        "Part des habitants qui déclarent une nationalité étrangère au recensement.",
        numerator="Habitants de nationalité étrangère", denominator="Ensemble des habitants",
        levels=("commune", "departement"), decimals=1, chart="bar",
        comparability="Les valeurs communales de 2012 et 2017 viennent de la presse locale qui "
        "cite l'Insee (sources secondaires) ; la valeur départementale de 2012 est approchée "
        "(« autour de 40 % »). Part calculée sur la population totale en 2017 selon la source.",
    ),
    IndicatorSpec(
        "population_nationalite_etrangere", DEMO, "Habitants de nationalité étrangère", "personnes",
        "Nombre d'habitants qui déclarent une nationalité étrangère au recensement.", chart="bar",
        comparability="Effectifs arrondis par les sources (AFP citant l'Insee).",
    ),
    IndicatorSpec(
        "etrangers_nes_a_mayotte", DEMO, "Habitants de nationalité étrangère nés à Mayotte",
        "personnes", "Habitants de nationalité étrangère nés à Mayotte (recensement).", chart="figure",
    ),
    IndicatorSpec(
        "part_nes_a_l_etranger", DEMO, "Part des habitants nés à l'étranger", "% de la population",
        "Part des habitants nés hors de France (recensement).", chart="figure",
    ),
    IndicatorSpec(
        "projection_population_2050_scenario_migrations_2012_2017_maintenues", DEMO,
        "Population projetée en 2050 : migrations de 2012-2017 maintenues", "habitants",
        "Projection Insee (avec le CESEM) de la population de Mayotte en 2050 si les migrations "
        "observées entre 2012 et 2017 se maintiennent.", chart="figure",
        comparability="Scénario de projection, pas une observation.",
    ),
    IndicatorSpec(
        "projection_population_2050_scenario_solde_migratoire_nul", DEMO,
        "Population projetée en 2050 : solde migratoire nul", "habitants",
        "Projection Insee (avec le CESEM) de la population de Mayotte en 2050 si les arrivées et "
        "les départs s'équilibrent.", chart="figure",
        comparability="Scénario de projection, pas une observation.",
    ),
    IndicatorSpec(
        "projection_population_2050_scenario_solde_migratoire_deficitaire_2007_2012", DEMO,
        "Population projetée en 2050 : solde migratoire déficitaire comme en 2007-2012",
        "habitants",
        "Projection Insee (avec le CESEM) de la population de Mayotte en 2050 si le solde "
        "migratoire redevient déficitaire comme entre 2007 et 2012.", chart="figure",
        comparability="Scénario de projection, pas une observation.",
    ),
    # --- Elderly
    IndicatorSpec(
        "population_60_ans_ou_plus", AGE, "Habitants de 60 ans ou plus", "personnes",
        "Nombre d'habitants âgés de 60 ans ou plus.", chart="figure",
        comparability="Effectif arrondi par l'Insee.",
    ),
    IndicatorSpec(
        "part_60_ans_ou_plus", AGE, "Part des 60 ans ou plus", "% de la population",
        "Part des habitants âgés de 60 ans ou plus.",
        numerator="Habitants de 60 ans ou plus", denominator="Ensemble des habitants",
        comparability="Valeurs arrondies à l'unité ; 2012 et 2017 viennent de sources qui citent "
        "l'Insee (Europe 1, IEDOM).",
    ),
    IndicatorSpec(
        "seniors_60plus_en_perte_autonomie", AGE, "Seniors en perte d'autonomie", "personnes",
        "Personnes de 60 ans ou plus en perte d'autonomie (enquête Autonomie 2021).", chart="figure",
        comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "part_seniors_60plus_en_perte_autonomie", AGE, "Part des seniors en perte d'autonomie",
        "% des 60 ans ou plus",
        "Part des personnes de 60 ans ou plus en perte d'autonomie (enquête Autonomie 2021).",
        numerator="Personnes de 60 ans ou plus en perte d'autonomie",
        denominator="Personnes de 60 ans ou plus", chart="figure", comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "part_seniors_60plus_avec_limitation_fonctionnelle", AGE,
        "Part des seniors ayant au moins une limitation fonctionnelle", "% des 60 ans ou plus",
        "Part des personnes de 60 ans ou plus touchées par une ou plusieurs limitations "
        "fonctionnelles (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "part_en_situation_de_handicap_60_74_ans", AGE,
        "Part des 60-74 ans en situation de handicap", "% des 60-74 ans",
        "Part des personnes de 60 à 74 ans en situation de handicap (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021 + "Chiffre cité par Outremers360.",
    ),
    IndicatorSpec(
        "personnes_en_situation_de_handicap_60_74_ans", AGE,
        "Personnes de 60 à 74 ans en situation de handicap", "personnes",
        "Nombre de personnes de 60 à 74 ans en situation de handicap (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021 + "Chiffre cité par Outremers360.",
    ),
    IndicatorSpec(
        "part_en_situation_de_handicap_75_ans_ou_plus", AGE,
        "Part des 75 ans ou plus en situation de handicap", "% des 75 ans ou plus",
        "Part des personnes de 75 ans ou plus en situation de handicap (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021 + "Chiffre cité par Outremers360.",
    ),
    IndicatorSpec(
        "personnes_en_situation_de_handicap_75_ans_ou_plus", AGE,
        "Personnes de 75 ans ou plus en situation de handicap", "personnes",
        "Nombre de personnes de 75 ans ou plus en situation de handicap (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021 + "Chiffre cité par Outremers360.",
    ),
    # --- Disability
    IndicatorSpec(
        "personnes_15plus_en_situation_de_handicap", HAND,
        "Personnes de 15 ans ou plus en situation de handicap", "personnes",
        "Personnes de 15 ans ou plus en situation de handicap selon la définition de l'enquête "
        "Autonomie 2021 de l'Insee.",
        chart="figure", comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "part_15plus_en_situation_de_handicap", HAND,
        "Part des 15 ans ou plus en situation de handicap", "% des 15 ans ou plus",
        "Part des personnes de 15 ans ou plus en situation de handicap (enquête Autonomie 2021).",
        numerator="Personnes de 15 ans ou plus en situation de handicap",
        denominator="Personnes de 15 ans ou plus", chart="figure", comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "personnes_15plus_se_sentant_handicapees", HAND,
        "Personnes de 15 ans ou plus qui disent se sentir handicapées", "personnes",
        "Personnes de 15 ans ou plus déclarant « se sentir handicapées » (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "personnes_15plus_reconnaissance_administrative_handicap", HAND,
        "Personnes de 15 ans ou plus ayant une reconnaissance administrative du handicap",
        "personnes",
        "Personnes de 15 ans ou plus déclarant une reconnaissance administrative de leur "
        "handicap (enquête Autonomie 2021).",
        chart="figure", comparability=SURVEY_2021,
    ),
    IndicatorSpec(
        "personnes_15plus_connues_mdph", HAND, "Personnes de 15 ans ou plus connues de la MDPH",
        "personnes",
        "Personnes de 15 ans ou plus connues de la Maison départementale des personnes "
        "handicapées de Mayotte (données administratives citées par l'Insee).",
        chart="figure",
        comparability="Donnée administrative (MDPH), à ne pas confondre avec les résultats de "
        "l'enquête Autonomie.",
    ),
    IndicatorSpec(
        "personnes_accompagnees_mdph", HAND, "Personnes accompagnées par la MDPH", "personnes",
        "Personnes accompagnées par la Maison départementale des personnes handicapées de "
        "Mayotte, tous âges.",
        chart="figure",
        comparability="Chiffre de la MDPH rapporté par la presse (février 2025) ; champ (tous "
        "âges) différent de l'indicateur des 15 ans ou plus connus de la MDPH.",
    ),
    IndicatorSpec(
        "part_20_59_ans_beneficiaires_aah", HAND,
        "Part des 20-59 ans bénéficiaires de l'allocation aux adultes handicapés (AAH)",
        "% des 20-59 ans",
        "Part des adultes de 20 à 59 ans qui perçoivent l'AAH.",
        numerator="Bénéficiaires de l'AAH âgés de 20 à 59 ans", denominator="Personnes de 20 à 59 ans",
        chart="figure", decimals=1,
        comparability="Chiffre de l'Insee cité par Outremers360 ; période de référence non "
        "précisée.",
    ),
    # --- Employment
    IndicatorSpec(
        "taux_chomage_bit", EMP, "Taux de chômage au sens du BIT",
        "% de la population active de 15 ans ou plus",
        "Part des chômeurs au sens du Bureau international du travail parmi les actifs de 15 ans "
        "ou plus (enquête Emploi, 2e trimestre).",
        numerator="Chômeurs au sens du BIT", denominator="Actifs de 15 ans ou plus", decimals=1,
        comparability=EMPLOI_SURVEY + REVISION + " Certaines sources omettent la mention « 15 "
        "ans ou plus » : il s'agit du même taux de l'enquête Emploi.",
    ),
    IndicatorSpec(
        "taux_chomage_bit_avant_revision", EMP,
        "Taux de chômage au sens du BIT (publications antérieures à la révision)",
        "% de la population active de 15 ans ou plus",
        "Taux de chômage au sens du BIT tel que publié avant la révision de la série.",
        numerator="Chômeurs au sens du BIT", denominator="Actifs de 15 ans ou plus", decimals=1,
        comparability=BEFORE_REVISION + REVISION,
    ),
    IndicatorSpec(
        "chomeurs_bit", EMP, "Chômeurs au sens du BIT", "personnes (15 ans ou plus)",
        "Personnes de 15 ans ou plus sans emploi, disponibles et en recherche active d'emploi "
        "(enquête Emploi, 2e trimestre).", chart="bar",
        comparability=EMPLOI_SURVEY + REVISION,
    ),
    IndicatorSpec(
        "chomeurs_bit_avant_revision", EMP,
        "Chômeurs au sens du BIT (publications antérieures à la révision)", "personnes",
        "Nombre de chômeurs au sens du BIT tel que publié avant la révision de la série.",
        chart="figure", comparability=BEFORE_REVISION + REVISION,
    ),
    IndicatorSpec(
        "halo_autour_du_chomage", EMP, "Halo autour du chômage", "personnes",
        "Personnes sans emploi qui souhaitent travailler mais ne sont pas comptées comme "
        "chômeurs au sens du BIT (non disponibles ou sans recherche active).", chart="bar",
        comparability=EMPLOI_SURVEY + "Valeurs citées par la presse et l'IEDOM.",
    ),
    IndicatorSpec(
        "taux_emploi_15_64", EMP, "Taux d'emploi des 15-64 ans", "% des 15-64 ans",
        "Part des personnes de 15 à 64 ans qui ont un emploi (enquête Emploi).",
        numerator="Personnes de 15 à 64 ans en emploi", denominator="Personnes de 15 à 64 ans",
        comparability=EMPLOI_SURVEY + REVISION,
    ),
    IndicatorSpec(
        "taux_emploi_15_64_avant_revision", EMP,
        "Taux d'emploi des 15-64 ans (publications antérieures à la révision)", "% des 15-64 ans",
        "Taux d'emploi des 15-64 ans tel que publié avant la révision de la série.",
        decimals=1, chart="figure", comparability=BEFORE_REVISION + REVISION,
    ),
    IndicatorSpec(
        "personnes_en_emploi", EMP, "Personnes en emploi", "personnes",
        "Nombre de personnes ayant un emploi au 2e trimestre (enquête Emploi).", chart="figure",
        comparability="Tranche d'âge non précisée par la source ; voir aussi l'indicateur des "
        "15-64 ans. " + REVISION,
    ),
    IndicatorSpec(
        "personnes_en_emploi_15plus_avant_revision", EMP,
        "Personnes de 15 ans ou plus en emploi (publications antérieures à la révision)",
        "personnes (15 ans ou plus)",
        "Nombre de personnes de 15 ans ou plus en emploi tel que publié avant la révision.",
        chart="figure", comparability=BEFORE_REVISION + REVISION,
    ),
    IndicatorSpec(
        "personnes_en_emploi_15_64", EMP, "Personnes de 15 à 64 ans en emploi", "personnes",
        "Nombre de personnes de 15 à 64 ans en emploi au 2e trimestre (enquête Emploi).",
        chart="figure",
    ),
    *(
        IndicatorSpec(
            f"taux_chomage_bit_{suffix}", EMP, f"Taux de chômage au sens du BIT : {label}",
            "% de la population active de 15 ans ou plus",
            f"Taux de chômage au sens du BIT des {label.lower()} (enquête Emploi, 2e trimestre).",
            numerator=f"Chômeurs au sens du BIT ({label.lower()})",
            denominator=f"Actifs de 15 ans ou plus ({label.lower()})", decimals=1, chart="bar",
            comparability="Valeurs 2017 et 2018 publiées en février 2019. " + REVISION,
        )
        for suffix, label in (
            ("femmes", "Femmes"),
            ("hommes", "Hommes"),
            ("nes_a_l_etranger", "Personnes nées à l'étranger"),
            ("nes_a_mayotte", "Personnes nées à Mayotte"),
        )
    ),
    *(
        IndicatorSpec(
            f"demandeurs_emploi_categorie_a_fin_annee{suffix}", EMP,
            f"Demandeurs d'emploi de catégorie A en fin d'année{label}", "personnes (données brutes)",
            "Demandeurs d'emploi inscrits à Pôle emploi (France Travail), sans activité et tenus "
            "de rechercher un emploi, en fin de mois de décembre ; données brutes." + detail,
            chart="bar",
            comparability="Tableau Pôle emploi repris par l'IEDOM (rapport annuel 2022). "
            "Données brutes de fin d'année : ne pas comparer aux moyennes trimestrielles.",
        )
        for suffix, label, detail in (
            ("", "", ""),
            ("_femmes", " : femmes", " Femmes."),
            ("_hommes", " : hommes", " Hommes."),
        )
    ),
    IndicatorSpec(
        "demandeurs_emploi_categorie_a_moyenne_trimestrielle_cvs", EMP,
        "Demandeurs d'emploi de catégorie A, moyenne trimestrielle (CVS)",
        "personnes (données CVS)",
        "Nombre moyen sur le trimestre de demandeurs d'emploi de catégorie A, corrigé des "
        "variations saisonnières.", chart="figure",
        comparability="Statistiques trimestrielles DEETS / Pôle emploi citées par la presse ; "
        "le trimestre est indiqué en note.",
    ),
    IndicatorSpec(
        "demandeurs_emploi_categorie_a_moyenne_trimestrielle", EMP,
        "Demandeurs d'emploi de catégorie A, moyenne trimestrielle", "personnes",
        "Nombre moyen sur le trimestre de demandeurs d'emploi de catégorie A (inscrits à France "
        "Travail, sans activité).", chart="figure",
        comparability="Correction des variations saisonnières non précisée par la source : "
        "gardé à part de la série CVS. Le trimestre est indiqué en note.",
    ),
    IndicatorSpec(
        "demandeurs_emploi_categories_abc_moyenne_trimestrielle", EMP,
        "Demandeurs d'emploi de catégories A, B et C, moyenne trimestrielle", "personnes",
        "Nombre moyen sur le trimestre de demandeurs d'emploi inscrits à France Travail et tenus "
        "de rechercher un emploi, avec ou sans activité réduite (catégories A, B, C).",
        chart="figure", comparability="Champ plus large que la catégorie A.",
    ),
    # --- Insertion and vocational training
    IndicatorSpec(
        "foyers_allocataires_rsa", INS, "Foyers allocataires du RSA", "foyers",
        "Foyers percevant le revenu de solidarité active, enregistrés par la Caisse de sécurité "
        "sociale de Mayotte (CSSM).", chart="figure",
        comparability="Chiffre de la CSSM repris par l'IEDOM ; la date d'observation est en note.",
    ),
    IndicatorSpec(
        "montant_forfaitaire_rsa_personne_seule", INS,
        "Montant forfaitaire du RSA pour une personne seule sans enfant", "euros par mois",
        "Montant forfaitaire mensuel du RSA applicable à Mayotte pour une personne seule sans "
        "enfant.", chart="figure", decimals=2,
        comparability="Montant réglementaire à la date indiquée en note ; la source le compare à "
        "598,54 euros dans l'Hexagone.",
    ),
    IndicatorSpec(
        "jeunes_15_29_ni_emploi_ni_formation", INS,
        "Jeunes de 15 à 29 ans ni en emploi ni en formation (2018)", "personnes",
        "Personnes de 15 à 29 ans qui ne sont ni en emploi ni en formation (Insee, enquête "
        "Emploi 2018).", chart="figure",
        comparability="Définition de l'Insee Analyses n° 21 (2019) ; gardé à part de "
        "l'indicateur NEET 2021, publié par une autre source.",
    ),
    IndicatorSpec(
        "part_15_29_ni_emploi_ni_formation", INS,
        "Part des 15-29 ans ni en emploi ni en formation (2018)", "% des 15-29 ans",
        "Part des personnes de 15 à 29 ans qui ne sont ni en emploi ni en formation.",
        chart="figure",
        comparability="Valeur écrite en toutes lettres (« quatre jeunes sur dix ») ; gardé à "
        "part de l'indicateur NEET 2021.",
    ),
    IndicatorSpec(
        "jeunes_15_29_neet", INS,
        "Jeunes de 15 à 29 ans ni en emploi, ni en études, ni en formation (NEET)", "personnes",
        "Personnes de 15 à 29 ans qui ne sont ni en emploi, ni en études, ni en formation.",
        chart="figure",
        comparability="Publication CEROM « Mayotte 10 ans après la départementalisation » citée "
        "par la presse (source secondaire).",
    ),
    IndicatorSpec(
        "part_15_29_neet", INS,
        "Part des 15-29 ans ni en emploi, ni en études, ni en formation (NEET)", "% des 15-29 ans",
        "Part des personnes de 15 à 29 ans qui ne sont ni en emploi, ni en études, ni en formation.",
        numerator="Jeunes de 15 à 29 ans NEET", denominator="Personnes de 15 à 29 ans", chart="figure",
        comparability="Publication CEROM citée par la presse (source secondaire) ; 13 % dans le "
        "reste de la France selon la même source.",
    ),
    IndicatorSpec(
        "part_15plus_sortis_ecole_avec_diplome_qualifiant", INS,
        "Part des personnes sorties de l'école avec un diplôme qualifiant",
        "% des 15 ans ou plus sortis du système scolaire",
        "Part des personnes de 15 ans ou plus sorties du système scolaire qui possèdent un "
        "diplôme qualifiant (CAP, BEP ou plus).",
        comparability="Enquête Emploi de l'Insee ; 2009 et 2014 cités par la presse.",
    ),
    IndicatorSpec(
        "part_population_sans_diplome_qualifiant", INS,
        "Part de la population sans diplôme qualifiant", "% de la population de 15 ans ou plus",
        "Part des personnes de 15 ans ou plus qui n'ont aucun diplôme qualifiant (recensement "
        "de 2012).", chart="figure",
        comparability="Champ différent (toute la population de 15 ans ou plus, y compris les "
        "personnes encore scolarisées) de l'indicateur des sortants du système scolaire.",
    ),
    IndicatorSpec(
        "part_15_29_sortis_ecole_sans_diplome", INS,
        "Part des 15-29 ans sortis de l'école sans diplôme", "% des 15-29 ans ayant achevé leur scolarité",
        "Part des 15-29 ans ayant achevé leur scolarité qui n'ont aucun diplôme.", chart="figure",
        comparability="Recensement de 2012, cité par l'AFP (source secondaire).",
    ),
    IndicatorSpec(
        "part_15plus_jamais_scolarises", INS, "Part des 15 ans ou plus jamais scolarisés",
        "% des 15 ans ou plus",
        "Part des habitants de 15 ans ou plus qui n'ont jamais été scolarisés.", chart="figure",
        comparability="Valeur écrite en toutes lettres (« un sur trois ») ; champ différent de "
        "l'indicateur des 15-64 ans.",
    ),
    IndicatorSpec(
        "part_15_64_jamais_scolarises", INS, "Part des 15-64 ans jamais scolarisés",
        "% des personnes en âge de travailler",
        "Part des personnes en âge de travailler (15-64 ans) qui n'ont jamais été scolarisées.",
        chart="figure", comparability="Enquête Emploi 2014 citée par la presse (source secondaire).",
    ),
    IndicatorSpec(
        "part_adultes_ne_maitrisant_pas_competences_base_ecrit", INS,
        "Part des adultes ne maîtrisant pas les compétences de base à l'écrit",
        "% des personnes en âge de travailler",
        "Part des personnes en âge de travailler (109 000 personnes en 2012) qui ne maîtrisent "
        "pas les compétences de base à l'écrit en langue française (enquête Information et vie "
        "quotidienne).", chart="figure",
        comparability="Enquête IVQ 2012 de l'Insee citée par la presse (source secondaire).",
    ),
    IndicatorSpec(
        "part_jeunes_jdc_difficultes_lecture", INS,
        "Part des jeunes en difficulté de lecture à la Journée défense et citoyenneté",
        "% des participants à la JDC",
        "Part des participants à la Journée défense et citoyenneté (jeunes Français de 16 à "
        "25 ans) en difficulté de lecture aux tests de la DEPP.", decimals=1,
        comparability="Résultats annuels de la DEPP cités par des sources secondaires ; les "
        "participants à la JDC sont par définition des jeunes Français de 16 à 25 ans.",
    ),
    IndicatorSpec(
        "part_emplois_contrats_aides", INS, "Part des emplois en contrat aidé", "% des emplois",
        "Part des emplois occupés dans le cadre d'un contrat aidé (Insee, 2018).", chart="figure",
    ),
    IndicatorSpec(
        "beneficiaires_contrats_aides_pec", INS,
        "Bénéficiaires de contrats aidés (parcours emploi compétences)", "personnes",
        "Nombre de bénéficiaires de contrats aidés (parcours emploi compétences) dans l'année.",
        chart="figure", comparability="Publication CEROM citée par la presse (source secondaire).",
    ),
    IndicatorSpec(
        "rsma_volontaires_stagiaires_incorpores", INS,
        "Volontaires stagiaires incorporés au RSMA de Mayotte", "personnes",
        "Jeunes volontaires stagiaires ayant intégré le Régiment du service militaire adapté de "
        "Mayotte dans l'année.", chart="figure",
        comparability="Bilan annuel du RSMA cité par la presse (source secondaire).",
    ),
    IndicatorSpec(
        "rsma_volontaires_techniques_incorpores", INS,
        "Volontaires techniques incorporés au RSMA de Mayotte", "personnes",
        "Volontaires techniques ayant intégré le Régiment du service militaire adapté de Mayotte "
        "dans l'année.", chart="figure",
        comparability="Bilan annuel du RSMA cité par la presse (source secondaire).",
    ),
    IndicatorSpec(
        "rsma_taux_insertion_professionnelle", INS,
        "Taux d'insertion professionnelle des sortants du RSMA de Mayotte", "% des sortants",
        "Part des volontaires sortis du RSMA de Mayotte qui sont insérés professionnellement "
        "(emploi, formation), selon le régiment.", chart="figure",
        comparability="Indicateur déclaré par le RSMA (deux tiers en emploi durable selon la "
        "même source), cité par la presse.",
    ),
    # --- Context
    IndicatorSpec(
        "niveau_de_vie_median_annuel", CTX, "Niveau de vie médian annuel", "euros par an",
        "Niveau de vie partagé en deux moitiés : la moitié des habitants a un niveau de vie "
        "inférieur.", chart="figure",
        comparability="Chiffre de l'Insee cité par l'AFP ; la formulation de la source est "
        "reproduite en note.",
    ),
    IndicatorSpec(
        "densite_population", CTX, "Densité de population", "habitants par km²",
        "Nombre d'habitants par kilomètre carré.", chart="figure",
    ),
    # --- Housing
    IndicatorSpec(
        "residences_principales", LOG, "Résidences principales", "logements",
        "Logements occupés de façon habituelle par un ménage.", chart="bar",
        comparability="2013 : enquête Logement ; 2017 : recensement. Sources différentes.",
    ),
    IndicatorSpec(
        "part_residences_principales_en_tole", LOG, "Part des résidences principales en tôle",
        "% des résidences principales",
        "Part des résidences principales qui sont des habitations de fortune en tôle "
        "(« cases en tôle »).",
        numerator="Résidences principales en tôle", denominator="Résidences principales",
        comparability="1997 et 2017 : recensements ; 2013 : enquête Logement. Gardé à part de "
        "la part calculée sur l'ensemble des logements (2012).",
    ),
    IndicatorSpec(
        "part_logements_en_tole", LOG, "Part des logements en tôle", "% des logements",
        "Part des logements en tôle parmi l'ensemble des logements (recensement).",
        levels=ALL_LEVELS, chart="bar", decimals=1,
        numerator="Logements en tôle", denominator="Ensemble des logements",
        comparability="Dénominateur différent (ensemble des logements) de la "
        "part des résidences principales en tôle : ne pas comparer. Seules deux communes sont "
        "citées par la source pour 2012 ; la valeur de Petite-Terre (2017) est écrite en toutes "
        "lettres par l'Insee.",
    ),
    IndicatorSpec(
        "logements_en_tole", LOG, "Logements en tôle", "logements",
        "Nombre de logements en tôle (recensement de 2012).", chart="figure",
    ),
    IndicatorSpec(
        "part_logements_sans_eau_courante", LOG, "Part des logements sans eau courante",
        "% des résidences principales",
        "Part des résidences principales sans eau courante à l'intérieur du logement.",
        numerator="Résidences principales sans eau courante", denominator="Résidences principales",
        comparability="2013 : enquête Logement (citée par la presse) ; 2017 : recensement.",
    ),
    IndicatorSpec(
        "habitants_sans_eau_courante", LOG, "Habitants d'un logement sans eau courante",
        "habitants", "Nombre d'habitants vivant dans un logement sans eau courante.", chart="figure",
    ),
    IndicatorSpec(
        "menages_sans_eau_courante", LOG, "Ménages sans eau courante dans le logement", "ménages",
        "Ménages dont le logement n'a pas l'eau courante (recensement de 2017) ; 7 900 d'entre "
        "eux ont un robinet dans la cour selon la source.", chart="figure",
        comparability="Gardé à part de l'indicateur 2013 de l'enquête Logement (formulation "
        "différente : « pas accès à l'eau dans leur logement »).",
    ),
    IndicatorSpec(
        "menages_sans_eau_dans_le_logement", LOG, "Ménages sans accès à l'eau dans le logement",
        "ménages", "Ménages qui n'ont pas accès à l'eau dans leur logement (enquête Logement 2013).",
        chart="figure",
    ),
    IndicatorSpec(
        "menages_s_approvisionnant_riviere", LOG,
        "Ménages s'approvisionnant en eau dans une rivière", "ménages",
        "Ménages qui s'approvisionnent en eau dans une rivière ou un ruisseau.", chart="figure",
    ),
    IndicatorSpec(
        "menages_sans_electricite", LOG, "Ménages sans électricité", "ménages",
        "Ménages dont le logement n'a pas l'électricité (enquête Logement 2013).", chart="figure",
    ),
    IndicatorSpec(
        "part_logements_sans_electricite", LOG, "Part des logements sans électricité",
        "% des résidences principales", "Part des résidences principales sans électricité.",
        chart="figure", comparability="Valeur écrite en toutes lettres (« un logement sur dix »).",
    ),
    IndicatorSpec(
        "part_logements_relies_electricite", LOG, "Part des logements reliés à l'électricité",
        "% des logements", "Part des logements reliés à l'électricité (recensement).",
        levels=("epci", "departement"), chart="figure",
        comparability="Département : recensement de 2012 ; Petite-Terre : recensement de 2017 "
        "(Insee Dossier Mayotte n° 2, cité par la presse).",
    ),
    IndicatorSpec(
        "part_logements_point_eau_interieur", LOG,
        "Part des logements avec un point d'eau potable à l'intérieur", "% des logements",
        "Part des logements équipés d'un point d'eau potable à l'intérieur en 2012.",
        chart="figure",
    ),
    IndicatorSpec(
        "part_logements_sans_confort_sanitaire_de_base", LOG,
        "Part des logements sans confort sanitaire de base", "% des résidences principales",
        "Part des résidences principales dépourvues du confort sanitaire de base (eau courante, "
        "toilettes ou douche).",
        levels=("epci", "departement"), chart="figure",
        comparability="Valeurs écrites en toutes lettres (« six sur dix »).",
    ),
    IndicatorSpec(
        "part_logements_surpeuples", LOG, "Part des logements surpeuplés",
        "% des résidences principales",
        "Part des résidences principales dont le nombre de pièces est insuffisant pour le ménage "
        "selon la norme de l'Insee.",
        comparability="2013 : enquête Logement, valeur citée par la presse (l'Insee écrit « les "
        "deux tiers ») ; 2017 : recensement, présenté par l'Insee et rapporté par la presse.",
    ),
    IndicatorSpec(
        "part_logements_vacants", LOG, "Part des logements vacants", "% des logements",
        "Part des logements inoccupés (recensement de 2012).", chart="figure",
    ),
    IndicatorSpec(
        "part_menages_proprietaires", LOG, "Part des ménages propriétaires", "% des ménages",
        "Part des ménages qui se déclarent propriétaires de leur résidence principale.",
        chart="figure",
    ),
    IndicatorSpec(
        "part_etrangers_vivant_en_maison_en_tole", LOG,
        "Part des habitants de nationalité étrangère vivant dans une maison en tôle",
        "% des personnes de nationalité étrangère",
        "Part des habitants de nationalité étrangère qui habitent une maison en tôle (25 % des "
        "Français natifs de l'île selon la même source).", chart="figure",
    ),
    IndicatorSpec(
        "part_habitants_vivant_en_maison_en_tole", LOG,
        "Part des habitants vivant dans une maison en tôle", "% des habitants",
        "Part des habitants qui vivent dans une maison en tôle.", chart="figure",
        comparability="Année de référence supposée (recensement de 2017).",
    ),
    IndicatorSpec(
        "part_menages_acces_haut_debit", LOG, "Part des ménages ayant un accès haut débit",
        "% des ménages", "Part des ménages disposant d'un accès à internet haut débit à domicile.",
        chart="figure", comparability="Année de référence supposée (recensement de 2017).",
    ),
)
# fmt: on


# --- Table Schemas ----------------------------------------------------------------------------


DIMENSION_FIELDS: dict[str, dict[str, object]] = {
    "village": {
        "name": "village",
        "type": "string",
        "title": "Village",
        "description": "Village au sens de l'Insee, rangé dans la commune de code_geo ; vide pour la commune entière. Un village n'est jamais additionné dans la commune.",
    },
    "quartier": {
        "name": "quartier",
        "type": "string",
        "title": "Quartier",
        "description": "Quartier prioritaire ou périmètre de la politique de la ville, rangé dans la commune (ou l'EPCI quand il s'étend sur deux communes) de code_geo ; vide pour le territoire entier.",
    },
}


def observations_schema(indicator_ids: list[str], dims: tuple[str, ...] = ()) -> dict[str, object]:
    schema = _observations_schema(indicator_ids)
    if dims:
        schema["fields"] = [*schema["fields"], *(DIMENSION_FIELDS[d] for d in dims)]  # type: ignore[misc]
        schema["primaryKey"] = ["indicateur", "code_geo", "annee", *dims]
    return schema


def _observations_schema(indicator_ids: list[str]) -> dict[str, object]:
    return {
        "fields": [
            {
                "name": "indicateur",
                "type": "string",
                "title": "Indicateur",
                "description": "Identifiant d'un indicateur déclaré dans observatory.indicators de ce paquet.",
                "constraints": {"required": True, "enum": indicator_ids},
            },
            {
                "name": "niveau",
                "type": "string",
                "title": "Niveau géographique",
                "description": "commune, epci ou departement ; doit correspondre au niveau du code dans le référentiel territorial.",
                "constraints": {"required": True, "enum": ["commune", "epci", "departement"]},
            },
            {
                "name": "code_geo",
                "type": "string",
                "title": "Code du territoire",
                "description": "Code INSEE de la commune (976xx), SIREN de l'EPCI (9 chiffres) ou 976 pour le département ; doit exister dans datapackages/territoires/territoires.csv.",
                "constraints": {"required": True, "pattern": "976|976[0-9]{2}|[0-9]{9}"},
            },
            {
                "name": "annee",
                "type": "integer",
                "title": "Année",
                "description": "Année de référence de la valeur ; la note précise la date exacte ou la période quand ce n'est pas une année civile.",
                "constraints": {"required": True, "minimum": 1900, "maximum": 2100},
            },
            {
                "name": "valeur",
                "type": "number",
                "title": "Valeur",
                "description": "Valeur publiée, dans l'unité de l'indicateur (point décimal). Vide seulement si la note dit pourquoi (secret statistique, donnée non publiée).",
            },
            {
                "name": "source",
                "type": "string",
                "title": "Source",
                "description": "Identifiant de la source dans sources.csv.",
                "constraints": {"required": True},
            },
            {
                "name": "note",
                "type": "string",
                "title": "Note",
                "description": "Précision sur la valeur : date exacte, valeur approchée ou écrite en toutes lettres, révision, rupture de série.",
            },
        ],
        "primaryKey": ["indicateur", "code_geo", "annee"],
        "foreignKeys": [{"fields": "source", "reference": {"resource": "sources", "fields": "id"}}],
        "missingValues": [""],
    }


def sources_schema() -> dict[str, object]:
    return {
        "fields": [
            {
                "name": "id",
                "type": "string",
                "title": "Identifiant",
                "description": "Identifiant court de la source, cité dans la colonne source des observations.",
                "constraints": {"required": True, "unique": True, "pattern": "[a-z0-9-]+"},
            },
            {
                "name": "organisme",
                "type": "string",
                "title": "Organisme",
                "description": "Producteur de la donnée et, le cas échéant, le média ou l'organisme qui la cite.",
                "constraints": {"required": True},
            },
            {
                "name": "titre",
                "type": "string",
                "title": "Titre",
                "description": "Titre de la publication ou de l'article.",
                "constraints": {"required": True},
            },
            {
                "name": "url",
                "type": "string",
                "format": "uri",
                "title": "Adresse",
                "description": "Adresse web de la publication.",
                "constraints": {"required": True},
            },
            {
                "name": "millesime",
                "type": "string",
                "title": "Millésime",
                "description": "Année de publication de la source (« non précisé » si la page ne la donne pas).",
                "constraints": {"required": True},
            },
            {
                "name": "secondaire",
                "type": "boolean",
                "title": "Source secondaire",
                "description": "true quand le chiffre est repris d'une autre publication (« cité par », « repris par », dépêche AFP) ; false pour la publication du producteur.",
                "trueValues": ["true"],
                "falseValues": ["false"],
                "constraints": {"required": True},
            },
            {
                "name": "citation",
                "type": "string",
                "title": "Citation",
                "description": "Phrase ou ligne de tableau de la source d'où la valeur est lue, recopiée telle quelle.",
                "constraints": {"required": True},
            },
        ],
        "primaryKey": ["id"],
        "missingValues": [""],
    }


# --- Package metadata -------------------------------------------------------------------------

LICENSES = [
    {
        "name": "etalab-2.0",
        "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "title": "Licence Ouverte 2.0",
    }
]
CONTRIBUTORS = [{"title": "Observatoire social et médico-social de Mayotte", "role": "publisher"}]
COLLECTION = {
    "creates": "L'équipe de l'observatoire relève chaque chiffre dans une publication (Insee, organisme public, presse citant un organisme) avec sa citation exacte.",
    "modifies": "Toute modification passe par une demande de fusion (pull request) relue par un second membre de l'équipe.",
    "corrects": "Une erreur signalée (ticket ou courriel) est corrigée avec la source qui la justifie ; la note de la ligne garde la trace de la correction.",
    "updates": "À chaque nouvelle publication du producteur, la nouvelle valeur est ajoutée avec sa source ; les valeurs révisées gardent leur ancienne source en note.",
    "validates": "La commande python build.py check valide le paquet (schéma, sources, territoires, profil) avant toute publication.",
}
PUBLISHED_LEGAL = (
    "Chiffres publiés par l'Insee et des organismes publics (loi n° 51-711 du 7 juin 1951 sur "
    "l'obligation, la coordination et le secret en matière de statistiques), réutilisés sous "
    "Licence Ouverte 2.0 ; chiffres repris de la presse cités comme sources secondaires (courte "
    "citation)."
)


def package(name: str, title: str, description: str, themes: list[str], keywords: list[str],
            owner: str, producer: str, frequency: str, integrity: int) -> dict[str, object]:  # fmt: skip
    return {
        "name": name,
        "title": title,
        "description": description,
        "version": "1.0.0",
        "licenses": LICENSES,
        "contributors": CONTRIBUTORS,
        "keywords": keywords,
        "observatory": {
            "themes": themes,
            "status": "available",
            "governance": {
                "owner": owner,
                "producer": producer,
                "collection": COLLECTION,
                "update_frequency": frequency,
                "legal_basis": PUBLISHED_LEGAL,
                "gdpr": "none",
                "sensitivity": "public",
            },
            "priority": {
                "partner_commitment": 2,
                "data_integrity": integrity,
                "technical_feasibility": 3,
            },
        },
    }


PACKAGES: tuple[dict[str, object], ...] = (
    package(
        POP,
        "Populations légales des communes de Mayotte (2007, 2012, 2017)",
        "Populations municipales et totales des 17 communes, des 5 EPCI et du département aux "
        "recensements de 2007, 2012 et 2017, telles qu'authentifiées par décret. Les totaux des "
        "EPCI et du département sont égaux à la somme de leurs communes.",
        ["demographie"],
        ["population", "recensement", "communes", "EPCI", "populations légales"],
        "INSEE",
        "INSEE (recensement de la population)",
        "irregular",
        3,
    ),
    package(
        DEMO,
        "Indicateurs démographiques de Mayotte",
        "Estimations de population, naissances, décès, fécondité, structure par âge, nationalité "
        "et projections à l'horizon 2050, tels que publiés par l'Insee ou cités par la presse "
        "(sources secondaires signalées) ; pour quelques communes et EPCI, la croissance de la "
        "population entre 2012 et 2017 et leur part dans la population de Mayotte.",
        ["demographie"],
        ["population", "naissances", "fécondité", "nationalité", "projections"],
        "INSEE",
        "INSEE (état civil, recensement, projections réalisées avec le CESEM)",
        "annual",
        2,
    ),
    package(
        AGE,
        "Personnes âgées à Mayotte",
        "Part et nombre des 60 ans ou plus, perte d'autonomie et handicap des seniors (enquête "
        "Autonomie 2021 de l'Insee) ; non-recours aux droits des 60 ans ou plus à Mamoudzou "
        "(CCAS, 2025).",
        ["personnes_agees", "demographie"],
        ["seniors", "perte d'autonomie", "vieillissement"],
        "INSEE",
        "INSEE (recensement, enquête Autonomie 2021)",
        "irregular",
        2,
    ),
    package(
        HAND,
        "Handicap et perte d'autonomie à Mayotte",
        "Personnes en situation de handicap selon l'enquête Autonomie 2021 de l'Insee, "
        "reconnaissance administrative, personnes connues ou accompagnées par la MDPH, part des "
        "bénéficiaires de l'AAH.",
        ["handicap"],
        ["handicap", "MDPH", "AAH", "autonomie"],
        "INSEE",
        "INSEE (enquête Autonomie 2021) ; MDPH de Mayotte (données administratives)",
        "irregular",
        2,
    ),
    package(
        LOG,
        "Conditions de logement à Mayotte",
        "Résidences principales, habitat en tôle, accès à l'eau et à l'électricité, surpeuplement, "
        "statut d'occupation (recensements et enquête Logement 2013 de l'Insee) ; quelques "
        "communes (2012) et la CC de Petite-Terre (2017).",
        ["logement"],
        ["logement", "habitat précaire", "tôle", "eau courante", "électricité", "surpeuplement"],
        "INSEE",
        "INSEE (recensement de la population, enquête Logement 2013)",
        "irregular",
        2,
    ),
    package(
        EMP,
        "Emploi et chômage à Mayotte",
        "Chômage et emploi au sens du BIT (enquête Emploi Mayotte de l'Insee) et demandeurs "
        "d'emploi inscrits à Pôle emploi / France Travail. La série de l'enquête Emploi a été "
        "révisée après le recensement de 2017 : les valeurs publiées avant la révision sont "
        "gardées à part.",
        ["emploi"],
        ["chômage", "BIT", "emploi", "demandeurs d'emploi", "France Travail"],
        "INSEE ; France Travail (ex-Pôle emploi)",
        "INSEE (enquête Emploi Mayotte) ; France Travail et DEETS Mayotte (demandeurs d'emploi)",
        "annual",
        2,
    ),
    package(
        INS,
        "Insertion et formation à Mayotte",
        "RSA, jeunes ni en emploi ni en formation, diplômes, illettrisme, contrats aidés et "
        "Régiment du service militaire adapté (RSMA).",
        ["insertion"],
        ["RSA", "NEET", "diplôme", "illettrisme", "contrats aidés", "RSMA"],
        "INSEE ; CSSM ; RSMA de Mayotte ; DEPP",
        "INSEE, CSSM, DEPP, RSMA de Mayotte (chiffres publiés)",
        "irregular",
        2,
    ),
    package(
        CTX,
        "Repères socio-économiques de Mayotte",
        "Densité de population (département, îlots les plus denses de Dzaoudzi) et niveau de "
        "vie médian.",
        ["contexte"],
        ["densité", "niveau de vie"],
        "INSEE",
        "INSEE",
        "irregular",
        2,
    ),
)


# --- Where a reference row goes -------------------------------------------------------------
# (reference indicator, reference unit or "*", year or "*") -> observatory indicator id.
# The first matching rule wins; a reference row matched by no rule stops the script.
ROUTES: tuple[tuple[str, str, str, str], ...] = (
    ("taux_chomage_BIT", "*", "2013", "taux_chomage_bit_avant_revision"),
    ("taux_chomage_BIT", "*", "2014", "taux_chomage_bit_avant_revision"),
    ("taux_chomage_BIT", "*", "2016", "taux_chomage_bit_avant_revision"),
    ("taux_chomage_BIT", "*", "*", "taux_chomage_bit"),
    ("chomeurs_BIT", "*", "2016", "chomeurs_bit_avant_revision"),
    ("chomeurs_BIT", "*", "*", "chomeurs_bit"),
    ("taux_emploi_15_64", "*", "2016", "taux_emploi_15_64_avant_revision"),
    ("personnes_en_emploi", "*", "2013", "personnes_en_emploi_15plus_avant_revision"),
    (
        "demandeurs_emploi_categorie_A_moyenne_trimestrielle",
        "personnes (CVS)",
        "*",
        "demandeurs_emploi_categorie_a_moyenne_trimestrielle_cvs",
    ),
    (
        "part_logements_en_tole",
        "% des résidences principales",
        "*",
        "part_residences_principales_en_tole",
    ),
)

# Extra rows read from a quote of the reference table (same source, stated value).
# (reference indicator, reference year of the row holding the quote, new year, value, note)
EXTRA_ROWS: tuple[tuple[str, str, str, int, str, str], ...] = (
    (
        "taux_chomage_BIT",
        "2019",
        "taux_chomage_bit",
        2016,
        "30",
        "Série révisée : le communiqué de l'Insee de décembre 2019 écrit « 30 %, comme en 2017 "
        "et en 2016 ». La même année 2016 avait été publiée à 27,1 % avant la révision (voir "
        "l'indicateur taux_chomage_bit_avant_revision). Valeur arrondie par la source.",
    ),
)

# Notes attached to one reference row: (reference indicator, code, year) -> note.
NOTES: dict[tuple[str, str, str], str] = {
    ("taux_chomage_BIT", "976", "2016"): (
        "Valeur publiée en décembre 2016, avant la révision de la série après le recensement "
        "de 2017 ; l'Insee décrit ensuite le taux de 2016 comme proche de 30 % (voir "
        "l'indicateur taux_chomage_bit)."
    ),
    ("taux_chomage_BIT", "976", "2013"): "Valeur publiée avant la révision de la série (2017).",
    ("taux_chomage_BIT", "976", "2014"): "Valeur publiée avant la révision de la série (2017).",
    (
        "chomeurs_BIT",
        "976",
        "2016",
    ): "Effectif publié en décembre 2016, avant la révision de la série.",
    (
        "taux_emploi_15_64",
        "976",
        "2016",
    ): "Valeur publiée en décembre 2016, avant la révision de la série.",
    ("personnes_en_emploi", "976", "2013"): (
        "Personnes de 15 ans ou plus en emploi au 2e trimestre 2013 ; publication antérieure à "
        "la révision de la série."
    ),
    ("personnes_en_emploi", "976", "2021"): "Tranche d'âge non précisée par la source.",
    ("taux_chomage_BIT", "976", "2018"): (
        "2e trimestre 2018. Le communiqué de décembre 2019 situe 2016, 2017 et 2019 autour de "
        "30 % : la valeur 2018 est celle publiée en février 2019."
    ),
    ("part_population_nationalite_etrangere", "976", "2012"): (
        "Valeur approchée : la source écrit « autour de 40 % »."
    ),
    ("part_population_nationalite_etrangere", "97610", "2017"): (
        "La même source situe Koungou à 51 % en 2012 ; la valeur 2012 retenue ici (52,5 %) "
        "est celle de L'Info Kwézi."
    ),
    ("part_logements_surpeuples", "976", "2013"): (
        "Valeur citée par Mayotte la 1ère (enquête Logement 2013) ; l'Insee écrit « les deux "
        "tiers »."
    ),
    ("part_logements_surpeuples", "976", "2017"): (
        "La source précise qu'un logement sur trois est en surpeuplement aggravé."
    ),
    ("part_logements_sans_electricite", "976", "2017"): (
        "Valeur écrite en toutes lettres dans la source (« un logement sur dix »)."
    ),
    ("part_logements_sans_confort_sanitaire_de_base", "976", "2017"): (
        "Valeur écrite en toutes lettres dans la source (« six logements sur dix ») ; confort "
        "sanitaire de base : eau courante, toilettes ou douche."
    ),
    ("part_15_29_ni_emploi_ni_formation", "976", "2018"): (
        "Valeur écrite en toutes lettres dans la source (« quatre jeunes sur dix »)."
    ),
    (
        "jeunes_15_29_ni_emploi_ni_formation",
        "976",
        "2018",
    ): "Effectif approché (« environ 25 000 »).",
    ("part_15plus_jamais_scolarises", "976", "2012"): (
        "Valeur écrite en toutes lettres dans la source (« un habitant sur trois »), stockée "
        "comme 33."
    ),
    ("part_habitants_vivant_en_maison_en_tole", "976", "2017"): (
        "Année de référence non précisée par la publication (mai 2020) ; recensement de 2017 "
        "supposé."
    ),
    ("part_menages_acces_haut_debit", "976", "2017"): (
        "Année de référence non précisée par la publication (mai 2020) ; recensement de 2017 "
        "supposé."
    ),
    ("part_jeunes_JDC_difficultes_lecture", "976", "2019"): (
        "Participants à la JDC : jeunes de 16 à 25 ans de nationalité française."
    ),
    ("niveau_de_vie_median_annuel", "976", "2018"): (
        "La source écrit « la moitié de la population a un revenu médian inférieur à 3 140 "
        "euros par an »."
    ),
    ("part_logements_en_tole", "976", "1997"): "Recensement de 1997, cité en 2019.",
}

# Notes that replace the automatic note on the period of a reference row.
PERIOD_NOTES: dict[tuple[str, str, str], str] = {
    ("part_20_59_ans_beneficiaires_AAH", "976", "2021-2023"): (
        "Période de référence non précisée (« actuellement », publication de novembre 2023) ; "
        "rangée en 2023."
    ),
}

# Short, stable source ids: URL -> (slug, publication year).
# fmt: off
SOURCE_SLUGS: dict[str, tuple[str, str]] = {
    "https://github.com/etalab/lois-non-codifiees-et-reglements-francais/blob/451534d7f203e6f18df07aa950bc6385a665dcf9/decret/2007/decret-n2007-1885-du-26-decembre-2007-eces0773695d/annexe/article-annexe.md": ("decret-2007-1885", "2007"),
    "https://github.com/etalab/lois-non-codifiees-et-reglements-francais/blob/96736a9eb9344f0a32bb793078580f89d2cce4be/decret/2012/decret-n2012-1453-du-24-decembre-2012-efis1240043d/annexe/article-.md": ("decret-2012-1453", "2012"),
    "https://insee.fr/fr/statistiques/3291775?sommaire=2120838": ("insee-3291775", "2017"),
    "https://github.com/etalab/decoupage-administratif": ("etalab-decoupage-administratif", "2017"),
    "https://www.tahiti-infos.com/A-Mayotte-48-de-la-population-est-etrangere-un-ratio-inedit-en-France_a178957.html": ("afp-tahiti-infos-2019-02", "2019"),
    "https://blog.insee.fr/mayotte-recensement-adapte-a-population-hors-norme/": ("insee-blog-recensement", "non précisé"),
    "https://www.iedom.fr/IMG/rapport_annuel_iedom_mayotte_2022/files/basic-html/page30.html": ("iedom-ra2022-p30", "2023"),
    "https://www.iedom.fr/IMG/rapport_annuel_iedom_mayotte_2022/files/basic-html/page32.html": ("iedom-ra2022-p32", "2023"),
    "https://www.iedom.fr/IMG/rapport_annuel_iedom_mayotte_2022/files/basic-html/page42.html": ("iedom-ra2022-p42", "2023"),
    "https://www.iedom.fr/IMG/rapport_annuel_iedom_mayotte_2022/files/basic-html/page46.html": ("iedom-ra2022-p46", "2023"),
    "https://www.boursorama.com/actualite-economique/actualites/a-mayotte-avant-le-cyclone-37-de-chomeurs-et-un-niveau-de-vie-sept-fois-plus-faible-qu-ailleurs-en-france-d51c02212c7595d03becd766fb81d85e": ("afp-boursorama-2024-12", "2024"),
    "https://www.insee.fr/fr/statistiques/3284395": ("insee-3284395", "2017"),
    "https://europe1.fr/societe/Et-le-departement-francais-le-plus-jeune-est-756554": ("europe1-departement-jeune", "2014"),
    "https://mayottehebdo.com/actualite/en_bref/24-04-2009-recensement-de-la-population-par-l-insee": ("mayotte-hebdo-2009-04-24", "2009"),
    "https://insee.fr/fr/statistiques/7727578": ("insee-7727578", "2023"),
    "https://www.insee.fr/fr/statistiques/4628193": ("insee-4628193", "2020"),
    "https://www.insee.fr/fr/statistiques/1281173": ("insee-1281173", "2009"),
    "http://www.insee.fr/fr/statistiques/1281384": ("insee-1281384", "2014"),
    "https://marine-oceans.com/actualites/mayotte-departement-le-plus-jeune-et-champion-des-superlatifs-de-la-precarite-insee": ("afp-marine-oceans-2014", "2014"),
    "https://old1.lejournaldemayotte.com/?p=108628": ("journal-mayotte-2019-02-rp2017", "2019"),
    "http://staging.linfokwezi.fr/?p=28917": ("info-kwezi-2016-06-08", "2016"),
    "https://old.lejournaldemayotte.fr/la-geographie-des-flux-migratoires-a-mayotte": ("journal-mayotte-2019-flux-migratoires", "2019"),
    "https://www.insee.fr/fr/statistiques/6531991": ("insee-6531991", "2022"),
    "https://lejournaldemayotte.yt/2022/09/23/forte-hausse-de-16-des-naissances-ce-que-ca-implique/": ("journal-mayotte-2022-09-23", "2022"),
    "https://mayottehebdo.com/actualite/societe/linsee-confirme-la-baisse-des-naissances-enregistree-a-mayotte": ("mayotte-hebdo-baisse-naissances", "2024"),
    "https://mayottehebdo.com/?p=57525": ("mayotte-hebdo-bilan-2022", "2023"),
    "https://documentation.outre-mer.gouv.fr/listRecord.htm?list=link&xRecord=19116418146919346909": ("insee-flash-182", "2024"),
    "http://www.ipreunion.com/actualites-reunion/reportage/2019/02/08/selon-une-etude-de-l-insee-a-mayotte-pres-d-un-habitant-sur-deux-est-de-nationalite-etrangere,97569.html": ("ipreunion-2019-02-08", "2019"),
    "https://www.insee.fr/fr/statistiques/4202864": ("insee-4202864", "2019"),
    "https://migration.lejournaldemayotte.com/2019/08/30/les-cases-en-toles-representent-40-des-logements-de-mayotte": ("journal-mayotte-2019-08-30", "2019"),
    "https://www.tahiti-infos.com/A-Mayotte-29-de-la-population-vit-dans-un-logement-sans-eau-courante_a184512.html": ("afp-tahiti-infos-2019-08", "2019"),
    "https://linfokwezi.fr/a-mayotte-4-logements-sur-10-sont-en-tole": ("info-kwezi-2019-logement", "2019"),
    "https://www.insee.fr/fr/statistiques/2421929": ("insee-2421929", "2016"),
    "https://la1ere.francetvinfo.fr/mayotte/mamoudzou/l-insee-demarre-une-nouvelle-enquete-logement-aupres-des-populations-des-departements-et-regions-d-outre-mer-1432643.html": ("mayotte-la-1ere-2023-10", "2023"),
    "https://old1.lejournaldemayotte.com/2017/06/30/dix-points-pour-comprendre-le-logement-a-mayotte": ("journal-mayotte-2017-06-30", "2017"),
    "https://www.insee.fr/fr/statistiques/1285721": ("insee-1285721", "non précisé"),
    "https://old1.lejournaldemayotte.com/2014/02/06/lhabitat-a-mayotte-31-de-logements-en-toles/": ("journal-mayotte-2014-02-06", "2014"),
    "https://www.insee.fr/fr/statistiques/4492938": ("insee-4492938", "2020"),
    "https://www.insee.fr/fr/statistiques/7716475": ("insee-7716475", "2023"),
    "https://outremers360.com/bassin-indien-appli/handicap-a-mayotte-une-reconnaissance-administrative-et-une-insertion-professionnelle-plus-difficiles-quailleurs-selon-linsee": ("outremers360-handicap-2023", "2023"),
    "https://outremers360.com/bassin-indien-appli/a-mayotte-la-ministre-chargee-de-lautonomie-et-du-handicap-annonce-39-millions-deuros-pour-des-solutions-nouvelles-lhebergement-et-le-projet-dephad": ("outremers360-mdph-2025-02", "2025"),
    "https://www.insee.fr/fr/statistiques/1285713": ("insee-1285713", "2014"),
    "https://insee.fr/fr/statistiques/1285564": ("insee-1285564", "2015"),
    "https://www.insee.fr/fr/statistiques/2516501": ("insee-2516501", "2016"),
    "https://insee.fr/fr/statistiques/3716585": ("insee-3716585", "2019"),
    "http://www.ipreunion.com/actualites-reunion/reportage/2019/12/02/30-de-demandeurs-d-emploi-mayotte-a-le-taux-de-chomage-le-plus-eleve-de-l-union-europeenne,111413.html": ("ipreunion-2019-12-02", "2019"),
    "https://www.iedom.fr/mayotte/actualites/la-lettre-de-l-iedom/decembre-2021/actualites-economiques-locales/article/insee-au-2eme-trimestre-2021-le-taux-de-chomage-s-etablit-a-30": ("iedom-lettre-2021-12", "2021"),
    "https://leaderreunion.fr/mayotte-7": ("leader-reunion-mayotte", "non précisé"),
    "https://www.insee.fr/fr/statistiques/6798031": ("insee-6798031", "2023"),
    "https://outremers360.com/bassin-indien-appli/a-mayotte-le-taux-de-chomage-a-atteint-37-en-2023": ("outremers360-chomage-2023", "2024"),
    "https://la1ere.francetvinfo.fr/mayotte/le-marche-du-travail-se-degrade-a-mayotte-depuis-2019-selon-l-insee-1519658.html": ("mayotte-la-1ere-marche-travail", "2024"),
    "https://www.insee.fr/fr/statistiques/4210653": ("insee-4210653", "2019"),
    "https://lejournaldemayotte.yt/2022/10/27/le-nombre-de-demandeurs-demploi-a-mayotte-en-hausse-de-74-au-3e-trimestre/": ("journal-mayotte-2022-10-27", "2022"),
    "https://lejournaldemayotte.yt/2024/04/26/la-direction-du-travail-enregistre-une-baisse-du-nombre-de-demandeurs-demploi-au-1er-trimestre-2024/": ("journal-mayotte-2024-04-26", "2024"),
    "https://lejournaldemayotte.yt/2025/02/10/a-mayotte-le-nombre-de-demandeurs-demploi-augmente-au-dernier-trimestre-2024-mais-reste-stable-sur-un-an/": ("journal-mayotte-2025-02-10", "2025"),
    "https://insee.fr/fr/statistiques/4210656": ("insee-4210656", "2019"),
    "https://www.habarizacomores.com/2022/10/mayotte-36-des-jeunes-ne-sont-ni-en.html": ("habari-za-comores-2022-10", "2022"),
    "https://mayottehebdo.com/actualite/en_bref/education-trois-mahorais-sur-quatre-sans-diplome": ("mayotte-hebdo-diplomes", "non précisé"),
    "https://www.c2rp.fr/index.php/node/12819": ("c2rp-jdc-2019", "2020"),
    "https://www.lci.fr/politique/25-d-illettrisme-chez-les-jeunes-francais-la-tres-grosse-exageration-de-valerie-pecresse-2206181.html": ("lci-2022-01", "2022"),
    "https://la1ere.francetvinfo.fr/guyane/les-jeunes-des-drom-particulierement-concernes-par-les-difficultes-de-lecture-selon-une-etude-1403330.html": ("la1ere-jdc-2023-06", "2023"),
    "https://mayottehebdo.com/actualite/education/l-illettrisme-fleau-de-mayotte": ("mayotte-hebdo-illettrisme", "non précisé"),
    "https://lejournaldemayotte.yt/2023/01/19/bilan-2022-du-rsma-repondre-a-chaque-instant-au-defi-dinnovation-du-territoire/": ("journal-mayotte-2023-01-19", "2023"),
}
# fmt: on


# --- Figures below the département (mayotte_facts_communes_2.csv) -------------------------
# Villages and quartiers prioritaires (QPV) are not territories of the reference: a village
# figure is stored on its commune with a « village » dimension, a QPV figure on the commune
# (or the EPCI, for a quartier across two communes) with a « quartier » dimension, and their
# indicators never aggregate — a village row is never added into a commune total.

VIL = "demographie-villages"
VCV = "conditions-de-vie-villages"
EMR = "emploi-recensement"
SAN = "sante-offre-de-soins"
ECO = "jeunesse-ecoles-communes"
QPV = "politique-ville-quartiers-prioritaires"

NAVETTES = (
    "Recensement de 2012 (Insee Flash Mayotte n° 17, août 2015) ; effectifs arrondis par "
    "l'Insee. Seules les communes citées par la publication ont une valeur."
)
VILLAGES_2012 = (
    "Recensement de 2012 : l'Insee ne cite que le village le moins et le plus concerné des 72 "
    "villages de Mayotte ; les autres villages n'ont pas de valeur publiée."
)
VILLAGE_ZONING = (
    "Village au sens de l'Insee (Mayotte compte 72 villages), rangé dans sa commune : la "
    "population d'un village n'est jamais additionnée dans celle de la commune."
)
KOUNGOU_SCHOOLS = (
    "Chiffres de la commune de Koungou rapportés par la presse (source secondaire) ; aucune "
    "autre commune n'est citée."
)
IEDOM_DOCTORS = (
    "Rapport annuel 2022 de l'IEDOM : l'année d'observation n'est pas précisée dans le passage "
    "cité (rangée en 2022). La source nomme « CC du Nord » l'actuelle CA du Grand Nord de "
    "Mayotte et « CA de Mamoudzou » la CA de Dembeni-Mamoudzou."
)

# fmt: off
LOCAL_INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec(
        "part_population_de_mayotte", DEMO, "Part de la population de Mayotte",
        "% de la population de Mayotte",
        "Part des habitants de Mayotte qui résident dans le territoire, telle que publiée.",
        numerator="Population du territoire", denominator="Population de Mayotte",
        levels=("commune", "epci"), chart="bar", decimals=1,
        comparability="Parts publiées par l'Insee, l'IEDOM ou la presse pour Mamoudzou et "
        "Petite-Terre seulement ; arrondies par les sources.",
    ),
    IndicatorSpec(
        "variation_population", DEMO, "Variation de la population entre deux recensements",
        "habitants", "Différence entre la population de fin et celle de début de période.",
        levels=("epci",), chart="figure",
        comparability="Effectif arrondi par l'Insee (cité par la presse).",
    ),
    IndicatorSpec(
        "densite_population_ilots_les_plus_denses", CTX,
        "Densité de population des îlots de logements les plus denses", "habitants par km²",
        "Densité de population de certains îlots de logements du centre-ville (recensement).",
        levels=("commune",), chart="figure",
        comparability="Valeur plancher (« plus de ») sur quelques îlots du centre-ville, pas "
        "sur la commune entière : ne pas comparer à la densité de la commune.",
    ),
    IndicatorSpec(
        "population_municipale_village", VIL, "Population municipale des villages", "habitants",
        "Population municipale d'un village au recensement (Insee), reprise par sa commune.",
        levels=("commune",), chart="bar", dimensions=("village",),
        comparability=VILLAGE_ZONING + " Seuls les six villages de Koungou sont publiés "
        "(tableau de la commune d'après l'Insee, 2012 et 2017).",
    ),
    IndicatorSpec(
        "taux_variation_annuel_moyen_population_village", VIL,
        "Taux de variation annuel moyen de la population des villages", "% par an",
        "Croissance annuelle moyenne de la population d'un village entre deux recensements.",
        levels=("commune",), chart="bar", decimals=1, dimensions=("village",),
        comparability=VILLAGE_ZONING,
    ),
    IndicatorSpec(
        "population_village_arrondie", VIL, "Population des villages (valeurs arrondies)",
        "habitants (arrondi)",
        "Population d'un village arrondie par l'atlas Trésor des régions d'après l'Insee.",
        levels=("commune",), chart="bar", dimensions=("village",),
        comparability=VILLAGE_ZONING + " Valeurs arrondies de seconde main : pour "
        "Majicavo-Lamir en 2017, l'atlas donne 1 780 habitants quand le tableau de la commune, "
        "d'après l'Insee, en donne 2 081 ; préférer la population municipale des villages.",
    ),
    IndicatorSpec(
        "part_maisons_en_tole_village", VCV, "Part des maisons en tôle dans les villages",
        "% des logements", "Part des logements qui sont des maisons en tôle, par village.",
        levels=("commune",), chart="figure", dimensions=("village",),
        comparability=VILLAGES_2012,
    ),
    IndicatorSpec(
        "part_logements_eau_potable_interieur_village", VCV,
        "Part des logements avec l'eau potable à l'intérieur dans les villages",
        "% des logements",
        "Part des logements disposant de l'eau potable à l'intérieur, par village.",
        levels=("commune",), chart="figure", dimensions=("village",),
        comparability=VILLAGES_2012,
    ),
    IndicatorSpec(
        "part_population_en_emploi_village", VCV,
        "Part de la population en emploi dans les villages", "% de la population",
        "Part de la population en emploi, par village (formulation de l'Insee ; ce n'est pas le "
        "taux d'emploi des 15-64 ans).",
        levels=("commune",), chart="figure", dimensions=("village",),
        comparability=VILLAGES_2012,
    ),
    IndicatorSpec(
        "emplois_au_lieu_de_travail", EMR, "Emplois offerts dans la commune", "emplois",
        "Nombre d'emplois situés dans la commune, quel que soit le lieu de résidence de ceux qui "
        "les occupent.", levels=("commune",), chart="figure", comparability=NAVETTES,
    ),
    IndicatorSpec(
        "part_emplois_de_mayotte", EMR, "Part des emplois de Mayotte situés dans la commune",
        "% des emplois de Mayotte", "Part des emplois de Mayotte situés dans la commune.",
        levels=("commune",), chart="figure", comparability=NAVETTES,
    ),
    IndicatorSpec(
        "emplois_occupes_par_des_residents", EMR,
        "Emplois de la commune occupés par ses habitants", "emplois",
        "Emplois situés dans la commune et occupés par des personnes qui y résident.",
        levels=("commune",), chart="figure", comparability=NAVETTES,
    ),
    IndicatorSpec(
        "actifs_occupes_venant_d_une_autre_commune", EMR,
        "Actifs en emploi venant d'une autre commune pour travailler", "personnes",
        "Personnes en emploi qui résident dans une autre commune et viennent travailler dans "
        "la commune.", levels=("commune",), chart="figure", comparability=NAVETTES,
    ),
    IndicatorSpec(
        "actifs_occupes_travaillant_a_mamoudzou", EMR,
        "Actifs en emploi qui travaillent à Mamoudzou", "personnes",
        "Personnes en emploi résidant dans le territoire et travaillant à Mamoudzou.",
        levels=("commune", "epci"), chart="figure", comparability=NAVETTES,
    ),
    IndicatorSpec(
        "part_actifs_occupes_travaillant_a_mamoudzou", EMR,
        "Part des actifs en emploi qui travaillent à Mamoudzou",
        "% des actifs en emploi résidant dans le territoire",
        "Part des personnes en emploi résidant dans le territoire qui travaillent à Mamoudzou.",
        numerator="Actifs en emploi travaillant à Mamoudzou",
        denominator="Actifs en emploi résidant dans le territoire",
        levels=("commune",), chart="figure",
        comparability=NAVETTES + " Publication de l'Insee reprise intégralement par Zinfos974.",
    ),
    IndicatorSpec(
        "taux_emploi_15_64_recensement", EMR, "Taux d'emploi des 15-64 ans (recensement)",
        "% des 15-64 ans",
        "Part des personnes de 15 à 64 ans qui déclarent un emploi au recensement.",
        numerator="Personnes de 15 à 64 ans en emploi", denominator="Personnes de 15 à 64 ans",
        levels=("epci",), chart="figure", dimensions=("quartier",),
        comparability="Recensement de 2017 (Insee Dossier Mayotte n° 2) : différent du taux "
        "d'emploi de l'enquête Emploi publié pour le département (taux_emploi_15_64). La ligne "
        "d'un quartier porte sur des périmètres d'intervention de la politique de la ville.",
    ),
    IndicatorSpec(
        "part_menages_sans_actif_occupe_ni_retraite", EMR,
        "Part des ménages sans personne en emploi ni retraitée", "% des ménages",
        "Part des ménages dont aucun membre n'a d'emploi ni n'est retraité (recensement).",
        levels=("epci", "departement"), chart="figure",
        comparability="Recensement de 2017 (Insee Dossier Mayotte n° 2, lu dans une copie en "
        "ligne) ; la valeur du département est donnée par la même phrase.",
    ),
    IndicatorSpec(
        "medecins_liberaux", SAN, "Médecins libéraux", "médecins",
        "Nombre de médecins exerçant en libéral dans le territoire.",
        levels=("epci",), chart="bar", comparability=IEDOM_DOCTORS,
    ),
    IndicatorSpec(
        "medecins_specialistes_liberaux", SAN, "Médecins spécialistes libéraux", "médecins",
        "Nombre de médecins spécialistes exerçant en libéral dans le territoire.",
        levels=("commune", "departement"), chart="figure",
        comparability="Rapport annuel 2022 de l'IEDOM ; année d'observation non précisée "
        "(rangée en 2022).",
    ),
    IndicatorSpec(
        "ecoles_premier_degre", ECO, "Écoles du premier degré", "écoles",
        "Nombre d'écoles maternelles et élémentaires de la commune.",
        levels=("commune",), chart="figure", comparability=KOUNGOU_SCHOOLS,
    ),
    IndicatorSpec(
        "ecoles_maternelles", ECO, "Écoles maternelles", "écoles",
        "Nombre d'écoles maternelles de la commune.",
        levels=("commune",), chart="figure", comparability=KOUNGOU_SCHOOLS,
    ),
    IndicatorSpec(
        "ecoles_elementaires", ECO, "Écoles élémentaires", "écoles",
        "Nombre d'écoles élémentaires de la commune.",
        levels=("commune",), chart="figure", comparability=KOUNGOU_SCHOOLS,
    ),
    IndicatorSpec(
        "eleves_premier_degre", ECO, "Élèves du premier degré", "élèves",
        "Nombre d'élèves scolarisés dans les écoles maternelles et élémentaires de la commune.",
        levels=("commune",), chart="figure", comparability=KOUNGOU_SCHOOLS,
    ),
    IndicatorSpec(
        "salles_de_classe_maternelle", ECO, "Salles de classe de maternelle", "salles de classe",
        "Nombre de salles de classe des écoles maternelles de la commune.",
        levels=("commune",), chart="figure", comparability=KOUNGOU_SCHOOLS,
    ),
    IndicatorSpec(
        "salles_de_classe_primaire", ECO, "Salles de classe de primaire", "salles de classe",
        "Nombre de salles de classe des écoles primaires (élémentaires) de la commune.",
        levels=("commune",), chart="figure", comparability=KOUNGOU_SCHOOLS,
    ),
    IndicatorSpec(
        "besoin_salles_de_classe_supplementaires", ECO,
        "Salles de classe supplémentaires nécessaires", "salles de classe",
        "Salles de classe à construire sur la période selon les prévisions de la commune.",
        levels=("commune",), chart="figure",
        comparability=KOUNGOU_SCHOOLS + " Besoin estimé par la commune, pas une observation.",
    ),
    IndicatorSpec(
        "projection_eleves_maternelle", ECO, "Élèves de maternelle projetés", "élèves",
        "Nombre d'élèves de maternelle projeté par le schéma directeur des écoles de la commune.",
        levels=("commune",), chart="figure",
        comparability=KOUNGOU_SCHOOLS + " Projection, pas une observation.",
    ),
    IndicatorSpec(
        "projection_eleves_elementaire", ECO, "Élèves d'élémentaire projetés", "élèves",
        "Nombre d'élèves d'élémentaire projeté par le schéma directeur des écoles de la commune.",
        levels=("commune",), chart="figure",
        comparability=KOUNGOU_SCHOOLS + " Projection, pas une observation.",
    ),
    IndicatorSpec(
        "part_population_en_qpv", QPV, "Part des habitants vivant dans un quartier prioritaire",
        "% de la population communale",
        "Part des habitants de la commune qui vivent dans un quartier prioritaire de la "
        "politique de la ville (QPV).",
        numerator="Habitants des quartiers prioritaires de la commune",
        denominator="Habitants de la commune", levels=("commune",), chart="bar",
        comparability="2012 : Insee Analyses Mayotte n° 14 (recensement de 2012) ; 2018 : "
        "populations des quartiers prioritaires au 1er janvier 2018, citées par la presse, en "
        "valeurs plancher (« dépasse 90 % »). Bases de population différentes : ne pas "
        "comparer les deux dates.",
    ),
    IndicatorSpec(
        "population_quartier_prioritaire", QPV, "Habitants d'un quartier prioritaire",
        "habitants",
        "Population d'un quartier prioritaire de la politique de la ville, dans ses limites.",
        levels=("commune",), chart="figure", dimensions=("quartier",),
        comparability="Population au 1er janvier 2018 (Insee), citée par Wikipédia (source "
        "secondaire) ; jamais additionnée dans la population de la commune.",
    ),
    IndicatorSpec(
        "taux_variation_annuel_moyen_population_quartier", QPV,
        "Taux de variation annuel moyen de la population d'un quartier", "% par an",
        "Croissance annuelle moyenne de la population d'un quartier entre deux recensements.",
        levels=("epci",), chart="figure", decimals=1, dimensions=("quartier",),
        comparability="Quartier à cheval sur deux communes, rangé dans leur EPCI ; chiffre de "
        "l'Insee cité par la presse.",
    ),
    IndicatorSpec(
        "part_de_la_croissance_demographique_de_l_epci", QPV,
        "Part d'un quartier dans la croissance démographique de l'EPCI",
        "% de la croissance de la population de l'EPCI",
        "Part de la hausse de la population de l'EPCI qui a lieu dans le quartier.",
        levels=("epci",), chart="figure", dimensions=("quartier",),
        comparability="Chiffre de l'Insee cité par la presse.",
    ),
    IndicatorSpec(
        "part_60_ans_ou_plus_non_recours_droits", AGE,
        "Part des 60 ans ou plus qui ne font pas les démarches d'accès à leurs droits",
        "% des 60 ans ou plus",
        "Part des personnes de 60 ans ou plus qui ne font pas les démarches pour accéder à "
        "leurs droits (par exemple la prestation vieillesse).",
        levels=("commune",), chart="figure",
        comparability="Constat du CCAS de Mamoudzou rapporté par la presse (septembre 2025) ; "
        "méthode non publiée.",
    ),
)

LOCAL_PACKAGES: tuple[dict[str, object], ...] = (
    package(
        VIL,
        "Population des villages de Mayotte (chiffres publiés)",
        "Populations et croissance de villages au sens de l'Insee, telles que publiées par une "
        "commune d'après l'Insee ou par l'atlas Trésor des régions (sources secondaires "
        "signalées). Chaque village est rangé dans sa commune (colonne « village ») ; ses "
        "chiffres ne sont jamais additionnés dans ceux de la commune.",
        ["demographie"],
        ["villages", "population", "recensement", "Koungou", "Mamoudzou"],
        "INSEE",
        "INSEE (recensement de la population)",
        "irregular",
        2,
    ),
    package(
        VCV,
        "Conditions de vie dans les villages de Mayotte en 2012",
        "Écarts entre villages au recensement de 2012 : maisons en tôle, eau potable à "
        "l'intérieur du logement, part de la population en emploi. L'Insee ne cite que le "
        "village le moins et le plus concerné ; chaque village est rangé dans sa commune.",
        ["logement", "emploi"],
        ["villages", "tôle", "eau potable", "emploi"],
        "INSEE",
        "INSEE (recensement de la population 2012)",
        "irregular",
        2,
    ),
    package(
        EMR,
        "Emploi au recensement : communes et EPCI",
        "Emplois et déplacements domicile-travail vers Mamoudzou au recensement de 2012 ; taux "
        "d'emploi et ménages sans emploi à Petite-Terre au recensement de 2017. Chiffres de "
        "l'Insee, distincts de l'enquête Emploi publiée pour le département.",
        ["emploi"],
        ["emploi", "déplacements domicile-travail", "Mamoudzou", "Petite-Terre", "recensement"],
        "INSEE",
        "INSEE (recensement de la population)",
        "irregular",
        2,
    ),
    package(
        SAN,
        "Médecins libéraux par EPCI",
        "Nombre de médecins libéraux par EPCI et de médecins spécialistes libéraux, tels que "
        "publiés dans le rapport annuel 2022 de l'IEDOM.",
        ["contexte"],
        ["santé", "médecins", "offre de soins", "EPCI"],
        "IEDOM",
        "IEDOM (rapport annuel économique de Mayotte)",
        "annual",
        2,
    ),
    package(
        ECO,
        "Écoles du premier degré de Koungou",
        "Écoles, élèves et salles de classe de la commune de Koungou, besoins et projections de "
        "son schéma directeur des écoles, tels que la commune les a publiés (presse locale).",
        ["jeunesse", "enfance_famille"],
        ["écoles", "élèves", "salles de classe", "Koungou"],
        "Commune de Koungou",
        "Commune de Koungou (schéma directeur des écoles)",
        "irregular",
        1,
    ),
    package(
        QPV,
        "Quartiers prioritaires de la politique de la ville",
        "Part des habitants vivant en quartier prioritaire (QPV) dans quelques communes, "
        "population et croissance de quartiers (Kawéni, La Vigie). Un quartier est rangé dans sa "
        "commune, ou dans l'EPCI quand il s'étend sur deux communes (colonne « quartier ») ; ses "
        "chiffres ne sont jamais additionnés dans ceux de la commune.",
        ["politique_ville"],
        ["quartiers prioritaires", "QPV", "politique de la ville", "Kawéni", "La Vigie"],
        "INSEE ; ANCT",
        "INSEE (recensement, populations des quartiers prioritaires)",
        "irregular",
        2,
    ),
)

# (reference indicator, reference geo_level) -> observatory indicator id; "*" for any level.
LOCAL_ROUTES: dict[tuple[str, str], str] = {
    ("taux_variation_annuel_moyen_population", "commune"): "taux_variation_annuel_moyen_population",
    ("taux_variation_annuel_moyen_population", "epci"): "taux_variation_annuel_moyen_population",
    ("taux_variation_annuel_moyen_population", "village"): "taux_variation_annuel_moyen_population_village",
    ("taux_variation_annuel_moyen_population", "qpv"): "taux_variation_annuel_moyen_population_quartier",
    ("part_population_departement", "*"): "part_population_de_mayotte",
    ("variation_population", "*"): "variation_population",
    ("densite_population_ilots_centre_ville", "*"): "densite_population_ilots_les_plus_denses",
    ("population_municipale", "village"): "population_municipale_village",
    ("population", "village"): "population_village_arrondie",
    ("part_maisons_en_tole", "village"): "part_maisons_en_tole_village",
    ("part_logements_eau_potable_interieur", "village"): "part_logements_eau_potable_interieur_village",
    ("part_population_en_emploi", "village"): "part_population_en_emploi_village",
    ("emplois_au_lieu_de_travail", "*"): "emplois_au_lieu_de_travail",
    ("part_emplois_du_departement", "*"): "part_emplois_de_mayotte",
    ("emplois_occupes_par_residents_de_la_commune", "*"): "emplois_occupes_par_des_residents",
    ("actifs_occupes_venant_travailler_d_une_autre_commune", "*"): "actifs_occupes_venant_d_une_autre_commune",
    ("actifs_occupes_travaillant_a_Mamoudzou", "*"): "actifs_occupes_travaillant_a_mamoudzou",
    ("part_actifs_occupes_travaillant_a_Mamoudzou", "*"): "part_actifs_occupes_travaillant_a_mamoudzou",
    ("taux_emploi_15_64", "epci"): "taux_emploi_15_64_recensement",
    ("taux_emploi_15_64_perimetres_centre_ville_Pamandzi_et_Front_de_mer", "*"): "taux_emploi_15_64_recensement",
    ("part_menages_sans_actif_occupe_ni_retraite", "*"): "part_menages_sans_actif_occupe_ni_retraite",
    ("part_logements_en_tole", "epci"): "part_logements_en_tole",
    ("part_logements_sans_confort_sanitaire_de_base", "epci"): "part_logements_sans_confort_sanitaire_de_base",
    ("part_logements_avec_electricite", "epci"): "part_logements_relies_electricite",
    ("medecins_liberaux", "*"): "medecins_liberaux",
    ("medecins_specialistes_liberaux", "*"): "medecins_specialistes_liberaux",
    ("ecoles_premier_degre", "*"): "ecoles_premier_degre",
    ("ecoles_maternelles", "*"): "ecoles_maternelles",
    ("ecoles_elementaires", "*"): "ecoles_elementaires",
    ("eleves_premier_degre", "*"): "eleves_premier_degre",
    ("salles_de_classe_maternelle", "*"): "salles_de_classe_maternelle",
    ("salles_de_classe_primaire", "*"): "salles_de_classe_primaire",
    ("besoin_salles_de_classe_supplementaires_2018_2030", "*"): "besoin_salles_de_classe_supplementaires",
    ("projection_eleves_maternelle", "*"): "projection_eleves_maternelle",
    ("projection_eleves_elementaire", "*"): "projection_eleves_elementaire",
    ("part_population_en_QPV", "*"): "part_population_en_qpv",
    ("population_QPV", "qpv"): "population_quartier_prioritaire",
    ("contribution_a_la_croissance_demographique_de_Petite-Terre", "qpv"): "part_de_la_croissance_demographique_de_l_epci",
    ("part_60plus_non_recours_droits", "*"): "part_60_ans_ou_plus_non_recours_droits",
}

# Zonings: the reference geo_name of a village or QPV row -> (level, code, dimension, value,
# note). The code is the commune holding the zone, or the EPCI when it spans two communes.
LOCAL_ZONES: dict[str, tuple[str, str, str, str, str]] = {
    "Koungou (village, commune de Koungou)": ("commune", "97610", "village", "Koungou", ""),
    "Longoni (village, commune de Koungou)": ("commune", "97610", "village", "Longoni", ""),
    "Kangani (village, commune de Koungou)": ("commune", "97610", "village", "Kangani", ""),
    "Trévani (village, commune de Koungou)": ("commune", "97610", "village", "Trévani", ""),
    "Majicavo-Koropa (village, commune de Koungou)": ("commune", "97610", "village", "Majicavo-Koropa", ""),
    "Majicavo-Lamir (village, commune de Koungou)": ("commune", "97610", "village", "Majicavo-Lamir", ""),
    "Mamoudzou (village chef-lieu, commune de Mamoudzou)": ("commune", "97611", "village", "Mamoudzou (chef-lieu)", ""),
    "Mtsapéré (village, commune de Mamoudzou)": ("commune", "97611", "village", "Mtsapéré", ""),
    "Bandrele (bourg, commune de Bandrele)": ("commune", "97603", "village", "Bandrele (bourg)", ""),
    "Chembenyoumba (village, commune de M'Tsangamouji)": ("commune", "97613", "village", "Chembenyoumba", ""),
    "Hamouro (village, commune de Bandrele)": ("commune", "97603", "village", "Hamouro", ""),
    "Ongojou (village, commune de Dembeni)": ("commune", "97607", "village", "Ongojou", ""),
    "Mtsahara (village, commune de Mtsamboro)": ("commune", "97612", "village", "Mtsahara", "Commune de rattachement déduite de la géographie : la source ne la nomme pas."),
    "Kahani (village, commune de Ouangani)": ("commune", "97614", "village", "Kahani", "Commune de rattachement déduite de la géographie : la source ne la nomme pas."),
    "Mbouanatsa (village, commune de Bouéni)": ("commune", "97604", "village", "Mbouanatsa", "Commune de rattachement déduite de la géographie : la source ne la nomme pas."),
    "La Vigie (quartier à cheval sur Dzaoudzi et Pamandzi)": ("epci", "200050532", "quartier", "La Vigie", "Quartier prioritaire à cheval sur Dzaoudzi et Pamandzi (codes QP976017 et QP976032), rangé dans la CC de Petite-Terre qui réunit les deux communes."),
    "Kawéni (quartier prioritaire, commune de Mamoudzou)": ("commune", "97611", "quartier", "Kawéni", ""),
}
# A row of a named zone that is not a village or QPV row: (reference indicator) -> dimension.
LOCAL_ROW_ZONES: dict[str, tuple[str, str]] = {
    "taux_emploi_15_64_perimetres_centre_ville_Pamandzi_et_Front_de_mer": (
        "quartier", "Centre-ville de Pamandzi et Front de mer",
    ),
}

# The same fact from two sources: (reference indicator, geo_name, year, source URL) -> why
# the row is left out. The row kept says where the other value is.
LOCAL_SKIPPED: dict[tuple[str, str, str, str], str] = {
    ("taux_variation_annuel_moyen_population", "Koungou", "2012-2017", "https://preprod-koungou.nautilus.fr/mairie"):
        "même valeur que l'IEDOM (4 %), publiée sur un site de préproduction de la commune",
}

# Notes on one local row: (reference indicator, geo_name, year) -> note.
LOCAL_NOTES: dict[tuple[str, str, str], str] = {
    ("taux_variation_annuel_moyen_population", "Koungou", "2012-2017"): "La commune de Koungou publie la même valeur (4,0 % par an) dans son tableau d'après l'Insee.",
    ("part_population_departement", "CC de Petite-Terre", "2017"): "La source écrit « 29 300 personnes […] soit 11 % de la population du département ».",
    ("densite_population_ilots_centre_ville", "Dzaoudzi", "2017"): "Valeur plancher : la source écrit « plus de 22 000 habitants/km2 » pour certains îlots du centre-ville.",
    ("part_logements_en_tole", "CC de Petite-Terre", "2017"): "Valeur écrite en toutes lettres dans la source (« quatre logements sur dix »).",
    ("part_logements_sans_confort_sanitaire_de_base", "CC de Petite-Terre", "2017"): "Valeur écrite en toutes lettres dans la source (« six sur dix » des logements).",
    ("taux_emploi_15_64_perimetres_centre_ville_Pamandzi_et_Front_de_mer", "CC de Petite-Terre", "2017"): "Périmètres d'intervention du centre-ville de Pamandzi et du Front de mer.",
    ("part_maisons_en_tole", "Chembenyoumba (village, commune de M'Tsangamouji)", "2012"): "Valeur la plus basse des 72 villages.",
    ("part_maisons_en_tole", "Hamouro (village, commune de Bandrele)", "2012"): "Valeur la plus haute des 72 villages.",
    ("part_logements_eau_potable_interieur", "Ongojou (village, commune de Dembeni)", "2012"): "Valeur la plus basse des 72 villages.",
    ("part_logements_eau_potable_interieur", "Mtsahara (village, commune de Mtsamboro)", "2012"): "Valeur la plus haute des 72 villages.",
    ("part_population_en_emploi", "Kahani (village, commune de Ouangani)", "2012"): "Valeur la plus basse des 72 villages.",
    ("part_population_en_emploi", "Mbouanatsa (village, commune de Bouéni)", "2012"): "Valeur la plus haute des 72 villages.",
    ("eleves_premier_degre", "Koungou", "2022"): "Valeur arrondie par la source (« 8.000 élèves »).",
    ("besoin_salles_de_classe_supplementaires_2018_2030", "Koungou", "2018-2030"): "Besoin estimé par la commune, dont 88 classes pour supprimer la rotation.",
    ("projection_eleves_maternelle", "Koungou", "2030"): "Projection du schéma directeur des écoles (février 2020).",
    ("projection_eleves_elementaire", "Koungou", "2030"): "Projection du schéma directeur des écoles (février 2020).",
    ("population_QPV", "Kawéni (quartier prioritaire, commune de Mamoudzou)", "2018"): "La source écrit aussi « presque 15 000 habitants en 2018 » dans les limites du quartier prioritaire.",
}
for _name in ("Acoua", "M'Tsangamouji", "Ouangani", "Tsingoni"):
    LOCAL_NOTES[("part_population_en_QPV", _name, "2018-01-01")] = (
        "Valeur plancher : la source écrit « dépasse 90 % »."
    )
for _code, _name in (("200060457", "CA de Dembeni-Mamoudzou"), ("200050532", "CC de Petite-Terre"),
                     ("200060473", "CC du Sud"), ("200060465", "CA du Grand Nord de Mayotte"),
                     ("200059871", "CC du Centre-Ouest")):  # fmt: skip
    LOCAL_NOTES[("medecins_liberaux", _name, "2022")] = (
        "Année d'observation non précisée dans le passage cité (rapport annuel 2022)."
    )
for _village in ("Mamoudzou (village chef-lieu, commune de Mamoudzou)", "Mtsapéré (village, commune de Mamoudzou)",
                 "Majicavo-Koropa (village, commune de Koungou)", "Majicavo-Lamir (village, commune de Koungou)",
                 "Bandrele (bourg, commune de Bandrele)"):  # fmt: skip
    for _year in ("1997", "2007", "2017"):
        LOCAL_NOTES[("population", _village, _year)] = "Valeur arrondie par la source."

# Extra rows read from the quote of a local row, for another territory of the same sentence:
# (reference indicator, geo_name, year, level, code, value, note)
LOCAL_EXTRA_ROWS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("part_menages_sans_actif_occupe_ni_retraite", "CC de Petite-Terre", "2017", "departement", "976", "50",
     "Valeur du département donnée par la même phrase (« 40 % contre 50 % »)."),
    ("medecins_specialistes_liberaux", "Mamoudzou", "2022", "departement", "976", "6",
     "La source écrit « Mayotte n'en compte que 6, tous concentrés à Mamoudzou » ; année d'observation non précisée."),
)

LOCAL_SOURCE_SLUGS: dict[str, tuple[str, str]] = {
    "https://old.lejournaldemayotte.fr/2017/12/15/recensement-explosion-demographique-a-mamoudzou-boueni-et-mtsamboro-perdent-des-habitants": ("journal-mayotte-2017-12-15", "2017"),
    "https://preprod-koungou.nautilus.fr/mairie": ("commune-koungou-presentation", "non précisé"),
    "https://www.insee.fr/fr/statistiques/1288151": ("insee-1288151", "2015"),
    "https://www.zinfos974.com/4-Mahorais-sur-10-travaillent-hors-de-leur-commune_a89899.html": ("zinfos974-2015-08-28", "2015"),
    "https://insee.fr/fr/statistiques/6443235?sommaire=6443345": ("insee-6443235", "2022"),
    "https://insee.fr/fr/statistiques/6443214?sommaire=6443345": ("insee-6443214", "2022"),
    "https://123dok.net/document/zkwp3x2p-vigie-centre-dzaoudzi-habitants-%C3%A9loign%C3%A9s-emploi-centre-pamandzi.html": ("123dok-insee-dossier-mayotte-2", "non précisé"),
    "https://outremers360.com/bassin-indien-appli/demographie-mayotte-linsee-dresse-un-portrait-des-communes-de-petite-terre-dont-les-resultats-sont-parfois-tres-opposes": ("outremers360-petite-terre-2022", "2022"),
    "https://insee.fr/fr/statistiques/2889328": ("insee-2889328", "2017"),
    "https://www.linfokwezi.fr/cest-bien-a-mayotte-que-vit-le-plus-grand-nombre-de-personnes-en-quartiers-prioritaires/": ("info-kwezi-qpv-2021", "2021"),
    "https://www.iedom.fr/IMG/rapport_annuel_iedom_mayotte_2022/files/basic-html/page151.html": ("iedom-ra2022-p151", "2023"),
    "https://lejournaldemayotte.yt/2022/09/28/koungou-investit-42-millions-deuros-sur-10-ans-pour-ses-ecoles/": ("journal-mayotte-2022-09-28", "2022"),
    "https://mayottehebdo.com/actualite/education/le-maire-de-koungou-stoppe-les-inscriptions-en-maternelle": ("mayotte-hebdo-koungou-maternelle", "2017"),
    "http://www.insee.fr/fr/themes/document.asp?ref_id=19214&reg_id=27": ("insee-mayotte-infos-2014", "2014"),
    "https://tresordesregions.mgm.fr:443/epci.php?lepci=Mamoudzou&region=06": ("tresor-des-regions-mamoudzou", "non précisé"),
    "https://tresordesregions.mgm.fr:443/epci.php?dep=976&lepci=Koungou&region=06": ("tresor-des-regions-koungou", "non précisé"),
    "https://tresordesregions.mgm.fr:443/epci.php?epci=200060473&region=06": ("tresor-des-regions-cc-sud", "non précisé"),
    "https://ixistenz.ch//?arg=https%3A%2F%2Ffr.wikipedia.org%2Fwiki%2FKaw%25C3%25A9ni&service=browserrender&system=6": ("wikipedia-kaweni", "non précisé"),
    "https://lejournaldemayotte.yt/2025/09/01/le-ccas-de-mamoudzou-a-organise-son-premier-forum-sur-lacces-aux-droits-a-kaweni": ("journal-mayotte-2025-09-01", "2025"),
}
# fmt: on

INDICATORS = (*INDICATORS, *LOCAL_INDICATORS)
PACKAGES = (*PACKAGES, *LOCAL_PACKAGES)
SOURCE_SLUGS.update(LOCAL_SOURCE_SLUGS)
