"""Several instances: two vault processes (uvicorn, free ports) on one PostgreSQL schema and one
S3 bucket (moto's server), each with its own VAULT_DATA_DIR, as behind a load balancer.

Nothing that matters lives in a process: a session made on one works on the other, attempt
limits count across both, a revocation on one is refused on the other at once, and concurrent
uploads from both leave one consistent database and one unbroken journal chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from tests.vault.conftest import CSRF_RE, FAST, PASSWORD, add_account, pdf_bytes, postgres_engine
from tests.vault.instances import Instance, MotoServer, VaultEnv, database_url
from vault_service import audit
from vault_service.db import audit_log, document_versions, documents, migrate
from vault_service.settings import Settings

pytestmark = pytest.mark.postgres
API = {"X-Vault-CSRF": "1"}


@dataclass
class Cluster:
    engine: Engine
    settings: Settings
    a: Instance
    b: Instance
    env: VaultEnv
    bucket: str
    s3: MotoServer


@pytest.fixture(scope="module")
def cluster(s3_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("cluster")
    bucket = s3_server.new_bucket()
    for engine in postgres_engine():
        migrate(engine)
        ring = {"k1": bytes(range(32))}
        base = VaultEnv(
            database_url(engine),
            root / "a",
            ring,
            extra={**s3_server.settings_env(bucket), "VAULT_LOGIN_ATTEMPTS": "5"},
        )
        other = VaultEnv(base.database_url, root / "b", ring, extra=base.extra)
        a, b = Instance(base).start(), Instance(other).start()
        settings = Settings.from_env({}, cookie_key="c" * 48, keyring=ring, **FAST)
        try:
            yield Cluster(engine, settings, a, b, base, bucket, s3_server)
        finally:
            for instance in (a, b):
                instance.stop()


def beneficiary(cluster: Cluster, login: str) -> str:
    return add_account(cluster.engine, cluster.settings, login, "beneficiary", None).id


def api_login(instance: Instance, login: str, password: str = PASSWORD) -> httpx.Response:
    with instance.client() as client:
        return client.post("/api/session", headers=API, json={"login": login, "password": password})


def session_cookies(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return dict(response.cookies)


def test_each_instance_has_its_own_disk_and_shares_nothing_else(cluster: Cluster):
    assert cluster.a.env.data_dir != cluster.b.env.data_dir
    assert cluster.a.port != cluster.b.port
    for instance in (cluster.a, cluster.b):
        with instance.client() as client:
            assert client.get("/api/ready").json()["storage"] == "ok"


def test_a_session_made_on_one_works_on_the_other(cluster: Cluster):
    account_id = beneficiary(cluster, "multi.session")
    cookies = session_cookies(api_login(cluster.a, "multi.session"))
    with cluster.b.client(cookies=cookies) as on_b:
        me = on_b.get("/api/me")
    assert me.status_code == 200 and me.json()["id"] == account_id


def test_attempt_limits_count_across_both_instances(cluster: Cluster):
    beneficiary(cluster, "multi.limit")
    statuses = [
        api_login(instance, "multi.limit", "mauvais mot de passe").status_code
        for instance in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a)
    ]
    assert statuses == [401] * 5
    # Locked for both: the right password is refused on either, from a new device.
    for instance in (cluster.b, cluster.a):
        locked = api_login(instance, "multi.limit")
        assert locked.status_code == 429, locked.text
        assert locked.json()["error"]["code"] == "trop_de_tentatives"


def test_a_logout_on_one_is_enforced_on_the_other_at_once(cluster: Cluster):
    beneficiary(cluster, "multi.logout")
    cookies = session_cookies(api_login(cluster.a, "multi.logout"))
    with cluster.b.client(cookies=cookies) as on_b, cluster.a.client(cookies=cookies) as on_a:
        assert on_b.get("/api/me").status_code == 200
        assert on_a.delete("/api/session", headers=API).status_code == 204
        assert on_b.get("/api/me").status_code == 401


def test_a_password_change_on_one_closes_the_other_devices_on_the_other(cluster: Cluster):
    beneficiary(cluster, "multi.password")
    phone = session_cookies(api_login(cluster.a, "multi.password"))
    thief = session_cookies(api_login(cluster.b, "multi.password"))
    with cluster.a.client(cookies=phone) as on_a:
        token = CSRF_RE.search(on_a.get("/compte").text)
        assert token
        changed = on_a.post(
            "/compte/mot-de-passe",
            data={
                "csrf_token": token.group(1),
                "current": PASSWORD,
                "password": "un tout nouveau mot de passe",
                "password2": "un tout nouveau mot de passe",
            },
        )
        assert changed.status_code == 200, changed.text
        assert on_a.get("/api/me").status_code == 200  # this device stays signed in
    with cluster.b.client(cookies=thief) as on_b:
        assert on_b.get("/api/me").status_code == 401
    assert api_login(cluster.b, "multi.password", PASSWORD).status_code == 401


def _upload(instance: Instance, cookies: dict[str, str], n: int) -> tuple[str, str]:
    content = pdf_bytes(20_000 + n * 1000)
    with instance.client(cookies=cookies) as client:
        response = client.post(
            "/api/documents",
            headers=API,
            data={"title": f"Pièce {n}", "doc_type": "identite", "scheme": "rsa"},
            files={"file": (f"p{n}.pdf", content, "application/pdf")},
        )
    assert response.status_code == 201, response.text
    return response.json()["id"], content.hex()[:64]


def test_concurrent_uploads_from_both_leave_one_consistent_state(cluster: Cluster, tmp_path: Path):
    owner = beneficiary(cluster, "multi.uploads")
    cookies = session_cookies(api_login(cluster.a, "multi.uploads"))
    instances = [cluster.a, cluster.b] * 12
    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(lambda job: _upload(job[1], cookies, job[0]), enumerate(instances)))
    ids = {doc_id for doc_id, _ in made}
    assert len(ids) == 24
    # Both instances list the same 24 documents, and each downloads from the other.
    for instance, other in ((cluster.a, cluster.b), (cluster.b, cluster.a)):
        with instance.client(cookies=cookies) as client:
            listed = client.get("/api/documents").json()["documents"]
            assert {d["id"] for d in listed} >= ids
        with other.client(cookies=cookies) as client:
            some = sorted(ids)[0]
            assert client.get(f"/api/documents/{some}/content").status_code == 200
    with cluster.engine.connect() as conn:
        assert audit.verify(conn) == []  # one chain: no duplicate sequence, no fork
        seqs = conn.execute(select(audit_log.c.seq).order_by(audit_log.c.seq)).scalars().all()
        assert seqs == list(range(1, len(seqs) + 1))
        prevs = conn.execute(select(audit_log.c.prev_hash)).scalars().all()
        assert len(prevs) == len(set(prevs))  # no entry has two successors
        uploads = conn.execute(
            select(func.count())
            .select_from(audit_log)
            .where(audit_log.c.action == "document.upload", audit_log.c.subject_id == owner)
        ).scalar_one()
        assert uploads == 24
        names = set(
            conn.execute(
                select(document_versions.c.storage_name)
                .join(documents, documents.c.id == document_versions.c.document_id)
                .where(documents.c.owner_id == owner)
            ).scalars()
        )
    assert len(names) == 24
    listed = {
        item["Key"].removeprefix("blobs/")
        for page in cluster.s3.client()
        .get_paginator("list_objects_v2")
        .paginate(Bucket=cluster.bucket, Prefix="blobs/")
        for item in page.get("Contents", [])
    }
    assert names <= listed
    check = cluster.env.run("check-integrity")
    assert check.returncode == 0, check.stdout + check.stderr


def test_concurrent_new_versions_of_one_document_from_both(cluster: Cluster):
    """The same document gets a new version on A and on B at once: one wins, the other is
    refused cleanly, nothing half-written remains."""
    beneficiary(cluster, "multi.versions")
    cookies = session_cookies(api_login(cluster.a, "multi.versions"))
    doc_id, _ = _upload(cluster.a, cookies, 1)

    def new_version(instance: Instance) -> int:
        with instance.client(cookies=cookies) as client:
            return client.post(
                f"/api/documents/{doc_id}/versions",
                headers=API,
                files={"file": ("v.pdf", pdf_bytes(300_000), "application/pdf")},
            ).status_code

    rounds = []
    for _ in range(4):
        with ThreadPoolExecutor(max_workers=2) as pool:
            rounds.append(sorted(pool.map(new_version, (cluster.a, cluster.b))))
    assert all(201 in r and set(r) <= {201, 400, 409} for r in rounds), rounds
    with cluster.engine.connect() as conn:
        current = conn.execute(
            select(documents.c.current_version).where(documents.c.id == doc_id)
        ).scalar_one()
        versions = (
            conn.execute(
                select(document_versions.c.version)
                .where(document_versions.c.document_id == doc_id)
                .order_by(document_versions.c.version)
            )
            .scalars()
            .all()
        )
        assert audit.verify(conn) == []
    assert versions == list(range(1, current + 1))
    fsck = cluster.env.run("fsck", "--grace-minutes", "0", "--dry-run")
    assert fsck.returncode == 0, fsck.stdout
    assert "0 orphelin(s)" in fsck.stdout.splitlines()[-1]


def test_a_share_revoked_on_one_is_refused_on_the_other_at_once(cluster: Cluster):
    """She shares a document with a structure on A; its professional reads it through B; she
    revokes it on A: the very next request on B is refused."""
    from vault_service import accounts, shares
    from vault_service.schemes import SHARE_SCHEMES

    with cluster.engine.begin() as conn:
        structure = accounts.create_structure(conn, "CCAS multi-instances", 5, None)
    beneficiary(cluster, "multi.share")
    add_account(cluster.engine, cluster.settings, "multi.pro", "professional", structure)
    owner = session_cookies(api_login(cluster.a, "multi.share"))
    doc_id, _ = _upload(cluster.a, owner, 7)
    with cluster.engine.begin() as conn:
        owner_id = conn.execute(select(documents.c.owner_id).where(documents.c.id == doc_id))
        share_id = shares.create(
            conn,
            owner_id.scalar_one(),
            shares.Grant(
                structure_id=structure,
                scheme=next(iter(SHARE_SCHEMES)),
                purpose="dossier suivi",
                document_ids=(doc_id,),
            ),
        )
    pro = session_cookies(api_login(cluster.b, "multi.pro"))
    with cluster.b.client(cookies=pro) as on_b:
        assert on_b.get(f"/pro/documents/{doc_id}/telecharger").status_code == 200
        with cluster.a.client(cookies=owner) as on_a:
            token = CSRF_RE.search(on_a.get("/partages").text)
            assert token
            revoked = on_a.post(
                f"/partages/{share_id}/retirer", data={"csrf_token": token.group(1)}
            )
            assert revoked.status_code == 303, revoked.text
        assert on_b.get(f"/pro/documents/{doc_id}/telecharger").status_code == 404
