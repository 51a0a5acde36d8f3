"""The layers keep their rules, and each package's ``__all__`` is exactly its public names.

Why: matcher's modules move and rename behind the public names of ``matcher`` and of
a few packages; a face that imports a module or a private name breaks with every
such move, and an engine module that imports a face (or a cycle between modules)
makes import order matter and hides which layer depends on which. The rules are
drawn in ``docs/architecture.md`` ("Layers"); this test is how ``make test``
enforces them. Each rule is checked by a function that returns the violations, and
``test_each_rule_sees_what_it_forbids`` feeds every one of them a made-up offender.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import matcher
from tests.paths import ROOT

#: what each face may import from matcher besides ``from matcher import X`` with
#: ``X`` in ``matcher.__all__``: these packages' ``__all__`` names, nothing else.
FACE_PACKAGES: dict[str, frozenset[str]] = {
    # api/: the store is the service's persistence layer (engine-free, its own
    # public package); messages and problem codes are how the service renders errors
    # and serves the catalogue; scenarios are a route of their own.
    # generate: the sample district's months of history (``--load-sample``);
    # dated: a body's weekly pattern, days away and window read as the case files are;
    # io: an uploaded .xlsx workbook read as the CSV text of an import (api/imports.py).
    "api": frozenset(
        {
            "matcher.store",
            "matcher.messages",
            "matcher.problemcodes",
            "matcher.whatif",
            "matcher.generate",
            "matcher.dated",
            "matcher.io",
        }
    ),
    # matcher/cli/: the same, plus io for escaping cells of the CSV it writes
    # (``serve``, ``import`` and ``export`` open the store; ``whatif`` runs scenarios and sweeps).
    "matcher/cli": frozenset(
        {
            "matcher.store",
            "matcher.messages",
            "matcher.problemcodes",
            "matcher.whatif",
            "matcher.io",
            "matcher.generate",
        }
    ),
    # benchmarks/: synthetic cases come from generate; the harness measures the
    # solver alone (OR-Library instances) and the pair stream's scan alone, so it
    # uses those two packages' front doors (never their modules).
    # The backtest replays a generated history through the record's warning rules;
    # the fairness suite runs whatif's rolling-horizon simulation; the dated-orders
    # peer (CP-SAT) builds its model from the dated package's week arithmetic.
    "benchmarks": frozenset(
        {
            "matcher.generate",
            "matcher.solver",
            "matcher.stream",
            "matcher.record",
            "matcher.whatif",
            "matcher.dated",
        }
    ),
}

#: the faces, as folders under the repository root
FACES = tuple(FACE_PACKAGES)

#: matcher's modules that the engine must never import: the CLI (a face), bar
#: ``python -m matcher``, which starts it
ENTRY_POINTS = frozenset({"matcher.__main__"})

#: the domain: what a case is, read and written (below the engine)
DOMAIN = (
    "matcher.model",
    "matcher.io",
    "matcher.geo",
    "matcher.policy",
    "matcher.params",
    "matcher.messages",
    "matcher.problemcodes",
    "matcher.errors",
    "matcher.atomic",
    "matcher.paths",
    "matcher.tomlfile",
    "matcher.textfile",
    "matcher.record",
    "matcher.dated",
    "matcher.catalogue",
)

#: the engine: scoring, the two engines, explanations, warm and what-if work
ENGINE = (
    "matcher.rules",
    "matcher.timetable",
    "matcher.scoring",
    "matcher.loadcost",
    "matcher.terms",
    "matcher.constraints",
    "matcher.dense",
    "matcher.stream",
    "matcher.explain",
    "matcher.assemble",
    "matcher.proposal",
    "matcher.propose",
    "matcher.progress",
    "matcher.gcpause",
    "matcher.warm",
    "matcher.whatif",
    "matcher.summary",
    "matcher.replay",
    "matcher.shortfall",
)

#: persistence and the faces, which neither the domain nor the engine imports
ABOVE_ENGINE = ("matcher.store", "matcher.cli", "api", "benchmarks")

#: what ``matcher/tags/`` must never import
ABOVE_TAGS = ("matcher.solver", *ENGINE, *ABOVE_ENGINE)

#: packages whose ``__init__`` only gathers public names: ``__all__`` must be exact
PACKAGES = (
    "matcher",
    "matcher.store",
    "matcher.whatif",
    "matcher.whatif.scenario",
    "matcher.stream",
    "matcher.explain",
    "matcher.warm",
    "matcher.solver",
    "matcher.tags",
    "matcher.io",
    "matcher.record",
    "matcher.dated",
    "matcher.catalogue",
)

Import = tuple[str, str | None, int]
"""``(module, name, line)``: ``name`` is None for ``import module``."""


# -- reading imports -------------------------------------------------------------


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(path: Path, node: ast.ImportFrom, root: Path) -> str:
    """``node``'s module with relative imports (``from . import x``) resolved."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, *, load_time: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements under ``node``; with ``load_time``, only those that run when
    the module is imported (not in functions, not under ``if TYPE_CHECKING:``)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif load_time and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif load_time and isinstance(child, ast.If) and _is_type_checking(child):
            for stmt in child.orelse:
                yield from _walk(ast.Module(body=[stmt], type_ignores=[]), load_time=True)
        else:
            yield from _walk(child, load_time=load_time)


