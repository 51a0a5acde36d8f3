"""A proposal as a plan a dispatcher reads and prints: the same readable rows as CSV and
as an ``.xlsx`` workbook.

Why one module: ``matcher propose -f csv`` and ``-f xlsx`` must carry the same
columns (names, community, demand title, the score's breakdown, alternates) and
the same unfilled rows with their reasons and fixes (a short dated order's fix: its
move to another start, :mod:`matcher.whatif.timeshift`), in the reader's language; the
rows are built once here and only laid out differently. The CSV keeps the machine
columns it always had first (``demand``, ``cadre``, ``score``, one per term,
``distance_km``, ``skill_fit``, ``alternatives``) and adds the readable ones after
them; its unfilled rows leave ``cadre`` empty and fill ``unfilled_slots``. The
workbook has three sheets (assignments, unfilled, KPIs) with headers in Chinese
beside English (``干部 Cadre``), written by the one xlsx writer
(:func:`matcher.io.workbook_bytes`: frozen header, widths, print setup, every text
cell formula-escaped). Every header and word is a code in ``messages.toml``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from matcher import Case, Kpis, Param, Proposal, active_terms
from matcher.io import Sheet, escape_cell, workbook_bytes
from matcher.messages import SEPARATORS, Lang, labels_for, msg, render

if TYPE_CHECKING:  # the what-if engine loads only with --explain-unfilled
    from matcher.whatif import SlotCounterfactual, TimeShift

__all__ = ["CSV_COLUMNS", "plan_csv", "plan_xlsx"]

#: the CSV's columns before the terms (kept from before the readable ones existed)
CSV_COLUMNS = ("demand", "cadre", "score")
_CSV_TAIL = ("distance_km", "skill_fit", "alternatives")
_CSV_READABLE = (
    "title",
    "community",
    "cadre_name",
    "home",
    "pinned",
    "alternates",
    "unfilled_slots",
    "reasons",
    "fixes",
)
#: every KPI of a proposal, in the order the model states them
_KPIS = tuple(Kpis.model_fields)


class _Plan:
    """The readable pieces of one proposal in ``lang``: names, reasons, fixes (for a
    dated order, its move to another start: ``shifts``, None when not tried)."""

    def __init__(
        self,
        proposal: Proposal,
        case: Case,
        lang: Lang,
        fixes: Sequence[SlotCounterfactual],
        shifts: Sequence[TimeShift] | None = None,
    ) -> None:
        self.p, self.case, self.lang = proposal, case, lang
        self.labels = labels_for(case)
        self.cadres = {c.id: c for c in case.cadres}
        self.demands = {d.id: d for d in case.demands}
        self.fixes = {f.demand: f for f in fixes}
        self.shifts = None if shifts is None else {s.demand: s for s in shifts}
        self.terms = active_terms(case.policy)

    def say(self, code: str, **params: Param) -> str:
        return render(msg(code, **params), self.lang, self.labels)

    def community(self, cid: str) -> str:
        return self.case.community(cid).name

    def alternates(self, a_alts: Sequence[tuple[str, float]]) -> str:
        sep = SEPARATORS[self.lang]["list"]
        return sep.join(f"{self.cadres[c].name} ({c}) −{loss:g}" for c, loss in a_alts)

    def reasons(self, demand: str) -> list[str]:
        x = next(u for u in self.p.unfilled if u.demand == demand)
        if self.lang == "en" or not x.why:
            return list(x.reasons)
        return [render(m, self.lang, self.labels) for m in x.why]

    def fix_texts(self, demand: str) -> list[str]:
        if self.shifts is not None and self.demands[demand].start is not None:
            return [self.move_text(demand)]
        row = self.fixes.get(demand)
        if row is None:
            return []
        out = []
        for o in row.options:
            text = o.text if self.lang == "en" else render(o.why, self.lang, self.labels)
            delta = self.say("cli.fix_objective", delta=o.objective_delta)
            sep = SEPARATORS[self.lang]["clause"]
            colon = "：" if self.lang == "zh" else ": "
            out.append(f"{self.say(f'fix_kind.{o.kind}')}{colon}{text}{sep}{delta}")
        return out or [self.say("cli.fix_none")]

    def move_text(self, demand: str) -> str:
        """A short dated order's move (``fix_kind.move``), or that no hour tried helps."""
        from matcher.whatif import FIRST_HOUR, LAST_HOUR  # loaded already: shifts were made

        assert self.shifts is not None
        shift = self.shifts.get(demand)
        if shift is None:
            return self.say(
                "cli.move_none", first=f"{FIRST_HOUR:02d}:00", last=f"{LAST_HOUR:02d}:00"
            )
        text = shift.text if self.lang == "en" else render(shift.why, self.lang, self.labels)
        colon = "：" if self.lang == "zh" else ": "
        return f"{self.say('fix_kind.move')}{colon}{text}"

    def yes(self, flag: bool) -> str:
        return self.say("plan.yes" if flag else "plan.no")


