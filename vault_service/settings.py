"""Settings of the vault, read from environment variables.

Each setting is declared once (variable name, type, default, help text). Secrets have no
default: a missing or malformed secret stops startup with a message naming the variable. How
one variable's text becomes a value (the keyring, booleans, integers) is `setting_values.py`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from vault_service.setting_values import SettingsError as SettingsError  # re-exported
from vault_service.setting_values import convert, read_keyring_file


def _setting(
    env: str, help: str, *, secret: bool = False, default: Any = None, private: bool = False
) -> Any:
    """`secret`: mandatory, no default; `private`: optional but never shown (repr, --help)."""
    meta = {"env": env, "help": help, "secret": secret, "private": private}
    if secret:
        return field(metadata=meta, repr=False)
    return field(default=default, metadata=meta, repr=not private)


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; `Settings.from_env()` reads them from the environment."""

    cookie_key: str = _setting(
        "VAULT_COOKIE_KEY",
        "Clé secrète qui signe les cookies de session et les jetons (au moins 32 caractères).",
        secret=True,
    )
    keyring: dict[str, bytes] = _setting(  # noqa: RUF009 (_setting returns a field())
        "VAULT_KEYRING",
        "Trousseau des clés de chiffrement de clés (KEK) : id:clé_base64,… ; la première sert "
        "à chiffrer, les autres seulement à déchiffrer (rotation). Ou VAULT_KEYRING_FILE.",
        secret=True,
    )
    keyring_file: str = _setting(
        "VAULT_KEYRING_FILE",
        "Au lieu de VAULT_KEYRING : fichier du trousseau (même contenu, une clé par ligne "
        "possible), propriété du compte du service et en droits 600, sinon refusé au démarrage.",
        default="",
    )
    database_url: str = _setting(
        "VAULT_DATABASE_URL",
        "Base de données SQLAlchemy : sqlite:///chemin ou postgresql+psycopg://…",
        default="sqlite:///vault-data/vault.sqlite3",
    )
    data_dir: Path = _setting(  # noqa: RUF009 (_setting returns a field())
        "VAULT_DATA_DIR",
        "Dossier des fichiers chiffrés (stockage local) et des fichiers temporaires.",
        default=Path("vault-data"),
    )
    storage: str = _setting(
        "VAULT_STORAGE",
        "Où vont les fichiers chiffrés : « local » (dossier VAULT_DATA_DIR, par défaut) ou "
        "« s3 » (stockage objet compatible S3 : VAULT_S3_*, identifiants par les variables "
        "AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY ou un rôle de la machine).",
        default="local",
    )
    s3_bucket: str = _setting(
        "VAULT_S3_BUCKET",
        "Stockage objet : nom du compartiment (bucket), à créer avant.",
        default="",
    )
    s3_prefix: str = _setting(
        "VAULT_S3_PREFIX",
        "Stockage objet : préfixe des objets dans le compartiment (ex. coffre/).",
        default="",
    )
    s3_endpoint_url: str = _setting(
        "VAULT_S3_ENDPOINT_URL",
        "Stockage objet : adresse du service (ex. https://s3.fr-par.scw.cloud) ; vide pour AWS.",
        default="",
    )
    s3_region: str = _setting("VAULT_S3_REGION", "Stockage objet : région.", default="")
    s3_addressing_style: str = _setting(
        "VAULT_S3_ADDRESSING_STYLE",
        "Stockage objet : « path » (MinIO, Garage, Ceph…), « virtual » ou « auto ».",
        default="path",
    )
    metrics_token: str = _setting(
        "VAULT_METRICS_TOKEN",
        "Jeton des mesures Prometheus (GET /metrics avec Authorization: Bearer <jeton>) ; "
        "vide : /metrics désactivé.",
        default="",
        private=True,
    )
    s3_part_bytes: int = _setting(
        "VAULT_S3_PART_BYTES",
        "Stockage objet : taille d'une partie d'envoi multipart, gardée en mémoire pendant un "
        "dépôt (au moins 5 Mio).",
        default=8 * 1024 * 1024,
    )
    public_url: str = _setting(
        "VAULT_PUBLIC_URL",
        "Adresse publique du coffre-fort, imprimée sur les feuilles d'activation et de "
        "récupération (ex. https://coffre.example.yt/) ; sans elle, les feuilles n'impriment "
        "pas d'adresse (`serve` le signale au démarrage) : elle n'est jamais déduite de "
        "l'en-tête Host de la requête.",
        default="",
    )
    trusted_proxies: str = _setting(
        "VAULT_TRUSTED_PROXIES",
        "Adresses des relais inverses dont on croit X-Forwarded-For (ex. 127.0.0.1) : "
        "nécessaire derrière un relais pour que les limites de tentatives visent le vrai client.",
        default="",
    )
    secure_cookies: bool = _setting(
        "VAULT_SECURE_COOKIES",
        "Cookies « Secure » et HSTS (désactiver seulement pour http://127.0.0.1 en local).",
        default=True,
    )
    max_upload_bytes: int = _setting(
        "VAULT_MAX_UPLOAD_BYTES", "Taille maximale d'un document déposé.", default=20 * 1024 * 1024
    )
    max_form_bytes: int = _setting(
        "VAULT_MAX_FORM_BYTES",
        "Taille maximale du corps de toute autre requête (formulaires, JSON de l'API), refusée "
        "avant lecture au-delà.",
        default=64 * 1024,
    )
    session_hours: int = _setting("VAULT_SESSION_HOURS", "Durée de vie d'une session.", default=12)
    activation_days: int = _setting(
        "VAULT_ACTIVATION_DAYS", "Validité d'un code d'activation imprimé.", default=5
    )
    argon2_memory_kib: int = _setting(
        "VAULT_ARGON2_MEMORY_KIB", "Argon2id : mémoire en Kio (OWASP : 19456).", default=19456
    )
    argon2_iterations: int = _setting(
        "VAULT_ARGON2_ITERATIONS", "Argon2id : nombre de passes (OWASP : 2).", default=2
    )
    closure_grace_days: int = _setting(
        "VAULT_CLOSURE_GRACE_DAYS",
        "Délai entre la demande de fermeture d'un compte et l'effacement de tout son contenu "
        "(jours) : la personne peut annuler pendant ce délai.",
        default=30,
    )
    deleted_retention_days: int = _setting(
        "VAULT_DELETED_RETENTION_DAYS",
        "Durée de conservation d'un document supprimé dans la corbeille, où la personne peut "
        "le récupérer (jours) ; 0 : effacé tout de suite. `purge` efface ensuite les clés et "
        "les fichiers.",
        default=0,
    )
    language: str = _setting(
        "VAULT_LANGUAGE",
        "Langue des pages : fr (langue d'origine) ou le code d'un catalogue de "
        "vault_service/locale/ (ex. swb pour le shimaoré, buc pour le kibushi, une fois "
        "traduits).",
        default="fr",
    )
    operator: str = _setting(
        "VAULT_OPERATOR",
        "Nom de l'organisme qui exploite le coffre-fort (affiché dans les informations avant "
        "l'inscription).",
        default="",
    )
    operator_contact: str = _setting(
        "VAULT_OPERATOR_CONTACT",
        "Adresse postale, courriel ou téléphone de l'exploitant et de son délégué à la "
        "protection des données.",
        default="",
    )
    hosting: str = _setting(
        "VAULT_HOSTING",
        "Où sont gardées les données : hébergeur, lieu des serveurs (ex. « OVHcloud, "
        "Roubaix (France), certifié HDS »).",
        default="",
    )
    recovery_second_approval: bool = _setting(
        "VAULT_RECOVERY_SECOND_APPROVAL",
        "Récupération d'accès par un professionnel : exiger la validation d'un·e second·e "
        "professionnel·le de la même structure (true/false) avant d'imprimer la feuille.",
        default=True,
    )
    login_attempts: int = _setting(
        "VAULT_LOGIN_ATTEMPTS",
        "Essais de mot de passe par identifiant (et par appareil connu) avant blocage "
        "temporaire de cet identifiant ; comptés avant la vérification, même en parallèle.",
        default=5,
    )
    login_lock_max_minutes: int = _setting(
        "VAULT_LOGIN_LOCK_MAX_MINUTES",
        "Plafond du blocage d'un identifiant (1 minute, puis 2, 4… jusqu'à ce plafond) ; "
        "depuis un appareil connu, la titulaire n'est pas bloquée.",
        default=15,
    )
    device_days: int = _setting(
        "VAULT_DEVICE_DAYS",
        "Durée de vie du cookie « appareil connu » posé après une connexion réussie.",
        default=180,
    )
    address_free_failures: int = _setting(
        "VAULT_ADDRESS_FREE_FAILURES",
        "Échecs de connexion par adresse IP et par heure avant qu'une vérification (calcul "
        "et attente) soit demandée à chaque essai : jamais de blocage d'une adresse partagée.",
        default=20,
    )
    signup_free: int = _setting(
        "VAULT_SIGNUP_FREE",
        "Inscriptions par adresse IP et par heure avant qu'une vérification soit demandée.",
        default=3,
    )
    signup_max: int = _setting(
        "VAULT_SIGNUP_MAX",
        "Inscriptions par adresse IP et par heure au-delà desquelles elles sont refusées "
        "(429) jusqu'à l'heure suivante.",
        default=20,
    )
    verify_per_hour: int = _setting(
        "VAULT_VERIFY_PER_HOUR",
        "Vérifications de duplicata (page publique /verification et /api/verification : code, "
        "QR code ou fichier PDF) par adresse IP et par heure ; au-delà, refusées (429) jusqu'à "
        "la fin de l'heure commencée à la première.",
        default=120,
    )
    challenge_wait_seconds: int = _setting(
        "VAULT_CHALLENGE_WAIT_SECONDS",
        "Attente imposée entre l'affichage de la question de vérification et l'envoi.",
        default=5,
    )

    @property
    def current_key_id(self) -> str:
        return next(iter(self.keyring))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every setting; raise SettingsError naming the first missing or bad variable."""
        env = os.environ if environ is None else environ
        if env.get("VAULT_KEYRING_FILE") and "keyring" not in overrides:
            if env.get("VAULT_KEYRING"):
                raise SettingsError(
                    "VAULT_KEYRING et VAULT_KEYRING_FILE sont toutes deux définies → gardez-en "
                    "une seule (le fichier, de préférence)."
                )
            path = Path(env["VAULT_KEYRING_FILE"])
            overrides = {**overrides, "keyring": read_keyring_file(path)}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in overrides:
                values[f.name] = overrides[f.name]
                continue
            name = f.metadata["env"]
            raw = env.get(name)
            if raw is None or raw == "":
                if f.metadata["secret"]:
                    raise SettingsError(
                        f"La variable d'environnement {name} est obligatoire et n'a pas de valeur "
                        f"par défaut ({f.metadata['help']}) : définissez-la avant de démarrer "
                        f"(python -m vault_service --help les décrit toutes)."
                    )
                continue
            values[f.name] = convert(f.name, name, raw)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if len(self.cookie_key) < 32:
            raise SettingsError(
                "VAULT_COOKIE_KEY doit faire au moins 32 caractères : prenez par exemple la "
                "sortie de python -m vault_service new-key."
            )
        if not self.keyring:
            raise SettingsError(
                "VAULT_KEYRING est vide : donnez au moins une clé, id:clé_base64 "
                "(python -m vault_service new-key en crée une)."
            )
        if self.metrics_token and len(self.metrics_token) < 24:
            raise SettingsError(
                "VAULT_METRICS_TOKEN doit faire au moins 24 caractères (ou rester vide : "
                "/metrics désactivé) → prenez la sortie de python -m vault_service new-key."
            )
        if self.storage not in {"local", "s3"}:
            raise SettingsError(
                f"VAULT_STORAGE : « {self.storage} » n'est pas un stockage connu "
                "→ écrivez local (dossier VAULT_DATA_DIR) ou s3 (stockage objet)."
            )
        if self.storage == "s3" and not self.s3_bucket:
            raise SettingsError(
                "VAULT_S3_BUCKET est obligatoire avec VAULT_STORAGE=s3 "
                "→ donnez le nom du compartiment (créé à l'avance)."
            )
        if self.s3_addressing_style not in {"path", "virtual", "auto"}:
            raise SettingsError(
                f"VAULT_S3_ADDRESSING_STYLE : « {self.s3_addressing_style} » inconnu "
                "→ écrivez path, virtual ou auto."
            )
        if self.s3_part_bytes < 5 * 1024 * 1024:
            raise SettingsError(
                "VAULT_S3_PART_BYTES doit valoir au moins 5242880 (5 Mio, minimum de S3)."
            )
        from vault_service import i18n

        if self.language not in i18n.languages():
            raise SettingsError(
                f"VAULT_LANGUAGE : pas de catalogue pour « {self.language} » → langues "
                f"disponibles : {', '.join(i18n.languages())} "
                "(voir vault_service/locale/README.md)."
            )
        if self.closure_grace_days < 0 or self.deleted_retention_days < 0:
            raise SettingsError(
                "VAULT_CLOSURE_GRACE_DAYS et VAULT_DELETED_RETENTION_DAYS sont des nombres de "
                "jours positifs ou nuls."
            )
        if self.public_url and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", self.public_url):
            raise SettingsError(
                f"VAULT_PUBLIC_URL : « {self.public_url} » n'est pas une adresse http(s) "
                "→ écrivez par exemple https://coffre.example.yt/"
            )
        if self.verify_per_hour <= 0:
            raise SettingsError(
                "VAULT_VERIFY_PER_HOUR doit être un nombre positif de vérifications par heure "
                "(par défaut 120)."
            )
        if self.max_upload_bytes <= 0:
            raise SettingsError(
                "VAULT_MAX_UPLOAD_BYTES doit être un nombre d'octets positif "
                "(par défaut 20971520, soit 20 Mio)."
            )


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, help) of every setting, for `python -m vault_service serve --help`."""
    rows = []
    for f in fields(Settings):
        default = "(secret, obligatoire)" if f.metadata["secret"] else str(f.default)
        rows.append((f.metadata["env"], default, f.metadata["help"]))
    return rows
