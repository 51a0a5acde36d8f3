"""``matcher simulate``: a rolling horizon of daily arrivals, fairness off and on.

The engine is :func:`matcher.whatif.simulate`; this face runs it for the case's
own policy and for the same policy with the fairness terms on, and prints what
fairness costs in score and what it buys in spread (``docs/benchmarks.md``).
"""

from __future__ import annotations

import io
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from matcher import load_case
from matcher.cli.common import (
    CaseArg,
    Fmt,
    FmtOpt,
    LangOpt,
    OutOpt,
    emit,
    native_stdout_to_stderr,
    resolve,
    say,
    user_errors,
)
from matcher.whatif import SimResult, fair_policy, simulate

__all__ = ["register"]


def _row(r: SimResult) -> dict[str, float]:
    s = r.spread
    return {
        "score": r.score,
        "fill_rate": round(r.fill_rate, 4),
        "gini": round(s.gini, 4),
        "jain": round(s.jain, 4),
        "served": round(s.served_share, 4),
        "p95_hours": round(s.p95_hours, 1),
    }


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""

    @app.command("simulate")
    def simulate_cmd(
        case: CaseArg,
        days: Annotated[int, typer.Option("--days", min=1, max=3660, help="days to run")] = 90,
        seed: Annotated[int, typer.Option("--seed", min=0, help="the arrivals' seed")] = 0,
        load_step: Annotated[
            float, typer.Option("--load-step", min=0, max=10_000, help="fair: slot cost step")
        ] = 5.0,
        recent_load: Annotated[
            float, typer.Option("--recent-load", min=0, max=10_000, help="fair: per 100 h")
        ] = 10.0,
        idle_bonus: Annotated[
            float, typer.Option("--idle-bonus", min=0, max=10_000, help="fair: idle bonus")
        ] = 3.0,
        fmt: FmtOpt = Fmt.table,
        out: OutOpt = None,
        lang_opt: LangOpt = None,
    ) -> None:
        """Simulate daily work orders, each day's proposal accepted: fairness off vs on."""
        lang = resolve(lang_opt)
        with user_errors(lang):
            c = load_case(case)
            base = c.policy.model_copy(update={"alternatives": 0})
            fair = fair_policy(base, load_step, recent_load, idle_bonus)
            with native_stdout_to_stderr():
                runs = {
                    "off": simulate(c, base, days=days, seed=seed),
                    "on": simulate(c, fair, days=days, seed=seed),
                }
        rows = {k: _row(r) for k, r in runs.items()}
        if fmt is Fmt.json:
            emit(out, json.dumps(rows, ensure_ascii=False, indent=1) + "\n", lang)
            return
        buf = Console(record=True, width=150, file=io.StringIO()) if out else Console()
        first = runs["off"]
        t = Table(
            title=say(
                lang, "cli.sim_title", days=days, orders=first.orders, slots=first.slots_opened
            )
        )
        t.add_column(say(lang, "cli.col_fairness"))
        for col in rows["off"]:
            t.add_column(say(lang, "cli.col_sim_" + col), justify="right")
        for k, row in rows.items():
            t.add_row(
                say(lang, "cli.sim_" + k),
                *(f"{v:.1f}" if v > 100 else f"{v:g}" for v in row.values()),
            )
        buf.print(t)
        if out:
            emit(out, buf.export_text(), lang)
