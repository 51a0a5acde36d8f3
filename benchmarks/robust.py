"""The robust suite's view: per setting, the whole proposal against the peers, worst first.

Why: speed measured on one generator's defaults says little about a district
drawn differently; the suite runs contrasting settings (:data:`SETTINGS`) and
the headline is the *worst* setting's ratio at each size, never the best. Each
row also checks the answer: the proposal's objective against OR-Tools' min-cost
flow on the same usable pairs, and its certificate.

Example:
    >>> same_objective(461116.5818, 461116.58180000004)
    True
    >>> same_objective(100.0, 100.01)
    False
"""

from __future__ import annotations

from typing import Any

from benchmarks.instances import SETTINGS, split_name
from benchmarks.scale import PEERS

__all__ = ["robust_markdown", "robust_rows", "same_objective"]


def same_objective(a: float, b: float) -> bool:
    """Equal up to summation noise (scores are rounded to 4 decimals)."""
    return abs(a - b) <= 5e-5 + 1e-9 * max(abs(a), abs(b))


def _peer(i: dict[str, Any], name: str) -> dict[str, Any]:
    rec: dict[str, Any] = i.get("methods", {}).get(name, {})
    return rec


def robust_rows(rep: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per ``SETTING@SIZE`` instance with a finished proposal."""
    rows = []
    for i in rep["instances"]:
        both = split_name(str(i.get("name", "")))
        pr = i.get("propose") or {}
        if both is None or pr.get("status") != "ok":
            continue
        total = float(pr["times"]["propose"]["seconds"])
        row: dict[str, Any] = {
            "setting": both[0],
            "size": both[1],
            "n": pr.get("n_cadres", 0),
            "m": pr.get("n_demands", 0),
            "slots": pr.get("slots", 0),
            "usable": i.get("n_usable"),
            "proposal": total,
            "rss": pr.get("max_rss_mb"),
            "certified": bool(pr.get("certified")),
            "below": pr.get("alternatives_below"),
            "objective": pr.get("objective"),
            "phases": pr.get("phases", {}),
        }
        for name in PEERS:
            rec = _peer(i, name)
            secs = rec.get("times", {}).get("solve", {}).get("seconds")
            ok = rec.get("status") == "ok" and secs
            row[name] = float(secs) if ok else None
            row[f"{name}-status"] = rec.get("status", "not run")
            row[f"{name}-ratio"] = total / float(secs) if ok else None
        mcf = _peer(i, "ortools-mcf").get("metrics", {}).get("objective")
        obj = row["objective"]
        row["equal"] = None if mcf is None or obj is None else same_objective(obj, float(mcf))
        rows.append(row)
    return rows


def _cell(row: dict[str, Any], peer: str) -> str:
    secs, ratio = row[peer], row[f"{peer}-ratio"]
    return str(row[f"{peer}-status"]) if secs is None else f"{secs:,.2f} s (×{ratio:.3f})"


def _equal(row: dict[str, Any]) -> str:
    return {None: "—", True: "yes", False: "**NO**"}[row["equal"]]


def robust_markdown(rep: dict[str, Any]) -> list[str]:
    """The per-setting table and, per size, the worst ratio against each peer."""
    rows = robust_rows(rep)
    if not rows:
        return []
    lines = [
        "",
        "#### Robust settings: whole proposal against the peers' solve alone",
        "",
        "Each setting draws the same size differently (`benchmarks/instances.py` "
        "`SETTINGS`); (×r) is the whole proposal's time over the peer's solve on the same "
        "usable pairs. `= OR-Tools`: the proposal's objective equals OR-Tools "
        "min-cost flow's optimum.",
        "",
        "| setting | cadres × demands | slots | usable pairs | proposal | peak RSS | "
        + " | ".join(PEERS)
        + " | = OR-Tools | certified | alternates below |",
        "|---|---|---|---|---|---|" + "---|" * len(PEERS) + "---|---|---|",
    ]
    for r in rows:
        usable = "—" if r["usable"] is None else f"{r['usable']:,}"
        below = "—" if r["below"] is None else f"{r['below']:g}"
        lines.append(
            f"| {r['setting']}@{r['size']} | {r['n']:,} × {r['m']:,} | {r['slots']:,} | "
            f"{usable} | {r['proposal']:,.2f} s | {r['rss'] or 0:,.0f} MiB | "
            + " | ".join(_cell(r, p) for p in PEERS)
            + f" | {_equal(r)} | {r['certified']} | {below} |"
        )
    lines += ["", "Worst setting per size (the headline):", ""]
    for size in dict.fromkeys(r["size"] for r in rows):
        at = [r for r in rows if r["size"] == size]
        parts = []
        for peer in PEERS:
            key = f"{peer}-ratio"
            rated = [(r[key], r) for r in at if r[key] is not None]
            if rated:
                worst = max(rated, key=lambda pair: float(pair[0]))[1]
                parts.append(f"against {peer} ×{worst[f'{peer}-ratio']:.3f} ({worst['setting']})")
        slowest = max(at, key=lambda r: r["proposal"])
        parts.append(f"slowest proposal {slowest['proposal']:,.2f} s ({slowest['setting']})")
        wrong = [r["setting"] for r in at if r["equal"] is False or not r["certified"]]
        unchecked = [r["setting"] for r in at if r["equal"] is None]
        if wrong:
            parts.append(f"CHECK {wrong}")
        elif unchecked:
            parts.append(f"certified; no OR-Tools objective to compare for {unchecked}")
        else:
            parts.append("every objective equal and certified")
        lines.append(f"- {size} ({len(at)} of {len(SETTINGS)} settings): " + "; ".join(parts))
    phased = [r for r in rows if r["phases"]]
    if phased:
        lines += ["", "Wall time per phase of each proposal (s):", ""]
        names = list(dict.fromkeys(k for r in phased for k in r["phases"]))
        lines.append("| setting | " + " | ".join(names) + " |")
        lines.append("|---|" + "---|" * len(names))
        for r in phased:
            cells = [f"{r['phases'][k]:.2f}" if k in r["phases"] else "—" for k in names]
            lines.append(f"| {r['setting']}@{r['size']} | " + " | ".join(cells) + " |")
    return lines
