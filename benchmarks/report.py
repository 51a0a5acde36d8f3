"""Reports of a run: JSON, Markdown tables and PNG plots (matplotlib, Agg backend).

Plots are skipped with a note when matplotlib is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.fairness import fairness_markdown
from benchmarks.robust import robust_markdown
from benchmarks.scale import loglog, plot_scale, scale_markdown

__all__ = ["orlib_markdown", "plot_orlib", "plot_suite", "suite_markdown", "write_reports"]

BASELINE_ORDER = ("manual-rule", "greedy", "stable", "random")
SOLVER_ORDER = ("matcher", "ortools-mcf", "ortools-lsa", "scipy-lsa", "lap-lapjv")


def _f(x: Any, fmt: str = "{:,.2f}") -> str:
    return "—" if x is None else fmt.format(x)


def _secs(rec: dict[str, Any]) -> float | None:
    t = rec.get("times", {}).get("solve", {})
    v = t.get("seconds") if isinstance(t, dict) else None
    return float(v) if v is not None else None


def _rss(rec: dict[str, Any], isolated: bool = True) -> float | None:
    """Peak RSS of a solver: its own process's peak when isolated, else sampled during the call."""
    if rec.get("status") != "ok":
        return None
    v = (
        rec.get("max_rss_mb")
        if isolated
        else rec.get("times", {}).get("total", {}).get("peak_rss_mb")
    )
    return float(v) if v is not None else None


def _used(m: dict[str, Any]) -> str:
    """Cadres a plan used, of those who could serve, and that share (older reports lack it)."""
    if "used_share" not in m:
        return f"{m['cadres_used']:,}"
    return f"{m['cadres_used']:,} / {m['cadres_able']:,} ({m['used_share']:.3f})"


def machine_markdown(m: dict[str, Any]) -> list[str]:
    v = ", ".join(f"{k} {x}" for k, x in m["versions"].items() if x)
    return [
        f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_gib']} GiB; {m['os']}",
        f"- Python {m['python']}; BLAS: {m['blas']}; matcher commit {m.get('matcher_commit')}",
        f"- versions: {v}",
    ]


def gains(inst: dict[str, Any]) -> dict[str, float]:
    """Percent by which the optimum's objective exceeds each method's objective."""
    opt = inst.get("optimum")
    out = {}
    for name, rec in inst.get("methods", {}).items():
        obj = rec.get("metrics", {}).get("objective")
        if opt is not None and obj:
            out[name] = 100.0 * (opt - obj) / abs(obj)
    return out


def _heading(line: str, rep: dict[str, Any], command: str) -> list[str]:
    """A report's first lines: what ran, the machine it ran on, the command that ran it."""
    lines = [line, "", *machine_markdown(rep["machine"])]
    if command:
        lines += ["", "```", command, "```"]
    return lines


