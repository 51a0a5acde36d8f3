"""A one-shot ``matcher`` process loads only what its command uses.

Why: a ``matcher propose`` on a district pays for every library it imports before
it solves anything; the store (SQLAlchemy), networkx, matplotlib and the streamed
engine's compiled kernels (numba) cost a fresh process more than a district's
proposal itself. Checked by what a fresh interpreter has imported, never by a clock
(docs/benchmarks.md, "Cold start", has the times).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest
import typer
import typer.main

from matcher.cli.app import COMMANDS
from tests.paths import ROOT, SAMPLE

#: libraries no command's start-up needs: each loads with the work that uses it
HEAVY = ("highspy", "llvmlite", "matplotlib", "networkx", "numba", "scipy", "sqlalchemy")

_LOADED = (
    "import sys; "
    f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
)


def _loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_LOADED}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=None if env is None else os.environ | env,
    )
    return set(run.stdout.split())


def _propose_sample(out: object, then: str) -> str:
    """A script: ``matcher propose`` of the sample into ``out`` through the typer app
    (no quick exit, so ``then`` runs after it), failing on a nonzero exit."""
    return (
        "import sys\n"
        "from matcher.cli.app import app\n"
        f"sys.argv = ['matcher', 'propose', {str(SAMPLE)!r}, '-f', 'json', '-o', {str(out)!r}]\n"
        "try:\n"
        "    app()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"{then}"
    )


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import matcher.cli.app") == set()


def test_importing_matcher_loads_none_of_its_modules() -> None:
    """The public names load on first use: ``import matcher`` loads only that mechanism."""
    code = (
        "import sys, matcher\n"
        "assert [m for m in sys.modules if m.startswith('matcher.')] == ['matcher.lazy']\n"
        "assert 'numpy' not in sys.modules"
    )
    assert _loaded_after(code) == set()


def test_importing_the_messages_reads_no_catalogue() -> None:
    """The catalogue (``messages.toml``) is read when a message is first rendered, not
    when a module imports :mod:`matcher.messages` for its types."""
    code = (
        "import sys, matcher.messages as m\n"
        "assert 'tomllib' not in sys.modules and 'CATALOGUE' not in vars(m)\n"
        "assert m._catalogue.cache_info().currsize == 0\n"
        "assert m.render(m.msg('phase.scoring_pairs'), 'en') != 'phase.scoring_pairs'\n"
        "assert m._catalogue.cache_info().currsize == 1"
    )
    assert _loaded_after(code) == set()


def test_importing_the_problem_codes_compiles_none_of_their_patterns() -> None:
    """A command imports :mod:`matcher.problemcodes` for its error path; its hundred
    patterns are compiled when a problem is first matched, each once."""
    code = (
        "import re, sys\n"
        "import matcher.problemcodes as p\n"
        "rules = [r for t in (p._MESSAGES, p._HINTS) for rs in t.values() for r, _ in rs]\n"
        "assert len(rules) > 50 and all(r._compiled is None for r in rules)\n"
        "from matcher.errors import Problem\n"
        "said = p.problem_message(Problem(file='x.csv', message='file is missing'))\n"
        "assert said.code == 'problem.file_missing', said\n"
        "assert rules[0]._compiled is not None and rules[-1]._compiled is None"
    )
    assert _loaded_after(code) == set()


def test_a_district_proposal_loads_its_solvers_not_the_store_or_the_kernels(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The sample district is solved dense: HiGHS for the LP and scipy's sparse graphs
    for the certificate and the alternates, nothing compiled, no store, no plots."""
    out = tmp_path / "plan.json"
    unused = (
        "matcher.store",
        "matcher.whatif",
        "matcher.stream",
        "matcher.io.history",
        "benchmarks",
    )
    code = _propose_sample(out, f"assert not set({unused!r}) & set(sys.modules)")
    assert _loaded_after(code) == {"highspy", "scipy"}
    assert out.stat().st_size > 0


