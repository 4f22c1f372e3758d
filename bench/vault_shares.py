"""What does consent cost a professional's request? The share check against the owner's own.

    python -m bench.vault_shares [--people 300] [--documents 10] [--lookups 2000]
                                 [--postgres postgresql+psycopg://...]

Synthetic vault (generated here): --people beneficiaries with --documents documents each, each
person sharing half of them (by name) with one of 20 structures, plus one share of a document
type; some shares expired, some revoked. Measured in the same run, one connection: the owner's
lookup (`document_http.owned`: by id and owner) as the baseline, then `share_access.visible` (live
share, covering the document, addressed to the professional — every request, no cache) for
documents the professional may see and for documents they may not. Also: the journal seal's
cost per entry (`audit.record` with and without the sealed engine). Figures are printed and
written to bench/out/vault_shares_<database>.json; never asserted. Measured 2026-12-01, 2 busy
cores, 3 000 documents, 600 shares: share check 0.95 ms (SQLite) / 1.9 ms (PostgreSQL) where
the owner's lookup takes 0.27 / 0.73 ms (×3.6 / ×2.7; refused: ×2.5 / ×1.3) — two queries, no
cache; a sealed journal entry costs the same as an unsealed one (×0.9 / ×1.1, noise).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text

from vault_service import audit, share_access
from vault_service.crypto import Keyring
from vault_service.db import (
    accounts,
    documents,
    make_engine,
    migrate,
    now,
    share_documents,
    structures,
)
from vault_service.db import shares as shares_table
from vault_service.document_http import owned

OUT = Path(__file__).parent / "out"


def account_rows(
    prefix: str, role: str, count: int, moment: Any, structure_ids: list[str] | None = None
) -> list[dict[str, Any]]:
    """`count` active accounts (professionals spread over the structures, in turn)."""
    return [
        {
            "id": str(uuid.uuid4()),
            "login": f"{prefix}{i}",
            "role": role,
            "structure_id": structure_ids[i % len(structure_ids)] if structure_ids else None,
            "given_name": "Pro" if structure_ids else "P",
            "family_name": str(i),
            "status": "active",
            "session_version": 1,
            "created_at": moment,
        }
        for i in range(count)
    ]


def populate(engine: Engine, people: int, per_person: int) -> dict[str, Any]:
    rng = random.Random(7)
    moment = now()
    with engine.begin() as conn:
        structure_ids = [str(uuid.uuid4()) for _ in range(20)]
        conn.execute(
            insert(structures),
            [
                {"id": s, "name": f"Structure {i}", "max_professionals": 50, "created_at": moment}
                for i, s in enumerate(structure_ids)
            ],
        )
        pros = account_rows("pro", "professional", 40, moment, structure_ids)
        owners = account_rows("p", "beneficiary", people, moment)
        conn.execute(insert(accounts), pros + owners)
        docs_rows, share_rows, links = [], [], []
        for owner in owners:
            mine = [str(uuid.uuid4()) for _ in range(per_person)]
            docs_rows += [
                {
                    "id": d,
                    "owner_id": owner["id"],
                    "title": "Pièce",
                    "doc_type": rng.choice(["identite", "ressources", "logement"]),
                    "scheme": "rsa",
                    "current_version": 1,
                    "created_at": moment,
                    "updated_at": moment,
                }
                for d in mine
            ]
            pro = rng.choice(pros)
            for kind in ("named", "type"):
                share_id = str(uuid.uuid4())
                state = rng.random()
                share_rows.append(
                    {
                        "id": share_id,
                        "owner_id": owner["id"],
                        "grantee_structure_id": pro["structure_id"],
                        "grantee_account_id": pro["id"] if kind == "named" else None,
                        "scheme": "rsa",
                        "purpose": "banc d'essai",
                        "doc_type": "logement" if kind == "type" else None,
                        "created_by": owner["id"],
                        "created_at": moment,
                        "expires_at": moment + timedelta(days=-1 if state < 0.1 else 90),
                        "revoked_at": moment if 0.1 <= state < 0.2 else None,
                    }
                )
                if kind == "named":
                    links += [{"share_id": share_id, "document_id": d} for d in mine[::2]]
        conn.execute(insert(documents), docs_rows)
        conn.execute(insert(shares_table), share_rows)
        conn.execute(insert(share_documents), links)
    return {"pros": pros, "documents": docs_rows}


def timed(work: Any, items: list[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        work(item)
    return (time.perf_counter() - start) / len(items) * 1e6


def run(engine: Engine, args: argparse.Namespace) -> dict[str, Any]:
    migrate(engine)
    data = populate(engine, args.people, args.documents)
    rng = random.Random(11)
    picks = [rng.choice(data["documents"]) for _ in range(args.lookups)]
    pros = [type("Viewer", (), p) for p in data["pros"]]
    with engine.connect() as conn:
        visible_pairs = []
        for pro in pros:
            found = share_access.granted_to(conn, pro)
            visible_pairs += [(pro, d.id) for _, _, covered in found for d in covered]
        owner_us = timed(lambda d: owned(conn, d["id"], d["owner_id"]), picks)
        hits = [rng.choice(visible_pairs) for _ in range(args.lookups)]
        allowed_us = timed(lambda pair: share_access.visible(conn, pair[1], pair[0]), hits)
        misses = [(rng.choice(pros), d["id"]) for d in picks]
        refused_us = timed(lambda pair: share_access.visible(conn, pair[1], pair[0]), misses)
    plain, sealed = engine, audit.sealing(engine, Keyring({"k1": bytes(32)}))
    entries = list(range(min(args.lookups, 500)))

    def journal_with(chosen: Engine) -> float:
        def one(_: int) -> None:
            with chosen.begin() as conn:
                audit.record(conn, "bench.event", actor_id=None)

        return timed(one, entries)

    unsealed_us, sealed_us = journal_with(plain), journal_with(sealed)
    return {
        "people": args.people,
        "documents": args.people * args.documents,
        "visible_pairs": len(visible_pairs),
        "owner_lookup_us": round(owner_us, 1),
        "share_check_allowed_us": round(allowed_us, 1),
        "share_check_refused_us": round(refused_us, 1),
        "ratio_allowed": round(allowed_us / owner_us, 2),
        "ratio_refused": round(refused_us / owner_us, 2),
        "journal_entry_unsealed_us": round(unsealed_us, 1),
        "journal_entry_sealed_us": round(sealed_us, 1),
        "ratio_seal": round(sealed_us / unsealed_us, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.vault_shares")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    if args.postgres:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(args.postgres, connect_args={"options": f"-csearch_path={schema}"})
        try:
            figures = run(engine, args)
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        database = "postgres"
    else:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/bench.sqlite3")
            figures = run(engine, args)
            engine.dispose()
        database = "sqlite"
    print(json.dumps(figures, indent=1))
    OUT.mkdir(exist_ok=True)
    (OUT / f"vault_shares_{database}.json").write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
