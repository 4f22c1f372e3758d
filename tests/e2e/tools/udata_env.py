"""udata's own virtual environment, built from ``udata-requirements.txt`` and cached.

udata (data.gouv.fr's software) pins Flask, mongoengine, cryptography… versions that clash
with the project's, so its harvester runs in a separate environment under
``.cache/udata-venv/`` (git-ignored). It is rebuilt when the requirements file changes (a
stamp holds its hash) and built under a lock, so two test runs never build it at once.

``python -m tests.e2e.tools.udata_env`` (``make udata-env``) builds it and prints the path
of its Python.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
REQUIREMENTS = Path(__file__).with_name("udata-requirements.txt")
VENV = ROOT / ".cache" / "udata-venv"
STAMP = VENV / ".requirements-sha256"


def _wanted() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def udata_python() -> Path:
    """The Python of udata's environment, built first if missing or out of date."""
    python = VENV / "bin" / "python"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "udata-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if STAMP.is_file() and STAMP.read_text() == _wanted() and python.exists():
            return python
        shutil.rmtree(VENV, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        steps = [
            [base, "-m", "venv", str(VENV)],
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS)],
        ]  # fmt: skip
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(
                    f"environnement de udata impossible à construire ({' '.join(step)}) :\n"
                    f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
                )
        STAMP.write_text(_wanted())
    return python


if __name__ == "__main__":
    print(udata_python())
