"""``build.py serve``: the local server (under the base URL path) and the watcher."""

from __future__ import annotations

import functools
import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from observatory import serve
from observatory.core.config import Config, load_config
from observatory.core.problems import Problem


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "dist" / "indicateurs").mkdir(parents=True)
    (tmp_path / "dist" / "index.html").write_text("accueil")
    (tmp_path / "dist" / "indicateurs" / "index.html").write_text("indicateurs")
    handler = functools.partial(
        serve.SiteHandler, directory=str(tmp_path / "dist"), prefix="/observatoire/"
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url) as response:
        return response.status, response.read().decode()


def test_site_is_served_under_the_base_path(served: str) -> None:
    assert get(served + "/observatoire/indicateurs/") == (200, "indicateurs")
    assert get(served + "/") == (200, "accueil")  # redirected to /observatoire/
    with pytest.raises(urllib.error.HTTPError) as err:
        get(served + "/observatoire/absent/")
    assert err.value.code == 404


def test_text_files_are_served_as_utf8(tmp_path: Path) -> None:
    """The catalogue read by a client that honours the charset (data.gouv.fr's harvester
    uses requests, which falls back to Latin-1 for text/* without one) keeps its accents."""
    dist = tmp_path / "dist"
    dist.mkdir()
    files = {
        "catalogue.ttl": "text/turtle; charset=utf-8",
        "catalogue.jsonld": "application/ld+json; charset=utf-8",
        "observations.csv": "text/csv; charset=utf-8",
        "datapackage.json": "application/json; charset=utf-8",
        "carte.geojson": "application/geo+json; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "index.html": "text/html; charset=utf-8",
        "robots.txt": "text/plain; charset=utf-8",
    }
    for name in files:
        (dist / name).write_text("« médico-social » à Mayotte", encoding="utf-8")
    (dist / "donnees.zip").write_bytes(b"PK")
    handler = functools.partial(serve.SiteHandler, directory=str(dist), prefix="/")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        for name, expected in files.items():
            with urllib.request.urlopen(url + name) as response:
                assert response.headers["Content-Type"] == expected, name
                charset = response.headers.get_content_charset()
                assert response.read().decode(charset) == "« médico-social » à Mayotte"
        with urllib.request.urlopen(url + "donnees.zip") as response:
            assert response.headers["Content-Type"] == "application/zip"
    finally:
        server.shutdown()
        server.server_close()


def test_the_readme_gives_the_cdn_every_content_type() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for suffix, content_type in serve.CONTENT_TYPES.items():
        assert f"| `{suffix}` | `{content_type}` |" in readme, suffix


def test_errors_are_in_french_and_unknown_pages_get_the_site_404(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    handler = functools.partial(serve.SiteHandler, directory=str(dist), prefix="/")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            get(url + "/absent/")
        assert err.value.code == 404
        text = err.value.read().decode()
        assert "<h1>Erreur 404</h1><p>Aucune page ne correspond à cette adresse.</p>" in text
        assert "Not Found" not in text and "Nothing matches" not in text
        (dist / "404.html").write_text("<h1>Page introuvable (erreur 404)</h1>", encoding="utf-8")
        with pytest.raises(urllib.error.HTTPError) as err:
            get(url + "/absent/")
        assert err.value.code == 404
        assert err.value.read().decode() == "<h1>Page introuvable (erreur 404)</h1>"
        request = urllib.request.Request(url + "/", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request)
        assert err.value.code == 501
        assert "le site se lit seulement (GET)" in err.value.read().decode()
    finally:
        server.shutdown()
        server.server_close()


def test_base_path_from_config(tmp_path: Path) -> None:
    assert serve.base_path(load_config(root=str(tmp_path), base_url="/obs")) == "/obs/"
    assert serve.base_path(load_config(root=str(tmp_path), base_url="https://cdn.fr/a/")) == "/a/"
    assert serve.base_path(load_config(root=str(tmp_path))) == "/"


def test_watcher_rebuilds_when_a_csv_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "datapackages" / "x" / "observations.csv"
    csv_file.parent.mkdir(parents=True)
    csv_file.write_text("a\n1\n")
    monkeypatch.setattr(serve, "watched_roots", lambda config: (tmp_path / "datapackages",))
    config = load_config(root=str(tmp_path))
    stop = threading.Event()
    builds: list[Config] = []
    problems = [Problem(file="datapackages/x/observations.csv", row=2, message="valeur invalide")]

    def fake_build(cfg: Config) -> list[Problem]:
        builds.append(cfg)
        stop.set()
        return problems

    thread = threading.Thread(target=serve.watch_loop, args=(config, fake_build, stop, 0.05))
    thread.start()
    time.sleep(0.5)  # let the watcher take its first snapshot
    csv_file.write_text("a\n22\n")
    thread.join(timeout=30)
    assert builds == [config]
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Modification détectée : reconstruction…",
        "datapackages/x/observations.csv › ligne 2 : valeur invalide",
        "",
        "1 problème trouvé.",
        "Le site précédent reste servi ; corrigez puis enregistrez pour reconstruire.",
    ]