def imports(path: Path, *, load_time: bool = False, root: Path = ROOT) -> list[Import]:
    """Every import in ``path`` (anywhere in it, or only those run at load time)."""
    out: list[Import] = []
    for node in _walk(ast.parse(path.read_text(encoding="utf-8")), load_time=load_time):
        if isinstance(node, ast.Import):
            out += [(a.name, None, node.lineno) for a in node.names]
        else:
            module = _absolute(path, node, root)
            out += [(module, a.name, node.lineno) for a in node.names]
    return out


def _ours(module: str) -> bool:
    return module.split(".")[0] in ("matcher", "api", "benchmarks")


def python_files(*folders: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for f in folders for p in (root / f).rglob("*.py"))


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


# -- the rules: each returns its violations as readable lines --------------------


def solver_violations(path: Path, root: Path = ROOT) -> list[str]:
    """``matcher/solver/`` is pure numerics: nothing of matcher but ``matcher.errors``."""
    return [
        f"{path.relative_to(root)}:{line} imports {m}"
        for m, _, line in imports(path, root=root)
        if _under(m, "matcher") and not _under(m, "matcher.solver", "matcher.errors")
    ]


def tags_violations(path: Path, root: Path = ROOT) -> list[str]:
    """``matcher/tags/`` sits below the engine: no solver, engine, store or face."""
    return [
        f"{path.relative_to(root)}:{line} imports {m}"
        for m, _, line in imports(path, root=root)
        if _under(m, *ABOVE_TAGS)
    ]


def below_violations(path: Path, root: Path = ROOT) -> list[str]:
    """The domain imports no engine; neither imports the store or a face."""
    me = module_name(path, root)
    above = (*ENGINE, *ABOVE_ENGINE) if _under(me, *DOMAIN) else ABOVE_ENGINE
    if not _under(me, *DOMAIN, *ENGINE):
        return []
    return [
        f"{path.relative_to(root)}:{line} imports {m}"
        for m, _, line in imports(path, root=root)
        if _under(m, *above)
    ]


def matcher_violations(path: Path, root: Path = ROOT) -> list[str]:
    """Nothing in ``matcher/`` imports ``api`` or ``benchmarks``; nothing outside the
    CLI imports the CLI (bar ``python -m matcher``)."""
    me = module_name(path, root)
    bad = []
    for m, _, line in imports(path, root=root):
        if _under(m, "api", "benchmarks"):
            bad.append(f"{path.relative_to(root)}:{line} imports the face {m}")
        elif _under(m, "matcher.cli") and not _under(me, "matcher.cli") and me not in ENTRY_POINTS:
            bad.append(f"{path.relative_to(root)}:{line} imports the CLI ({m})")
    return bad


def _private(module: str, name: str | None) -> bool:
    parts = [*module.split("."), *([] if name is None else [name])]
    return any(p.startswith("_") and not (p.startswith("__") and p.endswith("__")) for p in parts)


