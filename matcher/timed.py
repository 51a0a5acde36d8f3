"""Dated work orders in the plan: a cadre's capacity at each instant, hours per week.

A cadre holds at most ``capacity`` dispatches *at any instant*: ongoing work
(no window) counts all the time, a dated order during its window ``[start,
end)``. So a cadre of capacity 1 may take five evening shifts of one week, but
not two that overlap, and not an evening shift while holding an ongoing one.
``hours_per_week`` bounds the service hours of dated orders in each ISO week
(a window's hours cut at local Monday 00:00, :func:`matcher.dated.hours_by_week`;
an order whose ``hours`` are fewer than its window's spreads them evenly over
the window).

As side rows (:class:`~matcher.solver.sided.SideRows`): a cadre's dated pairs
are *timed*, on the cadre's own time line (every start and end, in order); the
solver keeps "held on each segment + ongoing ≤ capacity" as a flow along that
line (the capacity left free on a segment is what the previous one left, plus
what ends, less what starts: two entries per pair and two per segment, where a
row per maximal clique would repeat every held pair). Each week with more hours
on offer than the limit gets a weighted row. One cadre's time line is an
interval matrix (totally unimodular on its own), but together with the demands'
headcount rows it is not, nor are weighted hour rows: the plan is a MILP
(:mod:`matcher.sideplan`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from matcher.constraints import HeldSpan, Request
from matcher.dated import Window, district_zone, format_local, hours_by_week, service_hours
from matcher.errors import InputError
from matcher.messages import labels_for, msg, render
from matcher.model import Case, Demand
from matcher.proposal import Proposal, Unfilled
from matcher.solver.keys import pair_keys
from matcher.solver.siderows import SideRows, Timeline

__all__ = [
    "MAX_HORIZON_DAYS",
    "calendar",
    "check_horizon",
    "explain_time",
    "horizon",
    "is_dated",
    "time_rows",
    "week_hours",
    "windows",
]

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


def is_dated(case: Case) -> bool:
    """Whether any demand of ``case`` is a dated order (else no time row exists)."""
    return any(d.start is not None for d in case.demands)


def windows(case: Case) -> tuple[FloatArray, FloatArray]:
    """Each demand's window as UTC seconds ``[start, end)``; NaN for ongoing work."""
    start = np.full(len(case.demands), np.nan)
    end = np.full(len(case.demands), np.nan)
    for j, d in enumerate(case.demands):
        w = d.window
        if w is not None:
            start[j], end[j] = w.start.timestamp(), w.end.timestamp()
    return start, end


def week_hours(case: Case) -> list[dict[tuple[int, int], float]]:
    """Each demand's service hours per ISO week (empty for ongoing work): the
    window's hours per week, scaled down when the order's ``hours`` are fewer."""
    out: list[dict[tuple[int, int], float]] = []
    for d in case.demands:
        w = d.window
        if w is None:
            out.append({})
            continue
        out.append(hours_by_week(w, d.hours))
    return out


def _timeline(
    edges: IndexArray,
    start: FloatArray,
    end: FloatArray,
    capacity: int,
    held: tuple[HeldSpan, ...] = (),
) -> tuple[Timeline, int]:
    """``edges`` (one cadre's, windows ``start``/``end``) on their time line with what
    the cadre ``held`` already, and the most held at one instant, edges and held
    windows together (ends before starts at equal times: half-open)."""
    hs = np.array([h[0] for h in held], np.float64)
    he = np.array([h[1] for h in held], np.float64)
    points = np.unique(np.concatenate([start, end, hs, he]))
    first = np.searchsorted(points, start).astype(np.intp)
    last = np.searchsorted(points, end).astype(np.intp)

    def on(s: IndexArray, e: IndexArray) -> npt.NDArray[np.int64]:
        size = points.size
        return np.cumsum(np.bincount(s, minlength=size) - np.bincount(e, minlength=size))

    # more held than the capacity (lowered since) leaves a segment full, never infeasible
    held_on = on(np.searchsorted(points, hs), np.searchsorted(points, he))[: points.size - 1]
    load = np.minimum(held_on, capacity)
    most = int((on(first, last)[: points.size - 1] + load).max(initial=0))
    return Timeline(edges, first, last, int(points.size), capacity, load.astype(np.int64)), most


def _held_hours(held: tuple[HeldSpan, ...], zone: dt.tzinfo) -> dict[tuple[int, int], float]:
    """Hours per ISO week of the dated orders a cadre holds already, counted as a new
    order's (:func:`matcher.dated.hours_by_week`: their ``hours`` spread over the window)."""
    out: dict[tuple[int, int], float] = {}
    for a, b, hours, _ in held:
        w = Window(dt.datetime.fromtimestamp(a, zone), dt.datetime.fromtimestamp(b, zone))
        for wk, h in hours_by_week(w, hours).items():
            out[wk] = out.get(wk, 0.0) + h
    return out


