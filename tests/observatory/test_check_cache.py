"""The content-hash cache of ``check``: reused when nothing changed, never trusted blindly."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from observatory.check import results_cache, validate
from observatory.check.results_cache import code_files
from observatory.core.config import Config, load_config
from observatory.core.problems import Problem
from observatory.source.discover import Discovery, input_files
from tests.observatory.fixtures.projects import OBSERVATIONS, make_project, replace_text

BROKEN_ROW = "97611,2020a,200"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the real validations (cache misses)."""
    calls: list[int] = []
    real = validate.run_checks

    def run(discovery: Discovery) -> list[Problem]:
        calls.append(1)
        return real(discovery)

    monkeypatch.setattr(validate, "run_checks", run)
    return calls


def project(tmp_path: Path) -> Config:
    root = make_project(tmp_path)
    replace_text(root, OBSERVATIONS, "97611,2020,200", BROKEN_ROW)
    return load_config(root=str(root), cache=str(tmp_path / "cache"))


def entries(config: Config) -> list[Path]:
    return sorted(
        p for p in (config.cache / "check").glob("*.json") if p.name != results_cache.DIGESTS
    )


def test_second_run_is_served_from_the_cache(tmp_path: Path, counted: list[int]) -> None:
    config = project(tmp_path)
    first = validate.check(config)
    second = validate.check(config)
    assert [p.value for p in first] == ["2020a"]
    assert second == first
    assert len(counted) == 1
    assert len(entries(config)) == 1


def test_a_changed_input_is_validated_again(tmp_path: Path, counted: list[int]) -> None:
    config = project(tmp_path)
    validate.check(config)
    replace_text(config.root, OBSERVATIONS, BROKEN_ROW, "97611,2020,200")
    assert validate.check(config) == []
    assert len(counted) == 2


def test_a_corrupted_entry_is_ignored(tmp_path: Path, counted: list[int]) -> None:
    config = project(tmp_path)
    first = validate.check(config)
    (entry,) = entries(config)
    entry.write_text('{"key": "tronqué', encoding="utf-8")
    assert validate.check(config) == first
    assert len(counted) == 2
    assert json.loads(entry.read_text(encoding="utf-8"))["problems"][0]["value"] == "2020a"


def test_an_edited_entry_is_not_trusted(tmp_path: Path, counted: list[int]) -> None:
    """Someone empties the problem list of an entry: its digest no longer matches."""
    config = project(tmp_path)
    first = validate.check(config)
    (entry,) = entries(config)
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["problems"] = []
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert validate.check(config) == first
    assert len(counted) == 2


def test_an_entry_of_the_wrong_shape_is_ignored(tmp_path: Path, counted: list[int]) -> None:
    config = project(tmp_path)
    first = validate.check(config)
    (entry,) = entries(config)
    items: list[dict[str, object]] = [{"file": "x"}]
    entry.write_text(
        json.dumps(
            {"key": entry.stem, "digest": results_cache.payload_digest(items), "problems": items}
        ),
        encoding="utf-8",
    )
    assert validate.check(config) == first
    assert len(counted) == 2


def test_an_unwritable_cache_does_not_fail_the_check(tmp_path: Path) -> None:
    config = project(tmp_path)
    config.cache.parent.mkdir(parents=True, exist_ok=True)
    config.cache.write_text("un fichier, pas un dossier", encoding="utf-8")
    assert [p.value for p in validate.check(config)] == ["2020a"]


def test_the_key_covers_the_profile_and_every_data_file(tmp_path: Path) -> None:
    config = project(tmp_path)
    files = input_files(config)
    names = {f.relative_to(config.root).as_posix() for f in files if config.root in f.parents}
    assert "datapackages/population/observations.csv" in names
    assert "datapackages/territoires/communes.geojson" in names
    assert {f.name for f in files} >= {"observatory-profile.schema.json", "themes.json"}


def test_the_key_covers_the_code_of_every_check_only() -> None:
    package = Path(__file__).resolve().parents[2] / "observatory"
    names = {path.relative_to(package).as_posix() for path in code_files()}
    checks = {"check/validate.py", "check/tables.py", "check/rules.py", "check/studies.py"}
    assert checks | {"source/studies.py", "source/load.py"} <= names
    assert "pages/home.py" not in names


def test_unchanged_files_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project(tmp_path)
    validate.check(config)
    read: list[str] = []
    real = results_cache.file_digest

    def digest(path: Path) -> str:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(results_cache, "file_digest", digest)
    validate.check(config)
    assert "observations.csv" not in read
    (config.root / OBSERVATIONS).write_text(
        (config.root / OBSERVATIONS).read_text(encoding="utf-8").replace("2020a", "2021a"),
        encoding="utf-8",
    )
    assert [p.value for p in validate.check(config)] == ["2021a"]
    assert "observations.csv" in read


def test_a_same_size_edit_is_seen(tmp_path: Path, counted: list[int]) -> None:
    """Same size, new content and a new modification time: the file is hashed again."""
    config = project(tmp_path)
    validate.check(config)
    path = config.root / OBSERVATIONS
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("2020a", "2020b"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert [p.value for p in validate.check(config)] == ["2020b"]
    assert len(counted) == 2


def test_a_corrupted_digest_memo_is_ignored(tmp_path: Path, counted: list[int]) -> None:
    config = project(tmp_path)
    validate.check(config)
    memo = config.cache / "check" / results_cache.DIGESTS
    data = json.loads(memo.read_text(encoding="utf-8"))
    for item in data["files"].values():
        item[0] = -1  # sizes that match no file: every digest is recomputed
    memo.write_text(json.dumps(data), encoding="utf-8")
    assert [p.value for p in validate.check(config)] == ["2020a"]
    memo.write_text("pas du JSON", encoding="utf-8")
    assert [p.value for p in validate.check(config)] == ["2020a"]
    assert len(counted) == 1
