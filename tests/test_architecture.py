"""The import graph of `app/`: no cycles, and the catalog tooling knows nothing of the web layer.

Every import counts, also those inside functions (a lazy import that reaches back up is still a cycle in
the design, only hidden). Read with `ast`, not by importing, so nothing has to run.
"""
from __future__ import annotations

import ast
from pathlib import Path

from app.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app"
WEB_PACKAGES = ("flask", "flask_babel", "flask_wtf", "werkzeug")  # the tooling runs in CI and from make
BELOW_TOOLING = ("app.config",)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(APP.rglob("*.py"))}


def _imported(path: Path, name: str) -> set[str]:
    """Every module `name` (the module in `path`) imports, absolute, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import pages`
    return found


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of `app` it imports. Importing `app.x.y` from outside package `app.x` also
    runs `app/x/__init__.py`, so it counts as importing that too (the root package `app` excepted: every
    module is inside it)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        edges = set()
        for target in _imported(path, name):
            if target not in modules:
                continue
            edges.add(target)
            parent = target.rpartition(".")[0]
            while parent.startswith("app.") and not name.startswith(parent + ".") and name != parent:
                edges.add(parent)
                parent = parent.rpartition(".")[0]
        edges.discard(name)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component that has one (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_app_has_no_import_cycle():
    graph = import_graph()
    assert "app.auth" in graph["app.pages"]  # the graph is read (a broken reader would find no edges)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_a_lazy_import_inside_a_function_is_an_edge(tmp_path):
    module = tmp_path / "pages.py"
    module.write_text("def view():\n    from .editor import current_user\n    from . import auth\n")
    assert {"app.editor", "app.editor.current_user", "app.auth"} <= _imported(module, "app.pages")


def test_tooling_imports_nothing_of_the_web_layer():
    graph = import_graph()
    modules = _modules()
    for name in (n for n in graph if n == "app.tooling" or n.startswith("app.tooling.")):
        # config.py is the one module below the tooling: the project's settings (locales), read by the CLI
        assert all(target.startswith("app.tooling") or target in BELOW_TOOLING for target in graph[name]), name
        external = {target.split(".")[0] for target in _imported(modules[name], name)}
        assert not external & set(WEB_PACKAGES), name


def test_what_the_tooling_may_import_of_the_app_imports_nothing_of_it():
    graph, modules = import_graph(), _modules()
    for name in BELOW_TOOLING:
        assert not {target for target in graph[name] if target.startswith("app")}, name
        assert not {target.split(".")[0] for target in _imported(modules[name], name)} & set(WEB_PACKAGES), name
