"""Vault at scale: 2 instances on PostgreSQL + S3 against 1 instance on SQLite + local files.

    python -m bench.vault_scale [--clients 50] [--seconds 5] [--uploads 4] [--size-mb 10]
                                [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Same run, same machine, the same measures on both deployments:

1. `GET /api/documents` (20 documents) and `GET /api/documents/{id}/content` (a 200 KB
   document: decrypted, streamed, journaled) with `--clients` concurrent keep-alive clients,
   spread round-robin over the instances (as a load balancer would): requests per second,
   p50 and p95;
2. upload throughput of `--size-mb` MB files (streamed, hashed, encrypted, stored durably,
   committed) as a ratio to a plain copy of the same file on the same disk (copy + fsync);
   and upload + download against copy + read back (the figure of bench.vault_throughput).

S3 is moto's standalone server (`python -m moto.server`, in-process Python, single machine):
it measures the vault's S3 code path, not what a real object store would sustain. The load
generator shares the machine's CPUs with everything else. Figures are printed and written to
`bench/out/vault_scale.json`; never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.vault_throughput import (
    PASSWORD,
    free_port,
    plain_copy,
    sign_in,
    synthetic_pdf,
    upload,
)
from vault_service import accounts
from vault_service.db import make_engine, migrate
from vault_service.passwords import Argon2Params, hash_password

REPOSITORY = Path(__file__).resolve().parents[1]
OUT = REPOSITORY / "bench" / "out"
S3_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def wait_http(url: str, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} s'est arrêté au démarrage")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{what} n'a pas démarré")


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **S3_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/moto-api/", "le serveur S3 (moto)", process)
    return process, url


def start_vault(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "vault_service", "serve", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_http(f"http://127.0.0.1:{port}/api/health", "le coffre-fort", process)
    return process, port


async def hammer(
    ports: list[int], path: str, cookies: list[str], limit: int, seconds: float
) -> dict[str, float]:
    """`len(cookies)` keep-alive clients, client n on ports[n % len(ports)] (minimal HTTP/1.1
    on asyncio streams: httpx's async pool costs more CPU than the server it measures)."""
    latencies: list[float] = []
    budget = {"left": limit}

    async def worker(n: int, cookie: str, deadline: float) -> None:
        port = ports[n % len(ports)]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: vault_session={cookie}\r\n\r\n"
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
    await asyncio.gather(*(worker(n, c, start + seconds) for n, c in enumerate(cookies)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000, 1),
    }


def deployment(
    name: str, database_url: str, work: Path, instances: int, storage: dict[str, str], args: Any
) -> dict[str, Any]:
    """Start the instances, load them, measure, stop them."""
    params = Argon2Params(1024, 1)  # logins are not measured here (bench.vault_throughput)
    engine = make_engine(database_url)
    migrate(engine)
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
    ring = "bench:" + base64.b64encode(secrets.token_bytes(32)).decode()
    processes, ports = [], []
    try:
        for n in range(instances):
            env = {
                **os.environ,
                **storage,
                "VAULT_COOKIE_KEY": "c" * 48,
                "VAULT_KEYRING": ring,
                "VAULT_DATABASE_URL": database_url,
                "VAULT_DATA_DIR": str(work / f"data-{n}"),
                "VAULT_SECURE_COOKIES": "false",
                "VAULT_PUBLIC_URL": "http://127.0.0.1/",
                "VAULT_MAX_UPLOAD_BYTES": str((args.size_mb + 1) * 1024 * 1024),
                "VAULT_LOGIN_ATTEMPTS": "1000000",
                "VAULT_ARGON2_MEMORY_KIB": "1024",
                "VAULT_ARGON2_ITERATIONS": "1",
            }
            process, port = start_vault(env, work)
            processes.append(process)
            ports.append(port)
        return measure(name, ports, [p.pid for p in processes], work, args)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(timeout=30)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (robust on a loaded machine)."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, ports: list[int], pids: list[int], work: Path, args: Any) -> dict[str, Any]:
    size = args.size_mb * 1024 * 1024
    source = work / "document.pdf"
    if not source.exists():
        synthetic_pdf(source, size)
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{p}", timeout=120) for p in ports]
    for client in clients:
        sign_in(client)
    # 2. Uploads, alternating over the instances; then downloads.
    cpu_start = cpu_seconds(pids)
    start = time.perf_counter()
    ids = [
        upload(clients[n % len(clients)], source, f"Banc {n}", "banc.pdf")
        for n in range(args.uploads)
    ]
    upload_s = time.perf_counter() - start
    server_cpu_ms = (cpu_seconds(pids) - cpu_start) * 1000 / args.uploads
    start = time.perf_counter()
    for n, doc_id in enumerate(ids):
        with clients[(n + 1) % len(clients)].stream(
            "GET", f"/api/documents/{doc_id}/content"
        ) as response:
            assert sum(len(chunk) for chunk in response.iter_bytes()) == size
    download_s = time.perf_counter() - start
    copy_cpu = own_cpu_seconds()
    copy_only = plain_copy_no_read(source, work, args.uploads)
    copy_cpu_ms = (own_cpu_seconds() - copy_cpu) * 1000 / args.uploads
    copy_and_read = plain_copy(source, work, args.uploads)
    upload_mb_s = size * args.uploads / upload_s / 1e6
    both_mb_s = size * args.uploads / (upload_s + download_s) / 1e6
    listing, download = measure_concurrency(ports, clients, work, args, len(ids))
    return {
        "deployment": name,
        "instances": len(ports),
        "list": listing,
        "download_200kb": download,
        "upload": {
            "files": args.uploads,
            "size_mb": args.size_mb,
            "upload_mb_s": round(upload_mb_s, 1),
            "plain_copy_mb_s": round(copy_only, 1),
            "ratio_upload_to_copy": round(upload_mb_s / copy_only, 3),
            "server_cpu_ms_per_file": round(server_cpu_ms, 1),
            "copy_cpu_ms_per_file": round(copy_cpu_ms, 1),
            "upload_plus_download_mb_s": round(both_mb_s, 1),
            "copy_plus_read_mb_s": round(copy_and_read, 1),
            "ratio_upload_download_to_copy_read": round(both_mb_s / copy_and_read, 3),
        },
    }


def measure_concurrency(
    ports: list[int], clients: list[httpx.Client], work: Path, args: Any, uploaded: int
) -> tuple[dict[str, float], dict[str, float]]:
    """1. Listing (20 documents) and the download of a 200 KB one under concurrent clients;
    the clients are closed."""
    small = work / "small.pdf"
    synthetic_pdf(small, 200_000)
    for n in range(20 - uploaded):
        small_id = upload(clients[n % len(clients)], small, f"Petit {n}", "petit.pdf")
    cookies = [sign_in(clients[n % len(clients)]) for n in range(args.clients)]
    for client in clients:
        client.close()
    listing = asyncio.run(hammer(ports, "/api/documents", cookies, args.max_requests, args.seconds))
    download = asyncio.run(
        hammer(
            ports, f"/api/documents/{small_id}/content", cookies, args.max_requests, args.seconds
        )
    )
    return listing, download


def plain_copy_no_read(source: Path, folder: Path, runs: int) -> float:
    size, start = source.stat().st_size, time.perf_counter()
    for n in range(runs):
        target = folder / f"copy-{n}.pdf"
        shutil.copyfile(source, target)
        with target.open("rb+") as handle:
            os.fsync(handle.fileno())
        target.unlink()
    return size * runs / (time.perf_counter() - start) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--size-mb", type=int, default=10)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", metavar="URL"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vault-scale-"))
    schema = f"vault_scale_{os.getpid()}"
    admin = create_engine(args.postgres)
    moto, s3_url = start_moto()
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        bucket = create_bucket(s3_url)
        single = deployment(
            "1 instance, SQLite + fichiers locaux",
            f"sqlite:///{work / 'vault.sqlite3'}",
            work,
            1,
            {},
            args,
        )
        cluster = deployment(
            "2 instances, PostgreSQL + S3 (moto)",
            f"{args.postgres}?options=-csearch_path%3D{schema}",
            work,
            2,
            {
                **S3_ENV,
                "VAULT_STORAGE": "s3",
                "VAULT_S3_BUCKET": bucket,
                "VAULT_S3_ENDPOINT_URL": s3_url,
                "VAULT_S3_REGION": "us-east-1",
            },
            args,
        )
    finally:
        moto.terminate()
        moto.wait(timeout=30)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(work, ignore_errors=True)
    report = {
        "single": single,
        "cluster": cluster,
        "cluster_to_single": ratios(cluster, single),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": round(os.getloadavg()[0], 2),
            "clients": args.clients,
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "vault_scale.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"Écrit : {path.relative_to(REPOSITORY)}")
    return 0


def create_bucket(s3_url: str) -> str:
    import boto3

    bucket = f"vault-bench-{secrets.token_hex(4)}"
    boto3.session.Session().client(
        "s3",
        endpoint_url=s3_url,
        region_name="us-east-1",
        aws_access_key_id=S3_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_ENV["AWS_SECRET_ACCESS_KEY"],
    ).create_bucket(Bucket=bucket)
    return bucket


def ratios(cluster: dict[str, Any], single: dict[str, Any]) -> dict[str, float]:
    return {
        "list_rps": round(
            cluster["list"]["requests_per_second"] / single["list"]["requests_per_second"], 3
        ),
        "download_rps": round(
            cluster["download_200kb"]["requests_per_second"]
            / single["download_200kb"]["requests_per_second"],
            3,
        ),
        "upload_mb_s": round(cluster["upload"]["upload_mb_s"] / single["upload"]["upload_mb_s"], 3),
    }


if __name__ == "__main__":
    sys.exit(main())
