"""The attacks, by family. Each tries to succeed; `Findings` collects those that did.

Routes come from `app.ROUTES`: a new route is attacked at once (anonymous access, IDOR with
every other person's ids, CSRF, methods, hostile ids) without editing this file.
"""

from __future__ import annotations

import io
import re
import socket
import struct
import threading
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from starlette.routing import Route

from tests.vault.probe.client import PASSWORD, Browser, Findings
from tests.vault.probe.world import XSS, World, pdf
from vault_service import app as vault_app

PARAM_RE = re.compile(r"\{(\w+)\}")
PUBLIC = {
    "/",
    "/inscription",
    "/connexion",
    "/activation",
    "/recuperation",
    "/verification",
    "/cles-publiques",
    "/cles-publiques/{kid}.pem",
    "/cles-publiques/structures/{structure_id}",
    "/cles-publiques/structures/{structure_id}/{kid}.pem",
    "/informations",
    "/informations/{page}",
    "/api/openapi.json",
    "/api/health",
    "/api/ready",
    "/metrics",
    "/api/session",
    "/api/verification",
}
# who may use a route at all, by prefix (longest first); others must be refused
ROLES = [
    ("/api/documents", {"beneficiary"}),
    ("/api/shares", {"beneficiary"}),
    ("/api/requests", {"beneficiary"}),
    ("/api/pro", {"professional", "structure_admin"}),
    ("/documents", {"beneficiary"}),
    ("/compte/export", {"beneficiary"}),
    ("/compte/fermeture", {"beneficiary"}),
    ("/compte/liens", {"beneficiary"}),
    ("/pro", {"professional", "structure_admin"}),
    ("/structure", {"structure_admin"}),
    ("/admin", {"platform_admin"}),
]
# who may touch Amina's things (or X's), by path parameter; everyone else is an intruder
ALLOWED = {
    "doc_id": {"A"},
    "code": {"A"},
    "link_id": {"A"},
    "account_id": {"A", "px1", "px2", "admX"},
    "request_id": {"px2", "admX"},
    "structure_id": {"root"},
    "share_id": {"A"},
    "ask_id": {"A"},
}
# the routes where another person than Amina may use her ids (the professional she chose)
SHARED = {"/pro/documents/": {"px1"}, "/api/pro/documents/": {"px1"}}


def allowed_on(route: str, name: str) -> set[str]:
    for prefix, people in SHARED.items():
        if route.startswith(prefix) and name == "doc_id":
            return people
    return ALLOWED.get(name, {"A"})


FORM = {
    "title": "t",
    "doc_type": "identite",
    "scheme": "rsa",
    "recipient": "r",
    "purpose": "p",
    "id_document": "cni",
    "cap": "9",
    "given_name": "Intrus",
    "family_name": "Intrus",
    "birth_date": "1990-01-01",
    "login": "intrus.sonde",
    "code": "AAAA-BBBB",
    "current": PASSWORD,
    "password": "un mot de passe d'intrus",
    "password2": "un mot de passe d'intrus",
    "confirm": "oui",
    "role": "structure_admin",
    "name": "Intrus",
    "expires_on": "2030-01-01",
}
HOSTILE_IDS = [
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%C0%AE%C0%AE",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "-1",
    "0",
    "99999999999999999999999999",
    "%27%20OR%20%271%27%3D%271",
    "x" * 3000,
    "%F0%9F%92%A9",
    "%E2%80%AE",
]


def routes() -> Iterator[tuple[str, list[str]]]:
    for route in vault_app.ROUTES:
        if isinstance(route, Route):
            yield route.path, sorted((route.methods or set()) - {"HEAD"})


def params(path: str) -> list[str]:
    return PARAM_RE.findall(path)


def fill(path: str, world: World, values: dict[str, str] | None = None) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if values and name in values:
            return values[name]
        if name in world.victim:
            return world.victim[name][0]
        return {"kid": world.kid, "page": "donnees"}.get(name, world.any_victim_id())

    return PARAM_RE.sub(one, path)


def send(browser: Browser, method: str, route: str, path: str, token: bool = True) -> Any:
    """The request a page or a client would send to this route, with plausible data."""
    if method in ("GET", "DELETE") and route.startswith("/api/"):
        return browser.api(method, path)
    if method == "GET":
        return browser.get(path + "?version=1")
    data = {**FORM, "csrf_token": browser.token if token else ""}
    if route in vault_app.UPLOADS:
        files = {"file": ("piece.pdf", pdf(), "application/pdf")}
        if route.startswith("/api/"):
            return browser.api(method, path, data=data, files=files)
        return browser.http.request(method, path, data=data, files=files)
    if route.startswith("/api/"):
        return browser.api(method, path, json=data)
    return browser.http.request(method, path, data=data)


def allowed_role(route: str, role: str) -> bool:
    for prefix, roles in ROLES:
        if route.startswith(prefix):
            return role in roles
    return True


def refused(response: Any) -> bool:
    """Not done: an error, or a redirect to the login page."""
    if response.status_code >= 400:
        return True
    return response.status_code in (302, 303) and response.headers.get("location", "").startswith(
        "/connexion"
    )


# --- families ---------------------------------------------------------------------------------


def anonymous_access(world: World) -> None:
    """Every private route, every method, without a session (with an anonymous CSRF token)."""
    anonymous = world.browser()
    anonymous.refresh_token("/connexion")
    for route, methods in routes():
        if route in PUBLIC:
            continue
        for method in methods:
            world.findings.attempt("accès anonyme")
            response = send(anonymous, method, route, fill(route, world))
            world.findings.check(
                refused(response), f"{method} {route} anonyme → {response.status_code}"
            )


