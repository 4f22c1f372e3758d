"""Storage rules on both backends: accounts, codes, rate limits, audit chain, keys, integrity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.vault.conftest import KEY1, KEY2, add_account, login, pdf_bytes, upload
from vault_service import accounts, audit, codes, ratelimit, receiving
from vault_service.crypto import Keyring
from vault_service.db import audit_log, document_versions, now, one_time_codes, rate_limits
from vault_service.documents import check_integrity
from vault_service.keys import rotate
from vault_service.storage import LocalBlobStore

PERSON = accounts.Person("Amina", "Saïd", "1990-04-21")


def new_account(conn, login, person=PERSON, role="beneficiary", structure_id=None) -> str:
    """An account waiting for activation (no password), created by nobody."""
    return accounts.create_account(
        conn,
        role=role,
        person=person,
        login=login,
        password_hash=None,
        structure_id=structure_id,
        created_by=None,
    )


def test_one_account_per_person(engine):
    with engine.begin() as conn:
        first = new_account(conn, "amina.s")
    same = accounts.Person("  amina ", "SAID", "1990-04-21")
    with pytest.raises(accounts.AccountError) as caught, engine.begin() as conn:
        new_account(conn, "amina.s2", same)
    assert caught.value.existing_id == first
    assert caught.value.message == (
        "Un compte existe déjà pour cette personne (mêmes nom, prénom et date de naissance)."
    )


def test_structure_cap_is_enforced(engine, settings):
    with engine.begin() as conn:
        structure = accounts.create_structure(conn, "Association Mlezi", 2, None)
    add_account(engine, settings, "pro.un", "professional", structure)
    add_account(engine, settings, "pro.deux", "structure_admin", structure)
    with pytest.raises(accounts.AccountError) as caught, engine.begin() as conn:
        new_account(conn, "pro.trois", accounts.Person("C", "D", None), "professional", structure)
    assert caught.value.message == (
        "La structure « Association Mlezi » a atteint son plafond de 2 comptes professionnels : "
        "désactivez un compte ou demandez à l'administrateur de la plateforme d'augmenter le "
        "plafond."
    )


def test_codes_are_single_use_and_expire(engine):
    with engine.begin() as conn:
        account_id = new_account(conn, "amina.s")
        code = codes.issue_code(conn, account_id, "activation", 5, None)
    assert len(code) == 14 and code.count("-") == 2
    with engine.begin() as conn:
        assert codes.redeem_code(conn, "amina.s", code.lower(), ("activation",)).id == account_id
    with engine.begin() as conn:
        assert codes.redeem_code(conn, "amina.s", code, ("activation",)) is None
        second = codes.issue_code(conn, account_id, "activation", 5, None)
        conn.execute(update(one_time_codes).values(expires_at=now() - timedelta(seconds=1)))
    with engine.begin() as conn:
        assert codes.redeem_code(conn, "amina.s", second, ("activation",)) is None
        recovery = codes.issue_code(conn, account_id, "recovery", None, None)
    with engine.begin() as conn:  # a recovery code does not activate
        assert codes.redeem_code(conn, "amina.s", recovery, ("activation",)) is None


def test_progressive_lockout(engine):
    key = "login:amina"
    with engine.begin() as conn:
        results = [ratelimit.fail(conn, key, 3) for _ in range(3)]
    assert results[:2] == [None, None]
    first_lock = results[2]
    assert first_lock is not None
    assert timedelta(seconds=55) < first_lock - now() <= timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(update(rate_limits).values(locked_until=now() - timedelta(seconds=1)))
        assert ratelimit.locked_until(conn, key) is None
        second = [ratelimit.fail(conn, key, 3) for _ in range(3)][-1]
    assert second is not None and timedelta(seconds=115) < second - now() <= timedelta(minutes=2)
    with engine.begin() as conn:
        ratelimit.succeed(conn, key)
        assert conn.execute(select(rate_limits)).all() == []


def test_audit_chain_detects_edit_deletion_and_reordering(engine):
    with engine.begin() as conn:
        for n in range(4):
            audit.record(conn, "test.event", actor_id=None, detail={"n": n})
    with engine.connect() as conn:
        assert audit.verify(conn) == []
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 2).values(detail='{"n": 9}'))
    with engine.connect() as conn:
        assert audit.verify(conn) == ["journal : entrée n° 2 modifiée après écriture"]
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.seq == 4))
    with engine.connect() as conn:
        assert audit.verify(conn)[-1] == (
            "journal : entrée n° 4 supprimée à la fin (la tête indique n° 4)"
        )


def test_audit_written_in_the_same_transaction(engine):
    with pytest.raises(RuntimeError), engine.begin() as conn:
        audit.record(conn, "test.event", actor_id=None)
        raise RuntimeError("rollback")
    with engine.connect() as conn:
        assert conn.execute(select(audit_log)).all() == []


def test_rotation_rewraps_without_touching_files(client, world, settings, engine):
    login(client, world.actors["beneficiary_a"])
    doc = upload(client, pdf_bytes(200_000)).headers["location"]
    files = {p: p.read_bytes() for p in (settings.data_dir / "blobs").rglob("*.vlt")}
    ring = Keyring({"k2": KEY2, "k1": KEY1})
    assert rotate(engine, ring)["documents"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(document_versions.c.key_id)).scalar_one() == "k2"
    assert {p: p.read_bytes() for p in files} == files
    store = LocalBlobStore(settings.data_dir)
    assert check_integrity(engine, store, Keyring({"k2": KEY2})) == []
    assert doc.startswith("/documents/")


def test_integrity_check_reports_corruption_and_orphans(client, world, settings, engine):
    login(client, world.actors["beneficiary_a"])
    upload(client, pdf_bytes(5000))
    store = LocalBlobStore(settings.data_dir)
    (stored,) = list(store.blobs.rglob("*.vlt"))
    stored.write_bytes(stored.read_bytes()[:-1])
    orphan = store.path("ab" + "0" * 30 + ".vlt")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"x")
    problems = check_integrity(engine, store, Keyring(settings.keyring))
    assert len(problems) == 2
    assert problems[0].endswith(
        "bloc 0 illisible : mauvaise clé, fichier altéré, tronqué ou déplacé"
    )
    assert problems[1] == f"fichier orphelin sans document : {orphan.name} (supprimable)"


def test_new_version_and_delete_remove_files(client, world, settings, engine):
    login(client, world.actors["beneficiary_a"])
    doc = upload(client, pdf_bytes(4000)).headers["location"]
    from tests.vault.conftest import csrf_token

    token = csrf_token(client, doc)
    second = pdf_bytes(6000)
    response = client.post(
        doc + "/version",
        data={"csrf_token": token},
        files={"file": ("v2.pdf", second, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get(doc + "/telecharger").content == second
    assert len(client.get(doc + "/telecharger?version=1").content) < len(second)
    assert len(list((settings.data_dir / "blobs").rglob("*.vlt"))) == 2
    token = csrf_token(client, doc + "/supprimer")
    gone = client.post(
        doc + "/supprimer", data={"csrf_token": token, "confirm": "oui"}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert list((settings.data_dir / "blobs").rglob("*.vlt")) == []
    assert client.get(doc).status_code == 404


def test_migrations_match_the_declared_schema(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from vault_service.db import metadata

    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_concurrent_writers_keep_one_chain(engine):
    """Several threads (like several instances) append at once: no error, one valid chain."""
    from concurrent.futures import ThreadPoolExecutor

    def write(n: int) -> None:
        for i in range(10):
            with engine.begin() as conn:
                audit.record(conn, "test.concurrent", actor_id=None, detail={"n": n, "i": i})

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(write, range(6)))
    with engine.connect() as conn:
        assert audit.verify(conn) == []
        assert len(conn.execute(select(audit_log)).all()) == 60


def test_concurrent_failures_on_a_new_key_are_all_counted(engine):
    from concurrent.futures import ThreadPoolExecutor

    def fail_once(_: int) -> None:
        with engine.begin() as conn:
            ratelimit.fail(conn, "login:nouveau", 100)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(fail_once, range(12)))
    with engine.connect() as conn:
        assert conn.execute(select(rate_limits.c.failures)).scalar_one() == 12


def test_failed_commit_leaves_no_half_document(client, world, settings, engine, monkeypatch):
    """The file is published, then the transaction fails: the file is removed, no row left."""

    login(client, world.actors["beneficiary_a"])
    real_record = audit.record

    def broken(conn, action, **kwargs):
        if action == "document.upload":
            raise RuntimeError("panne simulée pendant la transaction")
        return real_record(conn, action, **kwargs)

    monkeypatch.setattr(audit, "record", broken)
    response = upload(client, pdf_bytes(5000))
    assert response.status_code == 500
    assert "Erreur interne" in response.text and "Réessayez plus tard." in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert list((settings.data_dir / "blobs").rglob("*.vlt")) == []
    assert list((settings.data_dir / "tmp").iterdir()) == []
    with engine.connect() as conn:
        assert conn.execute(select(document_versions)).all() == []


def test_api_errors_share_one_shape(client, world):
    wrong_method = client.put("/api/documents", headers={"X-Vault-CSRF": "1"})
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {
        "error": {
            "code": "methode",
            "detail": None,
            "message": "Méthode non autorisée pour cette adresse.",
        }
    }
    login(client, world.actors["beneficiary_a"])
    not_json = client.patch("/api/documents/x", headers={"X-Vault-CSRF": "1"})
    assert not_json.json()["error"]["code"] == "introuvable"
    bad_json = client.post(
        "/api/session",
        headers={"X-Vault-CSRF": "1", "content-type": "application/json"},
        content=b"{pas du json",
    )
    assert bad_json.status_code == 400
    assert bad_json.json() == {
        "error": {"code": "json", "detail": None, "message": "Le corps n'est pas du JSON valide."}
    }


def test_a_version_racing_another_is_refused_and_leaves_no_file(client, world, settings, engine):
    """Two new versions of the same document at once: the second is refused, its file removed."""
    from vault_service.db import documents

    login(client, world.actors["beneficiary_a"])
    doc_id = upload(client, pdf_bytes(4000)).headers["location"].rsplit("/", 1)[-1]
    with engine.begin() as conn:  # another request published version 2 meanwhile
        conn.execute(update(documents).values(current_version=2))
    late = receiving.Incoming(
        LocalBlobStore(settings.data_dir), Keyring(settings.keyring), doc_id, 2, 10**6
    )
    late.write(pdf_bytes(3000))
    with pytest.raises(receiving.Rejected) as caught:
        receiving.save_version(engine, late, world.actors["beneficiary_a"].id)
    assert caught.value.message == "Le document a changé entre-temps : recommencez le dépôt."
    assert len(list((settings.data_dir / "blobs").rglob("*.vlt"))) == 1
    assert list((settings.data_dir / "tmp").iterdir()) == []
    with engine.connect() as conn:
        versions = conn.execute(select(document_versions.c.version)).scalars().all()
    assert versions == [1]
