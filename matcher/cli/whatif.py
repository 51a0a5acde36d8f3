"""``matcher`` commands for planners' what-if work.

``whatif`` compares scenarios with the baseline, ``shortage`` prices shortages and
training, ``sweep`` runs a parameter sweep locally or on a Dask cluster.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from matcher import Kpis, MatcherError, Param, load_case, propose
from matcher.cli.common import (
    CaseArg,
    Fmt,
    FmtOpt,
    LangOpt,
    OutOpt,
    emit,
    err,
    fail,
    resolve,
    say,
    user_errors,
)
from matcher.io import escape_cell
from matcher.messages import SEPARATORS, Labels, Lang, labels_for, msg, render
from matcher.whatif import (
    Comparison,
    DaskExecutor,
    LocalExecutor,
    SlotFixes,
    apply_scenario,
    compare_plans,
    fast_policy,
    load_scenario,
    load_sweep,
    run_sweep,
    shortage,
    slot_fixes,
)

__all__ = ["register"]


def _num(x: float | None) -> str:
    if x is None:  # a mean of no pair (an empty plan's skill fit)
        return "—"
    return f"{x:g}" if float(x).is_integer() else f"{x:.4f}".rstrip("0").rstrip(".")


def _comparison_table(
    cmp: Comparison, console: Console, limit: int, lang: Lang, labels: Labels
) -> None:
    def t_(code: str, **params: Param) -> str:
        return say(lang, code, labels, **params)

    t = Table(title=t_("cli.kpis_title", scenario=cmp.scenario))
    for col in ("cli.col_kpi", "cli.col_baseline", "cli.col_scenario", "Δ"):
        t.add_column(
            t_(col) if col != "Δ" else col, justify="left" if col == "cli.col_kpi" else "right"
        )
    for k in cmp.kpis:
        delta = "—" if k.delta is None else f"{k.delta:+g}"
        t.add_row(t_("kpi." + k.kpi), _num(k.base), _num(k.scenario), delta)
    console.print(t)
    for title, rows in (
        ("cli.by_category_title", cmp.unfilled_by_category),
        ("cli.by_tag_title", cmp.unfilled_by_tag),
    ):
        t = Table(title=t_(title))
        for col in ("cli.col_key", "cli.col_baseline", "cli.col_scenario", "Δ"):
            t.add_column(
                t_(col) if col != "Δ" else col, justify="left" if col == "cli.col_key" else "right"
            )
        for r in [r for r in rows if r.delta or r.scenario][:limit]:
            key = r.key if lang == "en" else (labels("taxonomy", r.key) or r.key)
            t.add_row(key, str(r.base), str(r.scenario), f"{r.delta:+d}")
        console.print(t)
    ch = cmp.churn
    counts = {"kept": ch.kept, "moved": ch.moved, "added": ch.added, "dropped": ch.dropped}
    console.print(Text(t_("cli.churn", **counts), style="bold"))
    t = Table(title=t_("cli.changes_title"))
    for col in ("change", "cadre", "before", "after", "reason"):
        t.add_column(t_("cli.col_" + col), overflow="fold")
    sep = SEPARATORS[lang]
    for c in ch.changes[:limit]:
        reason = (
            c.reason if lang == "en" else sep["clause"].join(render(m, lang, labels) for m in c.why)
        )
        t.add_row(
            t_("churn_kind." + c.kind),
            c.cadre,
            sep["list"].join(c.before),
            sep["list"].join(c.after),
            reason,
        )
    console.print(t)
    if len(ch.changes) > limit:
        console.print(Text(t_("cli.more_changes", count=len(ch.changes) - limit)))


def _fixes_json(fx: SlotFixes | None) -> dict[str, Any]:
    """A scenario's fixes as the service's scenarios answer them: ``counterfactuals``
    and the notes beside them (codes), all null without ``--explain-unfilled``."""
    if fx is None:
        return dict.fromkeys(
            ("counterfactuals", "counterfactuals_note", "counterfactuals_unpriced")
        )
    return fx.answer_fields()


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""

    @app.command("whatif")
    def whatif_cmd(
        case: CaseArg,
        scenarios: Annotated[list[Path], typer.Argument(help="scenario TOML files")],
        fmt: FmtOpt = Fmt.table,
        out: OutOpt = None,
        explain: Annotated[
            bool, typer.Option("--explain-unfilled", help="counterfactuals for empty slots")
        ] = False,
        all_rows: Annotated[bool, typer.Option("--all", help="table: every row")] = False,
        lang_opt: LangOpt = None,
    ) -> None:
        """Compare the baseline plan with each scenario: KPI deltas, unfilled slots, churn."""
        lang = resolve(lang_opt)
        with user_errors(lang):
            c = load_case(case)
            scs = [load_scenario(p, c) for p in scenarios]
            base = propose(c, fast_policy(c))
            results = []
            for sc in scs:
                new_case, touched = apply_scenario(c, sc)
                new = propose(new_case, fast_policy(new_case))
                cmp = compare_plans(c, base, new_case, new, touched, sc.name)
                # a dated case: the ongoing orders' fixes and the notes, as propose prices them
                fx = slot_fixes(new_case, new) if explain else None
                results.append((cmp, fx, labels_for(new_case)))
        if fmt is Fmt.json:
            data = [
                {
                    **cmp.model_dump(mode="json", exclude={"base", "result"}),
                    **_fixes_json(fx),
                }
                for cmp, fx, _ in results
            ]
            emit(out, json.dumps(data, ensure_ascii=False, indent=1) + "\n", lang)
            return
        buf = Console(record=True, width=150, file=io.StringIO()) if out else Console()
        for cmp, fx, labels in results:
            _comparison_table(cmp, buf, 10**9 if all_rows else 15, lang, labels)
            if fx is not None:
                t = Table(title=say(lang, "cli.fixes_title"))
                for col in ("demand", "kind", "relaxation", "delta_objective"):
                    t.add_column(say(lang, "cli.col_" + col), overflow="fold")
                for r in fx.counterfactuals:
                    for o in r.options:
                        text = o.text if lang == "en" else render(o.why, lang, labels)
                        kind = say(lang, "fix_kind." + o.kind)
                        t.add_row(r.demand, kind, text, f"{o.objective_delta:+.4f}")
                    if not r.options:
                        t.add_row(r.demand, "-", say(lang, "cli.fix_none_short"), "")
                buf.print(t)
                for m in (fx.note, fx.unpriced):
                    if m is not None:
                        buf.print(Text(render(m, lang, labels)), soft_wrap=True)
        if out:
            emit(out, buf.export_text(), lang)

    @app.command("shortage")
    def shortage_cmd(
        case: CaseArg,
        fmt: FmtOpt = Fmt.table,
        top: Annotated[int, typer.Option("--top", min=0, help="training picks")] = 5,
        verify: Annotated[
            bool, typer.Option("--verify/--no-verify", help="re-solve every marginal value")
        ] = False,
        out: OutOpt = None,
        lang_opt: LangOpt = None,
    ) -> None:
        """Slots demanded/filled/unfilled per tag and category, marginal values, training."""
        lang = resolve(lang_opt)
        with user_errors(lang):
            c = load_case(case)
            rep = shortage(c, verify=verify, training=top)
        if fmt is Fmt.json:
            emit(out, rep.model_dump_json(indent=1) + "\n", lang)
            return
        labels = labels_for(c)
        con = Console(record=True, width=150, file=io.StringIO()) if out else Console()
        t = Table(title=say(lang, "cli.shortage_title"))
        for col in ("kind", "key", "demanded", "filled", "unfilled", "marginal", "at_demand"):
            t.add_column(
                say(lang, "cli.col_" + col),
                justify="right" if col in ("demanded", "filled", "unfilled") else "left",
            )
        for r in rep.rows:
            mv = "" if r.marginal_value is None else f"{r.marginal_value:.4f}"
            if mv and verify:
                mv += " ✓" if r.verified else " ✗"
            t.add_row(
                say(lang, "noun." + r.kind),
                r.label,
                str(r.demanded),
                str(r.filled),
                str(r.unfilled),
                mv,
                r.marginal_demand or "",
            )
        con.print(t)
        t = Table(title=say(lang, "cli.training_title"))
        for col in (
            "cadre",
            "tag",
            "level",
            "enables",
            "weighted_fill",
            "slots_gain",
            "delta_objective",
        ):
            t.add_column(say(lang, "cli.col_" + col), overflow="fold")
        for x in rep.training:
            t.add_row(
                x.cadre,
                x.tag if lang == "en" else (labels("taxonomy", x.tag) or x.tag),
                f"{x.from_level}→{x.to_level}",
                ", ".join(x.enables),
                f"{x.weighted_fill_gain:+g}",
                f"{x.slots_gain:+d}",
                f"{x.objective_gain:+.4f}",
            )
        con.print(t)
        if out:
            emit(out, con.export_text(), lang)

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
        lang_opt: LangOpt = None,
    ) -> None:
        """Run a grid or random sample of scenarios in parallel (local processes or Dask)."""
        from rich.progress import BarColumn, Progress, TimeRemainingColumn

        lang = resolve(lang_opt)
        with user_errors(lang):
            c = load_case(case)
            sw = load_sweep(spec, c)
        if out.suffix not in (".csv", ".json"):
            raise fail(msg("cli.bad_out_suffix", path=str(out)), lang)
        _check_sweep_options(out, plot, kpi, dask, lang)
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
                raise fail(exc, lang) from None
            except (OSError, ValueError) as exc:
                unreachable = msg("cli.dask_unreachable", address=dask, reason=str(exc))
                raise fail(unreachable, lang) from None
            except ImportError:
                raise fail(msg("cli.needs_dask"), lang) from None
        emit(out, _rows_text(rows, out.suffix), lang)
        if plot is not None:
            if kpi not in rows[0]:
                options = list(rows[0])[len(sw.params) + 1 :]
                raise fail(msg("cli.unknown_kpi", kpi=kpi, options=options), lang)
            _plot(rows, sw.params, kpi, plot)
            err.print(Text(say(lang, "cli.wrote", path=str(plot))))


_DASK_ADDRESS = re.compile(r"^(tcp|tls)://[^\s/:]+:\d{1,5}$")


def _check_sweep_options(
    out: Path, plot: Path | None, kpi: str, dask: str | None, lang: Lang
) -> None:
    """Everything that can be wrong with the options is reported before the sweep runs."""
    for path, flag in ((out, "--out"), (plot, "--plot")):
        if path is not None and (path.is_dir() or (path.exists() and not path.is_file())):
            raise fail(msg("cli.not_a_file", path=str(path), flag=flag), lang)
    if plot is not None:
        # a mean is a number too, though an empty plan has none (None: a gap in the plot)
        numeric = [
            k for k, f in Kpis.model_fields.items() if f.annotation in (int, float, float | None)
        ]
        if kpi not in numeric:
            raise fail(msg("cli.unknown_kpi", kpi=kpi, options=numeric), lang)
        if importlib.util.find_spec("matplotlib") is None:
            raise fail(msg("cli.needs_matplotlib"), lang)
    if dask is not None and not _DASK_ADDRESS.match(dask):
        raise fail(msg("cli.bad_dask_address", address=repr(dask)), lang)


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
    rows = [{**r, kpi: float("nan") if r[kpi] is None else r[kpi]} for r in rows]
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