def idor(world: World) -> None:
    """Amina's ids (documents, duplicates, links, recovery request, X's structure) on every
    route, by every person who has no right to them."""
    for route, methods in routes():
        names = params(route)
        if not names or route in PUBLIC:
            continue
        for who, browser in world.people.items():
            if all(who in allowed_on(route, name) for name in names):
                continue
            for values in world.victim_values(names):
                for method in methods:
                    world.findings.attempt("IDOR")
                    response = send(browser, method, route, fill(route, world, values))
                    world.findings.check(
                        refused(response),
                        f"{method} {route} par {who} avec {values} → {response.status_code}",
                    )


def escalation(world: World) -> None:
    """Every route of a role, by every other role (a professional on /structure or /admin, a
    beneficiary on /pro, a structure administrator on /admin…)."""
    for route, methods in routes():
        for who, browser in world.people.items():
            if allowed_role(route, browser.role):
                continue
            for method in methods:
                world.findings.attempt("élévation de privilèges")
                response = send(browser, method, route, fill(route, world))
                world.findings.check(
                    refused(response),
                    f"{method} {route} par {who} ({browser.role}) → {response.status_code}",
                )
    px1 = world["px1"]
    world.findings.attempt("élévation de privilèges")
    response = px1.post("/structure/professionnels", {**FORM, "login": "self.promoted"})
    world.findings.check(refused(response), "un professionnel crée un administrateur de structure")


def controls(world: World) -> None:
    """The probe's own witness: those entitled get each GET route with the ids the
    intruders try (else the IDOR family would prove nothing)."""
    for route, methods in routes():
        if "GET" not in methods or not params(route) or route in PUBLIC:
            continue
        who = sorted(
            w for w in allowed_on(route, params(route)[0]) if allowed_role(route, world[w].role)
        )[0]
        world.findings.attempt("témoins")
        statuses = [
            send(world[who], "GET", route, fill(route, world, values)).status_code
            for values in world.victim_values(params(route))
        ]
        world.findings.check(min(statuses) < 400, f"témoin : {who} GET {route} → {statuses}")


def grants(world: World) -> None:
    """A share named for px1: his colleague, the other structure, forwarding without
    consent, then revocation (next request refused); bad durations."""
    f = world.findings
    doc = world.victim["doc_id"][0]
    path = f"/pro/documents/{doc}"
    for who in ("px2", "admX", "py1", "admY", "root", "B"):
        f.attempt("partages")
        f.check(refused(world[who].get(path)), f"{who} lit un document partagé avec px1 seul")
    f.attempt("partages", 2)
    response = world["px1"].post(path + "/transmettre", {"structure_id": world.structures["Y"]})
    f.check(refused(response), f"transmis à Y sans consentement → {response.status_code}")
    f.check(refused(world["py1"].get(path)), "Y lit le document après une transmission refusée")
    a = world["A"]
    for days in ("0", "-5", "100000", "1e3", "%00"):
        f.attempt("partages")
        response = a.post(
            "/partages",
            {
                "structure_id": world.structures["Y"],
                "scheme": "rsa",
                "purpose": "p",
                "document": doc,
                "days": days,
            },
        )
        f.check(response.status_code == 400, f"partage de {days} jours → {response.status_code}")
    for other in (world.victim["doc_id"][0], "00000000-0000-0000-0000-000000000000"):
        f.attempt("partages")
        b_doc = world["B"].get("/api/documents").json()["documents"][0]["id"]
        response = a.post(
            "/partages",
            {
                "structure_id": world.structures["Y"],
                "scheme": "rsa",
                "purpose": "p",
                "document": b_doc if other == doc else other,
                "days": "5",
            },
        )
        f.check(
            response.status_code == 400, f"partage du document d'autrui → {response.status_code}"
        )
    f.attempt("partages")
    f.check(world["px1"].get(path).status_code == 200, "px1 ne lit pas le document partagé")
    share = world.victim["share_id"][0]
    a.post(f"/partages/{share}/retirer")
    f.check(refused(world["px1"].get(path)), "px1 lit encore après la révocation")


def owner_for(world: World, route: str) -> Browser:
    for prefix, who in (("/pro", "px1"), ("/structure", "admX"), ("/admin", "root")):
        if route.startswith(prefix):
            return world[who]
    return world["A"]


def csrf(world: World) -> None:
    """Every unsafe route, by the person entitled to it: no token, another session's token,
    an anonymous token, a cross-site request, `Origin: null`; API without its header."""
    other = world["B"].token
    anonymous = world.browser()
    anonymous_token = anonymous.refresh_token("/connexion")
    for route, methods in routes():
        for method in methods:
            if method == "GET":
                continue
            owner = owner_for(world, route)
            path = fill(route, world)
            if route.startswith("/api/"):
                variants: list[dict[str, str]] = [
                    {"X-Vault-CSRF": "0"},
                    {"X-Vault-CSRF": "1", "Sec-Fetch-Site": "cross-site"},
                    {"X-Vault-CSRF": "1", "Origin": "https://evil.example"},
                    {"X-Vault-CSRF": "1", "Origin": "null"},
                ]
                for headers in variants:
                    world.findings.attempt("CSRF")
                    response = owner.http.request(
                        method, path, headers=headers, json={**FORM, "login": "root"}
                    )
                    world.findings.check(
                        response.status_code == 403,
                        f"{method} {route} {headers} → {response.status_code}",
                    )
                continue
            for label, token, headers in (
                ("sans jeton", "", {}),
                ("jeton d'une autre session", other, {}),
                ("jeton anonyme", anonymous_token, {}),
                ("autre site", owner.token, {"Sec-Fetch-Site": "cross-site"}),
                ("même site, autre sous-domaine", owner.token, {"Sec-Fetch-Site": "same-site"}),
                ("Origin étranger", owner.token, {"Origin": "https://evil.example"}),
                ("Origin null", owner.token, {"Origin": "null"}),
            ):
                world.findings.attempt("CSRF")
                response = owner.http.request(
                    method, path, data={**FORM, "csrf_token": token}, headers=headers
                )
                world.findings.check(
                    response.status_code in (400, 403, 404, 413, 429),
                    f"{method} {route} {label} → {response.status_code}",
                )
    anonymous.close()


