"""``matcher`` commands for planners' what-if work (registered on the main app by matcher.cli).

``whatif`` compares scenarios with the baseline, ``shortage`` prices shortages and
training, ``sweep`` runs a parameter sweep locally or on a Dask cluster. User
errors exit with code 2 in the style of :func:`matcher.cli.fail`.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from matcher.errors import MatcherError, OutputError
from matcher.io import escape_cell, load_case
from matcher.whatif import (
    Comparison,
    DaskExecutor,
    LocalExecutor,
    compare_plans,
    explain_unfilled,
    load_scenario,
    load_sweep,
    run_sweep,
    shortage,
)

__all__ = ["register"]

err = Console(stderr=True)


class Fmt(StrEnum):
    table = "table"
    json = "json"


def _fail(exc: MatcherError | str) -> typer.Exit:
    err.print(Text("error: ", style="bold red") + Text(str(exc)), soft_wrap=True)
    return typer.Exit(code=2)


def _num(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.4f}".rstrip("0").rstrip(".")


def _comparison_table(cmp: Comparison, console: Console, limit: int) -> None:
    t = Table(title=f"{cmp.scenario}: KPIs 指标")
    for col in ("kpi", "baseline", "scenario", "Δ"):
        t.add_column(col, justify="left" if col == "kpi" else "right")
    for k in cmp.kpis:
        t.add_row(k.kpi, _num(k.base), _num(k.scenario), f"{k.delta:+g}")
    console.print(t)
    for title, rows in (
        ("unfilled slots by category 按类别未满足", cmp.unfilled_by_category),
        ("unfilled slots by tag 按标签未满足", cmp.unfilled_by_tag),
    ):
        t = Table(title=title)
        for col in ("key", "baseline", "scenario", "Δ"):
            t.add_column(col, justify="left" if col == "key" else "right")
        for r in [r for r in rows if r.delta or r.scenario][:limit]:
            t.add_row(r.key, str(r.base), str(r.scenario), f"{r.delta:+d}")
        console.print(t)
    ch = cmp.churn
    console.print(
        Text(
            f"churn: {ch.kept} kept, {ch.moved} moved, {ch.added} added, {ch.dropped} dropped",
            style="bold",
        )
    )
    t = Table(title="changes 变动")
    for col in ("change", "cadre", "before", "after", "reason"):
        t.add_column(col, overflow="fold")
    for c in ch.changes[:limit]:
        t.add_row(c.kind, c.cadre, ", ".join(c.before), ", ".join(c.after), c.reason)
    console.print(t)
    if len(ch.changes) > limit:
        console.print(Text(f"… {len(ch.changes) - limit} more (--all or --format json)"))


def _write(out: Path | None, text: str) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    from matcher.cli import write_atomic  # the one atomic writer; imported late (cli imports us)

    try:
        write_atomic(out, text)
    except OutputError as exc:
        raise _fail(exc) from None
    err.print(Text(f"wrote {out}"))


CaseArg = Annotated[Path, typer.Argument(help="case folder")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("whatif")
    def whatif_cmd(
        case: CaseArg,
        scenarios: Annotated[list[Path], typer.Argument(help="scenario TOML files")],
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
        out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
        explain: Annotated[
            bool, typer.Option("--explain-unfilled", help="counterfactuals for empty slots")
        ] = False,
        all_rows: Annotated[bool, typer.Option("--all", help="table: every row")] = False,
    ) -> None:
        """Compare the baseline plan with each scenario: KPI deltas, unfilled slots, churn."""
        from matcher.propose import propose
        from matcher.whatif.engine import fast_policy
        from matcher.whatif.scenario import apply_scenario

        try:
            c = load_case(case)
            scs = [load_scenario(p, c) for p in scenarios]
            base = propose(c, fast_policy(c))
            results = []
            for sc in scs:
                new_case, touched = apply_scenario(c, sc)
                new = propose(new_case, fast_policy(new_case))
                cmp = compare_plans(c, base, new_case, new, touched, sc.name)
                cf = explain_unfilled(new_case, new) if explain else None
                results.append((cmp, cf))
        except MatcherError as exc:
            raise _fail(exc) from None
        if fmt is Fmt.json:
            data = [
                {
                    **cmp.model_dump(mode="json", exclude={"base", "result"}),
                    "counterfactuals": None
                    if cf is None
                    else [r.model_dump(mode="json") for r in cf],
                }
                for cmp, cf in results
            ]
            _write(out, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
            return
        buf = Console(record=True, width=150, file=io.StringIO()) if out else Console()
        for cmp, cf in results:
            _comparison_table(cmp, buf, 10**9 if all_rows else 15)
            if cf is not None:
                t = Table(title="empty slots: smallest single relaxation 空缺反事实")
                for col in ("demand", "kind", "relaxation", "Δ objective"):
                    t.add_column(col, overflow="fold")
                for r in cf:
                    for o in r.options:
                        t.add_row(r.demand, o.kind, o.text, f"{o.objective_delta:+.4f}")
                    if not r.options:
                        t.add_row(r.demand, "-", "no single relaxation fills it", "")
                buf.print(t)
        if out:
            _write(out, buf.export_text())

    @app.command("shortage")
    def shortage_cmd(
        case: CaseArg,
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
        top: Annotated[int, typer.Option("--top", min=0, help="training picks")] = 5,
        verify: Annotated[
            bool, typer.Option("--verify/--no-verify", help="re-solve every marginal value")
        ] = False,
        out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
    ) -> None:
        """Slots demanded/filled/unfilled per tag and category, marginal values, training."""
        try:
            rep = shortage(load_case(case), verify=verify, training=top)
        except MatcherError as exc:
            raise _fail(exc) from None
        if fmt is Fmt.json:
            _write(out, rep.model_dump_json(indent=1) + "\n")
            return
        con = Console(record=True, width=150, file=io.StringIO()) if out else Console()
        t = Table(title="shortage 缺口 (marginal value: one more cadre qualified for the demand)")
        for col in ("kind", "key", "demanded", "filled", "unfilled", "marginal", "at demand"):
            t.add_column(
                col, justify="right" if col in ("demanded", "filled", "unfilled") else "left"
            )
        for r in rep.rows:
            mv = "" if r.marginal_value is None else f"{r.marginal_value:.4f}"
            if mv and verify:
                mv += " ✓" if r.verified else " ✗"
            t.add_row(
                r.kind,
                r.label,
                str(r.demanded),
                str(r.filled),
                str(r.unfilled),
                mv,
                r.marginal_demand or "",
            )
        con.print(t)
        t = Table(title="training recommendations 培训建议 (each confirmed by exact re-solve)")
        for col in (
            "cadre",
            "tag",
            "level",
            "enables",
            "Δ weighted fill",
            "Δ slots",
            "Δ objective",
        ):
            t.add_column(col, overflow="fold")
        for x in rep.training:
            t.add_row(
                x.cadre,
                x.tag,
                f"{x.from_level}→{x.to_level}",
                ", ".join(x.enables),
                f"{x.weighted_fill_gain:+g}",
                f"{x.slots_gain:+d}",
                f"{x.objective_gain:+.4f}",
            )
        con.print(t)
        if out:
            _write(out, con.export_text())

    @app.command("sweep")
    def sweep_cmd(
        case: CaseArg,
        spec: Annotated[Path, typer.Argument(help="sweep TOML file")],
        out: Annotated[Path, typer.Option("--out", "-o", help="results .csv or .json")] = Path(
            "sweep.csv"
        ),
        plot: Annotated[
            Path | None, typer.Option("--plot", help="PNG of a KPI against the first parameter")
        ] = None,
        kpi: Annotated[str, typer.Option("--kpi", help="KPI to plot")] = "fill_rate",
        workers: Annotated[int, typer.Option("--workers", "-j", min=1)] = 1,
        dask: Annotated[
            str | None, typer.Option("--dask", help="scheduler address, e.g. tcp://HOST:8786")
        ] = None,
    ) -> None:
        """Run a grid or random sample of scenarios in parallel (local processes or Dask)."""
        from rich.progress import BarColumn, Progress, TimeRemainingColumn

        try:
            c = load_case(case)
            sw = load_sweep(spec, c)
        except MatcherError as exc:
            raise _fail(exc) from None
        if out.suffix not in (".csv", ".json"):
            raise _fail(f"{out}: --out must end in .csv or .json")
        _check_sweep_options(out, plot, kpi, dask)
        executor: LocalExecutor | DaskExecutor = (
            DaskExecutor(dask) if dask else LocalExecutor(workers)
        )
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            "{task.completed}/{task.total}",
            TimeRemainingColumn(),
            console=err,
        ) as bar:
            task = bar.add_task(sw.name, total=len(sw.points))
            try:
                rows = run_sweep(
                    c, sw, executor, progress=lambda k, n: bar.update(task, completed=k)
                )
            except MatcherError as exc:
                raise _fail(exc) from None
            except (OSError, ValueError) as exc:
                raise _fail(f"cannot reach the Dask scheduler {dask}: {exc}") from None
            except ImportError:
                raise _fail("--dask needs dask.distributed: pip install -e '.[whatif]'") from None
        _write(out, _rows_text(rows, out.suffix))
        if plot is not None:
            if kpi not in rows[0]:
                raise _fail(
                    f"unknown KPI '{kpi}'; one of {', '.join(list(rows[0])[len(sw.params) + 1 :])}"
                )
            _plot(rows, sw.params, kpi, plot)
            err.print(Text(f"wrote {plot}"))


_DASK_ADDRESS = re.compile(r"^(tcp|tls)://[^\s/:]+:\d{1,5}$")


def _check_sweep_options(out: Path, plot: Path | None, kpi: str, dask: str | None) -> None:
    """Everything that can be wrong with the options is reported before the sweep runs."""
    from matcher import Kpis

    for path, flag in ((out, "--out"), (plot, "--plot")):
        if path is not None and (path.is_dir() or (path.exists() and not path.is_file())):
            raise _fail(f"{path}: {flag} must be a file path, not a folder or device")
    if plot is not None:
        numeric = [k for k, f in Kpis.model_fields.items() if f.annotation in (int, float)]
        if kpi not in numeric:
            raise _fail(f"unknown KPI '{kpi}'; one of {', '.join(numeric)}")
        if importlib.util.find_spec("matplotlib") is None:
            raise _fail("--plot needs matplotlib: pip install -e '.[whatif]'")
    if dask is not None and not _DASK_ADDRESS.match(dask):
        raise _fail(
            f"--dask {dask!r}: give the scheduler as tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786)"
        )


def _rows_text(rows: list[dict[str, Any]], suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["index"], lineterminator="\n")
    w.writeheader()
    w.writerows(
        {k: escape_cell(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows
    )
    return buf.getvalue()


def _plot(rows: list[dict[str, Any]], params: tuple[str, ...], kpi: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = params[0]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    if len(params) > 1:
        sc = ax.scatter(
            [r[x] for r in rows], [r[kpi] for r in rows], c=[r[params[1]] for r in rows], s=14
        )
        fig.colorbar(sc, ax=ax, label=params[1])
    else:
        pts = sorted((r[x], r[kpi]) for r in rows)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o")
    ax.set_xlabel(x)
    ax.set_ylabel(kpi)
    ax.set_title(f"{kpi} against {x} ({len(rows)} scenarios)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
