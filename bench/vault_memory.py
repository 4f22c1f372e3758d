"""Peak memory of one large upload through the vault app (in process, no HTTP layer).

    python -m bench.vault_memory --mb 100

Feeds a synthetic multipart body of N MB, 64 KiB at a time, straight into the ASGI app (as a
server would) and reports the process's peak resident memory before and after, and the
application-level throughput. Streaming encryption should keep the growth to a few MB
whatever N is. Figures are printed and written to `bench/out/vault_memory.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy import update

from vault_service import accounts, sessions
from vault_service.app import create_app
from vault_service.db import accounts as accounts_table
from vault_service.db import make_engine, migrate
from vault_service.settings import Settings

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
BOUNDARY = "limite-du-banc"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args(argv)
    size = args.mb * 1024 * 1024
    app, cookie = signed_in_app(Path(tempfile.mkdtemp(prefix="vault-memory-")), size)
    statuses: list[Any] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    receive, scope = streamed_upload(size), upload_scope(cookie)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    anyio.run(app, scope, receive, send)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = {
        "upload_mb": args.mb,
        "status": statuses[0],
        "app_upload_mb_s": round(size / elapsed / 1e6, 1),
        "peak_rss_mib_before": round(before / 1024, 1),
        "peak_rss_mib_after": round(after / 1024, 1),
        "peak_rss_growth_mib": round((after - before) / 1024, 1),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "vault_memory.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0 if statuses == [201] else 1


def signed_in_app(work: Path, size: int) -> tuple[Any, str]:
    """The vault on SQLite under `work`, and the session cookie of one beneficiary."""
    settings = Settings.from_env(
        {},
        cookie_key="b" * 48,
        keyring={"bench": os.urandom(32)},
        data_dir=work / "data",
        database_url=f"sqlite:///{work / 'vault.sqlite3'}",
        secure_cookies=False,
        max_upload_bytes=size + 1024 * 1024,
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    with engine.begin() as conn:
        account_id = accounts.create_account(
            conn,
            role="beneficiary",
            person=accounts.Person("Banc", "Mémoire", "1980-01-01"),
            login="banc",
            password_hash=None,
            structure_id=None,
            created_by=None,
        )
        conn.execute(update(accounts_table).values(status="active"))
        cookie, _ = sessions.open_session(conn, account_id, settings)
    return create_app(settings, engine), cookie


def streamed_upload(size: int) -> Callable[[], Awaitable[dict[str, Any]]]:
    """The ASGI `receive` of a multipart upload of a `size`-byte PDF, sent in 64 KiB blocks."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\nautre\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="scheme"\r\n\r\naucun\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="gros.pdf"'
        f"\r\n\r\n%PDF-1.7\n"
    ).encode()
    tail = f"\n%%EOF\n\r\n--{BOUNDARY}--\r\n".encode()
    block = os.urandom(65536).replace(b"PK\x05\x06", b"PK\x05\x07")
    state = {"sent": 0, "done": False}

    async def receive() -> dict[str, Any]:
        if state["sent"] == 0:
            state["sent"] = 1
            return {"type": "http.request", "body": head, "more_body": True}
        if state["sent"] * len(block) < size:
            state["sent"] += 1
            return {"type": "http.request", "body": block, "more_body": True}
        if not state["done"]:
            state["done"] = True
            return {"type": "http.request", "body": tail, "more_body": False}
        await anyio.sleep(3600)
        return {"type": "http.disconnect"}

    return receive


def upload_scope(cookie: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/documents",
        "raw_path": b"/api/documents",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("banc", 80),
        "state": {},
        "headers": [
            (b"host", b"banc"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"cookie", f"vault_session={cookie}".encode()),
            (b"x-vault-csrf", b"1"),
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
