"""The CI policy itself: a skip outside CI is allowed, inside CI it fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_skipping_test(tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
    test_dir = tmp_path / "tests"
    test_dir.mkdir()
    (test_dir / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (test_dir / "test_skip.py").write_text(
        "import pytest\n\ndef test_skips():\n    pytest.skip('outil absent')\n"
    )
    env = {"PATH": "/usr/bin:/bin", "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )


def test_skip_allowed_outside_ci(tmp_path: Path) -> None:
    result = _run_skipping_test(tmp_path, "false")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout


def test_skip_fails_in_ci(tmp_path: Path) -> None:
    result = _run_skipping_test(tmp_path, "true")
    assert result.returncode == 1, result.stdout
    assert "skip interdit en CI" in result.stdout
