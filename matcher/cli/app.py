"""The ``matcher`` typer app: each command's module loads when that command runs.

Why lazily: a one-shot ``matcher propose`` should not import the store, the what-if
engine or the benchmark harness that other commands use. :data:`COMMANDS` names each
command's module in the order ``matcher --help`` lists them; the module's
``register(app)`` adds its commands as before, into an app of its own, when the
command is looked up (``--help`` looks them all up).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from functools import cache

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

__all__ = ["COMMANDS", "QUICK_EXIT", "app", "main"]

#: each command, in help order (single commands, then groups of subcommands), and the
#: module under ``matcher.cli`` that registers it
COMMANDS: dict[str, str] = {
    "propose": "propose",
    "validate": "propose",
    "serve": "service",
    "import": "service",
    "export": "service",
    "record": "record",
    "ledger": "lending",
    "summary": "summary",
    "report": "report",
    "whatif": "whatif",
    "shortage": "whatif",
    "sweep": "whatif",
    "simulate": "simulate",
    "token": "service",
    "warnings": "record",
    "trainings": "record",
    "points": "ledger",
    "outcomes": "ledger",
    "audit": "audit",
    "bench": "bench",
}


@cache
def _group(module: str) -> TyperGroup:
    """The click group of one command module's commands (imported here, once)."""
    sub = typer.Typer()
    sub.callback()(lambda: None)  # a group even for a module with one command
    importlib.import_module(f"matcher.cli.{module}").register(sub)
    group = typer.main.get_command(sub)
    assert isinstance(group, TyperGroup)
    return group


class _Commands(TyperGroup):
    """The top-level group: its commands come from :data:`COMMANDS` on demand."""

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(COMMANDS)

    def get_command(  # type: ignore[override]
        self, ctx: typer.Context, cmd_name: str
    ) -> TyperCommand | TyperGroup | None:
        module = COMMANDS.get(cmd_name)
        found = None if module is None else _group(module).commands.get(cmd_name)
        return found if isinstance(found, TyperCommand | TyperGroup) else None


app = typer.Typer(
    name="matcher",
    cls=_Commands,
    help="Exact, explained staffing proposals for reserve-cadre pools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Exact, explained staffing proposals for reserve-cadre pools."""


#: commands whose process has nothing left to do once they succeed: it ends there,
#: without tearing down what it built (a big case and its proposal: a tenth of a
#: second of freeing objects one by one, which the operating system does at once)
QUICK_EXIT = frozenset({"propose", "validate"})


def main() -> None:
    """The console script ``matcher`` (pyproject's ``[project.scripts]``), and ``python -m
    matcher``: a :data:`QUICK_EXIT` command that succeeds ends the process at once,
    its output flushed (anything else, and a failure, exits as usual).

    Such a command runs with the cyclic collector off, from its module's import to
    the process's end, and what its start-up made is frozen (:func:`gc.freeze`): the
    modules, the case (loading one makes some 50,000 objects) and the proposal live
    until the process ends at once, so each collection their making set off would
    only walk them again and find nothing to free (the objects a one-shot command
    drops go by reference counting; a failure re-enables the collector before
    exiting as usual). Before that, numpy's BLAS is given one thread unless
    ``OPENBLAS_NUM_THREADS`` says otherwise: its thread pool took ~50 ms of CPU and
    wall to start with numpy, and its idle threads spun while the engine worked,
    for the one small matrix product (certs wanted × missing) that the engine asks
    of BLAS (the solvers are HiGHS and compiled kernels, which do not use it)."""
    command = _command(sys.argv[1:])
    if command in QUICK_EXIT:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # read when numpy loads, below
        gc.disable()
        _group(COMMANDS[command])  # as app() would, on looking the command up
        gc.freeze()
    try:
        app()
    except SystemExit as exc:
        if exc.code in (0, None) and command in QUICK_EXIT:
            try:
                for stream in (sys.stdout, sys.stderr):
                    if stream is not None:  # None: the descriptor was closed at start
                        stream.flush()
            except (OSError, ValueError):  # a closed pipe or file: exit as usual
                raise exc from None
            os._exit(0)
        raise
    finally:
        if command in QUICK_EXIT:  # exiting as usual: the collector as it was
            gc.enable()


def _command(args: list[str]) -> str | None:
    """The command ``args`` run (the first word that is not an option)."""
    return next((a for a in args if not a.startswith("-")), None)
