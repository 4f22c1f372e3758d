"""The attacker's browser: an httpx client on a running vault, and the checks every answer
must pass whoever asks (no 500, the security headers, no trace of the code, French errors).

Every response of every client goes through `Findings.inspect` (an httpx response hook), so
each attack also checks the edge rules without saying so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
BIG_RE = re.compile(r'<dd class="big">([^<]+)</dd>')
SECRET_RE = re.compile(r'<code class="secret">([A-Z2-7]+)</code>')
PASSWORD = "mot de passe de la sonde"
NEW_PASSWORD = "un autre mot de passe de la sonde"

HEADERS = {
    "content-security-policy": "default-src 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
LEAKS = (
    "Traceback (most recent call last)",
    'File "/',
    "sqlalchemy.",
    "psycopg",
    "sqlite3.",
    "OperationalError",
    "IntegrityError",
    "DataError",
    "SELECT ",
    "INSERT INTO",
    "starlette.",
    "vault_service.",
)
RAW_XSS = ("<script", "<img src=x", "onerror=alert(1)>")
ENGLISH = ("Internal Server Error", "Not Found", "Method Not Allowed", "Bad Request")


@dataclass
class Findings:
    """Successful attacks, and how many were tried by family."""

    found: list[str] = field(default_factory=list)
    tried: Counter[str] = field(default_factory=Counter)
    family: str = "setup"

    def attempt(self, family: str, n: int = 1) -> None:
        self.family = family
        self.tried[family] += n

    def add(self, what: str) -> None:
        self.found.append(f"[{self.family}] {what}")

    def check(self, ok: bool, what: str) -> bool:
        if not ok:
            self.add(what)
        return ok

    def inspect(self, response: httpx.Response) -> None:
        request = response.request
        where = f"{request.method} {request.url.raw_path.decode('latin-1')[:120]}"
        if isinstance(response, Silent):
            return
        if response.status_code >= 500 and response.status_code != 503:
            self.add(f"{where} → {response.status_code}")
        for name, value in HEADERS.items():
            if value not in response.headers.get(name, ""):
                self.add(f"{where} → en-tête {name} absent ({response.status_code})")
        location = response.headers.get("location", "")
        if (location and not location.startswith("/")) or location.startswith("//"):
            self.add(f"{where} → redirection vers {location[:80]}")
        if not response.headers.get("content-type", "").startswith(("text/", "application/j")):
            return  # documents and archives: their bytes are hers, not the service's words
        response.read()
        body = response.text
        for leak in LEAKS:
            if leak in body and not request.url.path.startswith("/api/openapi"):
                self.add(f"{where} → la réponse contient « {leak} »")
        if response.headers.get("content-type", "").startswith("text/html"):
            for raw in RAW_XSS:
                if raw in body:
                    self.add(f"{where} → balise non échappée {raw!r}")
        if response.status_code >= 400:
            for english in ENGLISH:
                if english in body:
                    self.add(f"{where} → erreur en anglais « {english} »")


class Silent(httpx.Response):
    """What the probe records when the server did not answer (hang, dropped connection)."""


class Watched(httpx.HTTPTransport):
    """A transport that turns a hang or a dropped connection into a finding (and a 599)."""

    def __init__(self, findings: Findings) -> None:
        super().__init__()
        self.findings = findings

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except httpx.TransportError as error:
            where = f"{request.method} {request.url.raw_path.decode('latin-1')[:120]}"
            self.findings.add(f"{where} → pas de réponse ({type(error).__name__})")
            return Silent(599, headers=dict(HEADERS), request=request)


class Browser:
    """One person's browser: cookies, and the CSRF token of her current session."""

    def __init__(self, url: str, findings: Findings, name: str = "anonyme") -> None:
        self.name = name
        self.findings = findings
        self.http = httpx.Client(
            base_url=url,
            timeout=15,
            transport=Watched(findings),
            follow_redirects=False,
            event_hooks={"response": [findings.inspect]},
        )
        self.token = ""
        self.login = ""
        self.id = ""
        self.role = "anonymous"
        self.totp: bytes | None = None

    def __repr__(self) -> str:
        return f"<{self.name}>"

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def refresh_token(self, page: str = "/connexion") -> str:
        match = CSRF_RE.search(self.get(page).text)
        self.token = match.group(1) if match else ""
        return self.token

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """A form as the page would send it (with this session's token)."""
        if not self.token:
            self.refresh_token()
        return self.http.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-Vault-CSRF": "1", **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def plant(self, name: str, value: str) -> None:
        """Set a cookie as if the server had (host-only, on 127.0.0.1)."""
        self.http.cookies.set(name, value, domain="127.0.0.1", path="/")

    def close(self) -> None:
        self.http.close()


def big_values(html: str) -> list[str]:
    return [value.strip() for value in BIG_RE.findall(html)]
