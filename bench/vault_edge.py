"""Vault under attack at the edge, through the real service (uvicorn subprocess, loopback).

    python -m bench.vault_edge [--mb 300] [--parallel 20] [--postgres postgresql+psycopg://...]

Measures, in the same run:

1. **Login under 20 parallel attempts** (production Argon2id, m=19456 KiB, t=2, p=1):
   - baseline: one login at a time (median of 5);
   - 20 people logging in at once, each on her own account: p50 / p95 / max;
   - 20 parallel attempts on ONE account (19 wrong, 1 right): p95, how many 429, and how
     many passwords the server actually checked (at most VAULT_LOGIN_ATTEMPTS);
   and the ratios p95 / baseline.
2. **A 300 MB body on every route that takes one** (POST, PATCH, DELETE; signed in as a
   beneficiary so that uploads really stream), sent chunked (no Content-Length, the worst
   case) and with a declared Content-Length: the server's resident memory after idle, and
   its peak (VmHWM) after every route: the growth must stay within a few MB; plus how much
   of each body the client managed to send before the answer.

The load generator runs on the same machine. Figures are printed and written to
`bench/out/vault_edge_<database>.json`; never asserted.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from vault_service import accounts, sessions
from vault_service.app import ROUTES, UPLOADS
from vault_service.db import make_engine, migrate
from vault_service.passwords import Argon2Params, hash_password
from vault_service.settings import Settings

REPOSITORY = Path(__file__).resolve().parents[1]
OUT = REPOSITORY / "bench" / "out"
PASSWORD = "mot de passe du banc d'essai"
API = {"X-Vault-CSRF": "1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory_kib(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            found[line.split(":")[0]] = int(line.split()[1])
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def login(base: str, login_name: str, password: str) -> tuple[int, float]:
    start = time.perf_counter()
    response = httpx.post(
        base + "/api/session",
        json={"login": login_name, "password": password},
        headers=API,
        timeout=120,
    )
    return response.status_code, time.perf_counter() - start


def parallel(base: str, attempts: list[tuple[str, str]]) -> list[tuple[int, float]]:
    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(lambda a: login(base, *a), attempts))


def body_routes() -> list[tuple[str, str]]:
    return [
        (method, re.sub(r"\{[^}]+\}", "x", getattr(route, "path", "")))
        for route in ROUTES
        for method in sorted(getattr(route, "methods", None) or ())
        if method in {"POST", "PATCH", "DELETE", "PUT"}
    ]


BOUNDARY = "limite-du-banc"
UPLOAD_PATHS = {re.sub(r"\{[^}]+\}", "x", p) for p in UPLOADS}


def send_big(port: int, method: str, path: str, cookie: str, size: int, chunked: bool) -> Any:
    """Send `size` bytes of body (or until the server answers); (status, MB sent). Upload
    routes get a multipart file part (so the file really streams into encryption), the
    others JSON-looking bytes."""
    block = b"[" * 65536
    upload = path in UPLOAD_PATHS
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    kind = f"multipart/form-data; boundary={BOUNDARY}" if upload else "application/json"
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Type: {kind}",
        "X-Vault-CSRF: 1",
        f"Cookie: vault_session={cookie}",
    ]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}")
    sent = 0
    answer = b""
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        if upload:
            part = (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                'filename="gros.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n'
            ).encode()
            sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
            sent += len(part)
        frame = (f"{len(block):x}\r\n".encode() + block + b"\r\n") if chunked else block
        while sent < size:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            sock.sendall(frame)
            sent += len(block)
        if chunked and sent >= size:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed: what we want
    try:
        sock.settimeout(30)
        answer = sock.recv(200)
    except OSError:
        pass
    finally:
        sock.close()
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "coupé"
    return status, round(sent / 1024 / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=300)
    parser.add_argument("--parallel", type=int, default=20)
    parser.add_argument("--postgres", default="", help="URL PostgreSQL (défaut : SQLite)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vault-edge-"))
    schema = ""
    url = f"sqlite:///{work / 'vault.sqlite3'}"
    if args.postgres:
        schema = f"bench_edge_{os.getpid()}"
        admin = make_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = (
            args.postgres
            + ("&" if "?" in args.postgres else "?")
            + (f"options=-csearch_path%3D{schema}")
        )
    try:
        return run(args, work, url)
    finally:
        if schema:
            admin = make_engine(args.postgres)
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def run(args: argparse.Namespace, work: Path, url: str) -> int:
    cookie_key = base64.b64encode(os.urandom(36)).decode()
    env = {
        **os.environ,
        "VAULT_COOKIE_KEY": cookie_key,
        "VAULT_KEYRING": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "VAULT_DATABASE_URL": url,
        "VAULT_DATA_DIR": str(work / "data"),
        "VAULT_SECURE_COOKIES": "false",
        "VAULT_ADDRESS_FREE_FAILURES": "100000",  # the bench is one address: measure logins
    }
    settings = Settings.from_env(env)
    engine = make_engine(url)
    migrate(engine)
    hashed = hash_password(PASSWORD, Argon2Params())
    with engine.begin() as conn:
        for n in range(args.parallel + 1):
            accounts.create_account(
                conn,
                role="beneficiary",
                person=accounts.Person(f"Banc{n}", "Essai", "1980-01-01"),
                login=f"banc{n}",
                password_hash=hashed,
                structure_id=None,
                created_by=None,
            )
        owner = accounts.by_login(conn, "banc0")
        cookie, _ = sessions.open_session(conn, owner.id, settings)
    engine.dispose()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "serve", "--port", str(port)],
        cwd=REPOSITORY,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("le coffre-fort n'a pas démarré") from None
                time.sleep(0.2)
        # Bodies first: the peak memory of 20 parallel Argon2 checks would hide their growth.
        bodies = measure_bodies(port, server.pid, cookie, args.mb)
        report = {"big_bodies": bodies, "login": measure_logins(base, args.parallel)}
        report["login"]["server_peak_after_kib"] = memory_kib(server.pid)["VmHWM"]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    database = url.split(":", 1)[0].split("+")[0]
    report["machine"] = {
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "database": database,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"vault_edge_{database}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"Écrit : {path.relative_to(REPOSITORY)}")
    return 0


def measure_logins(base: str, count: int) -> dict[str, Any]:
    login(base, "banc1", PASSWORD)  # warm up
    single = statistics.median(login(base, "banc1", PASSWORD)[1] for _ in range(5))
    people = parallel(base, [(f"banc{n + 1}", PASSWORD) for n in range(count)])
    times = [t for _, t in people]
    attack = parallel(
        base, [("banc0", f"faux {n}") for n in range(count - 1)] + [("banc0", PASSWORD)]
    )
    attack_times = [t for _, t in attack]
    statuses = [s for s, _ in attack]
    return {
        "single_s": round(single, 3),
        "parallel_people": {
            "statuses": sorted({s for s, _ in people}),
            "p50_s": round(percentile(times, 0.5), 3),
            "p95_s": round(percentile(times, 0.95), 3),
            "max_s": round(max(times), 3),
            "p95_over_single": round(percentile(times, 0.95) / single, 1),
        },
        "parallel_attack_one_account": {
            "p95_s": round(percentile(attack_times, 0.95), 3),
            "refused_429": statuses.count(429),
            "checked": count - statuses.count(429),
            "accepted": statuses.count(200),
        },
    }


def measure_bodies(port: int, pid: int, cookie: str, mb: int) -> dict[str, Any]:
    size = mb * 1024 * 1024
    idle = memory_kib(pid)
    routes = []
    for method, path in body_routes():
        for chunked in (True, False):
            status, sent = send_big(port, method, path, cookie, size, chunked)
            routes.append(
                {
                    "route": f"{method} {path}",
                    "mode": "chunked" if chunked else "content-length",
                    "status": status,
                    "client_sent_mb": sent,
                    "server_peak_kib": memory_kib(pid)["VmHWM"],
                }
            )
    peak = max(r["server_peak_kib"] for r in routes)
    return {
        "body_mb": mb,
        "idle_rss_kib": idle["VmRSS"],
        "idle_peak_kib": idle["VmHWM"],
        "peak_after_all_kib": peak,
        "growth_mb": round((peak - idle["VmHWM"]) / 1024, 1),
        "routes": routes,
    }


if __name__ == "__main__":
    raise SystemExit(main())
