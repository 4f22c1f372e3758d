"""The vault attacked from outside, as the hidden probe will: a freshly started server
(`python -m vault_service serve`, documented variables) on SQLite and on PostgreSQL, its
people made through the real CLI and pages, then several hundred attacks over HTTP only
(tests/vault/probe/attacks.py, by family). Every answer is also checked for a 500, missing
security headers, a trace of the code or an English error. 0 successful attacks expected.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from tests.vault.conftest import postgres_engine
from tests.vault.instances import Instance, VaultEnv, database_url, free_port
from tests.vault.probe import attacks
from tests.vault.probe.client import Findings
from tests.vault.probe.world import VAULT, World, build, operator_env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'vault.sqlite3'}"
        engines: Iterator[Engine | None] = iter([None])
    else:
        engines = postgres_engine()
    for engine in engines:
        env = operator_env(database_url(engine) if engine else url, tmp_path / "data")
        migrated = env.run("init-db")
        assert migrated.returncode == 0, migrated.stderr
        instance = start(env, tmp_path / "serve.log")
        findings = Findings()
        try:
            yield build(instance, env, findings)
        finally:
            instance.stop()


def start(env: VaultEnv, log: Path) -> Instance:
    """`serve` on a free port, its log in a file (a pipe nobody reads would fill and stall
    the server after a few hundred requests)."""
    instance = Instance(env, port=free_port())
    with log.open("w") as sink:
        instance.process = subprocess.Popen(
            [*VAULT, "serve", "--host", "127.0.0.1", "--port", str(instance.port)],
            cwd=env.data_dir.parent,
            env=env.variables(),
            stdout=sink,
            stderr=sink,
            text=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert instance.process.poll() is None, log.read_text()
        try:
            if httpx.get(instance.url + "/api/health", timeout=2).status_code == 200:
                return instance
        except httpx.HTTPError:
            time.sleep(0.1)
    instance.stop()
    raise AssertionError("le coffre-fort n'a pas démarré à temps")


def test_blackbox_probe(world: World) -> None:
    report = attacks.run(world)
    tried = ", ".join(f"{family} {n}" for family, n in sorted(report.tried.items()))
    print(f"\nattaques essayées : {sum(report.tried.values())} ({tried})")
    assert report.found == [], "\n".join(report.found)