def methods(world: World) -> None:
    """HEAD, OPTIONS, TRACE, PUT, unknown verbs and method-override headers on every route."""
    for route, allowed in routes():
        path = fill(route, world)
        for who in ("anonymous", "A"):
            browser = world.browser() if who == "anonymous" else world["A"]
            for method in ("HEAD", "OPTIONS", "TRACE", "PUT", "PROPFIND", "PATCH"):
                if method in allowed:
                    continue
                world.findings.attempt("méthodes")
                response = browser.http.request(method, path, headers={"X-Vault-CSRF": "1"})
                if method == "TRACE":
                    world.findings.check(
                        response.status_code == 405 and "allow" in response.headers,
                        f"{method} {route} → {response.status_code} sans Allow",
                    )
                elif method in ("PUT", "PROPFIND", "PATCH"):  # another route may match
                    world.findings.check(
                        response.status_code >= 400,
                        f"{method} {route} → {response.status_code}",
                    )
    b = world["B"]
    doc = b.get("/api/documents").json()["documents"][0]["id"]
    for headers in (
        {"X-HTTP-Method-Override": "DELETE"},
        {"X-Method-Override": "DELETE"},
        {"X-HTTP-Method": "DELETE"},
    ):
        world.findings.attempt("méthodes")
        b.api("POST", f"/api/documents/{doc}", headers=headers)
        b.api("GET", f"/api/documents/{doc}?_method=DELETE")
        b.http.post(f"/documents/{doc}/modifier?_method=DELETE", data={"_method": "DELETE"})
    world.findings.check(
        b.api("GET", f"/api/documents/{doc}").status_code == 200,
        "un en-tête X-HTTP-Method-Override a supprimé un document",
    )