def test_a_proposal_makes_its_spinner_only_where_rich_draws_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """stderr a pipe: rich's transient status would draw nothing there, so none is made
    (no live display, no refresh thread; rich's live and table modules not imported for
    a JSON plan). A terminal (``TTY_COMPATIBLE=1`` tells rich stderr is one) gets it."""
    out = tmp_path / "plan.json"
    code = _propose_sample(out, "print('rich.live' in sys.modules, 'rich.table' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    for extra, shown in (({}, "False False"), ({"TTY_COMPATIBLE": "1"}, "True True")):
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env | extra,
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.split() == shown.split(), (extra, run.stderr)


def test_a_proposal_to_a_file_imports_no_rich_off_a_terminal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A JSON plan written to a file, stderr a pipe: nothing to style, so rich is not
    imported (its note written as rich writes it, next test); a terminal gets rich.
    (The plan's path is short: a note longer than a line goes through rich, to wrap.)"""
    code = _propose_sample("plan.json", "print('rich' in sys.modules)")
    # nothing set that rich reads (pytest-xdist's workers have COLUMNS and LINES set)
    rich_reads = ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS")
    env = {k: v for k, v in os.environ.items() if k not in rich_reads}
    env |= {"PYTHONPATH": str(ROOT)}
    for extra, loaded in (({}, "False"), ({"TTY_COMPATIBLE": "1"}, "True")):
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=env | extra,
            capture_output=True,
            text=True,
            check=True,
        )
        assert run.stdout.split() == [loaded], (extra, run.stderr)
        assert "wrote plan.json (" in run.stderr


@pytest.mark.parametrize(
    ("text", "env", "plain"),
    [
        ("wrote plan.json (364 assignments)", {}, True),
        ("x" * 80, {}, True),  # exactly the width: one line
        ("wrote " + "a/" * 40 + "plan.json (3 assignments)", {}, False),  # wrapped by rich
        ("wrote plan.json", {"COLUMNS": "10"}, False),
        ("wrote plan.json", {"FORCE_COLOR": "1"}, False),
        ("wrote plan.json", {"TTY_COMPATIBLE": "0"}, False),
        ("已写入 plan.json", {}, False),
        ("tab\there", {}, False),
        ("", {}, True),
    ],
)
def test_a_note_reads_as_rich_writes_it(text: str, env: dict[str, str], plain: bool) -> None:
    """:func:`matcher.cli.common.note` writes what ``err.print(Text(text))`` writes to
    the same stderr (a pipe here), without rich only where rich would write the line
    as it is."""
    script = (
        "import sys\n"
        "from matcher.cli.common import note\n"
        "note(sys.argv[1])\n"
        "print('rich' not in sys.modules, file=sys.stderr)\n"
        "from rich.console import Console\n"
        "from rich.text import Text\n"
        "Console(stderr=True).print(Text(sys.argv[1]))\n"
    )
    base = {k: v for k, v in os.environ.items()}
    for key in ("TTY_COMPATIBLE", "FORCE_COLOR", "COLUMNS"):
        base.pop(key, None)
    run = subprocess.run(
        [sys.executable, "-c", script, text],
        cwd=ROOT,
        env=base | env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    )
    ours, skipped, theirs = run.stderr.partition(f"{plain}\n")
    assert skipped, run.stderr
    assert ours == theirs


def test_the_command_table_names_every_command_of_every_module() -> None:
    """:data:`COMMANDS` is what each module registers: a new command is listed (and so
    reachable), none is listed under a module that does not register it."""
    found = {}
    for module in sorted(p.stem for p in (ROOT / "matcher" / "cli").glob("*.py")):
        mod = importlib.import_module(f"matcher.cli.{module}")
        if module == "app" or not hasattr(mod, "register"):
            continue
        sub = typer.Typer()
        sub.callback()(lambda: None)
        mod.register(sub)
        group = typer.main.get_command(sub)
        found |= dict.fromkeys(getattr(group, "commands", {}), module)
    assert found == COMMANDS


def test_a_streamed_proposal_through_numba_does_not_load_scipy_linalg() -> None:
    """Without the kernels' module built ahead of time (forced here), the kernels start
    numba without its BLAS probe, which would import scipy.linalg (and with it scipy's
    array-API layer and numpy.f2py) for code that calls no BLAS. (With the module,
    numba does not load at all: tests/solver/test_kernels.py.)"""
    code = (
        "import sys\n"
        "from matcher import load_case, propose\n"
        f"propose(load_case({str(SAMPLE)!r}), engine='streamed')\n"
        "assert 'matcher.stream' in sys.modules\n"
        "assert not {'scipy.linalg', 'numpy.f2py'} & set(sys.modules), 'scipy.linalg'\n"
        "from numba.np.linalg import ensure_blas\n"
        "ensure_blas()  # numba's own check is back: it finds scipy's BLAS\n"
        "assert 'scipy.linalg' in sys.modules"
    )
    assert {"numba", "llvmlite"} <= _loaded_after(code, {"MATCHER_KERNELS": "jit"})


def _main(*args: str, code: str = "") -> subprocess.CompletedProcess[str]:
    """``matcher ARGS`` through the console script's ``main()``, after ``code`` (a
    marker printed at exit shows whether the process tore down as usual)."""
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('torn down', file=sys.stderr))\n"
        f"{code}\n"
        "from matcher.cli.app import main\n"
        f"sys.argv = ['matcher', *{list(args)!r}]\n"
        "main()"
    )
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_a_proposal_ends_its_process_at_once_with_its_output_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A successful one-shot ``propose`` skips the interpreter's teardown (its objects
    freed one by one); what it wrote, to a file or to stdout, is complete."""
    out = tmp_path / "plan.json"
    to_file = _main("propose", str(SAMPLE), "-f", "json", "-o", str(out))
    assert to_file.returncode == 0, to_file.stderr
    assert "torn down" not in to_file.stderr
    to_stdout = _main("propose", str(SAMPLE), "-f", "json")
    assert to_stdout.returncode == 0, to_stdout.stderr
    assert "torn down" not in to_stdout.stderr
    assert to_stdout.stdout.rstrip("\n") == out.read_text(encoding="utf-8").rstrip("\n")


def test_a_failing_or_other_command_exits_as_usual(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = _main("propose", str(tmp_path / "nowhere"), "-f", "json")
    assert missing.returncode == 2
    assert "torn down" in missing.stderr
    helped = _main("--help")
    assert helped.returncode == 0 and "propose" in helped.stdout
    assert "torn down" in helped.stderr


def test_a_one_shot_command_freezes_its_start_up_and_no_other_does(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``propose`` and ``validate`` freeze what the start-up made (:func:`gc.freeze`,
    once the command's module is imported), so the collections the case's load sets
    off do not walk the imported modules; other commands leave the collector as is."""
    shown = (
        "import gc\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, file=sys.stderr))"
    )
    failed = _main("validate", str(tmp_path / "nowhere"), code=shown)  # exits as usual
    assert failed.returncode == 2 and "frozen True" in failed.stderr
    helped = _main("--help", code=shown)
    assert helped.returncode == 0 and "frozen False" in helped.stderr


