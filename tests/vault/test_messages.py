"""Errors for people: every refusal says what went wrong and what to do, in French."""

from __future__ import annotations

import pytest

from tests.vault.conftest import csrf_token, login, upload
from vault_service import accounts
from vault_service.settings import Settings, SettingsError


def test_form_in_the_wrong_format_says_how_to_recover(client, world):
    login(client, world.actors["beneficiary_a"])
    response = client.post(
        "/compte/mot-de-passe",
        content=b'{"current": "x"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert (
        "Le formulaire n&#39;a pas été envoyé au format attendu "
        "(application/x-www-form-urlencoded) : rechargez la page et recommencez."
    ) in response.text


def test_upload_without_multipart_says_how_to_recover(client, world):
    login(client, world.actors["beneficiary_a"])
    response = client.post(
        "/documents/depot",
        data={"csrf_token": csrf_token(client, "/documents/depot"), "title": "x"},
    )
    assert response.status_code == 400
    assert (
        "Un dépôt s&#39;envoie au format multipart/form-data (formulaire avec fichier) : "
        "rechargez la page de dépôt et recommencez."
    ) in response.text


def test_api_write_without_csrf_header_names_the_fix(client, world):
    login(client, world.actors["beneficiary_a"])
    response = client.delete("/api/session")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "csrf",
        "detail": None,
        "message": (
            "En-tête X-Vault-CSRF: 1 manquant : ajoutez-le à toute requête de l'API qui "
            "modifie (POST, PATCH, DELETE)."
        ),
    }


def test_unknown_structure_is_refused_with_a_fix(engine):
    with pytest.raises(accounts.AccountError) as caught, engine.begin() as conn:
        accounts.create_account(
            conn,
            role="professional",
            person=accounts.Person("Anli", "Soilihi", None),
            login="anli",
            password_hash=None,
            structure_id="structure-absente",
            created_by=None,
        )
    assert caught.value.message == "Structure inconnue : choisissez une structure de la liste."


def test_refused_file_says_what_to_do(client, world):
    login(client, world.actors["beneficiary_a"])
    damaged = upload(client, b"%PDF-1.7\n1 0 obj << >> endobj\n")  # no %%EOF: cut short
    assert damaged.status_code == 400
    assert (
        "Le PDF est incomplet ou suivi de données étrangères. Vérifiez que c&#39;est le bon "
        "fichier, enregistrez-le de nouveau depuis l&#39;original (PDF ou photo JPEG, PNG, WebP, "
        "HEIC) puis déposez-le."
    ) in damaged.text
    unknown = upload(client, b"bonjour", filename="note.txt")
    assert unknown.status_code == 400
    assert (
        '<p class="error" role="alert">Type de fichier non accepté : déposez un PDF, une '
        "photo JPEG, PNG, WebP ou HEIC.</p>"
    ) in unknown.text


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"VAULT_KEYRING": "k1:" + "A" * 43 + "="},
            "La variable d'environnement VAULT_COOKIE_KEY est obligatoire et n'a pas de valeur "
            "par défaut (Clé secrète qui signe les cookies de session et les jetons (au moins 32 "
            "caractères).) : définissez-la avant de démarrer (python -m vault_service --help les "
            "décrit toutes).",
        ),
        (
            {"VAULT_COOKIE_KEY": "court", "VAULT_KEYRING": "k1:" + "A" * 43 + "="},
            "VAULT_COOKIE_KEY doit faire au moins 32 caractères : prenez par exemple la sortie "
            "de python -m vault_service new-key.",
        ),
        (
            {
                "VAULT_COOKIE_KEY": "k" * 40,
                "VAULT_KEYRING": "k1:" + "A" * 43 + "=",
                "VAULT_MAX_UPLOAD_BYTES": "0",
            },
            "VAULT_MAX_UPLOAD_BYTES doit être un nombre d'octets positif (par défaut 20971520, "
            "soit 20 Mio).",
        ),
    ],
)
def test_configuration_errors_are_french_with_a_fix(environ, message):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert str(caught.value) == message


def test_empty_keyring_is_refused_with_a_fix():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({}, cookie_key="k" * 40, keyring={})
    assert str(caught.value) == (
        "VAULT_KEYRING est vide : donnez au moins une clé, id:clé_base64 "
        "(python -m vault_service new-key en crée une)."
    )
