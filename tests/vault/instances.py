"""Real vault processes for tests: environment, free ports, start / wait / kill.

Used by the tests that need the service as operators run it (`python -m vault_service …` in a
subprocess, uvicorn on a free port of 127.0.0.1): several instances, crashes, key rotation.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(engine: Engine) -> str:
    """The URL a subprocess uses to reach the same database (and schema) as `engine`."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def keyring_text(keys: dict[str, bytes]) -> str:
    return ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in keys.items())


@dataclass
class VaultEnv:
    """Environment variables of a vault deployment (the same for every instance)."""

    database_url: str
    data_dir: Path
    keyring: dict[str, bytes]
    extra: dict[str, str] = field(default_factory=dict)

    def variables(self) -> dict[str, str]:
        return {
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(ROOT),
            "VAULT_COOKIE_KEY": "c" * 48,
            "VAULT_KEYRING": keyring_text(self.keyring),
            "VAULT_DATABASE_URL": self.database_url,
            "VAULT_DATA_DIR": str(self.data_dir),
            "VAULT_SECURE_COOKIES": "false",
            "VAULT_ARGON2_MEMORY_KIB": "1024",
            "VAULT_ARGON2_ITERATIONS": "1",
            **self.extra,
        }

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vault_service", *args],
            cwd=self.data_dir.parent,
            env=self.variables(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "vault_service", *args],
            cwd=self.data_dir.parent,
            env=self.variables(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@dataclass
class Instance:
    """One `python -m vault_service serve` process on a free port."""

    env: VaultEnv
    port: int = 0
    process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Instance:
        self.port = free_port()
        self.process = self.env.start("serve", "--host", "127.0.0.1", "--port", str(self.port))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                _, err = self.process.communicate()
                raise RuntimeError(f"le coffre-fort s'est arrêté au démarrage : {err}")
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("le coffre-fort n'a pas répondu à temps")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, like a power cut of the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> str:
        """SIGTERM and wait; return what it wrote on standard error."""
        if self.process is None:
            return ""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)