def suite_markdown(rep: dict[str, Any], command: str = "") -> str:
    lines = _heading(
        f"Suite `{rep['suite']}`, seed {rep['seed']}, "
        f"{'one process per step' if rep['isolated'] else 'in one process'}; "
        f"started {rep['started']}, finished {rep.get('finished', '?')}.",
        rep,
        command,
    )
    insts = [i for i in rep["instances"] if i.get("status") == "ok"]
    lines += [
        "",
        "#### Matcher's gain in total score over each baseline",
        "",
        "(optimum − baseline) / baseline; the per-instance tables show the gap "
        "(optimum − method) / optimum.",
        "",
        "| instance | cadres × demands | usable pairs | slots | optimum | "
        + " | ".join(f"vs {b}" for b in BASELINE_ORDER)
        + " |",
        "|---|---|---|---|---|" + "---|" * len(BASELINE_ORDER),
    ]
    for i in insts:
        g = gains(i)
        lines.append(
            f"| {i['name']} | {i['n_cadres']:,} × {i['n_demands']:,} | {i['n_usable']:,} | "
            f"{i['slots']:,} | {_f(i['optimum'])} ({i['optimum_from']}) | "
            + " | ".join(_f(g.get(b), "+{:.2f} %") for b in BASELINE_ORDER)
            + " |"
        )
    mem = (
        "each solver's own process peak"
        if rep["isolated"]
        else "sampled during the call, whole process"
    )
    lines += [
        "",
        f"#### Solve time (s) and peak RSS (MiB; {mem}) against size",
        "",
        "| instance | usable pairs | score phase | " + " | ".join(SOLVER_ORDER) + " |",
        "|---|---|---|" + "---|" * len(SOLVER_ORDER),
    ]
    for i in insts:
        cells = []
        for s in SOLVER_ORDER:
            rec = i["methods"].get(s, {})
            if rec.get("status") == "ok":
                rss = _rss(rec, rep["isolated"])
                cells.append(f"{_secs(rec):.2f} s / {_f(rss, '{:,.0f}')}")
            else:
                cells.append(rec.get("status", "—"))
        sc = i["phases"]["score"]
        lines.append(
            f"| {i['name']} | {i['n_usable']:,} | {sc['seconds']:.2f} s / "
            f"{sc['peak_rss_mb']:,.0f} | " + " | ".join(cells) + " |"
        )
    for i in rep["instances"]:
        lines += ["", f"#### {i['name']} — {i['source']}", ""]
        if i.get("status") == "propose-only":
            lines.append("Proposal only (no peers, no baselines): see the scale table below.")
            continue
        if i.get("status") != "ok":
            lines.append(f"Not measured: {i.get('status')} — {i.get('note')}")
            continue
        ph = i["phases"]
        lines.append(
            "Phases: "
            + ", ".join(
                f"{k} {v['seconds']:.2f} s (peak {v['peak_rss_mb']:,.0f} MiB)"
                for k, v in ph.items()
            )
            + f"; prepare worker peak RSS {i.get('max_rss_mb', 0):,.0f} MiB."
        )
        pr = i.get("propose")
        if pr and pr.get("status") == "ok":
            # the solver core may not have run (``--solvers`` without matcher)
            core = i["methods"].get("matcher")
            sv = _secs(core or {})
            tot = pr["times"]["propose"]["seconds"]
            if pr["solver"] == "lp-streamed":
                rest = "it scores, solves and explains in one streamed pass"
            elif core is None:
                rest = "the solver core was not run, so explaining is not split out"
            elif sv is None:
                rest = (
                    f"the solver core has no time ({core.get('status')}), "
                    "so explaining is not split out"
                )
            else:
                rest = (
                    f"explain ≈ propose − score − solve = "
                    f"{max(tot - ph['score']['seconds'] - sv, 0):.2f} s"
                )
            below = pr.get("alternatives_below")
            alts = "" if below is None else f", alternates complete below {below:g} points"
            lines.append(
                f"`propose()` end to end {tot:.2f} s (solver {pr['solver']}, certified "
                f"{pr['certified']}{alts}); {rest}."
            )
        elif pr:
            lines.append(f"`propose()`: {pr.get('status')} — {pr.get('note')}")
        hours = any("hours_jain" in r.get("metrics", {}) for r in i["methods"].values())
        lines += [
            "",
            "| method | objective | gap | slots filled | priority-wtd fill | mean fit "
            "| travel mean / p95 km | load Jain / Gini | cadres used (share) "
            + ("| hours Jain / Gini " if hours else "")
            + "| time s | note |",
            "|---|---|---|---|---|---|---|---|---|" + ("---|" if hours else "") + "---|---|",
        ]
        for name in (*BASELINE_ORDER, *SOLVER_ORDER):
            rec = i["methods"].get(name)
            if rec is None:
                continue
            m = rec.get("metrics")
            note = rec.get("note", "")
            info = rec.get("info") or {}
            if info.get("duplicates"):
                note = (
                    f"slot expansion: {info['duplicates']} duplicate pairs dropped "
                    f"(raw {info['raw_objective']:,.2f})"
                )
            if m is None:
                dashes = " — |" * (10 if hours else 9)
                lines.append(f"| {name} |{dashes} {rec.get('status')}: {note} |")
                continue
            spread = f"{m['load_jain']:.3f} / {m['load_gini']:.3f} | " + _used(m)
            if hours:
                spread += f" | {_f(m.get('hours_jain'), '{:.3f}')} / "
                spread += _f(m.get("hours_gini"), "{:.3f}")
            lines.append(
                f"| {name} | {m['objective']:,.2f} | {_f(m.get('gap'), '{:.2%}')} | "
                f"{m['slots_filled']:,} / {m['slots_total']:,} | "
                f"{m['priority_weighted_fill']:.3f} | {m['mean_skill_fit']:.3f} | "
                f"{m['travel_mean_km']:.2f} / {m['travel_p95_km']:.2f} | "
                f"{spread} | {_f(_secs(rec))} | {note} |"
            )
        cats = sorted(
            {
                c
                for r in i["methods"].values()
                for c in r.get("metrics", {}).get("unfilled_by_category", {})
            }
        )
        ref = i.get("optimum_from") or "matcher"
        shown = [n for n in (ref, "manual-rule", "stable") if "metrics" in i["methods"].get(n, {})]
        if cats and shown:
            lines += [
                "",
                "Unfilled slots by category (a demand's category holds most of its needs):",
                "",
                "| category | " + " | ".join(shown) + " |",
                "|---|" + "---|" * len(shown),
            ]
            for c in cats:
                lines.append(
                    f"| {c} | "
                    + " | ".join(
                        str(i["methods"][n]["metrics"]["unfilled_by_category"].get(c, 0))
                        for n in shown
                    )
                    + " |"
                )
    for name, why in rep.get("not_run", {}).items():
        lines += ["", f"Not run: **{name}** — {why}."]
    lines += scale_markdown(rep)
    lines += robust_markdown(rep)
    return "\n".join(lines) + "\n"


