"""The observatory's folders and the way its imports flow, enforced.

Every module of ``observatory/`` is read (never imported): its ``import`` and
``from ... import`` statements, relative imports, and every string that names an
observatory module (``importlib.import_module("observatory.source.load")``, the lazy
checks of ``check.validate``) count as imports. An import that the table below does not
allow fails the test naming the file, the line and the rule; so do a module over
``MAX_LINES`` lines, a function over ``MAX_FUNCTION_LINES`` lines, and a call that reads
files (``open``, ``read_text``, ``glob``…) outside ``source/`` and the few ``READERS``.
The size rules (``MAX_LINES``, ``MAX_FUNCTION_LINES``) hold for all the product code:
``observatory/``, ``vault_service/``, ``build.py``, ``demo.py``, ``scripts/`` and ``bench/``,
but for the declarative data of ``DECLARATIVE`` (each with its reason). The planted fixture
trees show that each rule can fail.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "observatory"
MAX_LINES = 400

# package -> the packages of the project it may import (its own is always allowed).
ALLOWED: Mapping[str, frozenset[str]] = {
    "core": frozenset(),
    "source": frozenset({"core"}),
    "compute": frozenset({"core"}),
    "publish": frozenset({"core"}),
    "studies": frozenset({"core", "compute"}),
    "check": frozenset({"core", "source", "compute", "studies"}),
    "pages": frozenset({"core", "studies"}),
}
# The entry modules wire the stages: they may import anything, and only they import them.
ENTRIES = frozenset({"cli", "pipeline", "serve"})

# Known exceptions, each to be removed by the commit that fixes it: (module, imported).
KNOWN_IMPORTS: frozenset[tuple[str, str]] = frozenset({})
KNOWN_LONG: frozenset[str] = frozenset()

MAX_FUNCTION_LINES = 80
KNOWN_LONG_FUNCTIONS: frozenset[str] = frozenset({})

# The product code the size rules hold for (a folder, or one file).
SIZED = ("observatory", "vault_service", "build.py", "demo.py", "scripts", "bench")
# Declarative data, not logic: a folder (ending in /) or a file, with its reason.
DECLARATIVE: Mapping[str, str] = {
    "vault_service/migrations/": "Alembic migrations: each the frozen record of one schema "
    "change, its tables declared column by column (never edited once released)",
    "scripts/theme_packages_data.py": "the shipped theme packages declared as data (sources, "
    "quoted sentences, indicators) that make_theme_packages.py writes out",
}

# Only ``source/`` reads the project; these others touch files, each for its own reason.
FILE_CALLS = frozenset({"open", "read_text", "read_bytes", "iterdir", "glob", "rglob", "stat"})
READERS: Mapping[str, str] = {
    "observatory/check/results_cache.py": "the cache of check results under .cache/",
    "observatory/compute/buildcache.py": "the build cache: fingerprint of every input, memo",
    "observatory/publish/write.py": "the writer: mkdocs settings of site_src/, dist/",
    "observatory/publish/links.py": "the links of the built site, before it replaces dist/",
    "observatory/serve.py": "serves dist/",
    "observatory/cli.py": "redirects stdout on a broken pipe",
}

MODULE_NAME = re.compile(rf"^{PACKAGE}(?:\.\w+)+$")


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(root: Path, path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported observatory module or name) for every import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(root, path).split(".")
    if path.name != "__init__.py":
        here.pop()  # the package the module is in
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .x import y, from .. import z
                base = here[: len(here) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and MODULE_NAME.match(node.value)  # importlib / lazy imports by name
        ):
            yield node.lineno, node.value


def room(name: str) -> str | None:
    """The package (``core``, ``pages``...) or entry module of an observatory name."""
    parts = name.split(".")
    if parts[0] != PACKAGE or len(parts) < 2:
        return None
    return parts[1]


def violations(root: Path) -> list[Violation]:
    found: list[Violation] = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        file = path.relative_to(root).as_posix()
        me = module_name(root, path)
        mine = room(me)
        seen: set[tuple[int, str]] = set()
        for line, full in imports(root, path):
            target = room(full)
            name = ".".join(full.split(".")[: 2 if target in ENTRIES else 3])  # the module
            if (line, name) in seen:
                continue
            seen.add((line, name))
            if mine is None or target is None or target == mine or mine in ENTRIES:
                continue
            if (me, name) in KNOWN_IMPORTS:
                continue
            if target in ENTRIES:
                rule = f"rien n'importe {PACKAGE}.{target} (module d'entrée)"
            elif mine in ALLOWED and target not in ALLOWED[mine]:
                allowed = ", ".join(sorted(ALLOWED[mine])) or "rien du projet"
                rule = f"{PACKAGE}.{mine} importe seulement : {allowed}"
            elif mine not in ALLOWED:
                rule = f"{file} n'est dans aucun paquet de la table des imports"
            else:
                continue
            found.append(Violation(file, line, f"importe {name} ; règle : {rule}"))
    return found


def test_observatory_imports_flow_one_way() -> None:
    assert [str(v) for v in violations(ROOT)] == []


def sized_files(root: Path, declarative: Mapping[str, str] = DECLARATIVE) -> Iterator[Path]:
    """Every Python file of ``SIZED`` under ``root``, but the declarative data."""
    for name in SIZED:
        path = root / name
        for found in [path] if path.is_file() else sorted(path.rglob("*.py")):
            file = found.relative_to(root).as_posix()
            if not any(file == d or (d.endswith("/") and file.startswith(d)) for d in declarative):
                yield found


def long_modules(root: Path, declarative: Mapping[str, str] = DECLARATIVE) -> list[Violation]:
    found = []
    for path in sized_files(root, declarative):
        file = path.relative_to(root).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and file not in KNOWN_LONG:
            found.append(
                Violation(file, lines, f"{lines} lignes : un module en a {MAX_LINES} au plus")
            )
    return found


def test_no_module_is_over_400_lines() -> None:
    assert [str(v) for v in long_modules(ROOT)] == []


def long_functions(root: Path, declarative: Mapping[str, str] = DECLARATIVE) -> list[Violation]:
    """Functions (and methods) over ``MAX_FUNCTION_LINES`` lines; data tables declared at
    module level are not functions and do not count."""
    found = []
    for path in sized_files(root, declarative):
        file = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if (
                    length > MAX_FUNCTION_LINES
                    and f"{file}:{node.name}" not in KNOWN_LONG_FUNCTIONS
                ):
                    limit = f"une fonction en a {MAX_FUNCTION_LINES} au plus"
                    found.append(
                        Violation(file, node.lineno, f"{node.name} : {length} lignes ; {limit}")
                    )
    return found


def test_no_function_is_over_80_lines() -> None:
    assert [str(v) for v in long_functions(ROOT)] == []


@pytest.mark.parametrize(
    "file", ["observatory/core/model.py", "vault_service/shares.py", "bench/vault_scale.py"]
)
def test_a_planted_long_function_fails(tmp_path: Path, file: str) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(80))
    root = plant(tmp_path, {file: f"def big():\n{body}"})
    assert [str(v) for v in long_functions(root)] == [
        f"{file}:1: big : 81 lignes ; une fonction en a 80 au plus"
    ]


@pytest.mark.parametrize(
    "file",
    [
        "observatory/source/load.py",
        "vault_service/__main__.py",
        "scripts/refresh_territoires.py",
        "build.py",
    ],
)
def test_a_planted_long_module_fails(tmp_path: Path, file: str) -> None:
    root = plant(tmp_path, {file: "x = 1\n" * 401})
    assert [str(v) for v in long_modules(root)] == [
        f"{file}:401: 401 lignes : un module en a 400 au plus"
    ]


def test_declarative_data_is_exempt_and_only_it(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(80))
    files = {
        "vault_service/migrations/versions/0001_initial.py": f"def upgrade():\n{body}",
        "vault_service/migrations_helper.py": f"def upgrade():\n{body}",
    }
    root = plant(tmp_path, files)
    assert [str(v) for v in long_functions(root)] == [
        "vault_service/migrations_helper.py:1: upgrade : 81 lignes ; une fonction en a 80 au plus"
    ]


def file_reads(root: Path, readers: Mapping[str, str] = READERS) -> list[Violation]:
    """Calls that read or list files (``open``, ``read_text``, ``glob``…) outside
    ``source/`` and the modules of ``READERS``."""
    found = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        file = path.relative_to(root).as_posix()
        if file.startswith(f"{PACKAGE}/source/") or file in readers:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in FILE_CALLS:
                    rule = "seul observatory.source lit les fichiers du projet"
                    found.append(Violation(file, node.lineno, f"{name}() ; règle : {rule}"))
    return found


def test_only_source_reads_the_project() -> None:
    assert [str(v) for v in file_reads(ROOT)] == []


def test_a_planted_page_that_reads_a_file_fails(tmp_path: Path) -> None:
    text = 'from pathlib import Path\n\n\ndef produce(site):\n    Path("x.csv").read_text()\n'
    root = plant(tmp_path, {"observatory/pages/home.py": text})
    assert [str(v) for v in file_reads(root)] == [
        "observatory/pages/home.py:5: read_text() ; règle : seul observatory.source lit les "
        "fichiers du projet"
    ]


def test_every_package_of_the_table_exists_with_its_docstring() -> None:
    for name in ALLOWED:
        init = ROOT / PACKAGE / name / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{init}: docstring saying what it owns and imports"
    folders = {p.parent.name for p in (ROOT / PACKAGE).glob("*/__init__.py")}
    assert folders == set(ALLOWED)
    modules = {p.stem for p in (ROOT / PACKAGE).glob("*.py")} - {"__init__"}
    assert modules == ENTRIES


def test_known_exceptions_are_still_needed() -> None:
    """An exception that no longer matches anything must be deleted from the lists."""
    for module, imported in KNOWN_IMPORTS:
        path = ROOT / (module.replace(".", "/") + ".py")
        assert any(n.startswith(imported) for _, n in imports(ROOT, path)), (module, imported)
    for file in READERS:
        assert any(v.file == file for v in file_reads(ROOT, readers={})), file
    for declared in DECLARATIVE:  # each exempts something that would fail the rules
        others = {d: r for d, r in DECLARATIVE.items() if d != declared}
        exempted = long_modules(ROOT, others) + long_functions(ROOT, others)
        assert any(v.file.startswith(declared) for v in exempted), declared
    for file in KNOWN_LONG:
        assert len((ROOT / file).read_text(encoding="utf-8").splitlines()) > MAX_LINES, file
    for known in KNOWN_LONG_FUNCTIONS:
        file, name = known.split(":")
        tree = ast.parse((ROOT / file).read_text(encoding="utf-8"))
        lengths = [
            (n.end_lineno or n.lineno) - n.lineno + 1
            for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.name == name
        ]
        assert lengths and max(lengths) > MAX_FUNCTION_LINES, known


# Planted fixture trees: the rule fails where it must -----------------------------------
def plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in {"observatory/__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.parents:
            if parent == root:
                break
            (parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"observatory/core/model.py": "import os\nfrom observatory.pages.home import x\n"},
            "observatory/core/model.py:2: importe observatory.pages.home ; "
            "règle : observatory.core importe seulement : rien du projet",
        ),
        (
            {"observatory/compute/charts.py": 'm = import_module("observatory.check.rules")\n'},
            "observatory/compute/charts.py:1: importe observatory.check.rules ; "
            "règle : observatory.compute importe seulement : core",
        ),
        (
            {"observatory/pages/home.py": "\n\nfrom ..publish import write\n"},
            "observatory/pages/home.py:3: importe observatory.publish.write ; "
            "règle : observatory.pages importe seulement : core, studies",
        ),
        (
            {"observatory/studies/tables.py": "from observatory import pipeline\n"},
            "observatory/studies/tables.py:1: importe observatory.pipeline ; "
            "règle : rien n'importe observatory.pipeline (module d'entrée)",
        ),
        (
            {"observatory/extras/more.py": "from observatory.core import model\n"},
            "observatory/extras/more.py:1: importe observatory.core.model ; "
            "règle : observatory/extras/more.py n'est dans aucun paquet de la table des imports",
        ),
    ],
)
def test_a_planted_wrong_way_import_fails(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    assert [str(v) for v in violations(plant(tmp_path, files))] == [expected]


def test_a_planted_tree_that_follows_the_table_passes(tmp_path: Path) -> None:
    files = {
        "observatory/core/model.py": "import json\n",
        "observatory/source/load.py": "from observatory.core.model import x\n",
        "observatory/check/rules.py": 'from ..source import a\nN = "observatory.studies.b"\n',
        "observatory/pages/home.py": "from . import figures\nfrom ..core import model\n",
        "observatory/pipeline.py": "from observatory.check import rules\n",
    }
    assert violations(plant(tmp_path, files)) == []
