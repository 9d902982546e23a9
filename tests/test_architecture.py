"""The shape of the code: one installed name, layers that only point down, no circles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "web", "crawler", "classifier", "db")
ROOTS = tuple(f"maskscreen.{name}" for name in PACKAGES)
SCANNED = (*PACKAGES, "tests", "bench")


def bare_imports(source: str) -> list[str]:
    """Imports of a top-level cli, web, crawler, classifier or db instead of maskscreen.*."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in PACKAGES]
    return found


@pytest.mark.parametrize("source", ["import db", "from cli.main import main", "import crawler.x"])
def test_bare_import_is_found(source):
    assert bare_imports(source)


def test_no_module_imports_a_bare_top_level_package():
    offenders = {
        str(path.relative_to(ROOT)): names
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (names := bare_imports(path.read_text("utf-8")))
    }
    assert offenders == {}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other, largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups, key=len, reverse=True)


def test_circle_finder_finds_a_circle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles():
    imports = grimp.build_graph(*ROOTS)
    # A package's __init__ re-exporting its modules is not a circle between modules.
    graph = {
        module: {
            target
            for target in imports.find_modules_directly_imported_by(module)
            if not module.startswith(target + ".")
        }
        for module in imports.modules
    }
    assert strongly_connected(graph) == []


CONTRACT = """
[importlinter]
root_packages =
    maskscreen.cli
    maskscreen.crawler
    maskscreen.classifier
    maskscreen.db

[importlinter:contract:layers]
name = layers
type = layers
layers =
    maskscreen.cli
    maskscreen.crawler
    maskscreen.classifier | maskscreen.db
"""


def lint_imports(cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("lint-imports"))]
    if config:
        command += ["--config", str(config)]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_import_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("package", "planted"),
    [
        ("db", "from maskscreen.cli import main\n"),  # the store reaching up to the edge
        ("classifier", "import maskscreen.db\n"),  # sideways between the bottom packages
        ("crawler", "import maskscreen.cli.output\n"),  # the middle reaching up
    ],
)
def test_import_contract_fails_on_a_planted_violation(tmp_path, package, planted):
    tree = tmp_path / "maskscreen"
    tree.mkdir()
    for name in PACKAGES:
        subprocess.run(["cp", "-r", str(ROOT / name), str(tree / name)], check=True)
    (tree / package / "planted_violation.py").write_text(planted, "utf-8")
    config = tmp_path / "contract.ini"
    config.write_text(CONTRACT, "utf-8")
    result = lint_imports(tmp_path, config)
    assert result.returncode != 0, result.stdout[-2000:]
    assert f"maskscreen.{package}.planted_violation" in result.stdout
