"""The social schemes (dispositifs) a document is kept for and a share is granted for.

The vault keeps its own list: it never reads the observatory's files at run time. The first
entries mirror `datapackages/dispositifs/dispositifs.csv` (same ids and names; a test checks
that every scheme of that package is here, named the same); the others are procedures people
in Mayotte need papers for that the observatory does not count (residence permit, address).
"""

from __future__ import annotations

# id -> name (and acronym), as in datapackages/dispositifs (column `nom`, `sigle`).
OBSERVATORY_SCHEMES = {
    "aah": "Allocation aux adultes handicapés (AAH)",
    "apa": "Allocation personnalisée d'autonomie (APA)",
    "ase": "Aide sociale à l'enfance (ASE)",
    "aspa-mayotte": "Allocation spéciale pour les personnes âgées (ASPA)",
    "complementaire-sante-solidaire": "Complémentaire santé solidaire (C2S)",
    "contrat-engagement-jeune": "Contrat d'engagement jeune (CEJ)",
    "hebergement-urgence": (
        "Hébergement d'urgence (115 et service intégré d'accueil et d'orientation)"
    ),
    "logement-social": "Logement social",
    "parcours-emploi-competences": "Parcours emploi compétences (contrats aidés) (PEC)",
    "pch": "Prestation de compensation du handicap (PCH)",
    "prestations-familiales": "Prestations familiales",
    "prime-activite": "Prime d'activité",
    "rsa": "Revenu de solidarité active (RSA)",
    "rsma": "Régiment du service militaire adapté de Mayotte (RSMA)",
}

# Procedures of the vault's users outside the observatory's inventory.
VAULT_ONLY_SCHEMES = {
    "aide-logement": "Aide au logement",
    "ame": "Aide médicale de l'État",
    "titre-sejour": "Titre de séjour",
    "mdph": "Demande à la MDPH",
    "domiciliation": "Domiciliation",
    "insertion-emploi": "Insertion et emploi",
    "scolarite": "Scolarité",
}

NO_SCHEME = {"aucun": "Aucun dispositif précis"}

# Documents may be classified under "aucun"; a share is always for one real scheme.
SCHEMES: dict[str, str] = {
    **NO_SCHEME,
    **dict(sorted({**OBSERVATORY_SCHEMES, **VAULT_ONLY_SCHEMES}.items())),
}
SHARE_SCHEMES: dict[str, str] = {k: v for k, v in SCHEMES.items() if k not in NO_SCHEME}

# Ids of the first version of the vault, renamed to the observatory's (migration 0002).
RENAMED = {"caf-prestations": "prestations-familiales", "css": "complementaire-sante-solidaire"}
