"""Proposal output for people (rich table) and programs (JSON, CSV).

Rendering is the CLI's concern, but it lives here so the API and tests can
produce the exact same JSON and CSV bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from matcher.io.cells import escape_cell
from matcher.model import Case
from matcher.proposal import Proposal
from matcher.scoring import TERMS

__all__ = ["to_csv", "to_json", "to_table"]


def to_json(proposal: Proposal, extra: dict[str, Any] | None = None) -> str:
    """The proposal as JSON; ``extra`` keys (e.g. counterfactuals) are added at the top level."""
    doc = {**proposal.model_dump(mode="json"), **(extra or {})}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_csv(proposal: Proposal) -> str:
    """The assignments as CSV; text cells are formula-escaped (:mod:`matcher.io.cells`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["demand", "cadre", "score", *TERMS, "distance_km", "skill_fit", "alternatives"])
    for a in proposal.assignments:
        alts = ";".join(f"{x.cadre}:{x.loss:g}" for x in a.alternatives)
        w.writerow(
            [
                escape_cell(a.demand),
                escape_cell(a.cadre),
                f"{a.score:.4f}",
                *(f"{a.breakdown[t]:.4f}" for t in TERMS),
                f"{a.distance_km:.3f}",
                f"{a.skill_fit:.4f}",
                escape_cell(alts),
            ]
        )
    return buf.getvalue()


def to_table(proposal: Proposal, case: Case, console: Console, *, limit: int | None = 40) -> None:
    """Assignments, then unfilled demands with reasons, then KPIs."""
    cadres = {c.id: c for c in case.cadres}
    demands = {d.id: d for d in case.demands}
    t = Table(title="Proposed dispatches 派遣建议", title_justify="left")
    for col, kw in [
        ("demand 需求", {}),
        ("community 社区", {}),
        ("cadre 干部", {}),
        ("score", {"justify": "right"}),
        ("fit", {"justify": "right"}),
        ("km", {"justify": "right"}),
        ("next best (−loss)", {}),
    ]:
        t.add_column(col, **kw)  # type: ignore[arg-type]
    shown = proposal.assignments if limit is None else proposal.assignments[:limit]
    for a in shown:
        d, c = demands[a.demand], cadres[a.cadre]
        alt = escape(", ".join(f"{cadres[x.cadre].name} −{x.loss:g}" for x in a.alternatives[:2]))
        alt = alt or "—"
        t.add_row(
            escape(f"{a.demand} {d.title}"),
            escape(case.community(d.community).name),
            escape(f"{a.cadre} {c.name}"),
            f"{a.score:.2f}",
            f"{a.skill_fit:.2f}",
            f"{a.distance_km:.1f}",
            alt,
        )
    console.print(t)
    if limit is not None and len(proposal.assignments) > limit:
        console.print(
            f"… and {len(proposal.assignments) - limit} more (use --format json or csv for all)"
        )
    if proposal.unfilled:
        u = Table(title="Unfilled slots 未满足需求", title_justify="left")
        u.add_column("demand 需求")
        u.add_column("slots", justify="right")
        u.add_column("why 原因")
        for x in proposal.unfilled[: limit or None]:
            d = demands[x.demand]
            u.add_row(
                escape(f"{x.demand} {d.title}"), str(x.slots), escape("; ".join(x.reasons[:3]))
            )
        console.print(u)
        if limit is not None and len(proposal.unfilled) > limit:
            console.print(f"… and {len(proposal.unfilled) - limit} more unfilled demands")
    k = proposal.kpis
    console.print(
        f"[bold]filled {k.slots_filled}/{k.slots_total}[/] slots ({k.fill_rate:.1%}), "
        f"priority-weighted {k.priority_weighted_fill:.1%}; mean skill fit {k.mean_skill_fit:.2f}; "
        f"travel mean {k.mean_travel_km:.1f} km, max {k.max_travel_km:.1f} km; "
        f"{k.cadres_used}/{k.cadres_available} cadres used; objective {proposal.objective:.4f} "
        f"({proposal.solver}, {'optimality certified' if proposal.certified else 'NOT certified'})"
    )
