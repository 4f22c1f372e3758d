"""Export of a whole vault (one ZIP) and duplicate verification: time and memory.

    python -m bench.vault_export --mb 200 --documents 40

Builds a synthetic vault (random PDF-shaped files, encrypted as by an upload), then measures,
in the same run:

- baseline: decrypting every version (what any export must do at least);
- export: `portability.stream_zip` consumed chunk by chunk (as the HTTP response is);
- verification: `duplicates.Verifier` over a file of the same size vs plain SHA-256.

Reports seconds, MB/s, the ratios against the baselines and the peak Python memory of each
phase (tracemalloc): streaming keeps it at a few MB whatever the vault size. Figures are printed
and written to `bench/out/vault_export.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vault_service import accounts, crypto, duplicates, portability, receiving
from vault_service import documents as docs
from vault_service.db import make_engine, migrate
from vault_service.storage import LocalBlobStore

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"


def measure(work: Callable[[], Any]) -> tuple[float, float]:
    """(seconds untraced, peak MB traced)."""
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--documents", type=int, default=40)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="vault-export-"))
    engine = make_engine(f"sqlite:///{work / 'vault.sqlite3'}")
    migrate(engine)
    keyring = crypto.Keyring({"bench": os.urandom(32)})
    store = LocalBlobStore(work / "data")
    with engine.begin() as conn:
        owner = accounts.create_account(
            conn,
            role="beneficiary",
            person=accounts.Person("Banc", "Export", "1980-01-01"),
            login="banc",
            password_hash=None,
            structure_id=None,
            created_by=None,
        )
    each = args.mb * 1024 * 1024 // args.documents
    block = os.urandom(65536).replace(b"PK\x05\x06", b"PK\x05\x07")
    for number in range(args.documents):
        incoming = receiving.Incoming(store, keyring, docs.new_id(), 1, each + 1024)
        incoming.write(b"%PDF-1.7\n")
        for _ in range(each // len(block)):
            incoming.write(block)
        incoming.write(b"\n%%EOF\n")
        receiving.save_new(engine, incoming, owner, f"Document {number}", "autre", "aucun")
    with engine.connect() as conn:
        collected = portability.collect(conn, owner)
    rows = [version for _, version in collected["files"]]

    def decrypt_all() -> None:
        for row in rows:
            for _chunk in docs.open_plaintext(store, keyring, row):
                pass

    def export() -> None:
        for _chunk in portability.stream_zip(store, keyring, collected):
            pass

    size = each * args.documents
    sample = block * (size // len(block))

    def sha_only() -> None:
        hashlib.sha256(sample).digest()

    def verify() -> None:
        verifier = duplicates.Verifier([])
        for at in range(0, len(sample), 1024 * 1024):
            verifier.feed(sample[at : at + 1024 * 1024])
        verifier.verdict()

    base_s, base_mb = measure(decrypt_all)
    export_s, export_mb = measure(export)
    sha_s, _ = measure(sha_only)
    verify_s, verify_mb = measure(verify)
    mb = size / 1024 / 1024
    result = {
        "vault_mb": round(mb, 1),
        "documents": args.documents,
        "decrypt_s": round(base_s, 3),
        "export_s": round(export_s, 3),
        "export_mb_s": round(mb / export_s, 1),
        "export_vs_decrypt": round(export_s / base_s, 2),
        "decrypt_peak_mb": round(base_mb, 2),
        "export_peak_mb": round(export_mb, 2),
        "verify_s": round(verify_s, 3),
        "verify_vs_sha256": round(verify_s / sha_s, 2),
        "verify_peak_mb_beyond_input": round(verify_mb, 2),
    }
    for key, value in result.items():
        print(f"{key:>30} : {value}")
    OUT.mkdir(exist_ok=True)
    (OUT / "vault_export.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