def face_violations(path: Path, face: str, root: Path = ROOT) -> list[str]:
    """A face imports matcher's public names only, and no other face.

    Allowed: ``import matcher``; ``from matcher import X`` with ``X`` in
    ``matcher.__all__`` (or a dunder such as ``__version__``); ``from P import X``
    with ``P`` in :data:`FACE_PACKAGES` for this face and ``X`` in ``P.__all__``;
    and the face's own modules (never a private name of ``matcher``, even the CLI's own).
    """
    own = face.replace("/", ".")
    where = path.relative_to(root)
    bad = []
    for m, name, line in imports(path, root=root):
        if not _ours(m):
            continue
        shown = m if name is None else f"{m}:{name}"
        if _private(m, name) and (_under(m, "matcher") or not _under(m, own)):
            bad.append(f"{where}:{line} imports a private name ({shown})")
        elif _under(m, own):
            continue
        elif _under(m, *(f.replace("/", ".") for f in FACES)):
            bad.append(f"{where}:{line} imports another face ({shown})")
        elif m == "matcher":
            dunder = name is not None and name.startswith("__") and name.endswith("__")
            if name is not None and name not in matcher.__all__ and not dunder:
                bad.append(f"{where}:{line} imports {name!r}, not in matcher.__all__")
        elif m in FACE_PACKAGES[face]:
            if name is None or name not in importlib.import_module(m).__all__:
                bad.append(f"{where}:{line} imports {shown}, not in {m}.__all__")
        else:
            bad.append(f"{where}:{line} imports {shown}, a module that is not public to {face}")
    return bad


