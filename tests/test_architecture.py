"""Architecture guard rails: the layering rules, checked on every test run.

1. The framework-free core (outline, indicators, consolidate, docx_out, ingest, baocao/*.py)
   imports and its tests collect with Django made unimportable; no core module imports Django,
   baocao.apps, baocao.web, baocao.cli or baocao.demo (function-level imports included).
2. No private name (`_x`, not dunder) is imported from another module, nor read as `module._x`.
3. Only baocao/demo/** and baocao/cli/** import demo modules (the product never does).
4. No import cycles among baocao modules.
5. Every monkeypatch target in tests resolves to an existing attribute.

The ALLOWED_* lists hold today's violations. They may only shrink: a new violation fails, and so
does an entry that no longer matches anything (delete it). Each failure names the file, the line
and what to do.

Guard 1 runs the whole of tests/core with Django blocked (about 20 s); BAOCAO_GUARD_QUICK=1
only collects it, for a quick look while working.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "baocao"
CORE_TESTS = ROOT / "tests" / "core"

# ---------------------------------------------------------------------------------------------
# Allow-lists of today's violations. Only ever delete entries.
# ---------------------------------------------------------------------------------------------

# fmt: off
# Guard 1: tests/core files that need Django (given to the Django-free run as --ignore).
# Fix: make the core module Django-free, or move the test file to tests/web.
ALLOWED_CORE_TESTS_NEEDING_DJANGO: tuple[str, ...] = (
    # e.g. "tests/core/test_x.py",  # why it needs Django
)

# Guard 2: (importing file, module imported from, private name).
ALLOWED_PRIVATE_IMPORTS: tuple[tuple[str, str, str], ...] = (
    # e.g. ("baocao/docx_out/template.py", "baocao.docx_out.render", "_font"),  # why
)

# Guard 3: (importing file, demo module it imports). An entry goes stale once its file moves
# into baocao/demo/ (or stops importing the demo module).
ALLOWED_DEMO_IMPORTS: tuple[tuple[str, str], ...] = (
    # e.g. ("baocao/web/demo.py", "baocao.apps.orgs.demo"),  # why
)

# Guard 4: import cycles, as the sorted modules of one strongly connected component.
ALLOWED_CYCLES: tuple[tuple[str, ...], ...] = (
    # e.g. ("baocao.cli.doctor_cmd", "baocao.cli.web_cmd"),  # why
)

# Guard 5: (test file, dotted target) of monkeypatch targets that do not resolve.
ALLOWED_UNRESOLVED_PATCHES: tuple[tuple[str, str], ...] = (
    # e.g. ("tests/web/test_doctor.py", "baocao.docx_out.pdf._soffice"),  # why
)
# fmt: on

# The framework-free core, listed explicitly: these packages plus every baocao/*.py.
CORE_PACKAGES = (
    "baocao/outline",
    "baocao/indicators",
    "baocao/consolidate",
    "baocao/docx_out",
    "baocao/ingest",
)
# What the core must never import (prefixes of module names).
CORE_FORBIDDEN = ("django", "baocao.apps", "baocao.web", "baocao.cli", "baocao.demo")
# Where demo modules may be imported from.
DEMO_IMPORTERS = ("baocao/demo/", "baocao/cli/")

# ---------------------------------------------------------------------------------------------
# Import scanning
# ---------------------------------------------------------------------------------------------


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    """Every baocao module (package = its __init__), migrations excluded."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or "__pycache__" in parts:
            continue
        found[_module_name(path)] = path
    return found


@cache
def _tree(path: Path) -> ast.Module:
    source = path.read_text(encoding="utf-8")
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as error:  # pragma: no cover - a half-written file mid-edit
        pytest.fail(f"{_rel(path)}:{error.lineno}: cannot parse ({error.msg})")


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # absolute: `import X` -> X; `from X import ...` -> X (relative resolved)
    aliases: tuple[tuple[str, str | None], ...]  # (name, asname) as written
    is_from: bool
    type_checking: bool  # under `if TYPE_CHECKING:`

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.aliases)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_of(path: Path) -> list[Import]:
    """All imports of a file, module-level and in functions, relative ones made absolute."""
    here = _module_name(path) if path.is_relative_to(PACKAGE) else ""
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, type_checking: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_checking)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                pair = ((alias.name, alias.asname),)
                found.append(Import(node.lineno, alias.name, pair, False, type_checking))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            pairs = tuple((alias.name, alias.asname) for alias in node.names)
            found.append(Import(node.lineno, module, pairs, True, type_checking))
        for child in ast.iter_child_nodes(node):
            visit(child, type_checking)

    visit(_tree(path), False)
    return found