def time_rows(req: Request, r: IndexArray, c: IndexArray) -> SideRows:
    """The side rows of the dated orders over edges ``(r, c)`` (columns past the
    demands are not the case's: untimed). Rows that cannot bind are left out."""
    sc = req.sc
    case, m = sc.case, sc.m
    start, end = windows(case)
    timed = np.zeros(r.size, bool)
    real = np.flatnonzero(c < m)
    timed[real] = ~np.isnan(start[c[real]])
    cap = req.cap
    untimed = np.bincount(r[~timed], minlength=sc.n)
    lines: list[Timeline] = []
    weighted: list[tuple[IndexArray, FloatArray, float]] = []
    hours = week_hours(case)
    limit = np.array([c.hours_per_week for c in case.cadres], np.float64)
    zone = district_zone(case.policy.timezone)
    te = np.flatnonzero(timed)
    order = te[np.argsort(r[te], kind="stable")]
    bounds = np.flatnonzero(np.diff(r[order])) + 1
    for mine in np.split(order, bounds) if order.size else []:
        i = int(r[mine[0]])
        # a time line binds only past what the cadre's untimed pairs could leave free
        # (their capacity: ``cap``, less the busiest instant of what it holds already)
        full = int(req.held_cap[i]) if req.held_cap is not None else int(cap[i])
        room = full - min(int(untimed[i]), int(cap[i]))
        cols = c[mine]
        line, most = _timeline(mine, start[cols], end[cols], full, req.held.get(i, ()))
        if most > room:
            lines.append(line)
        if math.isfinite(limit[i]):
            weeks: dict[tuple[int, int], list[tuple[int, float]]] = {}
            for e in mine.tolist():
                for wk, h in hours[int(c[e])].items():
                    weeks.setdefault(wk, []).append((e, h))
            spent = _held_hours(req.held.get(i, ()), zone)
            for wk, pairs in weeks.items():
                w = np.array([h for _, h in pairs])
                left = float(limit[i]) - spent.get(wk, 0.0)
                if w.sum() > left + 1e-9:
                    idx = np.array([e for e, _ in pairs], np.intp)
                    weighted.append((idx, w, max(left, 0.0)))
    return SideRows(timed=timed, timelines=lines, weighted=weighted)


def _held_then(
    start: FloatArray,
    end: FloatArray,
    ids: tuple[str, ...],
    mine: list[int],
    held: tuple[HeldSpan, ...],
    j: int,
) -> tuple[int, list[str]]:
    """The most of ``mine`` (dated demands in the plan) and ``held`` (dated orders the
    cadre holds already) at one instant of ``j``'s window, and the ids of the demands
    of either that overlap it (a held order without its id is counted, not named)."""
    s, e = start[j], end[j]
    over = [k for k in mine if start[k] < e and s < end[k]]
    then = [h for h in held if h[0] < e and s < h[1]]
    spans = [(start[k], end[k]) for k in over] + [(h[0], h[1]) for h in then]
    points = [s, *(a for a, _ in spans if a > s)]
    most = max((sum(1 for a, b in spans if a <= p < b) for p in points), default=0)
    return most, [ids[k] for k in over] + [h[3] for h in then if h[3] is not None]


def _past_limit(
    new: dict[tuple[int, int], float],
    taken: list[dict[tuple[int, int], float]],
    spent: dict[tuple[int, int], float],
    limit: float,
) -> bool:
    """Whether ``new`` (an order's hours per week) passes ``limit`` in some week on top
    of the orders ``taken`` in the plan and the hours ``spent`` on held ones."""
    return any(
        spent.get(wk, 0.0) + sum(t.get(wk, 0.0) for t in taken) + h > limit + 1e-9
        for wk, h in new.items()
    )


