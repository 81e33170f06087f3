"""The package's shape: dependencies point one way, families load on demand, the index is fresh."""

from __future__ import annotations

import ast
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "cnncalc"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> set[str]:
    """The cnncalc modules a file imports when it runs (TYPE_CHECKING blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("cnncalc")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("cnncalc"):
                continue
            found.add(target)
            for alias in node.names:  # `from . import layers` imports a module
                candidate = f"{target}.{alias.name}"
                if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists() or (
                    PACKAGE.parent / candidate.replace(".", "/")
                ).is_dir():
                    found.add(candidate)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: runtime_imports(path) & modules.keys() - {name} for name, path in modules.items()}


def parents(module: str) -> set[str]:
    """Importing a.b.c runs a/__init__ and a/b/__init__ first."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_circles() -> None:
    graph = import_graph()
    state: dict[str, str] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


# Which concern may import which: each subpackage only reaches down this list.
LAYERS = {
    "cnncalc.errors": 0,
    "cnncalc.dtypes": 0.5,  # uses errors; layers, spec and analysis use it
    "cnncalc.formulas": 0,
    "cnncalc.layers": 1,
    "cnncalc.render": 2,
    "cnncalc.costs": 2,
    "cnncalc.spec": 2,
    "cnncalc.analysis": 3,
    "cnncalc.engine": 4,
    "cnncalc.sources": 5,
    "cnncalc.keras": 6,
    "cnncalc.classroom": 6,
    "cnncalc.web": 7,  # below cli: `cnncalc serve` starts it
    "cnncalc.cli": 8,
}


def concern(module: str) -> str | None:
    return next((c for c in LAYERS if module == c or module.startswith(c + ".")), None)


def test_dependencies_point_one_way() -> None:
    wrong = []
    for module, targets in import_graph().items():
        mine = concern(module)
        if mine is None:
            continue
        for target in targets:
            theirs = concern(target)
            if theirs and theirs != mine and LAYERS[theirs] >= LAYERS[mine]:
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_the_engine_knows_nothing_of_files_printing_keras_or_grading() -> None:
    forbidden = ("cnncalc.sources", "cnncalc.keras", "cnncalc.classroom", "cnncalc.cli")
    imports = runtime_imports(PACKAGE / "engine.py")
    assert [m for m in imports if m.startswith(forbidden)] == []


def test_the_layer_index_is_fresh() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "build_layer_index.py"))
    current = (PACKAGE / "layers" / "index.py").read_text(encoding="utf-8")
    assert current == script["render"](), "run: python scripts/build_layer_index.py"


def test_vgg16_loads_only_the_families_it_uses() -> None:
    code = (
        "import sys, cnncalc; cnncalc.analyze('vgg16');"
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('cnncalc.layers.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert eval(out.stdout) == ["base", "conv", "core", "index", "models", "pooling", "registry"]


def test_every_kind_is_reachable_through_the_registry() -> None:
    from cnncalc.layers import REGISTRY

    assert all(REGISTRY[kind].model_fields["type"].default == kind for kind in REGISTRY)