def _targets(imp: Import, known: Iterable[str] = ()) -> list[str]:
    """The baocao modules an import loads: `from pkg import name` is pkg.name if that is a
    module, else pkg (its __init__); `import a.b.c` is the longest known prefix.
    `known` adds module names that need not exist yet (the rest then resolve to themselves)."""
    modules = set(_modules()) | set(known)
    loose = bool(known)
    if not imp.is_from:
        name = imp.module
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return [name] if name else ([imp.module] if loose else [])
    out = []
    for name in imp.names:
        if f"{imp.module}.{name}" in modules:
            out.append(f"{imp.module}.{name}")
        elif imp.module in modules or loose:
            out.append(imp.module)
    return list(dict.fromkeys(out))


def _dotted(imp: Import) -> list[str]:
    """Every dotted name an import could mean, known module or not (`from a import b` -> a, a.b)."""
    if not imp.is_from:
        return [imp.module]
    return [imp.module] + [f"{imp.module}.{name}" for name in imp.names if name != "*"]


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _check_allow_list(
    found: dict, allowed: Iterable, list_name: str, title: str, advice: str
) -> None:
    """Fail on violations missing from the allow-list and on entries matching nothing."""
    allowed = set(allowed)
    new = sorted(key for key in found if key not in allowed)
    stale = sorted(allowed - set(found))
    message = []
    if new:
        message.append(f"{title} -- {advice}")
        message += [f"  {found[key]}" for key in new]
    if stale:
        message.append(
            f"Stale entries in {list_name} (the violation is gone -- well done; "
            f"delete these entries from tests/test_architecture.py):"
        )
        message += [f"  {key!r}" for key in stale]
    if message:
        pytest.fail("\n".join(message), pytrace=False)


# ---------------------------------------------------------------------------------------------
# 1. The core runs without Django
# ---------------------------------------------------------------------------------------------

BLOCK_DJANGO = '''\
"""Installed by tests/test_architecture.py: `import django` fails in this interpreter."""
import sys


class _NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError(
                f"{name}: Django is blocked here -- the core (and tests/core) must not need it"
            )
        return None


sys.meta_path.insert(0, _NoDjango())
'''


