"""The architecture holds: apps, layers, size limits, and the paths the comments and docs name.

docs/architecture.md describes the apps and the direction of their imports; these checks fail as soon as the
code stops matching it. They read the source tree (ast and tokenize) and INSTALLED_APPS: no database, and no
module of ours is imported to be checked.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import cache
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parent.parent

# Each local app and the local apps it may import, lowest layer first. A new top-level package must be added
# here (and to docs/architecture.md) before the checks pass.
BELOW_DEVDATA = {
    "core",
    "people",
    "articles",
    "files",
    "reader",
    "search",
    "edition",
    "printimport",
    "editing",
    "planning",
    "webhooks",
    "api",
}
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "people": {"core"},
    "articles": {"core", "people"},
    "files": {"core", "people", "articles"},
    "reader": {"core", "people", "articles", "files"},
    "editing": {"core", "people", "articles"},
    "planning": {"core", "people", "articles"},
    "search": {"core", "people", "articles", "reader"},
    "edition": {"core", "people", "articles", "files", "reader"},
    "printimport": {"core", "people", "articles", "files", "reader", "edition", "search"},
    "webhooks": {"core", "people", "articles"},
    "api": {"core", "people", "articles", "files", "reader", "search"},
    "devdata": BELOW_DEVDATA,
    "newsroom": BELOW_DEVDATA | {"devdata"},
}
# Runtime code never imports devdata, the project package included: settings only names it in INSTALLED_APPS.
RUNTIME_APPS = set(MAY_IMPORT) - {"devdata"}

# Not runtime code: the size and import rules do not apply.
NOT_RUNTIME = {"tests", "bench", "scripts", "migrations"}
# Never ours: not scanned at all.
NOT_OURS = {".venv", "venv", "build", "dist", "staticfiles", "media", "node_modules", "__pycache__"}

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
MAX_ARTICLES_MODULES = 16
MIN_LOCAL_APPS = 6


def _ours(path: Path) -> bool:
    parts = path.relative_to(REPO).parts
    return not any(part in NOT_OURS or part.startswith(".") for part in parts)


@cache
def python_files() -> tuple[Path, ...]:
    return tuple(sorted(p for p in REPO.rglob("*.py") if _ours(p)))


def runtime_files() -> list[Path]:
    """The modules of our apps and project package, without tests, benchmarks, scripts and migrations."""
    return [
        p
        for p in python_files()
        if p.relative_to(REPO).parts[0] in MAY_IMPORT and not NOT_RUNTIME & set(p.relative_to(REPO).parts)
    ]


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


# ----- (a) apps ---------------------------------------------------------------------------------------------


def test_the_project_is_made_of_local_apps():
    local = [app for app in settings.INSTALLED_APPS if (REPO / app.split(".")[0] / "__init__.py").is_file()]
    assert len(local) >= MIN_LOCAL_APPS, f"only {len(local)} local apps in INSTALLED_APPS: {local}"


def test_every_top_level_package_has_a_declared_layer():
    packages = {p.parent.name for p in REPO.glob("*/__init__.py") if _ours(p)} - {"tests"}
    undeclared = sorted(packages - set(MAY_IMPORT))
    assert not undeclared, (
        f"top-level packages missing from MAY_IMPORT (and docs/architecture.md): {undeclared}"
    )


# ----- (b) articles stays small -------------------------------------------------------------------------------


def test_articles_has_few_top_level_modules():
    """Every .py file at the top of articles/ (__init__.py included) and every sub-package counts."""
    folder = REPO / "articles"
    modules = sorted(p.name for p in folder.glob("*.py"))
    modules += sorted(
        f"{p.name}/"
        for p in folder.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"migrations", "templates"}
    )
    assert len(modules) <= MAX_ARTICLES_MODULES, (
        f"articles/ has {len(modules)} top-level modules (at most {MAX_ARTICLES_MODULES}): {modules}; "
        "move a capability into its own app"
    )


# ----- (c) imports point down ---------------------------------------------------------------------------------


def _module_name(path: Path) -> tuple[str, str]:
    """(the module's dotted name, the package its relative imports start from)."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, those inside functions included."""
    _name, package = _module_name(path)
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


@cache
def app_imports() -> tuple[tuple[str, str, str], ...]:
    """(importing app, imported app, "file:line") for every import of one local app by another."""
    edges = []
    for path in runtime_files():
        app = rel(path).split("/")[0]
        for line, module in imported_modules(path):
            target = module.split(".")[0]
            if target in MAY_IMPORT and target != app:
                edges.append((app, target, f"{rel(path)}:{line}"))
    return tuple(edges)


def test_the_import_finder_resolves_relative_and_nested_imports():
    found = {module for _line, module in imported_modules(REPO / "printimport" / "service.py")}
    assert {"printimport.parser", "printimport.matching", "articles.models"} <= found
    # An import inside a function counts like any other.
    assert any(
        module == "articles.models" for _line, module in imported_modules(REPO / "search" / "engine.py")
    )
    assert ("reader", "articles") in {(app, target) for app, target, _where in app_imports()}


def test_apps_import_only_the_layers_below_them():
    wrong = [
        f"{where}: {app} imports {target} (it may import only {sorted(MAY_IMPORT[app]) or 'none of ours'})"
        for app, target, where in app_imports()
        if target not in MAY_IMPORT[app]
    ]
    assert not wrong, "imports against the layering (docs/architecture.md):\n" + "\n".join(wrong)


def test_no_runtime_app_imports_devdata():
    wrong = [
        f"{where}: {app} imports devdata"
        for app, target, where in app_imports()
        if target == "devdata" and app in RUNTIME_APPS
    ]
    assert not wrong, "devdata (demo and benchmark data) is imported by runtime code:\n" + "\n".join(wrong)


def test_the_app_import_graph_has_no_cycle():
    graph: dict[str, set[str]] = {}
    for app, target, _where in app_imports():
        graph.setdefault(app, set()).add(target)
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in trail:
                cycle = trail[trail.index(nxt) :] + [nxt]
                if min(cycle[:-1]) == cycle[0]:  # each cycle once, from its smallest name
                    cycles.append(" -> ".join(cycle))
            else:
                visit(nxt, [*trail, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert not cycles, "import cycles between apps:\n" + "\n".join(sorted(set(cycles)))


# ----- (d) size limits -------------------------------------------------------------------------------------------


def test_no_runtime_module_is_too_long():
    long = [
        f"{rel(p)}: {n} lines"
        for p in runtime_files()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them along a real seam):\n" + "\n".join(
        long
    )


def test_no_runtime_function_is_too_long():
    long = []
    for path in runtime_files():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{rel(path)}:{node.lineno} {node.name}(): {lines} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


# ----- (e) the paths the comments and docs name exist ---------------------------------------------------------

PATH_ROOTS = (
    "core|people|articles|files|planning|search|reader|editing|edition|printimport|webhooks|api|devdata|newsroom"
    "|tests|bench|scripts|docs"
    "|templates"
    "|static|locale"
)
# A token starting at one of our top-level folders, not in the middle of a longer path or URL.
PATH_TOKEN = re.compile(rf"(?<![\w./<>*…%{{}}-])(?:{PATH_ROOTS})/[\w./<>*…{{}}-]*")
FILE_SUFFIX = re.compile(r"\.(?:py|html|md|js|css|txt|xml|lua|json|toml|po|png|svg)$")
PATTERN_MARKS = ("<", ">", "*", "…", "{", "}")  # tests/<app>/…, reader-*.png: patterns, not paths


def _comments_and_docstrings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each comment and docstring of a Python file."""
    source = path.read_text(encoding="utf-8")
    texts = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str):
                for offset, line in enumerate(first.value.value.splitlines()):
                    texts.append((first.lineno + offset, line))
    return texts


def _documents() -> list[tuple[str, int, str]]:
    """(file, line, text) of every comment, docstring and Markdown line that may name a path."""
    found = []
    for path in python_files():
        found += [(rel(path), line, text) for line, text in _comments_and_docstrings(path)]
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            found += [(rel(path), number, text) for number, text in enumerate(lines, 1)]
    return found


@cache
def _lookup_roots() -> tuple[Path, ...]:
    """Where a name may be found: the repository, and (for template and static names) each templates/ and
    static/ folder."""
    folders = [p for p in REPO.glob("*/templates") if _ours(p)] + [
        p for p in REPO.glob("*/static") if _ours(p)
    ]
    return (REPO, REPO / "templates", REPO / "static", *folders)


def _named_paths(text: str) -> list[str]:
    names = []
    for match in PATH_TOKEN.finditer(text):
        token = match.group(0).rstrip(".")
        if any(mark in token for mark in PATTERN_MARKS):
            continue
        if FILE_SUFFIX.search(token) or token.endswith("/"):
            names.append(token)
    return names


def test_every_path_named_in_comments_and_docs_exists():
    missing = []
    for file, line, text in _documents():
        for name in _named_paths(text):
            if not any((root / name).exists() for root in _lookup_roots()):
                missing.append(f"{file}:{line}: {name}")
    assert not missing, "paths named in comments, docstrings or docs that do not exist:\n" + "\n".join(
        sorted(missing)
    )


def test_the_path_finder_finds_paths():
    assert _named_paths("see core/pagecache.py, and reader/views/ (docs/*.md; tests/<app>/…)") == [
        "core/pagecache.py",
        "reader/views/",
    ]
    assert _named_paths("https://example.com/docs/x.html build/lib/core/x.py") == []
