"""Real vault processes for tests: environment, free ports, start / wait / kill.

Used by the tests that need the service as operators run it (`python -m vault_service …` in a
subprocess, uvicorn on a free port of 127.0.0.1): several instances, crashes, key rotation.
"""

from __future__ import annotations

import base64
import os
import secrets
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
            "VAULT_PUBLIC_URL": "http://127.0.0.1/",
            "VAULT_ARGON2_MEMORY_KIB": "1024",
            "VAULT_ARGON2_ITERATIONS": "1",
            **self.extra,
        }

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        return subprocess.run(
            [sys.executable, "-m", "vault_service", *args],
            cwd=self.data_dir.parent,
            env=self.variables(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(
            [sys.executable, "-m", "vault_service", *args],
            cwd=self.data_dir.parent,
            env=self.variables(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def start_logged(self, log: Path, *args: str) -> subprocess.Popen[str]:
        """Like `start`, with standard output and error written to `log` and `log`.err.

        A long-running server must not write into a pipe nobody reads: once the pipe's buffer
        is full, its next log line blocks it, and every request after that hangs.
        """
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out, log.with_suffix(".err").open("w") as err:
            return subprocess.Popen(
                [sys.executable, "-m", "vault_service", *args],
                cwd=self.data_dir.parent,
                env=self.variables(),
                stdout=out,
                stderr=err,
                text=True,
            )


@dataclass
class Instance:
    """One `python -m vault_service serve` process on a free port."""

    env: VaultEnv
    port: int = 0
    process: subprocess.Popen[str] | None = None
    starts: int = 0
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def errors(self) -> str:
        """What the current (or last) process wrote on standard error."""
        return self.log.with_suffix(".err").read_text() if self.log else ""

    def start(self, timeout: float = 60) -> Instance:
        """Start on a free port (the same one again on a restart)."""
        self.port = self.port or free_port()
        self.starts += 1
        self.log = self.env.data_dir.parent / f"serve-{self.port}-{self.starts}.out"
        self.process = self.env.start_logged(
            self.log, "serve", "--host", "127.0.0.1", "--port", str(self.port)
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"le coffre-fort s'est arrêté au démarrage : {self.errors()}")
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
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.errors()

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)


S3_CREDENTIALS = {
    # moto accepts any credentials; these are not secrets.
    "AWS_ACCESS_KEY_ID": "test-vault",
    "AWS_SECRET_ACCESS_KEY": "test-vault-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class MotoServer:
    """moto's standalone S3 API server (`python -m moto.server`) on a free port."""

    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> MotoServer:
        for _ in range(5):  # another test may grab the free port first: try another
            self.port = free_port()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                env={"PATH": os.environ["PATH"], **S3_CREDENTIALS},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    httpx.get(self.url + "/moto-api/", timeout=2)
                    return self
                except httpx.HTTPError:
                    time.sleep(0.1)
            self.stop()
        raise RuntimeError("le serveur S3 (moto) n'a pas démarré")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self) -> Any:
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.url,
            region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"],
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        name = f"vault-test-{secrets.token_hex(6)}"
        self.client().create_bucket(Bucket=name)
        return name

    def settings_env(self, bucket: str) -> dict[str, str]:
        """The vault's variables for this server and bucket."""
        return {
            **S3_CREDENTIALS,
            "VAULT_STORAGE": "s3",
            "VAULT_S3_BUCKET": bucket,
            "VAULT_S3_ENDPOINT_URL": self.url,
            "VAULT_S3_REGION": S3_CREDENTIALS["AWS_DEFAULT_REGION"],
            "VAULT_S3_PREFIX": "blobs/",
        }