def _core_files() -> list[Path]:
    files = sorted(PACKAGE.glob("*.py"))
    for package in CORE_PACKAGES:
        directory = ROOT / package
        assert (directory / "__init__.py").is_file(), (
            f"{package} is listed in CORE_PACKAGES of tests/test_architecture.py but is no longer"
            " a package: update the list to where the core moved"
        )
        files += sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def _django_free_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "sitecustomize.py").write_text(BLOCK_DJANGO, encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"} and not key.startswith("PYTEST_")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    return env


def _run(args: list[str], env: dict[str, str], timeout: int = 600):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


# Run in the Django-free interpreter: check the block works, import every core module, then run
# pytest on tests/core there (one interpreter: the heavy imports happen once).
CORE_PROBE = """\
import importlib, sys
try:
    import django
except ImportError:
    pass
else:
    sys.exit("the Django block is not active: the guard itself is broken")
modules, args = sys.argv[1].split(","), sys.argv[2:]
bad = []
for name in modules:
    try:
        importlib.import_module(name)
    except Exception as error:
        bad.append(f"{name}: {type(error).__name__}: {error}")
if bad:
    print("CORE-IMPORT-FAILED")
    print("\\n".join(bad))
    sys.exit(3)
import pytest
sys.exit(pytest.main(args))
"""


def _pytest_django_free(env: dict[str, str], modules: list[str], *args: str):
    ignores = [f"--ignore={entry}" for entry in ALLOWED_CORE_TESTS_NEEDING_DJANGO]
    options = ["-p", "no:django", "-p", "no:cacheprovider", "-q",
               "-W", "ignore::pytest.PytestConfigWarning", *ignores]  # fmt: skip
    return _run(["-c", CORE_PROBE, ",".join(modules), *options, *args], env)


def test_core_modules_do_not_import_django_apps_web_or_cli():
    violations = {}
    for path in _core_files():
        for imp in _imports_of(path):
            for name in _dotted(imp):
                bad = next((p for p in CORE_FORBIDDEN if _under(name, p)), None)
                if bad:
                    key = (_rel(path), imp.line, name)
                    violations[key] = f"{_rel(path)}:{imp.line}: imports {name}"
                    break
    if violations:
        pytest.fail(
            "The framework-free core imports a framework layer (function-level imports count).\n"
            "Move the code that needs it into baocao/apps (or the CLI), or pass what it needs in"
            " as an argument:\n" + "\n".join(f"  {v}" for v in violations.values()),
            pytrace=False,
        )


_DJANGO_FIXTURES = {
    "db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
    "client", "async_client", "admin_client", "admin_user", "django_user_model",
    "django_username_field", "rf", "async_rf", "settings", "live_server", "mailoutbox",
    "django_assert_num_queries", "django_assert_max_num_queries",
    "django_capture_on_commit_callbacks", "django_db_setup", "django_db_blocker",
}  # fmt: skip


def _django_uses_in_test(path: Path) -> list[str]:
    """Static signs that a test file needs Django: imports, the django_db mark, its fixtures."""
    tree = _tree(path)
    local_fixtures = set()
    for source in (tree, _tree(CORE_TESTS / "conftest.py")):
        for node in ast.walk(source):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                local_fixtures.add(node.name)
    uses = []
    for imp in _imports_of(path):
        for name in _dotted(imp):
            if _under(name, "django") or _under(name, "baocao.apps") or _under(name, "baocao.web"):
                uses.append(f"{_rel(path)}:{imp.line}: imports {name}")
                break
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "django_db":
            uses.append(f"{_rel(path)}:{node.lineno}: uses pytest.mark.django_db")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in node.args.args:
                if arg.arg in _DJANGO_FIXTURES and arg.arg not in local_fixtures:
                    uses.append(f"{_rel(path)}:{node.lineno}: uses pytest-django's {arg.arg!r}")
    return uses


def test_core_tests_do_not_use_django_statically():
    # Whether an allowed entry is stale is decided by test_allowed_core_tests_still_need_django.
    new = []
    for path in sorted(CORE_TESTS.rglob("*.py")):
        if _rel(path) not in ALLOWED_CORE_TESTS_NEEDING_DJANGO:
            new += _django_uses_in_test(path)
    if new:
        pytest.fail(
            "A tests/core file needs Django -- move it to tests/web, or test only the"
            " Django-free part:\n" + "\n".join(f"  {use}" for use in new),
            pytrace=False,
        )


def test_core_imports_and_its_tests_pass_with_django_blocked(tmp_path):
    env = _django_free_env(tmp_path)
    core_modules = [_module_name(p) for p in _core_files()]
    full = os.environ.get("BAOCAO_GUARD_QUICK") != "1"
    result = _pytest_django_free(
        env, core_modules, *([] if full else ["--collect-only"]), "tests/core"
    )
    if "CORE-IMPORT-FAILED" in result.stdout:
        pytest.fail(
            "Core modules fail to import with Django blocked -- remove their Django dependency"
            " (move that code into baocao/apps, or out of the core):\n"
            + result.stdout.split("CORE-IMPORT-FAILED", 1)[1]
            + result.stderr,
            pytrace=False,
        )
    if result.returncode != 0:
        culprits = sorted(set(re.findall(r"(tests/core/\S+?\.py)", result.stdout)))
        pytest.fail(
            f"tests/core {'fails' if full else 'does not collect'} with Django blocked"
            f" (-p no:django, DJANGO_SETTINGS_MODULE unset). Files involved: {culprits}.\n"
            "Fix the core module so it does not need Django, or move the test to tests/web"
            " (as a last resort, list it in ALLOWED_CORE_TESTS_NEEDING_DJANGO).\n\n"
            + result.stdout[-6000:]
            + result.stderr[-2000:],
            pytrace=False,
        )


def test_allowed_core_tests_still_need_django(tmp_path):
    stale = []
    for entry in ALLOWED_CORE_TESTS_NEEDING_DJANGO:
        if not (ROOT / entry).exists():
            stale.append(f"{entry}: no longer exists")
        elif not _django_uses_in_test(ROOT / entry):
            result = _run(
                ["-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-q", entry],
                _django_free_env(tmp_path),
            )  # its own run: the main one --ignores it
            if result.returncode == 0:
                stale.append(f"{entry}: passes with Django blocked")
    if stale:
        pytest.fail(
            "Stale entries in ALLOWED_CORE_TESTS_NEEDING_DJANGO (well done; delete them from"
            " tests/test_architecture.py):\n" + "\n".join(f"  {line}" for line in stale),
            pytrace=False,
        )


# ---------------------------------------------------------------------------------------------
# 2. No private names across modules
# ---------------------------------------------------------------------------------------------


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_uses(path: Path) -> Iterator[tuple[tuple[str, str, str], str]]:
    modules = _modules()
    here = _module_name(path)
    aliases: dict[str, str] = {}  # local name -> baocao module
    for imp in _imports_of(path):
        if imp.is_from:
            for name, asname in imp.aliases:
                if f"{imp.module}.{name}" in modules:
                    aliases[asname or name] = f"{imp.module}.{name}"
                    continue  # a submodule, not a private name (e.g. `from . import _x`)
                if _private(name) and imp.module != here and _under(imp.module, "baocao"):
                    key = (_rel(path), imp.module, name)
                    yield key, f"{_rel(path)}:{imp.line}: from {imp.module} import {name}"
        elif _under(imp.module, "baocao"):
            ((name, asname),) = imp.aliases
            if asname:
                aliases[asname] = name
            else:
                aliases[name.split(".")[0]] = name.split(".")[0]
    for node in ast.walk(_tree(path)):
        if not isinstance(node, ast.Attribute):
            continue
        chain, base = [node.attr], node.value
        while isinstance(base, ast.Attribute):
            chain.insert(0, base.attr)
            base = base.value
        if not (isinstance(base, ast.Name) and base.id in aliases):
            continue
        module = aliases[base.id]
        while chain and f"{module}.{chain[0]}" in modules:
            module = f"{module}.{chain.pop(0)}"
        if len(chain) == 1 and _private(chain[0]) and module != here:
            key = (_rel(path), module, chain[0])
            yield key, f"{_rel(path)}:{node.lineno}: reads {module}.{chain[0]}"


def test_no_private_names_across_modules():
    found = {}
    for path in _modules().values():
        for key, where in _private_uses(path):
            found.setdefault(key, where)
    _check_allow_list(
        found,
        ALLOWED_PRIVATE_IMPORTS,
        "ALLOWED_PRIVATE_IMPORTS",
        "A private name (leading underscore) is used from another module",
        "make it public (drop the underscore, document it) or move it to a module both share",
    )


# ---------------------------------------------------------------------------------------------
# 3. The product never imports the demo
# ---------------------------------------------------------------------------------------------


def test_only_demo_and_cli_import_demo_modules():
    found = {}
    for module, path in _modules().items():
        rel = _rel(path)
        if rel.startswith(DEMO_IMPORTERS):
            continue
        for imp in _imports_of(path):
            for target in _targets(imp, known={"baocao.demo"}):
                is_demo = _under(target, "baocao.demo") or (
                    _under(target, "baocao") and "demo" in target.removeprefix("baocao.")
                )
                if is_demo and target != module:
                    found.setdefault(
                        (rel, target), f"{rel}:{imp.line}: imports {target} (a demo module)"
                    )
    _check_allow_list(
        found,
        ALLOWED_DEMO_IMPORTS,
        "ALLOWED_DEMO_IMPORTS",
        "A product module imports a demo module",
        "demo generators live in baocao/demo/ and only baocao/demo/** and baocao/cli/** may"
        " import them; move the importer into baocao/demo/ or stop importing the demo",
    )


# ---------------------------------------------------------------------------------------------
# 4. No import cycles
# ---------------------------------------------------------------------------------------------


def _graph() -> dict[str, dict[str, list[str]]]:
    """module -> {imported module -> ["file:line", ...]}, `if TYPE_CHECKING:` skipped."""
    graph: dict[str, dict[str, list[str]]] = {}
    for module, path in _modules().items():
        edges = graph.setdefault(module, {})
        for imp in _imports_of(path):
            if imp.type_checking:
                continue
            for target in _targets(imp):
                if target != module:
                    edges.setdefault(target, []).append(f"{_rel(path)}:{imp.line}")
    return graph


def _strongly_connected(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, {}))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_no_import_cycles():
    graph = _graph()
    found = {}
    for component in _strongly_connected(graph):
        if len(component) < 2:
            continue
        members = set(component)
        edges = [
            f"{source} -> {target}  ({', '.join(lines)})"
            for source in component
            for target, lines in sorted(graph[source].items())
            if target in members
        ]
        found[tuple(component)] = f"cycle {tuple(component)!r}:\n    " + "\n    ".join(edges)
    _check_allow_list(
        found,
        ALLOWED_CYCLES,
        "ALLOWED_CYCLES",
        "Import cycle among baocao modules (function-level imports and package __init__"
        " re-exports count; `if TYPE_CHECKING:` does not)",
        "cut one of the edges listed: move the shared code to a module both import. If an"
        " allowed cycle merely shrank, replace its entry with the smaller one",
    )


