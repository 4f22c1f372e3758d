"""Does a slow database stall the vault? Requests under simulated database latency.

    python -m bench.vault_event_loop [--latency-ms 5] [--clients 10] [--requests 200]
                                     [--postgres postgresql+psycopg://...]

In process (ASGI, no HTTP layer), on PostgreSQL (a throw-away schema) or SQLite (the default;
its transactions take the write lock up front, so there they queue anyway): every statement
first sleeps --latency-ms in the thread that runs it, as a round trip to a remote PostgreSQL
would. Two async endpoints whose queries go through `web.db_read` are measured:
`GET /api/documents/{id}` and the structure administrator's page `GET /structure`. For each,
the same number of requests is sent one at a time (the baseline), then by --clients concurrent
clients, in the same run; the ratio says how much requests overlap. Queries run on the event
loop give about 1 (each request waits for the one before); in worker threads, up to --clients
(the CPU permitting). Measured 2026-11-29, 2 busy cores, PostgreSQL, 20 ms, 10 clients:
1.4 before the handlers moved their queries off the loop, 7.2 to 8.3 after.

Figures are printed and written to `bench/out/vault_event_loop_<database>.json`; never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, create_engine, event, text, update

from vault_service import accounts, sessions
from vault_service.app import create_app
from vault_service.db import accounts as accounts_table
from vault_service.db import make_engine, migrate
from vault_service.settings import Settings

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"


def _active(conn: Any, role: str, login: str, structure_id: str | None) -> str:
    account_id = accounts.create_account(
        conn,
        role=role,
        person=accounts.Person("Banc", login.title(), "1980-01-01"),
        login=login,
        password_hash=None,
        structure_id=structure_id,
        created_by=None,
    )
    conn.execute(
        update(accounts_table).where(accounts_table.c.id == account_id).values(status="active")
    )
    return account_id


def setup(engine: Engine, settings: Settings) -> tuple[str, str]:
    """A beneficiary and a structure administrator (20 colleagues); their session cookies."""
    with engine.begin() as conn:
        structure = accounts.create_structure(conn, "Structure du banc", 50, None)
        owner = _active(conn, "beneficiary", "banc", None)
        admin = _active(conn, "structure_admin", "banc.admin", structure)
        for n in range(20):
            _active(conn, "professional", f"banc.pro{n}", structure)
        owner_cookie, _ = sessions.open_session(conn, owner, settings)
        admin_cookie, _ = sessions.open_session(conn, admin, settings)
    return owner_cookie, admin_cookie


async def upload(app: Any, cookie: str) -> str:
    """One small synthetic PDF through the API; its id."""
    pdf = b"%PDF-1.7\n% banc\n" + os.urandom(2000).hex().encode() + b"\n%%EOF\n"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://banc",
        cookies={"vault_session": cookie},
    ) as http:
        response = await http.post(
            "/api/documents",
            headers={"X-Vault-CSRF": "1"},
            data={"doc_type": "autre", "scheme": "aucun", "title": "Banc"},
            files={"file": ("banc.pdf", pdf, "application/pdf")},
        )
    response.raise_for_status()
    document_id: str = response.json()["id"]
    return document_id


async def load(app: Any, path: str, cookie: str, clients: int, requests: int) -> float:
    """Requests per second for `requests` GETs shared by `clients` concurrent clients."""
    left = {"n": requests}
    transport = httpx.ASGITransport(app=app)

    async def client() -> None:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://banc", cookies={"vault_session": cookie}
        ) as http:
            while left["n"] > 0:
                left["n"] -= 1
                response = await http.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} : statut {response.status_code}")

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return requests / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server instead of SQLite")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vault-loop-"))
    schema = f"vault_loop_{os.getpid()}"
    if not args.postgres:
        return run(args, work, f"sqlite:///{work / 'vault.sqlite3'}")
    admin = create_engine(args.postgres)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        return run(args, work, f"{args.postgres}?options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(args: argparse.Namespace, work: Path, database_url: str) -> int:
    settings = Settings.from_env(
        {},
        cookie_key="b" * 48,
        keyring={"bench": os.urandom(32)},
        data_dir=work / "data",
        database_url=database_url,
        secure_cookies=False,
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    owner_cookie, admin_cookie = setup(engine, settings)
    app = create_app(settings, engine)
    doc_id = asyncio.run(upload(app, owner_cookie))
    delay = args.latency_ms / 1000

    @event.listens_for(engine, "before_cursor_execute")
    def _round_trip(*_: Any) -> None:
        time.sleep(delay)

    report: dict[str, Any] = {
        "database": database_url.split(":", 1)[0].split("+")[0],
        "latency_ms": args.latency_ms,
        "requests": args.requests,
    }
    for name, path, cookie in [
        ("document_item", f"/api/documents/{doc_id}", owner_cookie),
        ("structure_page", "/structure", admin_cookie),
    ]:
        serial = asyncio.run(load(app, path, cookie, 1, args.requests))
        concurrent = asyncio.run(load(app, path, cookie, args.clients, args.requests))
        report[name] = {
            "path": path.replace(doc_id, "{id}"),
            "one_client_rps": round(serial, 1),
            f"{args.clients}_clients_rps": round(concurrent, 1),
            "ratio_to_one_client": round(concurrent / serial, 2),
        }
    engine.dispose()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"vault_event_loop_{report['database']}.json").write_text(
        json.dumps(report, indent=2) + "\n", "utf-8"
    )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
