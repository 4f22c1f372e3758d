"""A fresh vault, started as an operator would, and its people made through the real flows.

The operator runs `init-db`, `create-admin` and `serve` (uvicorn on a free port of
127.0.0.1); everyone else is made over HTTP: the platform administrator creates two
structures and their administrators (activation sheets, TOTP), who create professionals; a
professional of X creates Amina's account with her (the link X ↔ Amina); Bacar and Chadia sign
up alone, and Chadia gives structure Y a link code. Amina has documents, a duplicate and a
recovery request pending at X: the ids every intruder then tries.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.vault.instances import Instance, VaultEnv
from tests.vault.probe.client import (
    PASSWORD,
    SECRET_RE,
    Browser,
    Findings,
    big_values,
)
from vault_service import totp

VAULT = [sys.executable, "-m", "vault_service"]
ADMIN_NAMES = ["--given-name", "Ada", "--family-name", "Admin"]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LINK_RE = re.compile(r'action="/compte/liens/([^/"]+)/fin"')
APPROVE_RE = re.compile(r'action="/pro/recuperations/([^/"]+)/approuver"')
STRUCTURE_RE = re.compile(r'action="/admin/structures/([^/"]+)/plafond"')
MEMBER_RE = re.compile(r'action="/structure/professionnels/([^/"]+)/desactiver"')
SHARE_RE = re.compile(r'action="/partages/([^/"]+)/retirer"')
ASK_RE = re.compile(r'action="/demandes/([^/"]+)/accepter"')
LINK_CODE_RE = re.compile(r'<p class="big"[^>]*>([^<]+)</p>')


def pdf(text: str = "sonde") -> bytes:
    """A small well-formed PDF (synthetic)."""
    body = f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text} {os.urandom(64).hex()}\n"
    return body.encode() + b"trailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    instance: Instance
    findings: Findings
    people: dict[str, Browser] = field(default_factory=dict)
    structures: dict[str, str] = field(default_factory=dict)
    # what belongs to Amina (or to X): path parameter name → her ids
    victim: dict[str, list[str]] = field(default_factory=dict)
    kid: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    session_cookie = "vault_session"
    device_cookie = "vault_device"
    csrf_cookie = "vault_csrf"

    @property
    def amina_login(self) -> str:
        return self.people["A"].login

    def any_victim_id(self) -> str:
        return self.victim["doc_id"][0]

    def victim_values(self, names: list[str]) -> list[dict[str, str]]:
        """Each of her ids for each parameter (an unknown parameter: each of her ids)."""
        pool = [i for ids in self.victim.values() for i in ids]
        first = {n: self.victim.get(n, pool)[0] for n in names}
        out = [first]
        for name in names:
            for value in self.victim.get(name, pool)[1:]:
                out.append({**first, name: value})
        return out

    @property
    def url(self) -> str:
        return self.instance.url

    def browser(self, name: str = "anonyme") -> Browser:
        return Browser(self.url, self.findings, name)

    def __getitem__(self, name: str) -> Browser:
        return self.people[name]


def operator_env(database_url: str, data_dir: Path) -> VaultEnv:
    """The documented environment variables (light Argon2 to keep the probe short)."""
    keys = {"k1": os.urandom(32)}
    return VaultEnv(database_url, data_dir, keys, {"VAULT_SIGNUP_FREE": "6"})


def create_admin(env: VaultEnv) -> bytes:
    result = subprocess.run(
        [*VAULT, "create-admin", "--login", "root", *ADMIN_NAMES, "--password-stdin"],
        input=PASSWORD + "\n",
        cwd=env.data_dir.parent,
        env=env.variables(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    secret = re.search(r"clé : ([A-Z2-7]+)", result.stdout)
    assert secret, result.stdout + result.stderr
    return b32(secret.group(1))


def b32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def sign_in(browser: Browser, login: str, secret: bytes | None = None) -> None:
    browser.refresh_token("/connexion")
    data = {"login": login, "password": PASSWORD}
    if secret:
        data["totp"] = totp.code(secret)
    response = browser.post("/connexion", data)
    assert response.status_code == 303, (login, response.status_code, response.text[:500])
    browser.totp = secret
    whoami(browser)


def whoami(browser: Browser) -> None:
    me = browser.get("/api/me").json()
    browser.id, browser.role, browser.login = me["id"], me["role"], me["login"]
    browser.refresh_token("/compte")


def activate(world: World, sheet_html: str) -> tuple[str, bytes | None]:
    login, code = big_values(sheet_html)[:2]
    anonymous = world.browser()
    anonymous.refresh_token("/activation")
    response = anonymous.post(
        "/activation", {"login": login, "code": code, "password": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200 and "Votre compte est prêt" in response.text, response.text
    secret = SECRET_RE.search(response.text)
    anonymous.close()
    return login, b32(secret.group(1)) if secret else None


def person(world: World, name: str, login: str, secret: bytes | None) -> Browser:
    browser = world.browser(name)
    sign_in(browser, login, secret)
    world.people[name] = browser
    return browser


def build(instance: Instance, env: VaultEnv, findings: Findings) -> World:
    world = World(instance, findings)
    admin = person(world, "root", "root", world_admin_secret(env))
    for name in ("X", "Y"):
        before = set(STRUCTURE_RE.findall(admin.get("/admin").text))
        response = admin.post("/admin/structures", {"name": f"Structure {name} {XSS}", "cap": "6"})
        assert response.status_code == 200, response.text[:400]
        (world.structures[name],) = set(STRUCTURE_RE.findall(response.text)) - before
    for name in ("X", "Y"):
        sheet = admin.post(
            f"/admin/structures/{world.structures[name]}/administrateurs",
            {"given_name": f"Adm{name}", "family_name": XSS, "login": f"adm.{name.lower()}"},
        )
        person(world, f"adm{name}", *activate(world, sheet.text))
    for name, admin_name in (("px1", "admX"), ("px2", "admX"), ("py1", "admY")):
        sheet = world[admin_name].post(
            "/structure/professionnels",
            {"given_name": name.upper(), "family_name": XSS, "login": f"pro.{name}"},
        )
        person(world, name, *activate(world, sheet.text))
    # Amina: her account made with her at structure X (the only link she has)
    sheet = world["px1"].post(
        "/pro/beneficiaires",
        {"given_name": "Amina", "family_name": "Sonde", "birth_date": "1990-01-01"},
    )
    amina = person(world, "A", *activate(world, sheet.text))
    for name, given, birth in (("B", "Bacar", "1985-02-02"), ("C", "Chadia", "1979-03-03")):
        browser = world.browser(name)
        browser.refresh_token("/inscription")
        response = browser.post(
            "/inscription",
            {
                "given_name": given,
                "family_name": XSS,
                "birth_date": birth,
                "login": f"{given.lower()}.sonde",
                "password": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert response.status_code == 303, response.text[:500]
        whoami(browser)
        world.people[name] = browser
    # Chadia chooses structure Y
    code = LINK_CODE_RE.search(world["C"].post("/compte/liens").text)
    assert code
    assert world["py1"].post("/pro/liens", {"code": code.group(1).strip()}).status_code == 200
    for name in ("A", "B", "C"):
        upload(world[name], f"Pièce de {name} {XSS}")
    documents = [d["id"] for d in amina.get("/api/documents").json()["documents"]]
    duplicate = amina.api(
        "POST",
        f"/api/documents/{documents[0]}/duplicates",
        json={"recipient": f"CAF {XSS}", "purpose": f"RSA {XSS}"},
    )
    assert duplicate.status_code == 201, duplicate.text
    pending = world["px1"].post(
        f"/pro/beneficiaires/{amina.id}/recuperation", {"id_document": "cni"}
    )
    assert pending.status_code == 200, pending.text[:400]
    # Amina shares her first document with px1 only (structure X), for the RSA
    shared_doc = documents[0]
    shared = amina.post(
        "/partages",
        {
            "structure_id": world.structures["X"],
            "professional_login": "pro.px1",
            "scheme": "rsa",
            "purpose": f"Dossier {XSS}",
            "document": documents[0],
            "days": "30",
        },
    )
    assert shared.status_code == 303, shared.text[:600]
    asked = world["px1"].post(
        f"/pro/personnes/{amina.id}/demandes",
        {"scheme": "rsa", "purpose": f"Demande {XSS}", "doc_type": "identite"},
    )
    assert asked.status_code == 303, asked.text[:600]
    px1 = world["px1"]
    deposited = px1.http.post(
        f"/pro/personnes/{amina.id}/depots",
        data={
            "csrf_token": px1.token,
            "title": f"Attestation {XSS}",
            "doc_type": "identite",
            "scheme": "rsa",
        },
        files={"file": ("attestation.pdf", pdf("attestation"), "application/pdf")},
    )
    assert deposited.status_code in (200, 303), deposited.text[:600]
    documents = [d["id"] for d in amina.get("/api/documents").json()["documents"]]
    documents.sort(key=lambda d: d != shared_doc)
    world.victim = {
        "doc_id": documents,
        "code": [duplicate.json()["code"]],
        "link_id": LINK_RE.findall(amina.get("/compte").text),
        "account_id": [amina.id, world["px1"].id],
        "request_id": APPROVE_RE.findall(world["px2"].get("/pro").text),
        "structure_id": [world.structures["X"]],
        "share_id": SHARE_RE.findall(amina.get("/partages").text),
        "ask_id": ASK_RE.findall(amina.get("/demandes").text),
    }
    assert all(world.victim.values()), world.victim
    kid = re.search(r"/cles-publiques/([^\"/]+)\.pem", world.browser().get("/cles-publiques").text)
    assert kid
    world.kid = kid.group(1)
    return world


def world_admin_secret(env: VaultEnv) -> bytes:
    return create_admin(env)


def upload(browser: Browser, title: str, content: bytes | None = None) -> str:
    response = browser.api(
        "POST",
        "/api/documents",
        data={"title": title, "doc_type": "identite", "scheme": "rsa"},
        files={"file": ("piece.pdf", content or pdf(title), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