def orlib_markdown(rep: dict[str, Any], command: str = "") -> str:
    lines = _heading(
        f"OR-Library instances from `{rep['folder']}`; "
        f"{'one process per solver' if rep['isolated'] else 'in one process'}.",
        rep,
        command,
    )
    lines += [
        "",
        "Each cell: minimum cost found, ✓ if it equals the published optimum, solve time, "
        "peak RSS.",
        "",
        "| instance | n | arcs | published optimum | " + " | ".join(SOLVER_ORDER) + " |",
        "|---|---|---|---|" + "---|" * len(SOLVER_ORDER),
    ]
    for i in rep["instances"]:
        cells = []
        for s in SOLVER_ORDER:
            rec = i["methods"].get(s, {})
            if rec.get("status") != "ok":
                cells.append(f"{rec.get('status', '—')}")
                continue
            ok = "✓" if rec.get("matches_published") else "✗"
            rss = _f(_rss(rec, rep["isolated"]), "{:,.0f}")
            cells.append(f"{_f(rec.get('cost'), '{:,}')} {ok} in {_secs(rec):.3f} s, {rss} MiB")
        lines.append(
            f"| {i['name']} | {i['n']:,} | {i['arcs']:,} | {i['published']:,} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_suite(rep: dict[str, Any], out: Path) -> list[Path]:
    plt = _plt()
    insts = [i for i in rep["instances"] if i.get("status") == "ok"]
    paths: list[Path] = []
    if not insts:  # proposals only (metro): the scale plot shows them
        return paths
    # quality: gap to optimum per method and instance
    names = [
        n
        for n in (*BASELINE_ORDER, "ortools-lsa", "scipy-lsa", "lap-lapjv")
        if any("metrics" in i["methods"].get(n, {}) for i in insts)
    ]
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=90)
    width = 0.8 / max(len(insts), 1)
    for k, i in enumerate(insts):
        vals = [
            100 * i["methods"].get(n, {}).get("metrics", {}).get("gap", float("nan")) for n in names
        ]
        ax.bar([x + k * width for x in range(len(names))], vals, width, label=i["name"])
    labels = [n if n in BASELINE_ORDER else f"{n}*" for n in names]
    ax.set_xticks([x + width * (len(insts) - 1) / 2 for x in range(len(names))], labels, fontsize=8)
    ax.set_xlabel("* slot-expanded assignment peers, duplicate pairs dropped", fontsize=7)
    ax.set_ylabel("gap to optimum (%)")
    ax.set_title("Total score below the optimum (lower is better)", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    paths.append(out / "quality.png")
    fig.savefig(paths[-1])
    plt.close(fig)

    # time and memory against size, log-log
    def rss(rec: dict[str, Any]) -> float | None:
        return _rss(rec, rep["isolated"])

    for what, key, label in (("time", _secs, "solve time (s)"), ("memory", rss, "peak RSS (MiB)")):
        fig, ax = plt.subplots(figsize=(6, 3.8), dpi=90)
        for s in SOLVER_ORDER:
            pts = [
                (i["n_usable"], key(i["methods"][s]))
                for i in insts
                if i["methods"].get(s, {}).get("status") == "ok"
            ]
            pts = [(x, y) for x, y in pts if y]
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=s)
        phase = "seconds" if what == "time" else "peak_rss_mb"
        pts = [(i["n_usable"], i["phases"]["score"][phase]) for i in insts]
        ax.plot(*zip(*pts, strict=True), ls="--", color="grey", label="score_matrix")
        if what == "memory":  # where a solver ran out of memory: its peak when it failed
            pts = [
                (i["n_usable"], rec["max_rss_mb"])
                for i in insts
                for rec in i["methods"].values()
                if rec.get("status") == "memory" and rec.get("max_rss_mb")
            ]
            if pts:
                ax.plot(*zip(*pts, strict=True), "rx", ms=9, ls="", label="out of memory")
        loglog(ax, "usable (cadre, demand) pairs", label)
        fig.tight_layout()
        paths.append(out / f"{what}.png")
        fig.savefig(paths[-1])
        plt.close(fig)
    return paths