# ---------------------------------------------------------------------------------------------
# 5. Monkeypatch targets exist
# ---------------------------------------------------------------------------------------------

_MISSING = object()


def _resolve(dotted: str) -> object:
    """As monkeypatch does: import the longest importable prefix, then getattr the rest."""
    parts = dotted.split(".")
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], start=1):
        value = getattr(obj, part, _MISSING)
        if value is _MISSING:
            name = ".".join(parts[: i + 1])
            try:
                value = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise  # the module exists but its own imports fail: say so
                return _MISSING
        obj = value
    return obj


def _aliases(nodes: Iterable[ast.AST]) -> dict[str, str]:
    """Local name -> dotted path, from the import statements among nodes."""
    table = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    table[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    table[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                table[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return table


def _expr_path(node: ast.expr, table: dict[str, str]) -> str | None:
    chain = []
    while isinstance(node, ast.Attribute):
        chain.insert(0, node.attr)
        node = node.value
    if isinstance(node, ast.Name) and node.id in table:
        return ".".join([table[node.id], *chain])
    return None


def _patch_targets(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line, dotted target, how it was written) of monkeypatch.setattr/delattr calls."""
    tree = _tree(path)
    module_level = _aliases(tree.body)
    scopes = [(tree, module_level)]
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            scopes.append((node, {**module_level, **_aliases(ast.walk(node))}))
    seen = set()
    for scope, table in reversed(scopes):  # innermost table wins
        for node in ast.walk(scope):
            if id(node) in seen or not isinstance(node, ast.Call):
                continue
            seen.add(id(node))
            func, args = node.func, node.args
            if not (isinstance(func, ast.Attribute) and func.attr in {"setattr", "delattr"}):
                continue
            if not (isinstance(func.value, ast.Name) and func.value.id in {"monkeypatch", "mp"}):
                continue
            call = f"{func.value.id}.{func.attr}"
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                yield node.lineno, args[0].value, f"{call}({args[0].value!r}, ...)"
            elif len(args) >= 2 and isinstance(args[1], ast.Constant):
                owner = _expr_path(args[0], table)
                if owner and isinstance(args[1].value, str):
                    written = f"{call}({ast.unparse(args[0])}, {args[1].value!r}, ...)"
                    yield node.lineno, f"{owner}.{args[1].value}", written


def test_monkeypatch_targets_exist():
    found = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue
        for line, target, written in _patch_targets(path):
            try:
                resolved = _resolve(target)
            except Exception as error:  # an import error: report it as unresolved
                resolved, why = _MISSING, f" ({type(error).__name__}: {error})"
            else:
                why = ""
            if resolved is _MISSING:
                key = (_rel(path), target)
                found.setdefault(key, f"{_rel(path)}:{line}: {written} -> {target}{why}")
    _check_allow_list(
        found,
        ALLOWED_UNRESOLVED_PATCHES,
        "ALLOWED_UNRESOLVED_PATCHES",
        "A monkeypatch target does not exist (the code moved or was renamed; the patch would"
        " patch nothing or fail only when that test runs)",
        "point the patch at the attribute's new home (patch where it is looked up)",
    )
