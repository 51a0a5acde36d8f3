"""The engine's layout keeps its rules: no import cycles, faces use public names."""

from __future__ import annotations

import ast
from pathlib import Path

import matcher

ROOT = Path(__file__).resolve().parent.parent

#: the engine's modules whose names faces must not import (they use ``matcher``'s
#: public names, or a package's ``__init__`` such as ``matcher.stream``)
ENGINE_INTERNALS = (
    "matcher.propose",
    "matcher.constraints",
    "matcher.dense",
    "matcher.assemble",
    "matcher.progress",
    "matcher.params",
    "matcher.rules",
    "matcher.scoring",
    "matcher.gcpause",
    "matcher.stream.",
    "matcher.warm.",
    "matcher.explain.",
)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, known: set[str]) -> set[str]:
    """Modules imported when ``path`` is imported (not those in functions or
    under ``if TYPE_CHECKING``), with ``from pkg import submodule`` resolved."""
    out: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names} & known
    return out & known


def test_no_import_cycles_in_the_engine() -> None:
    """A cycle makes import order matter and hides which module depends on which."""
    paths = {
        _module(p): p
        for p in (ROOT / "matcher").rglob("*.py")
        if not p.name.startswith("cli")  # the CLI's own cycle is another change's
    }
    known = set(paths)
    graph = {m: _top_level_imports(p, known) - {m} for m, p in paths.items()}
    # a package imports its parents' __init__ first: that edge is Python's, not ours
    graph = {m: {d for d in deps if not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                raise AssertionError(" -> ".join([*trail[trail.index(d) :], d]))
            if d not in state:
                visit(d, [*trail, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_faces_import_no_engine_module_directly() -> None:
    """The API and the benchmarks reach the engine through ``matcher``'s names."""
    for path in [*(ROOT / "api").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                mods = [node.module]
            for m in mods:
                assert not m.startswith(ENGINE_INTERNALS), f"{path.relative_to(ROOT)} imports {m}"


def test_the_names_faces_need_are_public() -> None:
    for name in ("Progress", "streams", "Engine", "EngineParams", "Scorer", "WarmProposals"):
        assert name in matcher.__all__, name