def plot_orlib(rep: dict[str, Any], out: Path) -> list[Path]:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=90)
    for s in SOLVER_ORDER:
        pts = [
            (i["n"], _secs(i["methods"][s]))
            for i in rep["instances"]
            if i["methods"].get(s, {}).get("status") == "ok"
        ]
        if pts:
            ax.plot(*zip(*pts, strict=True), marker="o", label=s)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (OR-Library assignpN)")
    ax.set_ylabel("solve time (s)")
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = out / "orlib.png"
    fig.savefig(path)
    plt.close(fig)
    return [path]


def write_reports(rep: dict[str, Any], out: Path, command: str = "") -> list[Path]:
    """``report.json``, ``report.md`` and the PNG plots in ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    stem = "orlib" if rep["kind"] == "orlib" else "report"
    written = [out / f"{stem}.json", out / f"{stem}.md"]
    rep = {**rep, "command": command}
    written[0].write_text(json.dumps(rep, indent=1, default=str), encoding="utf-8")
    if rep["kind"] == "fairness":  # a table, no plots
        head = _heading(
            f"Suite `fairness`, seed {rep['seed']}, {rep['days']} days; "
            f"started {rep['started']}, finished {rep.get('finished', '?')}.",
            rep,
            command,
        )
        written[1].write_text(fairness_markdown(rep, head), encoding="utf-8")
        return written
    md = orlib_markdown(rep, command) if rep["kind"] == "orlib" else suite_markdown(rep, command)
    try:
        plots = plot_orlib(rep, out) if rep["kind"] == "orlib" else plot_suite(rep, out)
        if rep["kind"] != "orlib":
            extra = plot_scale(rep, out, _plt())
            plots += [extra] if extra is not None else []
    except ImportError:
        md += "\nPlots skipped: matplotlib is not installed (pip install 'matcher[bench]').\n"
        plots = []
    written[1].write_text(md, encoding="utf-8")
    return written + plots