def import_cycle(root: Path = ROOT) -> list[str]:
    """One cycle among matcher's modules (load-time imports only), or ``[]``."""
    paths = {module_name(p, root): p for p in python_files("matcher", root=root)}
    known = set(paths)
    graph: dict[str, set[str]] = {}
    for m, p in paths.items():
        deps: set[str] = set()
        for module, name, _ in imports(p, load_time=True, root=root):
            deps.add(module)
            if name is not None:
                deps.add(f"{module}.{name}")  # ``from pkg import submodule``
        # a module imports its parents' ``__init__`` first: that edge is Python's
        graph[m] = {d for d in deps & known if d != m and not m.startswith(d + ".")}
    state: dict[str, int] = {}
    found: list[str] = []

    def visit(m: str, trail: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if found:
                return
            if state.get(d) == 1:
                found.extend([*trail[trail.index(d) :], d])
                return
            if d not in state:
                visit(d, [*trail, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state and not found:
            visit(m, [m])
    return found


# -- the tests -------------------------------------------------------------------


def test_the_solver_imports_nothing_of_matcher_but_its_errors() -> None:
    files = python_files("matcher/solver")
    assert len(files) >= 5
    assert [v for p in files for v in solver_violations(p)] == []


def test_tags_import_no_solver_engine_store_or_face() -> None:
    files = python_files("matcher/tags")
    assert len(files) >= 3
    assert [v for p in files for v in tags_violations(p)] == []


def test_the_domain_imports_no_engine_and_neither_imports_store_or_faces() -> None:
    files = python_files("matcher")
    assert sum(1 for p in files if _under(module_name(p), *DOMAIN)) >= 10
    assert [v for p in files for v in below_violations(p)] == []


def test_matcher_imports_no_api_no_benchmarks_and_only_main_starts_the_cli() -> None:
    assert [v for p in python_files("matcher") for v in matcher_violations(p)] == []


@pytest.mark.parametrize("face", FACES)
def test_faces_import_only_public_names(face: str) -> None:
    files = python_files(face)
    assert len(files) >= 7
    assert [v for p in files for v in face_violations(p, face)] == []


def test_no_import_cycles_among_matchers_modules() -> None:
    assert import_cycle() == []


def test_the_names_faces_need_are_public() -> None:
    """The streaming choice, progress and warm proposals are matcher's names."""
    for name in ("Progress", "streams", "Engine", "EngineParams", "Scorer", "WarmProposals"):
        assert name in matcher.__all__, name


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(root).parents:
        init = root / parent / "__init__.py"
        if parent != Path(".") and not init.exists():
            init.write_text("")
    path.write_text(text, encoding="utf-8")
    return path


def test_each_rule_sees_what_it_forbids(tmp_path: Path) -> None:
    """A made-up offender per rule, so that a rule that stopped seeing cannot pass."""
    solver = _write(tmp_path, "matcher/solver/x.py", "from matcher.errors import SolverError\n")
    assert solver_violations(solver, tmp_path) == []
    solver.write_text("def f():\n    from matcher.model import Case\n")
    assert len(solver_violations(solver, tmp_path)) == 1

    tags = _write(tmp_path, "matcher/tags/x.py", "from matcher.errors import Problem\n")
    assert tags_violations(tags, tmp_path) == []
    tags.write_text("from matcher.solver import solve\nimport matcher.stream.blocks\n")
    assert len(tags_violations(tags, tmp_path)) == 2

    domain = _write(tmp_path, "matcher/io/x.py", "from matcher.tags import Taxonomy\n")
    assert below_violations(domain, tmp_path) == []
    domain.write_text("from matcher.scoring import Scorer\nfrom matcher.store import Store\n")
    assert len(below_violations(domain, tmp_path)) == 2
    engine = _write(tmp_path, "matcher/dense.py", "from matcher.stream import Edges\n")
    assert below_violations(engine, tmp_path) == []
    engine.write_text("from matcher.store import Store\nimport matcher.cli.common\n")
    assert len(below_violations(engine, tmp_path)) == 2
    engine.unlink()

    engine = _write(tmp_path, "matcher/x.py", "from api.errors import problem\n")
    engine.write_text("import benchmarks.runner\nfrom api.errors import x\nimport matcher.cli\n")
    assert len(matcher_violations(engine, tmp_path)) == 3
    main = _write(tmp_path, "matcher/__main__.py", "from matcher.cli import main\n")
    assert matcher_violations(main, tmp_path) == []

    face = _write(
        tmp_path,
        "api/x.py",
        "import matcher\n"
        "from matcher import propose, __version__\n"
        "from matcher.store import Store\n"
        "from api.errors import x\n",
    )
    assert face_violations(face, "api", tmp_path) == []
    face.write_text(
        "from matcher import _quiet\n"  # private name
        "from matcher import constraints\n"  # not in __all__
        "from matcher.propose import propose\n"  # an engine module
        "from matcher.generate._core import x\n"  # a private module
        "from matcher.store import nothing\n"  # not in the package's __all__
        "from matcher.stream import PairStream\n"  # public to benchmarks, not to api
        "import matcher.cli\n"  # another face
        "from benchmarks import runner\n"  # another face
        "def f():\n"
        "    import matcher.dense\n"  # an engine module, in a function
    )
    assert len(face_violations(face, "api", tmp_path)) == 9
    cli = _write(tmp_path, "matcher/cli/x.py", "from matcher.cli.common import fail\n")
    assert face_violations(cli, "matcher/cli", tmp_path) == []
    # another face; a private name even of the CLI's own (relative); no own private in api/
    cli.write_text("import api\nfrom .common import _fail\n")
    assert len(face_violations(cli, "matcher/cli", tmp_path)) == 2
    face.write_text("from api._private import x\n")
    assert face_violations(face, "api", tmp_path) == []

    _write(tmp_path, "matcher/a.py", "from matcher.b import x\n")
    _write(
        tmp_path,
        "matcher/b.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from matcher.a import y\ndef f():\n    from matcher.a import z\n",
    )
    engine.unlink()
    assert import_cycle(tmp_path) == []
    _write(tmp_path, "matcher/b.py", "from matcher import a\n")
    assert import_cycle(tmp_path) == ["matcher.a", "matcher.b", "matcher.a"]


# -- __all__ exactly -------------------------------------------------------------


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """``body``'s statements, with those of ``if TYPE_CHECKING:`` blocks: a package that
    loads its names on first use (a module ``__getattr__``) imports them there for the
    type checkers, and serves the same names."""
    for node in body:
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _top_level(node.body)
        else:
            yield node


def _bound_names(path: Path) -> set[str]:
    """Names a module binds at its top level (imports, assignments, defs, classes)."""
    names: set[str] = set()
    for node in _top_level(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's RUF022 order: CONSTANTS, then Classes, then the rest, each alphabetical."""
    if re.fullmatch(r"[A-Z0-9_]+", name) and len(name) > 1:
        return (0, name)
    return (1, name) if name[0].isupper() else (2, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_exactly_the_public_names(package: str) -> None:
    """Like httpx's ``test_exported_members``: a name imported into a package's
    ``__init__`` is exported, and every exported name is there, sorted."""
    module = importlib.import_module(package)
    assert module.__file__ is not None
    public = sorted(
        (n for n in _bound_names(Path(module.__file__)) if not n.startswith("_")), key=_isort_key
    )
    assert module.__all__ == public
    for name in module.__all__:
        assert hasattr(module, name), name


def test_the_architecture_doc_names_every_module() -> None:
    """``docs/architecture.md`` draws one line per module: a new module gets its line."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        str(p.relative_to(ROOT))
        for p in python_files("matcher", "api", "benchmarks")
        if p.name not in ("__init__.py", "__main__.py")
        and not re.search(rf"(?<![\w.]){re.escape(p.stem)}(\.py|/)", doc)
    ]
    assert missing == []
