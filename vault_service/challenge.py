"""A challenge instead of a lockout: a sum to work out and a few seconds to wait.

When one address has failed many logins (or created many accounts), it is not locked out:
everyone behind a mobile carrier's shared address would be. Each new attempt from it instead
needs a small sum answered in a form issued at least `wait` seconds earlier: cheap for a
person, a real brake for a script. No third party, no script in the page.

The token is signed (itsdangerous), bound to the address and valid 10 minutes; the answer is
derived from it with the cookie key, so it never travels in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from vault_service.i18n import msg
from vault_service.settings import Settings

PURPOSE = "vault-challenge"
MAX_AGE = 600


@dataclass(frozen=True)
class Challenge:
    token: str
    question: str
    wait: int

    def as_json(self) -> dict[str, object]:
        return {"token": self.token, "question": self.question, "wait": self.wait}


def _terms(settings: Settings, nonce: str) -> tuple[int, int]:
    digest = hmac.new(settings.cookie_key.encode(), f"{PURPOSE}|{nonce}".encode(), hashlib.sha256)
    raw = digest.digest()
    return 2 + raw[0] % 8, 2 + raw[1] % 8


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.cookie_key, salt=PURPOSE)


def new(settings: Settings, address: str) -> Challenge:
    nonce = secrets.token_urlsafe(12)
    a, b = _terms(settings, nonce)
    token = _serializer(settings).dumps([nonce, address])
    return Challenge(
        token, msg("Combien font {a} + {b} ?", a=a, b=b), settings.challenge_wait_seconds
    )


def check(
    settings: Settings, address: str, token: str, answer: str
) -> tuple[str | None, str | None]:
    """(None, nonce) when the challenge is met (the caller spends the nonce: single use);
    else (what is wrong in French, None)."""
    wrong = _problem(settings, address, token, answer)
    if isinstance(wrong, tuple):
        return None, wrong[0]
    return wrong, None


def _problem(settings: Settings, address: str, token: str, answer: str) -> str | tuple[str]:
    if not token:
        return msg(
            "Beaucoup de tentatives viennent de votre réseau : répondez à la question de "
            "vérification ci-dessous, puis renvoyez le formulaire."
        )
    try:
        (nonce, bound), issued = _serializer(settings).loads(
            token, max_age=MAX_AGE, return_timestamp=True
        )
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return msg("La vérification a expiré : répondez à la nouvelle question.")
    if bound != address:
        return msg("La vérification a expiré : répondez à la nouvelle question.")
    if time.time() - issued.timestamp() < settings.challenge_wait_seconds:
        return msg(
            "Patientez {seconds} secondes après l'affichage de la question avant d'envoyer "
            "le formulaire.",
            seconds=settings.challenge_wait_seconds,
        )
    a, b = _terms(settings, str(nonce))
    if answer.strip() != str(a + b):
        return msg("La réponse à la question de vérification est fausse : recommencez.")
    return (str(nonce),)
