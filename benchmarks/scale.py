"""The scale view of a suite: matcher's whole proposal against the peers' solve alone.

Why: the scale targets compare a *whole* proposal (scoring, exact solve,
certificate, alternates, reasons) with what a peer needs just to solve the
same usable pairs, and its peak memory with one dense float64 matrix of
cadres × slots (what a dense assignment solver must hold). Sizes too big for
any peer (metro) run as proposal-only and appear here alone.

Example:
    >>> dense_mib(20_000, 12_000)
    1831.0546875
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["PEERS", "dense_mib", "loglog", "plot_scale", "scale_markdown"]

#: peers whose solve time the proposal is measured against
PEERS = ("scipy-lsa", "ortools-mcf")


def dense_mib(n_cadres: int, slots: int) -> float:
    """MiB of one dense float64 matrix of cadres × slots."""
    return 8.0 * n_cadres * slots / 2**20


def _propose(i: dict[str, Any]) -> dict[str, Any] | None:
    pr = i.get("propose")
    return pr if pr and pr.get("status") == "ok" else None


def _peer_secs(i: dict[str, Any], name: str) -> float | None:
    rec = i.get("methods", {}).get(name, {})
    if rec.get("status") != "ok":
        return None
    secs = rec.get("times", {}).get("solve", {}).get("seconds")
    return float(secs) if secs is not None else None


def _peer_cell(i: dict[str, Any], name: str, total: float) -> str:
    secs = _peer_secs(i, name)
    if secs is not None:
        return f"{secs:,.2f} s (×{total / secs:.2f})"
    rec = i.get("methods", {}).get(name)
    return "not run" if rec is None else str(rec.get("status", "—"))


def scale_markdown(rep: dict[str, Any]) -> list[str]:
    """Rows of the scale table, one per instance with a proposal."""
    lines = [
        "",
        "#### Whole proposal against the peers' solve alone",
        "",
        "`propose()` end to end (own process) against each peer's solve on the same "
        "usable pairs; (×r) is proposal time / peer time, so r < 1 means the proposal "
        "is faster. As each peer's library is imported before its clock starts, "
        "matcher's compiled kernels are loaded before its own (`matcher.load_kernels`, "
        "once per process; a service does it at start): that load is the start-up "
        "column. Memory: the proposal's peak RSS against one dense float64 "
        "cadres × slots matrix.",
        "",
        "| instance | cadres × demands | slots | engine | proposal | start-up | peak RSS | "
        "dense matrix | RSS / dense | " + " | ".join(PEERS) + " | certified |",
        "|---|---|---|---|---|---|---|---|---|" + "---|" * len(PEERS) + "---|",
    ]
    for i in rep["instances"]:
        pr = _propose(i)
        if pr is None:
            if i.get("propose"):
                lines.append(
                    f"| {i['name']} | — | — | — | {i['propose'].get('status')}: "
                    f"{i['propose'].get('note', '')} |" + " |" * (5 + len(PEERS))
                )
            continue
        total = float(pr["times"]["propose"]["seconds"])
        n, m, slots = pr.get("n_cadres", 0), pr.get("n_demands", 0), pr.get("slots", 0)
        dense = dense_mib(n, slots)
        rss = float(pr.get("max_rss_mb", 0.0))
        start = pr["times"].get("start-up", {}).get("seconds")
        start_cell = "—" if start is None else f"{start:,.2f} s"
        lines.append(
            f"| {i['name']} | {n:,} × {m:,} | {slots:,} | {pr['solver']} | {total:,.2f} s | "
            f"{start_cell} | {rss:,.0f} MiB | {dense:,.0f} MiB | {rss / dense:.2f} | "
            + " | ".join(_peer_cell(i, p, total) for p in PEERS)
            + f" | {pr['certified']}{_below(pr)} |"
        )
    return lines


def _below(pr: dict[str, Any]) -> str:
    """Where the proposal's alternates are complete, when it says (streamed engine)."""
    below = pr.get("alternatives_below")
    return "" if below is None else f" (alternates complete below {below:g} points)"


def loglog(ax: Any, xlabel: str, ylabel: str) -> None:
    """Log–log axes with a light grid and a small legend (every size plot)."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="both", lw=0.3)
    ax.legend(fontsize=7)


def plot_scale(rep: dict[str, Any], out: Path, plt: Any) -> Path | None:
    """Log–log time and memory against cadres × demands: proposal and peers."""
    rows: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for i in rep["instances"]:
        pr = _propose(i)
        if pr is not None:
            rows.append((i, pr))
    if not rows:
        return None
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=90)
    size = [float(pr["n_cadres"]) * float(pr["n_demands"]) for _, pr in rows]
    ax_t.plot(
        size,
        [pr["times"]["propose"]["seconds"] for _, pr in rows],
        "o-",
        label="matcher propose (whole)",
    )
    ax_m.plot(size, [pr["max_rss_mb"] for _, pr in rows], "o-", label="matcher propose (whole)")
    ax_m.plot(
        size,
        [dense_mib(pr["n_cadres"], pr["slots"]) for _, pr in rows],
        ls="--",
        color="grey",
        label="one dense float64 cadres × slots",
    )
    for peer in (*PEERS, "matcher"):
        pts = [
            (x, _peer_secs(i, peer), i["methods"][peer].get("max_rss_mb"))
            for x, (i, _) in zip(size, rows, strict=True)
            if _peer_secs(i, peer) is not None
        ]
        if not pts:
            continue
        label = "matcher solver core" if peer == "matcher" else f"{peer} (solve only)"
        ax_t.plot([p[0] for p in pts], [p[1] for p in pts], "s:", label=label)
        mem = [(p[0], p[2]) for p in pts if p[2]]
        if mem:
            ax_m.plot([p[0] for p in mem], [p[1] for p in mem], "s:", label=label)
    for ax, ylabel in ((ax_t, "seconds"), (ax_m, "peak RSS (MiB)")):
        loglog(ax, "cadres × demands", ylabel)
    ax_t.set_title("Time against size", fontsize=10)
    ax_m.set_title("Peak memory against size", fontsize=10)
    fig.tight_layout()
    path = out / "scale.png"
    fig.savefig(path)
    plt.close(fig)
    return path
