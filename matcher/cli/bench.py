"""``matcher bench`` commands.

The harness is the ``benchmarks`` package (installed with matcher, see pyproject's
packages) and is imported only inside the commands, so ``matcher propose`` and the
core never load it.
"""

from __future__ import annotations

import importlib
import shlex
import sys
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

from matcher.cli.common import fail

__all__ = ["register"]


class Suite(StrEnum):
    quick = "quick"
    full = "full"
    fairness = "fairness"
    robust = "robust"
    robust_metro = "robust-metro"


bench_app = typer.Typer(
    name="bench",
    help="Benchmark match quality and speed against baselines and peer solvers.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _import(name: str) -> ModuleType:
    """Import ``benchmarks.<name>``, or exit 2 saying the harness is missing."""
    try:
        return importlib.import_module(f"benchmarks.{name}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("benchmarks", f"benchmarks.{name}"):
            raise
        raise fail("the benchmark harness is not installed (needs a source checkout)") from None


def _command() -> str:
    return "matcher " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _say(msg: str) -> None:
    typer.echo(msg, err=True)


@bench_app.callback()
def bench(
    ctx: typer.Context,
    suite: Annotated[
        Suite,
        typer.Option(
            help="quick (< 1 min), full (to city size), fairness (a rolling horizon, "
            "fairness off vs on), robust (contrasting settings at district and city size) "
            "or robust-metro (the same settings at metro size, proposal only)"
        ),
    ] = Suite.quick,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="report folder")] = None,
    seed: Annotated[int, typer.Option(help="generator and random-baseline seed")] = 0,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help="also run this case folder or size name (repeatable)"),
    ] = None,
    isolate: Annotated[
        bool | None,
        typer.Option(
            "--isolate/--in-process",
            help="one process per step, with time and memory limits "
            "(default: on for full, off for quick)",
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="seconds allowed to matcher's solver")] = 600.0,
    peer_timeout: Annotated[float, typer.Option(help="seconds allowed to each peer")] = 300.0,
    max_dense_gb: Annotated[
        float, typer.Option(help="skip a dense peer whose matrix would exceed this (GiB)")
    ] = 4.0,
    solvers: Annotated[
        str | None, typer.Option(help="comma-separated subset of solvers to run")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress lines")] = False,
    sizes: Annotated[
        str | None,
        typer.Option(help="robust suites: only these sizes (comma-separated, e.g. district)"),
    ] = None,
    settings: Annotated[
        str | None,
        typer.Option(help="robust suites: only these settings (comma-separated, e.g. flat,strict)"),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=3660, help="fairness suite: days simulated")
    ] = 90,
) -> None:
    """Run a benchmark suite: baselines, the solver core and its peers on seeded cases."""
    if ctx.invoked_subcommand is not None:
        ctx.obj = {
            "out": out,
            "isolate": isolate,
            "timeout": timeout,
            "peer_timeout": peer_timeout,
            "max_dense_gb": max_dense_gb,
            "solvers": solvers,
            "quiet": quiet,
        }
        return
    runner = _import("runner")
    report = _import("report")
    instances = _import("instances")
    known = instances.SIZES
    for name in case or ():
        if (
            name not in known
            and name != "sample"
            and instances.split_name(name) is None
            and not Path(name).is_dir()
        ):
            raise fail(
                f"--case {name!r} is neither a size ({', '.join(known)}), SETTING@SIZE "
                f"(settings: {', '.join(instances.SETTINGS)}), 'sample' nor a case folder"
            )
    folder = out if out is not None else Path("bench-results") / suite.value
    if suite is Suite.fairness:
        fairness = _import("fairness")
        names = (*_import("instances").SUITES["fairness"], *(case or ()))
        log = None if quiet else _say
        rep = fairness.run_fairness(names, folder, seed=seed, days=days, log=log)
        for path in report.write_reports(rep, folder, _command()):
            typer.echo(str(path))
        return
    cfg = runner.Config(
        out=folder,
        seed=seed,
        isolate=(suite not in (Suite.quick,)) if isolate is None else isolate,
        solver_timeout=timeout,
        peer_timeout=peer_timeout,
        max_dense_gb=max_dense_gb,
        log=None if quiet else _say,
    )
    if solvers:
        cfg.solvers = _solvers(solvers, runner)
    try:
        rep = runner.run_suite(
            suite.value,
            cfg,
            extra=tuple(case or ()),
            sizes=_only(suite.value, sizes, settings, instances),
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    for path in report.write_reports(rep, folder, _command()):
        typer.echo(str(path))


def _only(
    suite: str, sizes: str | None, settings: str | None, instances: ModuleType
) -> tuple[str, ...] | None:
    """The suite's instances of the ``sizes`` and ``settings`` named (all when ``None``)."""
    if sizes is None and settings is None:
        return None

    def wanted(spec: str | None, known: dict[str, object], what: str) -> set[str]:
        names = set(known) if spec is None else {s.strip() for s in spec.split(",") if s.strip()}
        bad = sorted(names - set(known))
        if bad:
            raise fail(f"unknown {what} {', '.join(bad)}; known: {', '.join(known)}")
        return names

    size_ok = wanted(sizes, instances.SIZES, "size(s)")
    setting_ok = wanted(settings, instances.SETTINGS, "setting(s)")
    out = []
    for name in instances.SUITES[suite]:
        both = instances.split_name(name)
        setting, size = both if both is not None else (None, name)
        if size in size_ok and (setting in setting_ok if both else settings is None):
            out.append(name)
    return tuple(out)


def _solvers(spec: str, runner: ModuleType) -> tuple[str, ...]:
    names = tuple(s.strip() for s in spec.split(",") if s.strip())
    known = runner.SOLVERS
    bad = [n for n in names if n not in known]
    if bad:
        raise fail(f"unknown solver(s) {', '.join(bad)}; known: {', '.join(known)}")
    return names


@bench_app.command("orlib")
def orlib(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="folder with assignpN.txt and assignopt.txt")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="report folder")] = None,
) -> None:
    """Run the solver core and the peers on OR-Library assignment instances."""
    opts = ctx.obj or {}
    runner = _import("runner")
    report = _import("report")
    orlib_mod = _import("orlib")
    if not folder.is_dir() or not orlib_mod.find_instances(folder):
        raise fail(f"no assign*.txt instances in {folder}")
    target = out or opts.get("out") or Path("bench-results") / "orlib"
    cfg = runner.Config(
        out=target,
        isolate=bool(opts.get("isolate")) if opts.get("isolate") is not None else True,
        solver_timeout=opts.get("timeout", 600.0),
        peer_timeout=opts.get("peer_timeout", 300.0),
        max_dense_gb=opts.get("max_dense_gb", 4.0),
        log=None if opts.get("quiet") else _say,
    )
    if opts.get("solvers"):
        cfg.solvers = _solvers(opts["solvers"], runner)
    rep = runner.run_orlib(folder, cfg)
    for path in report.write_reports(rep, target, _command()):
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(bench_app, name="bench")
