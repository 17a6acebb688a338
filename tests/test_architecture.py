"""The import rules of the package, checked on the syntax tree (deferred imports included).

- the SymPy side (``posenc_ref.symbolic``) imports only SymPy, mpmath and the standard library;
- the NumPy side never imports SymPy;
- the core (frequencies, tables, rotation, index helpers, precision, their private kernels) never
  imports the framework catalogue, RoPE or the command line;
- the import graph of the package has no cycle;
- the command line and the docs hooks use only the public API (no ``_private`` module or name);
- ``import posenc_ref`` stays light: no SymPy, no mpmath, no catalogue until they are used.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from helpers import loaded_after_import

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "posenc_ref"
HOOKS = ROOT / "docs" / "_hooks"

#: The core: it knows nothing of the catalogue, RoPE or the command line.
CORE = {
    "posenc_ref._validate",
    "posenc_ref._layout",
    "posenc_ref._exact",
    "posenc_ref._kernel",
    "posenc_ref._fast",
    "posenc_ref._faithful64",
    "posenc_ref.sinusoidal",
    "posenc_ref.indexing",
    "posenc_ref.rotation",
    "posenc_ref.precision",
}
STDLIB = set(sys.stdlib_module_names)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """Every import of a file, deferred ones included: (absolute module, imported names)."""
    module = module_name(path) if path.is_relative_to(ROOT) else path.stem
    return parse_imports(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def parse_imports(text: str, module: str, is_package: bool) -> list[tuple[str, list[str]]]:
    """The imports of source ``text`` of ``module``, relative ones made absolute."""
    package = module if is_package else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            found.append((target, [alias.name for alias in node.names]))
    return found


def package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def internal_edges(path: Path) -> set[str]:
    """The package modules a file imports (``from . import x`` counts as module ``x``)."""
    modules = {module_name(p) for p in package_files()}
    edges = set()
    for target, names in imports(path):
        if not target.startswith("posenc_ref"):
            continue
        submodules = {f"{target}.{n}" for n in names} & modules
        edges |= submodules or {target}
    return edges - {module_name(path)}


def test_symbolic_imports_only_sympy_mpmath_and_the_standard_library():
    for path in sorted((PACKAGE / "symbolic").rglob("*.py")):
        for target, _names in imports(path):
            top = target.split(".")[0]
            inside = target.startswith("posenc_ref.symbolic")
            assert inside or top in {"sympy", "mpmath", "__future__"} | STDLIB, (path, target)


def test_the_numpy_side_never_imports_sympy():
    for path in package_files():
        if "symbolic" in path.parts:
            continue
        for target, _names in imports(path):
            assert not target.startswith("sympy"), (path, target)
            assert not target.startswith("posenc_ref.symbolic"), (path, target)


def test_the_core_does_not_import_the_catalogue_rope_or_the_command_line():
    for path in package_files():
        if module_name(path) not in CORE:
            continue
        outside = internal_edges(path) - CORE
        assert not outside, (module_name(path), outside)


def test_the_import_graph_has_no_cycle():
    graph = {module_name(p): internal_edges(p) for p in package_files()}
    # The package's __init__ re-exports; an edge into it is an edge into what it imports.
    visiting, done = set(), set()

    def visit(node: str, path: list[str]) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*path, node])
        visiting.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt == "posenc_ref" and node.startswith("posenc_ref."):
                continue  # `import posenc_ref` from inside: the facade, loaded first
            visit(nxt, [*path, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


@pytest.mark.parametrize(
    "path",
    sorted((PACKAGE / "cli").glob("*.py")) + sorted(HOOKS.glob("*.py")),
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_the_command_line_and_the_docs_hooks_use_only_the_public_api(path):
    for target, names in imports(path):
        if not target.startswith("posenc_ref"):
            continue
        private_module = any(part.startswith("_") for part in target.split(".")[1:])
        private_names = [n for n in names if n.startswith("_")]
        inside_cli = target.startswith("posenc_ref.cli") and "cli" in path.parts
        assert inside_cli or not private_module, (path.name, target)
        assert not private_names, (path.name, target, private_names)


def test_the_checker_sees_deferred_and_relative_imports():
    text = "def f():\n    import sympy\n    from . import _kernel\n    from ..cli import x\n"
    found = parse_imports(text, "posenc_ref.symbolic.demo", is_package=False)
    assert found == [
        ("sympy", []),
        ("posenc_ref.symbolic", ["_kernel"]),
        ("posenc_ref.cli", ["x"]),
    ]


def test_import_posenc_ref_is_light():
    """One fresh interpreter: the facade loads neither SymPy, mpmath, nor the catalogue."""
    heavy = ("sympy", "mpmath", "posenc_ref.conventions", "posenc_ref.symbolic")
    loaded = loaded_after_import("posenc_ref", heavy)
    assert not any(loaded.values()), loaded