def hostile_input(world: World) -> None:
    """NUL, lone surrogates, overlong UTF-8, traversal, huge and negative numbers, SQL in ids,
    query strings and forms; XSS reflected in query strings."""
    a = world["A"]
    for route, allowed in routes():
        for name in params(route):
            for bad in HOSTILE_IDS:
                for method in allowed:
                    world.findings.attempt("entrées hostiles")
                    path = fill(route, world, {name: bad})
                    browser = owner_for(world, route)
                    response = send(browser, method, route, path)
                    if route not in PUBLIC and method == "GET":
                        world.findings.check(
                            response.status_code >= 400,
                            f"{method} {route} avec {name}={bad[:30]} → {response.status_code}",
                        )
        if "GET" in allowed:
            world.findings.attempt("entrées hostiles", 3)
            path = fill(route, world)
            owner = owner_for(world, route)
            for query in (
                "?version=%C2%B2&code=%00&d=%ED%A0%80",
                "?version=99999999999999999999&doc_type=%27--&scheme=-1",
                f"?code={XSS}&d={XSS}&q={XSS}&login={XSS}&next=https://evil.example",
            ):
                owner.get(path + query)
    for field in ("login", "password", "given_name", "code", "title", "recipient", "name"):
        for value in ("a\x00b", "\ud800", "\udfff\ud800", "\x1b[31m", "a" * 100_000):
            world.findings.attempt("entrées hostiles")
            try:
                data = value.encode("utf-8", "surrogatepass")
            except UnicodeEncodeError:
                continue
            body = (
                field.encode()
                + b"="
                + re.sub(rb"[^A-Za-z0-9]", lambda m: b"%%%02X" % m.group()[0], data)
            )
            anonymous = world.browser()
            anonymous.refresh_token("/connexion")
            for route in ("/connexion", "/inscription", "/recuperation"):
                anonymous.http.post(
                    route,
                    content=body + b"&csrf_token=" + anonymous.token.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
            anonymous.close()
            a.http.post(
                "/documents/" + world.victim["doc_id"][0] + "/modifier",
                content=body + b"&csrf_token=" + a.token.encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
    for raw in (
        b'{"login": "\\ud800", "password": "x"}',
        b'{"login": "a\\u0000b", "password": "x"}',
        b"[" * 50_000,
        b'{"login": 1e999999, "password": null}',
        b'{"login": ["x"], "password": {"a": 1}}',
        b'{"login": "' + b"\xc0\xae" * 10 + b'"}',
        b"\xef\xbb\xbf{}",
    ):
        world.findings.attempt("entrées hostiles")
        response = world.browser().api(
            "POST", "/api/session", content=raw, headers={"Content-Type": "application/json"}
        )
        world.findings.check(
            response.status_code in (400, 401, 413, 415, 429),
            f"JSON {raw[:30]!r} → {response.status_code}",
        )
        a.api(
            "PATCH",
            f"/api/documents/{world.victim['doc_id'][0]}",
            content=raw,
            headers={"Content-Type": "application/json"},
        )


def filenames(world: World) -> None:
    """Header injection and traversal through the uploaded file name, shown back in
    Content-Disposition, pages and the API."""
    b = world["B"]
    for name in (
        'evil"\r\nSet-Cookie: pwned=1\r\nX-Injected: 1;.pdf',
        "../../../../etc/passwd.pdf",
        "\"; filename*=UTF-8''evil.html",
        "a" * 5000 + ".pdf",
        "\u202egnp.pdf",
        "x.pdf\x00.html",
    ):
        world.findings.attempt("noms de fichier")
        boundary = "sondeboundary"
        fields = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in (("title", "fichier"), ("doc_type", "identite"), ("scheme", "rsa"))
        )
        body = b"".join(
            [
                fields.encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode(),
                name.encode("utf-8", "surrogatepass"),
                b'"\r\nContent-Type: text/html\r\n\r\n',
                pdf(),
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        response = b.api(
            "POST",
            "/api/documents",
            content=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        if response.status_code != 201:
            continue
        doc = response.json()["id"]
        for path in (
            f"/documents/{doc}/telecharger",
            f"/api/documents/{doc}/content",
            f"/documents/{doc}/voir",
        ):
            got = b.get(path)
            disposition = got.headers.get("content-disposition", "")
            world.findings.check(
                "pwned" not in got.headers.get("set-cookie", "")
                and "x-injected" not in got.headers
                and "\r" not in disposition
                and "\n" not in disposition
                and ".html" not in disposition.split("filename*")[0]
                and "/" not in disposition.replace("filename*=utf-8''", ""),
                f"{path} : nom {name[:30]!r} → Content-Disposition {disposition[:120]!r}",
            )
            world.findings.check(
                got.headers.get("content-type", "").split(";")[0]
                in {"application/pdf", "text/html", "application/octet-stream"},
                f"{path} : type {got.headers.get('content-type')}",
            )
        b.get(f"/documents/{doc}")


def png(width: int, height: int, data: bytes = b"") -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(data or b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + sof
        + b"\xff\xda\x00\x08\x01\x01\x00\x00?\x00"
        + b"\x00" * 100
        + b"\xff\xd9"
    )


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * 50_000_000)
    return buffer.getvalue()


def rss_kib(world: World) -> int:
    process = world.instance.process
    assert process is not None
    status = open(f"/proc/{process.pid}/status").read()  # noqa: SIM115
    found = re.search(r"VmRSS:\s+(\d+)", status)
    return int(found.group(1)) if found else 0


def uploads(world: World) -> None:
    """Disguised executables, HTML/SVG as images, polyglots, zip and decompression bombs,
    many parts, long boundaries, lying lengths: refused, bounded, never a 500."""
    b = world["B"]
    before = rss_kib(world)
    bad_files: list[tuple[str, bytes, str]] = [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 500, "image/jpeg"),
        ("piece.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 500, "application/pdf"),
        ("piece.pdf", b"#!/bin/sh\nrm -rf /\n", "application/pdf"),
        (
            "image.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/png",
        ),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("poly.pdf", pdf() + b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("poly.png", png(1, 1) + zip_bomb()[:2000], "image/png"),
        ("gif.png", b"GIF89a<script>alert(1)</script>", "image/png"),
        (
            "doc.docx",
            zip_bomb(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("vide.pdf", b"", "application/pdf"),
    ]
    for name, content, media in bad_files:
        world.findings.attempt("dépôts")
        response = b.api(
            "POST",
            "/api/documents",
            data={"title": "x", "doc_type": "identite", "scheme": "rsa"},
            files={"file": (name, content, media)},
        )
        world.findings.check(
            response.status_code in (400, 413, 415),
            f"dépôt {name} ({content[:12]!r}) → {response.status_code}",
        )
    b.refresh_token("/documents/depot")
    for photos in (
        [png(100_000, 100_000)],
        [jpeg(65_000, 65_000)],
        [png(30_000, 30_000, b"\x00" * 5_000_000)],
        [png(1, 1)] * 60,
    ):
        world.findings.attempt("dépôts")
        response = b.http.post(
            "/documents/depot",
            data={
                "csrf_token": b.token,
                "title": "photos",
                "doc_type": "identite",
                "scheme": "rsa",
            },
            files=[("photos", ("p.png", content, "image/png")) for content in photos],
        )
        world.findings.check(
            response.status_code >= 400, f"photos bombe ({len(photos)}) → {response.status_code}"
        )
    world.findings.attempt("dépôts", 3)
    many = (
        "".join(
            f'--zz\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n'
            for i in range(20_000)
        )
        + "--zz--\r\n"
    )
    response = b.api(
        "POST",
        "/api/documents",
        content=many.encode(),
        headers={"Content-Type": "multipart/form-data; boundary=zz"},
    )
    world.findings.check(
        response.status_code in (400, 413), f"20 000 parties → {response.status_code}"
    )
    response = b.api(
        "POST",
        "/api/documents",
        content=b"--" + b"b" * 300 + b"--\r\n",
        headers={"Content-Type": "multipart/form-data; boundary=" + "b" * 300},
    )
    world.findings.check(
        response.status_code == 400, f"frontière de 300 caractères → {response.status_code}"
    )
    raw = lying_length(world, "/api/session")
    world.findings.check(
        raw.startswith(b"HTTP/1.1 413"), f"Content-Length 300 Mo annoncé → {raw[:40]!r}"
    )
    grown = rss_kib(world) - before
    world.findings.check(
        grown < 150_000, f"mémoire du serveur +{grown // 1024} Mo après les bombes"
    )


def lying_length(world: World, path: str) -> bytes:
    with socket.create_connection(("127.0.0.1", world.instance.port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Vault-CSRF: 1\r\nContent-Length: {300 * 1024 * 1024}\r\n\r\n{{".encode()
        )
        return sock.recv(200)


ODD_PATHS = [
    "/documents/",
    "/connexion/",
    "/api/me/",
    "/static",
    "/static/",
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/..%2fsettings.py",
    "//evil.example/",
    "/%2F%2Fevil.example/",
    "/\\evil.example/",
    "/.env",
    "/.git/config",
    "/admin/../documents",
    "/documents%2f",
    "/" + "x/" * 2000,
]


def raw_get(world: World, path: str, host: str, cookie: str) -> tuple[str, str]:
    """A GET sent as bytes (httpx would normalise the path): (status line, headers+body)."""
    with socket.create_connection(("127.0.0.1", world.instance.port), timeout=10) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    text = data.decode("latin-1")
    return text.split("\r\n", 1)[0], text


def odd_paths(world: World) -> None:
    """Trailing slashes, traversal into the code, scheme-relative paths, all with a Host
    header the attacker chose: never a redirection elsewhere, never a file of the service."""
    a = world["A"]
    mine = f"{world.session_cookie}={a.http.cookies.get(world.session_cookie)}"
    for cookie in ("", mine):
        for path in ODD_PATHS:
            for host in ("127.0.0.1", "evil.example"):
                world.findings.attempt("chemins")
                status, text = raw_get(world, path, host, cookie)
                head = text.split("\r\n\r\n", 1)[0].lower()
                world.findings.check(
                    status.split(" ")[1][0] == "4"
                    and "location:" not in head
                    and "content-security-policy:" in head
                    and "import " not in text,
                    f"GET {path[:40]} (Host {host}, {'connecté' if cookie else 'anonyme'}) "
                    f"→ {status}",
                )


def slow_clients(world: World) -> None:
    """Slowloris, bounded: 40 connections trickling headers; a person must still be served."""
    world.findings.attempt("clients lents")
    sockets = []
    for _ in range(40):
        sock = socket.create_connection(("127.0.0.1", world.instance.port), timeout=5)
        sock.sendall(b"POST /connexion HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
        sockets.append(sock)
    started = time.monotonic()
    response = httpx.get(world.url + "/api/health", timeout=10)
    elapsed = time.monotonic() - started
    for sock in sockets:
        sock.close()
    world.findings.check(
        response.status_code == 200 and elapsed < 5,
        f"santé sous 40 clients lents : {elapsed:.1f} s",
    )


def parallel(n: int, work: Callable[[int], int]) -> Counter[int]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return Counter(pool.map(work, range(n)))


def sessions_and_takeover(world: World) -> None:
    """Forged, replayed and fixed cookies; password and second factor without the password;
    admin without TOTP; search and recovery outside the relationship."""
    f = world.findings
    c = world["C"]
    session = world.session_cookie
    value = c.http.cookies.get(session) or ""
    for label, forged in (
        ("cookie altéré", value[:-2] + ("AA" if not value.endswith("AA") else "BB")),
        ("cookie d'un autre usage", c.http.cookies.get(world.device_cookie) or "x"),
        ("cookie vide", ""),
        ("cookie énorme", "a" * 8000),
        ("cookie NUL", "a%00b"),
    ):
        f.attempt("sessions")
        response = httpx.get(world.url + "/api/me", cookies={session: forged})
        f.check(response.status_code == 401, f"{label} → {response.status_code}")
    # fixation: a CSRF cookie planted before login is replaced at login
    planted = world.browser()
    planted.plant(world.device_cookie, c.http.cookies.get(world.device_cookie) or "")
    planted.plant(world.csrf_cookie, "planted")
    planted.refresh_token("/connexion")
    f.attempt("sessions")
    response = planted.post("/connexion", {"login": "chadia.sonde", "password": PASSWORD})
    f.check(
        response.status_code == 303,
        f"connexion avec un cookie CSRF planté → {response.status_code}",
    )
    f.check(
        planted.http.cookies.get(world.csrf_cookie) != "planted",
        "jeton CSRF planté gardé après connexion",
    )
    f.check(planted.http.cookies.get(session) != value, "même session qu'avant la connexion")
    planted.refresh_token("/compte")
    planted.post("/deconnexion")
    # password change without / with a wrong current password
    b = world["B"]
    for current in (None, "", "pas le bon"):
        f.attempt("prise de contrôle")
        data = {
            "password": "nouveau mot de passe pirate",
            "password2": "nouveau mot de passe pirate",
        }
        if current is not None:
            data["current"] = current
        response = b.post("/compte/mot-de-passe", data)
        f.check(
            response.status_code >= 400,
            f"mot de passe changé avec current={current!r} → {response.status_code}",
        )
    # second factor without the password
    page = b.get("/compte/double-authentification").text
    token = re.search(r'name="token" value="([^"]+)"', page)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
    if token and secret:
        from tests.vault.probe.world import b32
        from vault_service import totp

        for current in (None, "", "pas le bon"):
            f.attempt("prise de contrôle")
            data = {"token": token.group(1), "code": totp.code(b32(secret.group(1)))}
            if current is not None:
                data["current"] = current
            response = b.post("/compte/double-authentification", data)
            f.check(
                response.status_code >= 400,
                f"TOTP activé avec current={current!r} → {response.status_code}",
            )
        f.check(
            not b.get("/api/me").json()["totp"], "double authentification activée sans mot de passe"
        )
    # the platform administrator without the second factor
    for code in (None, "", "000000", "12345", "1234567", "abcdef", " 000000 "):
        f.attempt("prise de contrôle")
        body: dict[str, str] = {"login": "root", "password": PASSWORD}
        if code is not None:
            body["totp"] = code
        response = world.browser().api("POST", "/api/session", json=body)
        f.check(
            response.status_code in (401, 429)
            and world.session_cookie not in response.headers.get("set-cookie", ""),
            f"administrateur sans TOTP ({code!r}) → {response.status_code}",
        )
    # search and recovery outside the relationship
    py1 = world["py1"]
    amina = {"given_name": "Amina", "family_name": "Sonde", "birth_date": "1990-01-01"}
    nobody = {"given_name": "Zoulfa", "family_name": "Inexistante", "birth_date": "1990-01-01"}
    f.attempt("énumération", 2)
    seen = py1.post("/pro/recherche", amina).text
    unseen = py1.post("/pro/recherche", nobody).text
    f.check(
        "amina"
        not in seen.lower()
        .replace('amina"', "")
        .split("<main", 1)[-1]
        .replace('value="Amina"', ""),
        "recherche hors lien : Amina montrée",
    )
    f.check(
        world.amina_login not in seen and world["A"].id not in seen,
        "recherche hors lien : identifiant ou id d'Amina",
    )
    f.check(
        strip(seen, amina) == strip(unseen, nobody),
        "recherche hors lien : réponse différente d'une personne inexistante",
    )
    f.attempt("prise de contrôle")
    response = py1.post("/pro/liens", {"code": "AAAA-AAAA"})


def logouts(world: World) -> None:
    """Last (it closes Bacar's sessions): a cookie replayed after logout, after « partout »."""
    f = world.findings
    session = world.session_cookie
    # replay after logout and after logout-everywhere
    for route in ("/deconnexion", "/deconnexion-partout"):
        f.attempt("sessions")
        victim = world.browser()
        victim.plant(world.device_cookie, world["B"].http.cookies.get(world.device_cookie) or "")
        victim.refresh_token("/connexion")
        victim.post("/connexion", {"login": "bacar.sonde", "password": PASSWORD})
        stolen = victim.http.cookies.get(session)
        victim.refresh_token("/compte")
        victim.post(route)
        response = httpx.get(world.url + "/api/me", cookies={session: stolen or ""})
        f.check(
            response.status_code == 401, f"cookie rejoué après {route} → {response.status_code}"
        )


def strip(html: str, values: dict[str, str]) -> str:
    html = re.sub(r'name="csrf_token" value="[0-9a-f]+"', "", html)
    for value in values.values():
        html = html.replace(value, "")
    return html


def enumeration(world: World) -> None:
    """Login, sign-up and recovery answers (and times) for existing and unknown people."""
    f = world.findings
    texts = {}
    times: dict[str, list[float]] = {"existe": [], "inconnu": []}
    for label, login in (("existe", "chadia.sonde"), ("inconnu", "personne.inconnue")):
        for _ in range(3):
            f.attempt("énumération")
            browser = world.browser()
            browser.refresh_token("/connexion")
            started = time.monotonic()
            response = browser.post("/connexion", {"login": login, "password": "faux mot de passe"})
            times[label].append(time.monotonic() - started)
            texts[label] = (response.status_code, strip(response.text, {"l": login}))
            browser.close()
    f.check(
        texts["existe"] == texts["inconnu"],
        "connexion : réponse différente selon que l'identifiant existe",
    )
    slow, fast = sorted(times["existe"])[1], sorted(times["inconnu"])[1]
    f.check(
        abs(slow - fast) < 0.25 + max(slow, fast), f"connexion : durées {slow:.3f} s / {fast:.3f} s"
    )
    for label, login in (("existe", world.amina_login), ("inconnu", "personne.inconnue")):
        f.attempt("énumération")
        browser = world.browser()
        browser.refresh_token("/recuperation")
        response = browser.post(
            "/recuperation",
            {
                "login": login,
                "code": "AAAA-BBBB-CCCC",
                "password": "un nouveau mot de passe",
                "password2": "un nouveau mot de passe",
            },
        )
        texts["r" + label] = (response.status_code, strip(response.text, {"l": login}))
    f.check(
        texts["rexiste"] == texts["rinconnu"],
        "récupération : réponse différente selon l'identifiant",
    )
    signups = []
    for values in (
        {
            "given_name": "Zeta",
            "family_name": "Neuve",
            "birth_date": "2000-01-01",
            "login": "chadia.sonde",
        },
        {
            "given_name": "Amina",
            "family_name": "Sonde",
            "birth_date": "1990-01-01",
            "login": "tout.neuf",
        },
        {
            "given_name": "Amina",
            "family_name": "Sonde\u200b",
            "birth_date": "1990-01-01",
            "login": "",
        },
        {"given_name": "Аmina", "family_name": "Sonde.", "birth_date": "1990-01-01", "login": ""},
    ):
        f.attempt("énumération")
        browser = world.browser()
        browser.refresh_token("/inscription")
        response = browser.post(
            "/inscription", {**values, "password": PASSWORD, "password2": PASSWORD}
        )
        f.check(response.status_code != 303, f"inscription en double acceptée : {values}")
        signups.append((response.status_code, strip(response.text, values)))
        browser.close()
    f.check(
        signups[0] == signups[1],
        "inscription : réponse différente pour un identifiant pris et une personne existante",
    )


def rate_limits(world: World) -> None:
    """Parallel bursts: logins on one account, link codes, recovery codes, current-password
    checks; the owner still gets in from her known device; spoofed X-Forwarded-For."""
    f = world.findings
    limit = 5

    def wrong_login(i: int) -> int:
        headers = {"X-Forwarded-For": f"10.0.0.{i}", "X-Real-IP": f"10.0.1.{i}"}
        return (
            world.browser()
            .api(
                "POST",
                "/api/session",
                json={"login": "chadia.sonde", "password": f"faux {i}"},
                headers=headers,
            )
            .status_code
        )

    f.attempt("limites", 20)
    counts = parallel(20, wrong_login)
    f.check(
        counts[401] <= limit, f"20 connexions parallèles : {dict(counts)} (au plus {limit} essais)"
    )
    f.attempt("limites")
    owner = world.browser()
    owner.plant(world.device_cookie, world["C"].http.cookies.get(world.device_cookie) or "")
    response = owner.api(
        "POST", "/api/session", json={"login": "chadia.sonde", "password": PASSWORD}
    )
    f.check(
        response.status_code == 200,
        f"la titulaire, depuis son appareil, pendant l'attaque → {response.status_code}",
    )
    py1 = world["py1"]

    def wrong_link(i: int) -> int:
        return py1.post("/pro/liens", {"code": f"ZZZZ-{i:04d}"}).status_code

    f.attempt("limites", 20)
    counts = parallel(20, wrong_link)
    f.check(counts[400] <= limit, f"20 codes de lien parallèles : {dict(counts)}")

    def wrong_recovery(i: int) -> int:
        browser = world.browser()
        browser.refresh_token("/recuperation")
        return browser.post(
            "/recuperation",
            {
                "login": world.amina_login,
                "code": f"AAAA-{i:04d}-CCCC",
                "password": "un nouveau mot de passe",
                "password2": "un nouveau mot de passe",
            },
        ).status_code

    f.attempt("limites", 20)
    counts = parallel(20, wrong_recovery)
    f.check(counts[400] <= limit, f"20 codes de récupération parallèles : {dict(counts)}")
    b = world["B"]

    def wrong_current(i: int) -> int:
        return b.post(
            "/compte/mot-de-passe",
            {
                "current": f"faux {i}",
                "password": "nouveau mot de passe pirate",
                "password2": "nouveau mot de passe pirate",
            },
        ).status_code

    f.attempt("limites", 20)
    counts = parallel(20, wrong_current)
    f.check(counts[429] >= 20 - limit - 3, f"20 mots de passe actuels parallèles : {dict(counts)}")
    password_forms(world, b)


FORM_RE = re.compile(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN_RE = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def password_forms(world: World, browser: Browser) -> None:
    """Every form of her pages that asks for the current password, once her checks are spent
    (the burst above): each must refuse with 429 before checking anything."""
    from tests.vault.probe.world import b32
    from vault_service import totp

    f = world.findings
    pages = ["/compte", "/compte/fermeture", "/compte/double-authentification", "/compte/export"]
    for page in pages:
        html = browser.get(page).text
        for action, body in FORM_RE.findall(html):
            if 'name="current"' not in body:
                continue
            data = dict(HIDDEN_RE.findall(body))
            secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html)
            if secret:
                data["code"] = totp.code(b32(secret.group(1)))
            data |= {"current": "encore faux", "confirm": "oui", "password": "x" * 12}
            data["password2"] = data["password"]
            f.attempt("limites")
            response = browser.http.post(action, data=data)
            f.check(
                response.status_code == 429,
                f"{action} vérifie encore le mot de passe actuel → {response.status_code}",
            )


def challenges(world: World) -> None:
    """A busy address (after the bursts above): spoofed X-Forwarded-For buys nothing, and
    challenges gathered in parallel then answered at once buy at most a couple of checks."""
    f = world.findings
    for i in range(25):  # password spraying from one address: it becomes busy
        f.attempt("vérifications")
        world.browser().api("POST", "/api/session", json={"login": f"spray.{i}", "password": "x"})
    f.attempt("vérifications")
    spoofed = world.browser().api(
        "POST",
        "/api/session",
        json={"login": "spray.0", "password": "x"},
        headers={"X-Forwarded-For": "203.0.113.7", "X-Real-IP": "203.0.113.7"},
    )
    f.check(
        spoofed.status_code == 429,
        f"X-Forwarded-For contourne la vérification → {spoofed.status_code}",
    )
    gathered = []
    for i in range(10):
        response = world.browser().api(
            "POST", "/api/session", json={"login": f"spray.{i}", "password": "x"}
        )
        detail = response.json()["error"].get("detail") or {}
        if "challenge" in detail:
            gathered.append(detail["challenge"])
    if not f.check(len(gathered) == 10, f"adresse chargée sans vérification ({len(gathered)}/10)"):
        return
    time.sleep(max(c["wait"] for c in gathered) + 0.5)

    def answer(i: int) -> int:
        challenge = gathered[i]
        a, b = map(int, re.findall(r"\d+", challenge["question"]))
        body = {"login": f"spray.{i}", "password": "x", "challenge_token": challenge["token"]}
        response = world.browser().api(
            "POST", "/api/session", json={**body, "challenge_answer": str(a + b)}
        )
        return response.status_code

    f.attempt("vérifications", 10)
    counts = parallel(10, answer)
    f.check(counts[401] <= 3, f"10 vérifications réunies puis jouées ensemble : {dict(counts)}")
    f.attempt("vérifications")
    replayed = world.browser().api(
        "POST",
        "/api/session",
        json={
            "login": "spray.0",
            "password": "x",
            "challenge_token": gathered[0]["token"],
            "challenge_answer": "0",
        },
    )
    f.check(replayed.status_code == 429, f"fausse réponse acceptée → {replayed.status_code}")


def forwarding(world: World) -> None:
    """With her consent to pass on to Y, then her revocation: Y loses access at once; an
    accepted request cannot smuggle another person's document into the share."""
    f = world.findings
    a, px1, py1 = world["A"], world["px1"], world["py1"]
    doc = world.victim["doc_id"][1]
    response = a.post(
        "/partages",
        {
            "structure_id": world.structures["X"],
            "scheme": "rsa",
            "purpose": "transmissible",
            "document": doc,
            "days": "10",
            "forward_structure_id": world.structures["Y"],
        },
    )
    if not f.check(response.status_code == 303, f"partage transmissible → {response.status_code}"):
        return
    f.attempt("partages", 4)
    passed = px1.post(f"/pro/documents/{doc}/transmettre", {"structure_id": world.structures["Y"]})
    f.check(passed.status_code == 303, f"transmission consentie → {passed.status_code}")
    f.check(
        py1.get(f"/pro/documents/{doc}").status_code == 200, "Y ne lit pas le document transmis"
    )
    f.check(
        refused(
            py1.post(f"/pro/documents/{doc}/transmettre", {"structure_id": world.structures["X"]})
        ),
        "Y retransmet",
    )
    for share in re.findall(r'action="/partages/([^/"]+)/retirer"', a.get("/partages").text):
        a.post(f"/partages/{share}/retirer")
    f.check(
        refused(py1.get(f"/pro/documents/{doc}")),
        "Y lit encore après la révocation du partage parent",
    )
    f.check(refused(px1.get(f"/pro/documents/{doc}")), "X lit encore après la révocation")
    b_doc = world["B"].get("/api/documents").json()["documents"][0]["id"]
    for ask in world.victim["ask_id"]:
        f.attempt("partages")
        response = a.post(f"/demandes/{ask}/accepter", {"document": b_doc, "days": "5"})
        f.check(
            refused(response) or b_doc not in px1.get("/pro/partages").text,
            "demande acceptée avec le document de Bacar",
        )
        f.check(
            refused(px1.get(f"/pro/documents/{b_doc}")),
            "px1 lit le document de Bacar par une demande",
        )


def deposits(world: World) -> None:
    """A structure's attestation in her vault: she cannot swap its file while « déposé par »
    and the origin check keep vouching for it; nobody else reads its origin page."""
    f = world.findings
    a = world["A"]
    for doc in world.victim["doc_id"]:
        if a.get(f"/documents/{doc}/origine").status_code != 200:
            continue
        f.attempt("dépôts d'une structure", 3)
        page = a.http.post(
            f"/documents/{doc}/version",
            data={"csrf_token": a.token},
            files={"file": ("faux.pdf", pdf("faux"), "application/pdf")},
        )
        f.check(page.status_code >= 400, f"nouvelle version d'un dépôt → {page.status_code}")
        api = a.api(
            "POST",
            f"/api/documents/{doc}/versions",
            files={"file": ("faux.pdf", pdf("faux"), "application/pdf")},
        )
        f.check(api.status_code >= 400, f"nouvelle version d'un dépôt (API) → {api.status_code}")
        origin = a.get(f"/documents/{doc}/origine").text
        f.check("Authentique" in origin, "l'origine d'un dépôt intact n'est plus authentique")
        return
    f.add("pas de document déposé à attaquer")


def duplicates(world: World) -> None:
    """Forged, altered and foreign duplicates are never « authentique »."""
    f = world.findings
    a = world["A"]
    code = world.victim["code"][0]
    doc = world.victim["doc_id"][0]
    genuine = a.get(f"/documents/{doc}/duplicatas/{code}").content
    anonymous = world.browser()
    altered_code = code[:-1] + ("A" if code[-1] != "A" else "B")
    for query in (
        f"?code={altered_code}",
        "?code=" + "A" * 16,
        "?d=" + "eyJmaWVsZHMiOnt9LCJzaWciOiIifQ",
        f"?code={code}%00",
    ):
        f.attempt("duplicatas")
        response = anonymous.get("/api/verification" + query)
        f.check(
            response.status_code >= 400 or not response.json().get("authentic"),
            f"vérification {query} → authentique",
        )
    forgeries = [
        genuine.replace(b"CAF", b"CAX", 1),
        genuine[:-200] + b"x" + genuine[-199:],
        pdf(),
        genuine[: len(genuine) // 2],
    ]
    for forged in [x for x in forgeries if x != genuine]:
        f.attempt("duplicatas")
        response = anonymous.api(
            "POST", "/api/verification", files={"file": ("d.pdf", forged, "application/pdf")}
        )
        f.check(
            response.status_code >= 400 or not response.json().get("authentic"),
            f"PDF falsifié ({len(forged)} o) → authentique",
        )
    f.attempt("duplicatas")
    response = anonymous.api(
        "POST", "/api/verification", files={"file": ("d.pdf", genuine, "application/pdf")}
    )
    f.check(
        response.status_code == 200 and response.json().get("authentic"),
        f"le vrai duplicata → {response.text[:200]}",
    )


def exports(world: World) -> None:
    """The export holds her things only; nobody else gets it."""
    f = world.findings
    f.attempt("export", 2)
    response = world["B"].get("/compte/export.zip")
    if f.check(response.status_code == 200, f"export de Bacar → {response.status_code}"):
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        text = b"".join(archive.read(name) for name in archive.namelist())
        for doc in world.victim["doc_id"]:
            f.check(doc.encode() not in text, "l'export de Bacar contient un document d'Amina")
        f.check(
            b"Pi\xc3\xa8ce de A" not in text and world["A"].id.encode() not in text,
            "l'export de Bacar parle d'Amina",
        )
    for who in ("px1", "admX", "root"):
        f.attempt("export")
        f.check(refused(world[who].get("/compte/export.zip")), f"export par {who}")


FAMILIES = [
    controls,
    anonymous_access,
    idor,
    escalation,
    csrf,
    methods,
    hostile_input,
    filenames,
    uploads,
    odd_paths,
    slow_clients,
    duplicates,
    grants,
    forwarding,
    deposits,
    exports,
    sessions_and_takeover,
    enumeration,
    rate_limits,
    challenges,
    logouts,
]


def run(world: World) -> Findings:
    for family in FAMILIES:
        started = time.monotonic()
        family(world)
        world.timings[family.__name__] = time.monotonic() - started
    return world.findings


__all__ = ["run", "threading"]
