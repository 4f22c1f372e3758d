"""Vault throughput, through the real service (uvicorn subprocess, loopback, SQLite by default).

    python -m bench.vault_throughput [--docs 5] [--size-mb 10] [--clients 50] [--seconds 5]
                                     [--postgres postgresql+psycopg://...]

Measures, in the same run:

1. upload + download of synthetic 10 MB PDFs through the API (streamed, encrypted, fsynced)
   against a plain file copy of the same file on the same disk (copy + fsync + read back):
   MB/s of each and their ratio;
2. listing requests per second (`GET /api/documents`, 20 documents) with 50 concurrent
   clients on loopback, bounded by a request count and a duration; the same load on
   `GET /api/openapi.json` without a session cookie (no database at all) as the baseline;
   the same for one document's details (`GET /api/documents/{id}`: an async endpoint whose
   queries go through `web.db_read`, so they leave the event loop);
3. the login cost: Argon2id with the production parameters (m=19456 KiB, t=2, p=1) in
   process, and `POST /api/session` end to end;
4. the server's peak resident memory (VmHWM) before and after the uploads (flat memory).

The load generator runs on the same machine: on a busy 2-core box both share the CPUs.

Figures are printed and written to `bench/out/vault_throughput_<database>.json`; never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from vault_service import accounts
from vault_service.db import make_engine, migrate
from vault_service.passwords import Argon2Params, hash_password, verify_password

REPOSITORY = Path(__file__).resolve().parents[1]
OUT = REPOSITORY / "bench" / "out"
PASSWORD = "mot de passe du banc"
HEADERS = {"X-Vault-CSRF": "1"}


def synthetic_pdf(path: Path, size: int) -> None:
    """A PDF-shaped file of `size` bytes (random body, valid header and trailer)."""
    head, tail = b"%PDF-1.7\n% synthetic benchmark data\n", b"\ntrailer << >>\n%%EOF\n"
    with path.open("wb") as handle:
        handle.write(head)
        remaining = size - len(head) - len(tail)
        while remaining > 0:
            block = os.urandom(min(1 << 20, remaining)).replace(b"PK\x05\x06", b"PK\x05\x07")
            handle.write(block)
            remaining -= len(block)
        handle.write(tail)


def upload(client: httpx.Client, path: Path, title: str, filename: str) -> str:
    """Deposit the file through the API; its document id."""
    with path.open("rb") as handle:
        response = client.post(
            "/api/documents",
            headers=HEADERS,
            data={"doc_type": "autre", "scheme": "aucun", "title": title},
            files={"file": (filename, handle, "application/pdf")},
        )
    response.raise_for_status()
    return str(response.json()["id"])


def sign_in(client: httpx.Client) -> str:
    """Log the bench account in through the API; its session cookie."""
    response = client.post(
        "/api/session", headers=HEADERS, json={"login": "banc", "password": PASSWORD}
    )
    response.raise_for_status()
    return str(response.cookies["vault_session"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def plain_copy(source: Path, folder: Path, runs: int) -> float:
    size, start = source.stat().st_size, time.perf_counter()
    for n in range(runs):
        target = folder / f"copy-{n}.pdf"
        shutil.copyfile(source, target)
        with target.open("rb+") as handle:
            os.fsync(handle.fileno())
        with target.open("rb") as handle:
            while handle.read(1 << 20):
                pass
        target.unlink()
    return size * runs / (time.perf_counter() - start) / 1e6


async def hammer(
    port: int, path: str, cookies: list[str], limit: int, seconds: float
) -> dict[str, float]:
    """`len(cookies)` concurrent keep-alive connections (one session each) on loopback.

    A minimal HTTP/1.1 client on asyncio streams: httpx's async pool, tried first, spent more
    CPU than the server at 50 connections and measured itself instead of the vault."""
    latencies: list[float] = []
    budget = {"left": limit}

    async def worker(cookie: str, deadline: float) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            + (f"Cookie: vault_session={cookie}\r\n" if cookie else "")
            + "\r\n"
        ).encode()
        try:
            while budget["left"] > 0 and time.perf_counter() < deadline:
                budget["left"] -= 1
                start = time.perf_counter()
                writer.write(request)
                await writer.drain()
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(c, start + seconds) for c in cookies))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--size-mb", type=int, default=10)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--logins", type=int, default=5)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="PostgreSQL server to use instead of SQLite (a throw-away schema is created in it, "
        "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)",
    )
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="vault-bench-"))
    schema = f"vault_bench_{os.getpid()}"
    if args.postgres:
        admin = create_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        database_url = f"{args.postgres}?options=-csearch_path%3D{schema}"
    else:
        database_url = f"sqlite:///{work / 'vault.sqlite3'}"
    try:
        return run(args, work, database_url)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.postgres:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def run(args: argparse.Namespace, work: Path, database_url: str) -> int:
    env = {
        **os.environ,
        "VAULT_COOKIE_KEY": base64.b64encode(os.urandom(36)).decode(),
        "VAULT_KEYRING": "bench:" + base64.b64encode(os.urandom(32)).decode(),
        "VAULT_DATABASE_URL": database_url,
        "VAULT_DATA_DIR": str(work / "data"),
        "VAULT_SECURE_COOKIES": "false",
        "VAULT_MAX_UPLOAD_BYTES": str((args.size_mb + 1) * 1024 * 1024),
        "VAULT_LOGIN_ATTEMPTS": "1000000",
    }
    engine = make_engine(database_url)
    migrate(engine)
    params = Argon2Params()
    with engine.begin() as conn:
        accounts.create_account(
            conn,
            role="beneficiary",
            person=accounts.Person("Banc", "Essai", "1980-01-01"),
            login="banc",
            password_hash=hash_password(PASSWORD, params),
            structure_id=None,
            created_by=None,
        )
    engine.dispose()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "serve", "--port", str(port)],
        cwd=REPOSITORY,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/api/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("le coffre-fort n'a pas démarré") from None
                time.sleep(0.2)
        report = measure(args, work, base, server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)

    database = database_url.split(":", 1)[0].split("+")[0]
    report["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "database": database,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"vault_throughput_{database}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"Écrit : {path.relative_to(REPOSITORY)}")
    return 0


def measure(args: argparse.Namespace, work: Path, base: str, pid: int) -> dict[str, object]:
    size = args.size_mb * 1024 * 1024
    source = work / "document.pdf"
    synthetic_pdf(source, size)
    rss_start = peak_rss_kib(pid)
    client = httpx.Client(base_url=base, timeout=120)
    login = measure_logins(args, client)  # 3. Login cost.
    # 1. Upload + download vs plain copy (peak memory measured around the uploads only:
    #    each Argon2id login above briefly takes its 19 MiB).
    rss_idle = peak_rss_kib(pid)
    ids, documents = measure_documents(args, client, source, work, size)
    rss_after_upload = peak_rss_kib(pid)
    listing, item, baseline = measure_concurrency(args, client, work, base, ids)
    client.close()
    return {
        "documents": documents,
        "listing": {
            "clients": args.clients,
            **listing,
            "baseline_openapi": baseline,
            "ratio_to_baseline": round(
                listing["requests_per_second"] / baseline["requests_per_second"], 3
            ),
        },
        "document_item": {
            "clients": args.clients,
            **item,
            "ratio_to_baseline": round(
                item["requests_per_second"] / baseline["requests_per_second"], 3
            ),
        },
        "login": login,
        "server_peak_rss_mib": {
            "start": round(rss_start / 1024, 1),
            "after_logins": round(rss_idle / 1024, 1),
            "after_uploads": round(rss_after_upload / 1024, 1),
        },
    }


def measure_logins(args: argparse.Namespace, client: httpx.Client) -> dict[str, object]:
    """Argon2id verification alone, then the API login around it."""
    stored = hash_password(PASSWORD, Argon2Params())
    start = time.perf_counter()
    for _ in range(args.logins):
        verify_password(PASSWORD, stored)
    argon_ms = (time.perf_counter() - start) / args.logins * 1000
    logins = []
    for _ in range(args.logins):
        start = time.perf_counter()
        response = client.post(
            "/api/session", headers=HEADERS, json={"login": "banc", "password": PASSWORD}
        )
        response.raise_for_status()
        logins.append(time.perf_counter() - start)
    return {
        "argon2id_verify_ms": round(argon_ms, 1),
        "api_login_median_ms": round(statistics.median(logins) * 1000, 1),
        "params": "m=19456 KiB, t=2, p=1",
    }


def measure_documents(
    args: argparse.Namespace, client: httpx.Client, source: Path, work: Path, size: int
) -> tuple[list[str], dict[str, object]]:
    """Upload then download `args.docs` documents, against a plain copy of the same bytes."""
    start = time.perf_counter()
    ids = [upload(client, source, f"Banc {n}", "banc.pdf") for n in range(args.docs)]
    upload_s = time.perf_counter() - start
    start = time.perf_counter()
    for doc_id in ids:
        with client.stream("GET", f"/api/documents/{doc_id}/content") as response:
            received = sum(len(chunk) for chunk in response.iter_bytes())
        assert received == size
    download_s = time.perf_counter() - start
    vault_mb_s = size * args.docs / (upload_s + download_s) / 1e6
    copy_mb_s = plain_copy(source, work, args.docs)
    return ids, {
        "count": args.docs,
        "size_mb": args.size_mb,
        "upload_mb_s": round(size * args.docs / upload_s / 1e6, 1),
        "download_mb_s": round(size * args.docs / download_s / 1e6, 1),
        "upload_plus_download_mb_s": round(vault_mb_s, 1),
        "plain_copy_mb_s": round(copy_mb_s, 1),
        "ratio_vault_to_copy": round(vault_mb_s / copy_mb_s, 3),
    }


def measure_concurrency(
    args: argparse.Namespace, client: httpx.Client, work: Path, base: str, ids: list[str]
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """2. Listing, one document, and the OpenAPI baseline under concurrent clients (20 small
    documents in the list)."""
    tiny = work / "tiny.pdf"
    synthetic_pdf(tiny, 2000)
    for n in range(20 - len(ids)):
        upload(client, tiny, f"Petit {n}", "petit.pdf")
    jars = [sign_in(client) for _ in range(args.clients)]
    port = int(base.rsplit(":", 1)[1])
    listing = asyncio.run(hammer(port, "/api/documents", jars, args.max_requests, args.seconds))
    item = asyncio.run(
        hammer(port, f"/api/documents/{ids[0]}", jars, args.max_requests, args.seconds)
    )
    baseline = asyncio.run(
        hammer(port, "/api/openapi.json", [""] * len(jars), args.max_requests, args.seconds)
    )
    return listing, item, baseline


if __name__ == "__main__":
    sys.exit(main())
