"""The journal against someone holding the database: rows edited, deleted, inserted or
reordered in SQL, the last entries cut off and the head fixed — `verify` (and the
`verify-journal` command) names the first entry touched. Also NF Z42-020 count and list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update

from tests.vault.conftest import KEY1
from tests.vault.test_cli import run
from vault_service import audit
from vault_service.crypto import Keyring
from vault_service.db import audit_head, audit_log, now

RING = Keyring({"k1": KEY1})


def write(engine: Any, n: int = 6) -> None:
    with engine.begin() as conn:
        for i in range(n):
            audit.record(conn, "test.event", actor_id=None, subject_id=f"p{i % 2}", detail={"n": i})


def problems(engine: Any) -> list[str]:
    with engine.connect() as conn:
        return audit.verify(conn, RING)


def test_intact_journal_verifies(engine):
    write(engine)
    assert problems(engine) == []
    with engine.connect() as conn:
        assert audit.count(conn) == 6 and audit.count(conn, "p1") == 3
        assert [r.seq for r in audit.entries(conn, "p0", limit=2)] == [5, 3]
        assert [r.seq for r in audit.entries(conn, before=3)] == [2, 1]


def test_edited_entry_is_named(engine):
    write(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(detail='{"n": 9}'))
    assert problems(engine)[0] == "journal : entrée n° 3 modifiée après écriture"


def test_deleted_entry_is_named(engine):
    write(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 3))
    assert problems(engine)[0] == "journal : entrée n° 3 supprimée (l'entrée n° 4 suit)"


def _shift(conn: Any, start: int, by: int) -> None:
    # Two steps: PostgreSQL checks the primary key row by row.
    conn.execute(
        update(audit_log).where(audit_log.c.seq >= start).values(seq=audit_log.c.seq + 1000)
    )
    conn.execute(
        update(audit_log).where(audit_log.c.seq >= 1000).values(seq=audit_log.c.seq - 1000 + by)
    )


def test_inserted_entry_is_named(engine):
    write(engine)
    with engine.begin() as conn:
        before = conn.execute(select(audit_log).where(audit_log.c.seq == 2)).one()
        _shift(conn, 3, 1)
        # A forged entry, chained properly after n° 2 (the hash is public, anyone can compute it).
        fields = {
            "actor_id": None,
            "action": "document.view",
            "subject_id": "p0",
            "object_id": None,
            "detail": "{}",
        }
        at = now()
        digest = audit._entry_hash(before.hash, 3, at, fields)
        conn.execute(
            insert(audit_log).values(seq=3, at=at, prev_hash=before.hash, hash=digest, **fields)
        )
    assert problems(engine)[0] == (
        "journal : entrée n° 3 insérée (l'entrée n° 4 suivait directement l'entrée n° 2)"
    )


def test_reordered_entries_are_named(engine):
    write(engine)
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(seq=-3))
        conn.execute(update(audit_log).where(audit_log.c.seq == 4).values(seq=3))
        conn.execute(update(audit_log).where(audit_log.c.seq == -3).values(seq=4))
    assert problems(engine)[0] == "journal : entrée n° 3 déplacée (elle suivait l'entrée n° 4)"


def test_truncation_is_detected_even_with_the_head_fixed(engine):
    write(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 5))
    assert problems(engine) == [
        "journal : entrées n° 5 à 6 supprimées à la fin (la tête indique n° 6)"
    ]
    with engine.begin() as conn:
        last = conn.execute(select(audit_log).where(audit_log.c.seq == 4)).one()
        conn.execute(update(audit_head).values(seq=4, hash=last.hash))
    assert problems(engine) == [
        "journal : tête modifiée hors de l'application (sceau invalide ou absent) : des "
        "entrées ont pu être supprimées à la fin ou le journal réécrit"
    ]


def test_a_replayed_old_head_is_caught_by_the_checkpoint(engine, tmp_path):
    """The seal alone cannot tell an old genuine head from the current one: the checkpoint
    kept outside the database (written at each verification) can."""
    write(engine, 4)
    with engine.connect() as conn:
        old_head = conn.execute(select(audit_head)).one()
    write(engine, 2)
    with engine.connect() as conn:
        assert audit.checkpoint_write(conn, RING, tmp_path) == 6
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq >= 5))
        conn.execute(update(audit_head).values(seq=4, hash=old_head.hash, seal=old_head.seal))
    assert problems(engine) == []  # what the seal cannot see …
    with engine.connect() as conn:
        assert audit.checkpoint_check(conn, RING, tmp_path) == [
            f"journal : entrée n° 6 supprimée depuis la dernière vérification "
            f"(point de contrôle {tmp_path / audit.CHECKPOINT})"
        ]
    saved = json.loads((tmp_path / audit.CHECKPOINT).read_text())
    (tmp_path / audit.CHECKPOINT).write_text(json.dumps({**saved, "seq": 4}))
    with engine.connect() as conn:
        assert audit.checkpoint_check(conn, RING, tmp_path) == [
            f"journal : point de contrôle {tmp_path / audit.CHECKPOINT} modifié (sceau invalide)"
        ]


def test_a_rewritten_chain_without_the_key_is_caught(engine):
    """Recompute every hash after an edit, and the head: only the seal is left to tell."""
    write(engine)
    with engine.begin() as conn:
        rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).all()
        prev = audit.GENESIS
        for row in rows:
            fields = audit._fields(row)
            if row.seq == 2:
                fields["detail"] = '{"n": 99}'
            digest = audit._entry_hash(prev, row.seq, row.at, fields)
            conn.execute(
                update(audit_log)
                .where(audit_log.c.seq == row.seq)
                .values(prev_hash=prev, hash=digest, detail=fields["detail"])
            )
            prev = digest
        conn.execute(update(audit_head).values(hash=prev))
    assert problems(engine)[0].startswith("journal : tête modifiée hors de l'application")


def test_verify_journal_command(tmp_path: Path):
    """The command names the first entry touched and exits 1; intact, it exits 0."""
    import sqlite3

    assert run(["--demo", "init-db"], tmp_path).returncode == 0
    assert (
        run(["--demo", "create-structure", "--name", "CCAS", "--cap", "2"], tmp_path).returncode
        == 0
    )
    assert (
        run(["--demo", "create-structure", "--name", "UDAF", "--cap", "2"], tmp_path).returncode
        == 0
    )
    ok = run(["--demo", "verify-journal"], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Journal intact : 2 entrées")
    assert (tmp_path / "vault-data" / audit.CHECKPOINT).exists()
    counted = run(["--demo", "journal", "--count"], tmp_path)
    assert counted.stdout == "2\n"
    listed = [json.loads(line) for line in run(["--demo", "journal"], tmp_path).stdout.splitlines()]
    assert [e["action"] for e in listed] == ["structure.create", "structure.create"]
    with sqlite3.connect(tmp_path / "vault-data" / "vault.sqlite3") as db:
        db.execute("UPDATE audit_log SET detail = '{}' WHERE seq = 1")
    bad = run(["--demo", "verify-journal"], tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0] == "journal : entrée n° 1 modifiée après écriture"
    unknown = run(["--demo", "journal", "--person", "personne"], tmp_path)
    assert (
        unknown.returncode == 2 and "Aucun compte n'a l'identifiant « personne »" in unknown.stderr
    )


def test_api_lists_and_counts_her_journal_only(client, world):
    from tests.vault.conftest import login, pdf_bytes, upload

    login(client, world.actors["beneficiary_a"])
    upload(client, pdf_bytes(2000), title="Avis")
    body = client.get("/api/journal").json()
    assert body["count"] == len(body["entries"]) >= 2
    assert body["entries"][0]["what"] == "Dépôt de « Avis »"
    assert body["entries"][0]["who"] == "Vous"
    assert {e["seq"] for e in body["entries"]} == {
        e["seq"] for e in client.get("/api/journal?limite=500").json()["entries"]
    }
    first = body["entries"][0]["seq"]
    older = client.get(f"/api/journal?avant={first}&limite=1").json()["entries"]
    assert len(older) == 1 and older[0]["seq"] < first
    bad = client.get("/api/journal?limite=0")
    assert bad.status_code == 400 and bad.json()["error"]["detail"] == {"field": "limite"}
    client.cookies.clear()
    login(client, world.actors["beneficiary_b"])
    assert "Avis" not in client.get("/api/journal").text