def plan_csv(
    proposal: Proposal,
    case: Case,
    lang: Lang = "en",
    fixes: Sequence[SlotCounterfactual] = (),
    shifts: Sequence[TimeShift] | None = None,
) -> str:
    """The plan as CSV: an assignment per row, then a row per demand with empty slots
    (its ``reasons`` and, when priced, ``fixes`` in ``lang``; a dated order's move to
    another start, when ``shifts`` are given); text cells formula-escaped."""
    plan = _Plan(proposal, case, lang, fixes, shifts)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*CSV_COLUMNS, *plan.terms, *_CSV_TAIL, *_CSV_READABLE])
    clause = SEPARATORS[lang]["clause"]
    blank_numbers = [""] * (1 + len(plan.terms) + 2)
    for a in proposal.assignments:
        d, c = plan.demands[a.demand], plan.cadres[a.cadre]
        alts = [(x.cadre, x.loss) for x in a.alternatives]
        w.writerow(
            [
                escape_cell(a.demand),
                escape_cell(a.cadre),
                f"{a.score:.4f}",
                *(f"{a.breakdown[t]:.4f}" for t in plan.terms),
                f"{a.distance_km:.3f}",
                f"{a.skill_fit:.4f}",
                escape_cell(";".join(f"{x}:{loss:g}" for x, loss in alts)),
                escape_cell(d.title),
                escape_cell(plan.community(d.community)),
                escape_cell(c.name),
                escape_cell(plan.community(c.home)),
                plan.yes(a.pinned),
                escape_cell(plan.alternates(alts)),
                "",
                "",
                "",
            ]
        )
    for u in proposal.unfilled:
        d = plan.demands[u.demand]
        w.writerow(
            [
                escape_cell(u.demand),
                "",
                *blank_numbers,
                "",
                escape_cell(d.title),
                escape_cell(plan.community(d.community)),
                "",
                "",
                "",
                "",
                str(u.slots),
                escape_cell(clause.join(plan.reasons(u.demand))),
                escape_cell(clause.join(plan.fix_texts(u.demand))),
            ]
        )
    return buf.getvalue()


def _both(code: str) -> str:
    """A header in Chinese beside English: ``干部 Cadre``."""
    return f"{render(msg(code), 'zh')} {render(msg(code), 'en')}"


def plan_xlsx(
    proposal: Proposal,
    case: Case,
    lang: Lang = "en",
    fixes: Sequence[SlotCounterfactual] = (),
    shifts: Sequence[TimeShift] | None = None,
) -> bytes:
    """The plan as a printable workbook: assignments, unfilled (reasons and fixes in
    ``lang``, a dated order's move as its fix) and KPIs, headers in Chinese beside
    English."""
    plan = _Plan(proposal, case, lang, fixes, shifts)
    head = [
        "demand",
        "title",
        "community",
        "cadre_name",
        "cadre",
        "home",
        "score",
        *(f"term.{t}" for t in plan.terms),
        "distance_km",
        "skill_fit",
        "pinned",
        "alternates",
    ]
    rows: list[list[str | float | None]] = []
    for a in proposal.assignments:
        d, c = plan.demands[a.demand], plan.cadres[a.cadre]
        rows.append(
            [
                a.demand,
                d.title,
                plan.community(d.community),
                c.name,
                a.cadre,
                plan.community(c.home),
                round(a.score, 4),
                *(round(a.breakdown[t], 4) for t in plan.terms),
                round(a.distance_km, 3),
                round(a.skill_fit, 4),
                plan.yes(a.pinned) if a.pinned else "",
                "\n".join(plan.alternates([(x.cadre, x.loss)]) for x in a.alternatives),
            ]
        )
    unfilled: list[list[str | float | None]] = []
    for u in proposal.unfilled:
        d = plan.demands[u.demand]
        unfilled.append(
            [
                u.demand,
                d.title,
                plan.community(d.community),
                d.priority,
                u.slots,
                "\n".join(plan.reasons(u.demand)),
                "\n".join(plan.fix_texts(u.demand)),
            ]
        )
    k = proposal.kpis
    # a mean of no pair (an empty plan's skill fit) is none: "—", as the CLI line says it
    kpis: list[list[str | float | None]] = [
        [_both_kpi(name), "—" if getattr(k, name) is None else getattr(k, name)] for name in _KPIS
    ]
    # the solver in the reader's words, as the CLI line names it (cli.solver.*)
    kpis.append(
        [_both("plan.col.solver"), plan.say("cli.solver." + proposal.solver.replace("-", "_"))]
    )
    if proposal.bound is not None:
        kpis.append([_both("plan.col.bound"), proposal.bound])
    kpis.append([_both("plan.col.certified"), plan.yes(proposal.certified)])
    return workbook_bytes(
        [
            Sheet(_both("plan.sheet.assignments"), [_both(f"plan.col.{h}") for h in head], rows),
            Sheet(
                _both("plan.sheet.unfilled"),
                [
                    _both(f"plan.col.{h}")
                    for h in (
                        "demand",
                        "title",
                        "community",
                        "priority",
                        "unfilled_slots",
                        "reasons",
                        "fixes",
                    )
                ],
                unfilled,
            ),
            Sheet(_both("plan.sheet.kpis"), [_both("plan.col.kpi"), _both("plan.col.value")], kpis),
        ]
    )


def _both_kpi(name: str) -> str:
    return f"{render(msg('kpi.' + name), 'zh')} {name}"
