"""Studies: each kind of front-matter error fails with a precise French message."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from observatory.check.studies import check_studies
from observatory.core.model import (
    Governance,
    Indicator,
    Observation,
    Package,
    Priority,
    Project,
    Territory,
    Theme,
)
from observatory.core.problems import Problem, sort_problems
from observatory.source.studies import StudyRefs, read_studies, read_study

GOOD = """---
title: Une étude
authors: [Awa Saïd, Bacar Ali]
partner: DEETS de Mayotte
date: 2026-11-02
themes: [demographie]
indicators: [population_municipale]
packages: [population]
licence: etalab-2.0
summary: Deux phrases de résumé.
---
# Introduction

En 2017, Mayotte comptait {{ chiffre("population_municipale", "976", 2017) }} habitants.
"""


def make_project(root: Path) -> Project:
    governance = Governance(
        owner="INSEE",
        producer="INSEE",
        creates="INSEE",
        modifies="INSEE",
        corrects="INSEE",
        updates="INSEE",
        validates="INSEE",
        update_frequency="quinquennial",
        legal_basis="Loi n° 51-711",
        gdpr="aggregated",
        sensitivity="public",
    )
    indicator = Indicator(
        id="population_municipale",
        title="Population municipale",
        unit="habitants",
        definition="Population légale municipale.",
        package="population",
        theme="demographie",
        levels=("commune", "departement"),
        aggregation="sum",
    )
    package = Package(
        id="population",
        path=root / "datapackages" / "population",
        title="Population légale",
        description="Populations légales.",
        themes=("demographie",),
        status="available",
        licenses=(("etalab-2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),),
        governance=governance,
        priority=Priority(3, 3, 3, 3, "Besoin fictif."),
        indicators=(indicator,),
    )
    return Project(
        root=root,
        themes=(Theme("demographie", "Démographie", "Population.", 1),),
        territories=(
            Territory("976", "Mayotte", "departement"),
            Territory("97611", "Mamoudzou", "commune", epci="200060457"),
        ),
        packages=(package,),
        observations=(
            Observation("population_municipale", "departement", "976", 2017, 256518.0, "insee"),
            Observation("population_municipale", "commune", "97611", 2017, 71437.0, "insee"),
        ),
    )


def write(root: Path, slug: str, text: str) -> Path:
    folder = root / "studies" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


def problems_of(project: Project, text: str) -> list[str]:
    folder = write(project.root, "une-etude", text)
    study, problems = read_study(folder, project.root, StudyRefs.from_project(project))
    assert study is None
    return [p.as_text() for p in sort_problems(problems)]


def test_good_study_is_read(project: Project) -> None:
    folder = write(project.root, "une-etude", GOOD)
    study, problems = read_study(folder, project.root, StudyRefs.from_project(project))
    assert problems == []
    assert study is not None
    assert study.title == "Une étude"
    assert study.authors == ("Awa Saïd", "Bacar Ali")
    assert study.date == "2026-11-02"
    assert study.indicators == ("population_municipale",)
    assert check_studies(project) == []


def test_no_front_matter(project: Project) -> None:
    assert problems_of(project, "# Titre\n\nTexte.\n") == [
        "studies/une-etude/index.md › ligne 1 : le fichier ne commence pas par un en-tête "
        "YAML délimité par deux lignes « --- »\n"
        "    → Commencez le fichier par « --- », les champs title, authors, partner, date, "
        "themes, licence, summary, puis une ligne « --- »."
    ]


def test_malformed_yaml_names_the_line(project: Project) -> None:
    text = GOOD.replace("partner: DEETS de Mayotte", "partner: [DEETS")
    (message,) = problems_of(project, text)
    assert message.startswith("studies/une-etude/index.md › ligne 5 : l'en-tête YAML est illisible")


def test_missing_field(project: Project) -> None:
    text = GOOD.replace("summary: Deux phrases de résumé.\n", "")
    assert problems_of(project, text) == [
        "studies/une-etude/index.md › ligne 1 › champ « summary » : champ obligatoire "
        "« summary » absent de l'en-tête\n"
        "    → Ajoutez une ligne « summary: … » avec un résumé de deux ou trois phrases."
    ]


@pytest.mark.parametrize("bad", ["2026-13-02", "02/11/2026", "bientôt"])
def test_wrong_date(project: Project, bad: str) -> None:
    text = GOOD.replace("date: 2026-11-02", f"date: {bad}")
    assert problems_of(project, text) == [
        "studies/une-etude/index.md › ligne 5 › champ « date » : la date n'est pas une date "
        f"valide au format AAAA-MM-JJ (valeur : « {bad} »)\n"
        "    → Écrivez la date de publication au format AAAA-MM-JJ, par exemple 2026-11-02."
    ]


def test_unknown_theme(project: Project) -> None:
    text = GOOD.replace("themes: [demographie]", "themes: [demographie, sante]")
    assert problems_of(project, text) == [
        "studies/une-etude/index.md › ligne 6 › champ « themes » : thème inconnu : « sante » "
        "n'existe pas dans l'observatoire (valeur : « sante »)\n"
        "    → Corrigez l'identifiant ou retirez-le ; identifiants connus : demographie."
    ]


def test_unknown_indicator_and_package(project: Project) -> None:
    text = GOOD.replace("[population_municipale]", "[taux_chomage]").replace(
        "packages: [population]", "packages: [emploi]"
    )
    assert problems_of(project, text) == [
        "studies/une-etude/index.md › ligne 7 › champ « indicators » : indicateur inconnu : "
        "« taux_chomage » n'existe pas dans l'observatoire (valeur : « taux_chomage »)\n"
        "    → Corrigez l'identifiant ou retirez-le ; identifiants connus : "
        "population_municipale.",
        "studies/une-etude/index.md › ligne 8 › champ « packages » : paquet de données "
        "inconnu : « emploi » n'existe pas dans l'observatoire (valeur : « emploi »)\n"
        "    → Corrigez l'identifiant ou retirez-le ; identifiants connus : population.",
    ]


def test_missing_pdf(project: Project) -> None:
    text = GOOD.replace("licence: etalab-2.0", "licence: etalab-2.0\npdf: rapport.pdf")
    assert problems_of(project, text) == [
        "studies/une-etude/index.md › ligne 10 › champ « pdf » : le fichier PDF « rapport.pdf » "
        "est introuvable dans le dossier de l'étude (valeur : « rapport.pdf »)\n"
        "    → Placez le fichier dans studies/une-etude/ ou retirez le champ « pdf »."
    ]


def test_present_pdf_is_accepted(project: Project) -> None:
    folder = write(project.root, "une-etude", GOOD.replace("---\n#", "pdf: r.pdf\n---\n#"))
    (folder / "r.pdf").write_bytes(b"%PDF-1.4\n")
    study, problems = read_study(folder, project.root, StudyRefs.from_project(project))
    assert problems == []
    assert study is not None and study.pdf == "r.pdf"


def test_pdf_outside_the_folder_is_refused(project: Project) -> None:
    (project.root / "secret.pdf").write_bytes(b"%PDF-1.4\n")
    text = GOOD.replace("---\n#", "pdf: ../../secret.pdf\n---\n#")
    (message,) = problems_of(project, text)
    assert "le fichier PDF « ../../secret.pdf » est introuvable" in message


def test_unknown_field_and_empty_list(project: Project) -> None:
    text = GOOD.replace("authors: [Awa Saïd, Bacar Ali]", "authors: []\nauteur: Awa")
    assert problems_of(project, text) == [
        "studies/une-etude/index.md › ligne 3 › champ « authors » : le champ « authors » doit "
        "nommer au moins un auteur\n"
        "    → Indiquez la liste des auteurs, par exemple [Prénom Nom, Autre Auteur].",
        "studies/une-etude/index.md › ligne 4 › champ « auteur » : champ inconnu « auteur » "
        "dans l'en-tête\n"
        "    → Champs possibles : title, authors, partner, date, themes, licence, summary, "
        "indicators, packages, pdf.",
    ]


def test_shortcode_problems_carry_the_body_line(project: Project) -> None:
    text = GOOD + (
        '\nDeux : {{ chiffre("population_municipale", "976", 2012) }}.\n'
        '{{ chiffre("inconnu", "976", 2017) }}\n'
        '{{ chiffre("population_municipale", "97699", 2017) }}\n'
        "{{ carte() }}\n"
    )
    write(project.root, "une-etude", text)
    assert [(p.row, p.message) for p in check_studies(project)] == [
        (16, "aucune valeur de « population_municipale » pour 976 en 2012"),
        (17, "indicateur inconnu « inconnu »"),
        (18, "territoire inconnu « 97699 »"),
        (19, "raccourci inconnu « carte »"),
    ]
    problem = check_studies(project)[0]
    assert problem == Problem(
        file="studies/une-etude/index.md",
        row=16,
        value="population_municipale, 976, 2012",
        code="etude-raccourci",
        message="aucune valeur de « population_municipale » pour 976 en 2012",
        fix="Choisissez une année publiée pour ce territoire (disponibles : 2017).",
    )


def test_studies_sorted_newest_first(project: Project) -> None:
    write(project.root, "ancienne", GOOD.replace("2026-11-02", "2025-01-15"))
    write(project.root, "recente", GOOD)
    studies, problems = read_studies(
        project.root / "studies", project.root, StudyRefs.from_project(project)
    )
    assert problems == []
    assert [s.slug for s in studies] == ["recente", "ancienne"]


def test_cost_parameters_are_checked_cell_by_cell(project: Project) -> None:
    repo = Path(__file__).resolve().parents[2] / "studies" / "scenarios-deploiement"
    folder = write(project.root, "couts", GOOD + '\n{{ tableau("couts") }}\n')
    (folder / "scenarios.csv").write_bytes((repo / "scenarios.csv").read_bytes())
    text = (repo / "parametres.csv").read_text(encoding="utf-8")
    text = text.replace("jours-personne,exemple,2,5,8", "jours-personne,exemple,2,cinq,8")
    (folder / "parametres.csv").write_text(text.replace(",exemple,60,", ",offre,60,"), "utf-8")
    assert [p.as_text() for p in sort_problems(check_studies(project))] == [
        "studies/couts/index.md › ligne 16 : le tableau des coûts ne peut pas être calculé : "
        "studies/couts/parametres.csv contient des erreurs\n"
        "    → Corrigez d'abord les problèmes signalés sur ces fichiers.",
        "studies/couts/parametres.csv › ligne 4 › champ « nature » : nature de valeur inconnue "
        "(valeur : « offre »)\n"
        "    → Écrivez exemple, estimation ou devis.",
        "studies/couts/parametres.csv › ligne 7 › champ « postgresql-multi-instances » : la "
        "valeur doit être un nombre positif ou nul (valeur : « cinq »)\n"
        "    → Écrivez un nombre sans unité ni espace, par exemple 1200 ou 0.5.",
    ]


def test_cost_totals_follow_the_formula() -> None:
    from observatory.source.studies import read_files
    from observatory.studies.scenarios import read_cost_model

    root = Path(__file__).resolve().parents[2]
    files = dict(read_files(root / "studies" / "scenarios-deploiement"))
    model, problems = read_cost_model(files, "studies/scenarios-deploiement")
    assert problems == [] and model is not None
    totals = model.totals(0)
    # shipped example values: 0 + 2000 + (20 + 2 + 3) × 600 ; 12 × 60 + 3000 ; 3 years
    assert (totals.one_off, totals.yearly, totals.total) == tuple(
        Decimal(v) for v in (17000, 3720, 17000 + 3 * 3720)
    )
    assert model.has_examples