def test_a_one_shot_command_runs_without_the_collector(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``validate`` (as ``propose``) works with the cyclic collector off: what it makes
    lives until the quick exit. A failure turns it back on before exiting as usual."""
    shown = (
        "import gc\n"
        "import matcher.cli.common as common\n"
        "said = common.note\n"
        "common.note = lambda text: (print('collector', gc.isenabled(), file=sys.stderr),"
        " said(text))\n"
        "atexit.register(lambda: print('at exit', gc.isenabled(), file=sys.stderr))"
    )
    done = _main("validate", str(SAMPLE), code=shown)
    assert done.returncode == 0, done.stderr
    assert "collector False" in done.stderr and "at exit" not in done.stderr
    failed = _main("validate", str(tmp_path / "nowhere"), code=shown)
    assert failed.returncode == 2 and "at exit True" in failed.stderr


def test_a_one_shot_command_gives_blas_one_thread_unless_told(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``propose`` and ``validate`` start numpy's BLAS with one thread (its pool cost
    start-up time and spun beside the engine); a value set by the user is kept, and
    other commands leave it alone."""
    script = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: print('blas', os.environ.get('OPENBLAS_NUM_THREADS'),"
        " 'numpy' in sys.modules, file=sys.stderr))\n"
        "from matcher.cli.app import main\n"
        "sys.argv = ['matcher', *sys.argv[1:]]\n"
        "main()"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    nowhere = str(tmp_path / "nowhere")
    for args, extra, said in (
        (["validate", nowhere], {}, "blas 1 True"),
        (["validate", nowhere], {"OPENBLAS_NUM_THREADS": "2"}, "blas 2 True"),
        (["--help"], {}, "blas None"),  # (its help imports every command, numpy too)
    ):
        run = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            env=env | extra,
            capture_output=True,
            text=True,
            check=False,
        )
        assert said in run.stderr, (args, extra, run.stderr)


def test_a_proposal_with_its_output_closed_still_succeeds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``matcher propose … -o plan.json >&-`` (stdout closed at start: Python's
    ``sys.stdout`` is None) exits 0 with the file written, as it did before the quick
    exit, not with a traceback from flushing a stream that is not there."""
    out = tmp_path / "plan.json"
    script = (
        "import sys\n"
        "from matcher.cli.app import main\n"
        f"sys.argv = ['matcher', 'propose', {str(SAMPLE)!r}, '-f', 'json', '-o', {str(out)!r}]\n"
        "main()"
    )
    shut = subprocess.run(
        ["/bin/sh", "-c", f'"{sys.executable}" -c "$0" >&- 2>&-', script],
        cwd=ROOT,
        check=False,
    )
    assert shut.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("{")
