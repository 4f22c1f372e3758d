"""Open data outputs: package copies valid for frictionless, full zip, manifest, notes."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from observatory.compute.opendata import compare, for_site, previous_manifest
from observatory.core.site import Output, Page, Site
from observatory.core.urls import FULL_DOWNLOAD, MANIFEST
from observatory.publish.opendata import produce, sitemap
from observatory.source.load import load_previous_manifest
from tests.conftest import require_tool
from tests.observatory.opendata_fixture import fixture_site


def with_previous(site: Site, path: Path) -> Site:
    """The site as the loader makes it when the ``previous_manifest`` setting names ``path``."""
    config = dataclasses.replace(site.config, previous_manifest=path)
    project = dataclasses.replace(site.project, previous_manifest=load_previous_manifest(config))
    return for_site(dataclasses.replace(site, config=config, project=project))


def outputs_of(root: Path, previous: Path | None = None) -> dict[str, bytes]:
    site = fixture_site(root)
    site = with_previous(site, previous) if previous else site
    return {o.path: o.content for o in produce(site) if isinstance(o, Output)}


def test_copied_packages_pass_plain_frictionless_validate(tmp_path: Path) -> None:
    frictionless = require_tool("frictionless", str(Path(".venv/bin/frictionless").resolve()))
    dist = tmp_path / "dist"
    for path, content in outputs_of(tmp_path / "project").items():
        (dist / path).parent.mkdir(parents=True, exist_ok=True)
        (dist / path).write_bytes(content)
    result = subprocess.run(
        [frictionless, "validate", "datapackage.json"],
        cwd=dist / "donnees" / "fictif",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_saved_on_windows_are_published_with_unix_line_endings(tmp_path: Path) -> None:
    """check accepts CRLF; the published copies (and the zip) are canonical: LF only."""
    site = fixture_site(tmp_path / "project")
    (package,) = [p for p in site.project.packages if p.id == "fictif"]
    originals = dict(package.files)
    assert originals and not any(b"\r" in content for content in originals.values())
    windows = tuple((name, content.replace(b"\n", b"\r\n")) for name, content in package.files)
    packages = tuple(
        dataclasses.replace(p, files=windows) if p.id == "fictif" else p
        for p in site.project.packages
    )
    site = for_site(
        dataclasses.replace(site, project=dataclasses.replace(site.project, packages=packages))
    )
    outputs = {o.path: o.content for o in produce(site) if isinstance(o, Output)}
    for name, original in originals.items():
        assert outputs[f"donnees/fictif/{name}"] == original, name
    with zipfile.ZipFile(io.BytesIO(outputs[FULL_DOWNLOAD])) as archive:
        assert b"\r" not in archive.read("fictif/observations.csv")


def test_full_download_holds_every_file_with_fixed_dates(tmp_path: Path) -> None:
    outputs = outputs_of(tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(outputs[FULL_DOWNLOAD]))
    assert archive.namelist() == [
        "fictif/datapackage.json",
        "fictif/observations.csv",
        "fictif/observations.schema.json",
        "fictif/sources.csv",
        "fictif/sources.schema.json",
    ]
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert archive.read("fictif/observations.csv") == outputs["donnees/fictif/observations.csv"]


def test_robots_points_to_the_sitemap(tmp_path: Path) -> None:
    assert outputs_of(tmp_path)["robots.txt"] == (
        b"User-agent: *\nAllow: /\n\nSitemap: http://localhost:8000/sitemap.xml\n"
    )


def test_sitemap_lists_every_page_once_sorted() -> None:
    xml = sitemap(["b/", "", "a/", "b/"], "https://obs.example/").decode()
    assert xml == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <url><loc>https://obs.example/</loc></url>\n"
        "  <url><loc>https://obs.example/a/</loc></url>\n"
        "  <url><loc>https://obs.example/b/</loc></url>\n"
        "</urlset>\n"
    )


def test_first_release_notes(tmp_path: Path) -> None:
    site = fixture_site(tmp_path)
    pages = {p.path: p for p in produce(site) if isinstance(p, Page)}
    notes = pages["donnees/notes-de-version.md"].context["notes"]
    assert notes.previous == ""
    assert notes.release == "2026-11-15"


def test_notes_compare_with_the_previous_manifest(
    tmp_path: Path,
) -> None:
    site = fixture_site(tmp_path)
    current = json.loads(outputs_of(tmp_path)[MANIFEST])
    previous = json.loads(json.dumps(current))
    previous["release"] = "2025-11-15"
    files = previous["packages"]["fictif"]["files"]
    assert "donnees/fictif/observations.csv" in files
    values = previous["values"]
    revised = values[0]  # beneficiaires-fictifs, 97601, 2019
    revised_old = revised[4] - 1
    revised[4] = revised_old
    removed = ["beneficiaires-fictifs", "97601", 2018, "", 7.0]
    values.append(removed)
    new_series = [v for v in values if v[0] == "taux-fictif" and v[1] == "97617"]
    for v in new_series:
        values.remove(v)
    added_value = next(
        v for v in values if v[0] == "taux-fictif" and v[1] == "976" and v[2] == 2021
    )
    values.remove(added_value)
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(previous), encoding="utf-8")
    loaded = previous_manifest(with_previous(site, path).project, site.release)
    assert loaded is not None
    notes = compare(current, loaded)
    assert notes.previous == "2025-11-15"
    assert notes.added_series == (("taux-fictif", "97617"),)
    assert notes.added_values == (("taux-fictif", "976", 2021, "", 52.5),)
    assert notes.revised == ((tuple(current["values"][0]), revised_old),)
    assert notes.removed == (("beneficiaires-fictifs", "97601", 2018, "", 7.0),)
    assert notes.changed_files == ()  # the previous manifest has the same file hashes
    # the package keeps the date of its first publication
    manifest = json.loads(outputs_of(tmp_path)[MANIFEST])
    assert manifest["packages"]["fictif"]["issued"] == "2026-11-15"


def test_previous_manifest_is_a_declared_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from observatory.cli import make_parser
    from observatory.compute.buildcache import fingerprint
    from observatory.core.config import load_config

    path = tmp_path / "previous.json"
    path.write_text(json.dumps({"release": "2025-11", "values": []}), encoding="utf-8")
    monkeypatch.setenv("OBSERVATOIRE_PREVIOUS_MANIFEST", str(path))
    config = load_config(root=str(tmp_path))
    assert config.previous_manifest == path
    assert load_previous_manifest(config) == {"release": "2025-11", "values": []}
    args = make_parser().parse_args(["build", "--previous-manifest", str(path)])
    assert args.previous_manifest == str(path)  # the setting is an option of the CLI too
    before = fingerprint(config, "2026-11")
    path.write_text(json.dumps({"release": "2025-12", "values": []}), encoding="utf-8")
    assert fingerprint(config, "2026-11") != before  # another previous release: rebuild
    monkeypatch.delenv("OBSERVATOIRE_PREVIOUS_MANIFEST")
    assert load_config(root=str(tmp_path)).previous_manifest is None


def test_previous_manifest_of_the_same_release_is_ignored(
    tmp_path: Path,
) -> None:
    site = fixture_site(tmp_path)
    path = tmp_path / "same.json"
    path.write_text(json.dumps({"release": "2026-11-15", "values": []}), encoding="utf-8")
    assert previous_manifest(with_previous(site, path).project, site.release) is None


def test_issued_date_is_carried_from_the_previous_manifest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "previous.json"
    previous = {"release": "2025-06", "packages": {"fictif": {"issued": "2025-06"}}, "values": []}
    path.write_text(json.dumps(previous), encoding="utf-8")
    outputs = outputs_of(tmp_path / "p", previous=path)
    assert json.loads(outputs[MANIFEST])["packages"]["fictif"]["issued"] == "2025-06"
    assert b'"2025-06"^^xsd:gYearMonth' in outputs["catalogue.ttl"]


def test_shipped_packages_copied_into_dist_pass_plain_frictionless_validate(
    tmp_path: Path,
) -> None:
    import frictionless

    from observatory.compute.opendata import published_packages
    from observatory.core.config import load_config
    from observatory.core.site import Site
    from observatory.source.load import load_project

    root = Path(__file__).resolve().parents[2]
    config = load_config(root=str(root), dist=str(tmp_path / "dist"), release="2026-11-29")
    site = for_site(Site(project=load_project(config), config=config, release="2026-11-29"))
    dist = tmp_path / "dist"
    for out in produce(site):
        if isinstance(out, Output):
            (dist / out.path).parent.mkdir(parents=True, exist_ok=True)
            (dist / out.path).write_bytes(out.content)
    shipped = [p.id for p in published_packages(site.project)]
    assert {"territoires", "partenaires", "emploi-chomage"} <= set(shipped)
    for package in shipped:  # the library behind the command, in-process (faster)
        report = frictionless.validate(dist / "donnees" / package / "datapackage.json")
        assert report.valid, package + "\n" + str(report.flatten(["rowNumber", "message"]))[:2000]


def test_notes_list_the_files_that_changed(tmp_path: Path) -> None:
    current = json.loads(outputs_of(tmp_path)[MANIFEST])
    previous = json.loads(json.dumps(current))
    previous["release"] = "2025-01"
    previous["packages"]["fictif"]["files"]["donnees/fictif/observations.csv"]["sha256"] = "0"
    del previous["packages"]["fictif"]["files"]["donnees/fictif/sources.csv"]
    notes = compare(current, previous)
    assert notes.changed_files == (
        "donnees/fictif/observations.csv",
        "donnees/fictif/sources.csv",
    )


def test_release_notes_page_renders_the_comparison(
    tmp_path: Path,
) -> None:
    from observatory.publish.render import make_environment, render_page

    site = fixture_site(tmp_path)
    previous = json.loads(outputs_of(tmp_path)[MANIFEST])
    previous["release"] = "2025-11"
    previous["values"][0][4] = 1.5
    previous["packages"]["fictif"]["files"]["donnees/fictif/observations.csv"]["sha256"] = "0"
    path = tmp_path / "previous.json"
    path.write_text(json.dumps(previous), encoding="utf-8")
    pages = {p.path: p for p in produce(with_previous(site, path)) if isinstance(p, Page)}
    text = render_page(pages["donnees/notes-de-version.md"], site, make_environment())
    assert "Comparaison des valeurs publiées avec la publication **2025-11**." in text
    assert '<td>Acoua</td><td>2019</td><td>—</td><td class="obs-num">1,5</td>' in text
    assert '<a href="../../donnees/fictif/observations.csv">' in text