def explain_time(
    req: Request, unfilled: list[Unfilled], rows: IndexArray, cols: IndexArray
) -> list[Unfilled]:
    """``unfilled`` with the busy cadres of each dated demand counted in time: the
    engines' count (``unfilled.busy``, dispatches against capacity) reads a cadre
    holding two evening shifts as full for a morning order, so on a dated demand it
    gives way to ``unfilled.busy_then`` (ongoing work plus the orders held during
    its window reach the capacity; on what, and how many of them ongoing work alone
    fills, since that holds them whatever the time) and ``unfilled.week_full`` (its
    weekly hours would pass the limit)."""
    sc = req.sc
    case = sc.case
    start, end = windows(case)
    hours = week_hours(case)
    limit = np.array([c.hours_per_week for c in case.cadres], np.float64)
    zone = district_zone(case.policy.timezone)
    index = {d: j for j, d in enumerate(sc.demand_ids)}
    dated_of: dict[int, list[int]] = {}
    ongoing = np.zeros(sc.n, np.int64)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if np.isnan(start[j]):
            ongoing[i] += 1
        else:
            dated_of.setdefault(i, []).append(j)
    banned = set(req.ban_keys.tolist())
    chosen = set(pair_keys(rows, cols).tolist())
    # the capacity ongoing work accepted earlier leaves (dated orders held count in time)
    free = req.cap if req.held_cap is None else req.held_cap
    labels = labels_for(case)
    out = []
    for u in unfilled:
        j = index[u.demand]
        if np.isnan(start[j]):
            out.append(u)
            continue
        ok = np.flatnonzero(sc.block(slice(None), np.array([j])).feasible[:, 0])
        busy, full, on, tied = 0, 0, [], 0
        for i in ok.tolist():
            key = int(pair_keys(np.array([i]), np.array([j]))[0])
            if key in banned or key in chosen or sc.capacity[i] <= 0:
                continue
            mine, held = dated_of.get(i, []), req.held.get(i, ())
            most, over = _held_then(start, end, sc.demand_ids, mine, held, j)
            if ongoing[i] + most >= free[i]:
                busy += 1
                # ongoing work alone (in this plan, or accepted earlier) fills the cadre
                tied += int(ongoing[i] >= free[i])
                on += [k for k in over if k not in on]
            elif math.isfinite(limit[i]) and _past_limit(
                hours[j], [hours[k] for k in mine], _held_hours(held, zone), limit[i]
            ):
                full += 1
        w = str(case.demands[j].window)
        why = [m for m in u.why if m.code != "unfilled.busy"]
        if busy:
            more = len(on) - 3 if len(on) > 3 else None
            why.append(
                msg("unfilled.busy_then", count=busy, window=w, demands=on[:3], more=more,
                    ongoing=tied or None)
            )  # fmt: skip
        if full:
            why.append(msg("unfilled.week_full", count=full, window=w))
        out.append(
            u.model_copy(update={"why": why, "reasons": [render(m, "en", labels) for m in why]})
        )
    return out


#: the most local days one horizon plans, both ends given (two months: a week's or a
#: month's planning; the most a cadre's calendar shows at once)
MAX_HORIZON_DAYS = 62


def check_horizon(first: dt.date | None, last: dt.date | None) -> None:
    """Refuse a horizon whose days ``first … last`` (both given) run backwards or pass
    :data:`MAX_HORIZON_DAYS`: a plan for half a year of dated orders is one MILP
    over all of them, and no calendar shows it; plan it month by month.
    (An open end plans every dated order from or up to the given day.)

    Raises:
        InputError: ``horizon.reversed`` or ``horizon.too_long`` (exit 2 in the CLI,
            422 over HTTP).
    """
    if first is None or last is None:
        return
    if first > last:
        raise InputError(
            f"the horizon starts on {first}, after it ends on {last}: give the first day first",
            code="horizon.reversed",
            params={"first": first.isoformat(), "last": last.isoformat()},
        )
    days = (last - first).days + 1
    if days > MAX_HORIZON_DAYS:
        raise InputError(
            f"the horizon from {first} to {last} spans {days} days; plan at most"
            f" {MAX_HORIZON_DAYS} days at once (one month at a time)",
            code="horizon.too_long",
            params={"first": first.isoformat(), "last": last.isoformat(), "days": days,
                    "max": MAX_HORIZON_DAYS},
        )  # fmt: skip


def horizon(case: Case, first: dt.date | None, last: dt.date | None) -> Case:
    """``case`` planning the days ``first … last`` (local, both included; ``None``:
    open): ongoing work stays, a dated order stays when its window touches one of
    those days.

    Raises:
        InputError: ``horizon.too_long``, more than :data:`MAX_HORIZON_DAYS` days.
    """
    if first is None and last is None:
        return case
    check_horizon(first, last)

    def touches(d: Demand) -> bool:
        w = d.window
        if w is None:
            return True
        days = w.days()
        return (first is None or days[-1] >= first) and (last is None or days[0] <= last)

    return replace(case, demands=tuple(d for d in case.demands if touches(d)))


def calendar(case: Case, proposal: Proposal) -> list[dict[str, str]]:
    """A proposal as each cadre's calendar: one row per assignment, by cadre, then
    start (ongoing work first, its start and end blank), times local to the
    district as the case files write them."""
    cadres = {c.id: c for c in case.cadres}
    demands = {d.id: d for d in case.demands}
    rows = []
    for a in proposal.assignments:
        d = demands[a.demand]
        w = d.window
        rows.append(
            {
                "cadre": a.cadre,
                "name": cadres[a.cadre].name,
                "demand": d.id,
                "title": d.title,
                "community": d.community,
                "start": "" if w is None else format_local(w.start),
                "end": "" if w is None else format_local(w.end),
                "hours": "" if w is None else f"{service_hours(w, d.hours):g}",
            }
        )
    return sorted(rows, key=lambda x: (x["cadre"], x["start"], x["demand"]))
