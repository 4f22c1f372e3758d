"""``python build.py serve``: build, serve ``dist/`` on localhost, rebuild on change.

The server is the standard library's (the site is static); it serves the site under
the path of ``base_url`` so that a CDN sub-path can be tried locally. A watcher thread
polls the inputs (sizes and modification times: cheap) and rebuilds when they change;
the writer swaps ``dist/`` atomically, so a reader never sees a half-built site, and a
build with problems prints them and keeps serving the previous site.

Every text file is served with ``charset=utf-8`` (``CONTENT_TYPES``, the table the README
gives for a CDN): without it, a client such as data.gouv.fr's harvester decodes the
Turtle catalogue as Latin-1 and turns every accent into mojibake.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from observatory.compute.buildcache import CODE_DIRS, CODE_ROOT, SKIP_DIRS
from observatory.core.config import Config
from observatory.core.problems import Problem, format_text, sort_problems

POLL_SECONDS = 1.0
ERRORS = {
    400: "Requête invalide.",
    403: "Accès refusé.",
    404: "Aucune page ne correspond à cette adresse.",
    405: "Méthode non prise en charge : le site se lit seulement (GET).",
    501: "Méthode non prise en charge : le site se lit seulement (GET).",
}

# Suffix -> Content-Type of the published files (the README's table for a CDN).
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".geojson": "application/geo+json; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
}

Snapshot = tuple[tuple[str, int, int], ...]


def watched_roots(config: Config) -> tuple[Path, ...]:
    return (config.datapackages, config.studies, *(CODE_ROOT / d for d in CODE_DIRS))


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """(path, size, mtime in ns) of every input file, sorted."""
    found: list[tuple[str, int, int]] = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                found.append((path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


def base_path(config: Config) -> str:
    path = urlsplit(config.base_url).path or "/"
    return path if path.endswith("/") else path + "/"


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix``; ``/`` redirects to the prefix."""

    prefix = "/"

    def __init__(self, *args: Any, prefix: str = "/", **kwargs: Any) -> None:
        self.prefix = prefix
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.prefix != "/" and not self.path.startswith(self.prefix):
            self.send_response(302)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return
        super().do_GET()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        suffix = os.path.splitext(os.fspath(path))[1].lower()
        return CONTENT_TYPES.get(suffix) or super().guess_type(path)

    def translate_path(self, path: str) -> str:
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix) :]
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the console shows builds, not every request

    error_content_type = "text/html; charset=utf-8"
    error_message_format = (
        '<!doctype html>\n<html lang="fr"><head><meta charset="utf-8">'
        "<title>Erreur %(code)d</title></head>\n"
        "<body><h1>Erreur %(code)d</h1><p>%(message)s</p></body></html>\n"
    )

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors in French; an unknown page gets the site's own 404 page."""
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, ERRORS.get(code, "Erreur du serveur local"), "")


def rebuild(config: Config, build: Callable[[Config], list[Problem]]) -> bool:
    problems = build(config)
    if problems:
        print(format_text(sort_problems(problems)), flush=True)
        print(
            "Le site précédent reste servi ; corrigez puis enregistrez pour reconstruire.",
            flush=True,
        )
        return False
    print(f"Site construit dans {config.dist}", flush=True)
    return True


def watch_loop(
    config: Config,
    build: Callable[[Config], list[Problem]],
    stop: threading.Event,
    poll: float = POLL_SECONDS,
) -> None:
    roots = watched_roots(config)
    last = snapshot(roots)
    while not stop.wait(poll):
        current = snapshot(roots)
        if current != last:
            last = current
            print("Modification détectée : reconstruction…", flush=True)
            rebuild(config, build)


def serve(config: Config, host: str = "127.0.0.1", port: int = 8000, watch: bool = True) -> int:
    from observatory.pipeline import build

    ok = rebuild(config, build)
    if not ok and not config.dist.is_dir():
        return 1
    config.dist.mkdir(parents=True, exist_ok=True)
    prefix = base_path(config)
    handler = functools.partial(SiteHandler, directory=str(config.dist), prefix=prefix)
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        print(f"Erreur : impossible d'écouter sur {host}:{port} ({exc.strerror}).", flush=True)
        return 2
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_loop, args=(config, build, stop), name="watch", daemon=True
    )
    if watch:
        watcher.start()
    print(
        f"Site servi sur http://{host}:{server.server_address[1]}{prefix} (Ctrl-C pour arrêter)",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Arrêt.", flush=True)
    finally:
        stop.set()
        server.server_close()
    return 0
