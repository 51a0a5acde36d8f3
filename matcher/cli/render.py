"""Proposal output for people (rich table) and programs (JSON); CSV and the printable
workbook are :mod:`matcher.cli.plan`'s.

Only the command line renders proposals this way (the API returns the models as JSON
itself), so it lives in the CLI package.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from matcher import Case, Param, Proposal
from matcher.messages import SEPARATORS, Lang, labels_for, msg, render

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["to_json", "to_table"]


def to_json(proposal: Proposal, extra: dict[str, Any] | None = None) -> str:
    """The proposal as JSON; ``extra`` keys (e.g. counterfactuals) are added at the top level."""
    if not extra:
        # pydantic's serializer writes the text json.dumps writes below (keys, numbers,
        # indent, non-ASCII kept), about ten times faster on a city's proposal
        return proposal.model_dump_json(indent=2) + "\n"
    doc = {**proposal.model_dump(mode="json"), **extra}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_table(
    proposal: Proposal,
    case: Case,
    console: Console,
    *,
    limit: int | None = 40,
    lang: Lang = "en",
) -> None:
    """Assignments, then unfilled demands with reasons, then KPIs, in ``lang``."""
    # only a table needs rich: JSON, CSV and workbooks do not
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    cadres = {c.id: c for c in case.cadres}
    demands = {d.id: d for d in case.demands}
    labels = labels_for(case)

    def say(code: str, **params: Param) -> str:
        return render(msg(code, **params), lang, labels)

    t = Table(title=say("cli.proposed_title"), title_justify="left")
    for col, kw in [
        ("cli.col_demand", {}),
        ("cli.col_community", {}),
        ("cli.col_cadre", {}),
        ("cli.col_score", {"justify": "right"}),
        ("cli.col_fit", {"justify": "right"}),
        ("cli.col_km", {"justify": "right"}),
        ("cli.col_next", {}),
    ]:
        t.add_column(say(col), **kw)  # type: ignore[arg-type]
    shown = proposal.assignments if limit is None else proposal.assignments[:limit]
    for a in shown:
        d, c = demands[a.demand], cadres[a.cadre]
        alts = (f"{cadres[x.cadre].name} −{x.loss:g}" for x in a.alternatives[:2])
        alt = escape(SEPARATORS[lang]["list"].join(alts))
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
        console.print(Text(say("cli.more_rows", count=len(proposal.assignments) - limit)))
    if proposal.unfilled:
        u = Table(title=say("cli.unfilled_title"), title_justify="left")
        u.add_column(say("cli.col_demand"))
        u.add_column(say("cli.col_slots"), justify="right")
        u.add_column(say("cli.col_why"))
        sep = SEPARATORS[lang]["clause"]
        for x in proposal.unfilled[: limit or None]:
            d = demands[x.demand]
            reasons = (
                x.reasons if lang == "en" or not x.why else [render(m, lang, labels) for m in x.why]
            )
            u.add_row(escape(f"{x.demand} {d.title}"), str(x.slots), escape(sep.join(reasons[:3])))
        console.print(u)
        if limit is not None and len(proposal.unfilled) > limit:
            console.print(Text(say("cli.more_unfilled", count=len(proposal.unfilled) - limit)))
    k = proposal.kpis
    # no pair assigned: no mean fit, no travel; the line says "—" for them (a code without
    # {fit}, {mean_km}, {max_km})
    means: dict[str, Param] = (
        {}
        if k.mean_skill_fit is None or k.mean_travel_km is None or k.max_travel_km is None
        else {"fit": k.mean_skill_fit, "mean_km": k.mean_travel_km, "max_km": k.max_travel_km}
    )
    line = say(
        "cli.kpis" if means else "cli.kpis_no_fit",
        filled=k.slots_filled,
        total=k.slots_total,
        rate=k.fill_rate,
        weighted=k.priority_weighted_fill,
        **means,
        used=k.cadres_used,
        available=k.cadres_available,
        objective=proposal.objective,
        # the solver by name (a catalogue word, cli.solver.*: a code's parts have "_" for
        # "-"), a MILP's dual bound beside it: "milp ≤ 15197.4369" (no plan scores more)
        solver=proposal.solver.replace("-", "_"),
        bound=proposal.bound,
        certified="yes" if proposal.certified else "no",
    )
    console.print(Text(line))
