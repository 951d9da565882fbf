"""The layering of the code, read from its import statements (every one, also those inside functions):

- Dagster's checks and assets do not import each other: both take their asset keys from pipelines/asset_keys.py
  and write check outcomes through pipelines/warehouse/;
- no two modules of pipelines/ or dashboards/ import each other, directly or around a circle;
- of pipelines/, only the launcher of the servers (pipelines/serve.py) imports dashboards/.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("pipelines", "dashboards")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}


def imported(path: Path, known: set[str]) -> set[str]:
    """The repository's modules that ``path`` imports anywhere in it (a name imported from a package that is a
    module of its own counts as that module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found |= {name for name in names if name in known}
    return found


def import_graph() -> dict[str, set[str]]:
    paths = modules()
    return {name: imported(path, set(paths)) - {name} for name, path in paths.items()}


def under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_checks_and_assets_do_not_import_each_other():
    graph = import_graph()
    crossing = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        for a, b in (("pipelines.checks", "pipelines.assets"), ("pipelines.assets", "pipelines.checks"))
        if under(module, a) and under(target, b)
    )
    assert crossing == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle of imports per strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_around_a_circle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_only_the_launcher_in_pipelines_imports_dashboards():
    graph = import_graph()
    importers = {
        m for m, targets in graph.items() if under(m, "pipelines") and any(under(t, "dashboards") for t in targets)
    }
    assert importers <= {"pipelines.serve"}
