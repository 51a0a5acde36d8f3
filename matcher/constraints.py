"""A proposal's constraints, checked and put on the case's indexes.

Why a module of its own: :func:`matcher.propose` and a warm re-proposal
(:class:`matcher.warm.proposals.WarmProposals`) must read pins, declines and active
dispatches the same way, or a warm plan could answer a different question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from matcher.dated import most_at_once
from matcher.errors import InputError, Problem
from matcher.model import Case
from matcher.params import DEFAULT, EngineParams
from matcher.scoring import Scorer
from matcher.solver.keys import pair_keys, unpair_keys

__all__ = [
    "Engine",
    "HeldSpan",
    "HeldWindow",
    "Pair",
    "Request",
    "check_pins",
    "prepare",
    "streams",
]

Pair = tuple[str, str]
Engine = Literal["auto", "dense", "streamed"]
#: a dated order a cadre holds already, as callers give it: its window's start and end
#: (aware datetimes), its ``hours`` (None: the whole window) and, when known, its
#: demand's id (what an unfilled order's explanation names)
HeldWindow = (
    tuple[dt.datetime, dt.datetime, float | None]
    | tuple[dt.datetime, dt.datetime, float | None, str]
)
#: the same within a request: start and end in UTC seconds, ``hours``, the demand's id
#: (None: not given)
HeldSpan = tuple[float, float, float | None, str | None]


def _pair_index(
    pairs: Iterable[Pair], sc: Scorer, what: str, problems: list[Problem]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Distinct pairs as (row, column) index arrays; unknown ids become problems."""
    rows = {c: i for i, c in enumerate(sc.cadre_ids)}
    cols = {d: j for j, d in enumerate(sc.demand_ids)}
    keys: set[tuple[int, int]] = set()
    for cadre, demand in pairs:
        if cadre not in rows or demand not in cols:
            problems.append(Problem(what, "unknown cadre or demand", value=f"{cadre} → {demand}"))
            continue
        keys.add((rows[cadre], cols[demand]))
    ordered = sorted(keys)
    r = np.array([k[0] for k in ordered], dtype=np.intp)
    c = np.array([k[1] for k in ordered], dtype=np.intp)
    return r, c


def _counts(
    values: Mapping[str, int] | None, ids: tuple[str, ...], what: str, problems: list[Problem]
) -> npt.NDArray[np.int64]:
    out = np.zeros(len(ids), np.int64)
    index = {k: i for i, k in enumerate(ids)}
    for key, v in (values or {}).items():
        if key not in index:
            problems.append(Problem(what, "unknown id", value=key))
        elif v < 0:
            problems.append(Problem(what, "must be >= 0", value=f"{key}={v}"))
        else:
            out[index[key]] = v
    return out


def _pinned_load(
    case: Case, pr: npt.NDArray[np.intp], pc: npt.NDArray[np.intp], n: int
) -> npt.NDArray[np.int64]:
    """What the pins take of each cadre's capacity at its busiest instant: every
    pinned ongoing pair, plus the most pinned dated orders held at one time
    (a cadre may hold dated orders at different times beyond its capacity)."""
    load = np.zeros(n, np.int64)
    held: dict[int, list[tuple[float, int]]] = {}
    for i, j in zip(pr.tolist(), pc.tolist(), strict=True):
        w = case.demands[j].window
        if w is None:
            load[i] += 1
        else:  # an end sorts before a start at the same instant: windows are half-open
            held.setdefault(i, []).extend([(w.start.timestamp(), 1), (w.end.timestamp(), -1)])
    for i, events in held.items():
        now = most = 0
        for _, step in sorted(events):
            now += step
            most = max(most, now)
        load[i] += most
    return load


@dataclass(frozen=True)
class Request:
    """A proposal's inputs on the case's row and column indexes, checked."""

    sc: Scorer
    #: what active dispatches leave of each cadre's capacity and demand's headcount
    cap: npt.NDArray[np.int64]
    head: npt.NDArray[np.int64]
    #: pinned pairs (rows, columns), and as :func:`pair_keys`
    pr: npt.NDArray[np.intp]
    pc: npt.NDArray[np.intp]
    pin_keys: npt.NDArray[np.int64]
    #: excluded pairs (declined, already dispatched); never pinned at once
    ban_keys: npt.NDArray[np.int64]
    #: windows (UTC seconds) of the dated orders each cadre (row) already holds, with
    #: their ``hours`` (None: the window's): ``cap`` is then what is left at the
    #: busiest of them (what ongoing work may take), and ``held_cap`` what is left at
    #: other times (the time rows use both)
    held: Mapping[int, tuple[HeldSpan, ...]] = field(default_factory=dict)
    held_cap: npt.NDArray[np.int64] | None = None

    @property
    def free_cap(self) -> npt.NDArray[np.int64]:
        """Capacity left for the solver once the pins are placed."""
        return self.cap - np.bincount(self.pr, minlength=self.sc.n)

    @property
    def free_head(self) -> npt.NDArray[np.int64]:
        return self.head - np.bincount(self.pc, minlength=self.sc.m)

    @property
    def blocked(self) -> npt.NDArray[np.int64]:
        """Pairs the solver may not choose: declined, or already pinned."""
        return np.union1d(self.ban_keys, self.pin_keys)

    def streams(self, engine: Engine = "auto", params: EngineParams = DEFAULT) -> bool:
        """Whether this pool goes to the streamed engine."""
        return streams(self.sc.n, self.sc.m, engine, params)


def streams(
    n_cadres: int, n_demands: int, engine: Engine = "auto", params: EngineParams = DEFAULT
) -> bool:
    """Whether a pool this size goes to the streamed engine (``engine="auto"``
    streams above :attr:`~matcher.params.EngineParams.stream_above` pairs)."""
    return engine == "streamed" or (engine == "auto" and params.streams(n_cadres, n_demands))


def prepare(
    case: Case,
    pinned: Iterable[Pair] = (),
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    scorer: Scorer | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
) -> Request:
    """Check a proposal's constraints against ``case`` (its policy applied) and
    put them on its indexes; raises :class:`InputError` listing every problem.
    ``scorer``, if given, must be one made for this very case: encoding a city
    again takes a noticeable part of a warm re-proposal."""
    sc = Scorer(case) if scorer is None else scorer
    problems: list[Problem] = []
    pr, pc = _pair_index(pinned, sc, "pinned", problems)
    br, bc = _pair_index(excluded, sc, "excluded", problems)
    cap = np.maximum(
        sc.capacity - _counts(used_capacity, sc.cadre_ids, "used_capacity", problems), 0
    )
    head = np.maximum(
        sc.headcount - _counts(filled_slots, sc.demand_ids, "filled_slots", problems), 0
    )
    pin_keys = pair_keys(pr, pc)
    both_r, both_c = unpair_keys(np.intersect1d(pin_keys, pair_keys(br, bc)))
    for i, j in zip(both_r.tolist(), both_c.tolist(), strict=True):
        problems.append(
            Problem(
                "pinned",
                "pair is excluded (declined, or already dispatched)",
                value=f"{sc.cadre_ids[i]} → {sc.demand_ids[j]}",
                hint="unpin it: an excluded pair is never proposed",
                code="problem.pin_excluded",
            )
        )
    bad = ~sc.pairs(pr, pc).feasible
    for i, j in zip(pr[bad], pc[bad], strict=True):
        problems.append(
            Problem(
                "pinned",
                "pair breaks a hard rule",
                value=f"{sc.cadre_ids[i]} → {sc.demand_ids[j]}",
                hint="unpin it or fix the case",
            )
        )
    if (_pinned_load(case, pr, pc, sc.n) > cap).any() or (
        np.bincount(pc, minlength=sc.m) > head
    ).any():
        problems.append(Problem("pinned", "pins exceed a cadre's capacity or a demand's headcount"))
    if problems:
        raise InputError("cannot propose with these constraints", problems)
    rows, held_cap = _held(held, sc, cap)
    if held_cap is not None:
        cap = np.maximum(
            held_cap - np.array([most_at_once(rows.get(i, ())) for i in range(sc.n)]), 0
        )
    return Request(sc, cap, head, pr, pc, pin_keys, pair_keys(br, bc), rows, held_cap)


def _held(
    held: Mapping[str, Sequence[HeldWindow]] | None,
    sc: Scorer,
    cap: npt.NDArray[np.int64],
) -> tuple[dict[int, tuple[HeldSpan, ...]], npt.NDArray[np.int64] | None]:
    """The held windows by row (cadres not in the case hold nothing here), and the
    capacity before them (None: no cadre holds one)."""
    index = {c: i for i, c in enumerate(sc.cadre_ids)}
    rows = {
        index[c]: tuple(
            (x[0].timestamp(), x[1].timestamp(), x[2], x[3] if len(x) > 3 else None) for x in spans
        )
        for c, spans in (held or {}).items()
        if c in index and spans
    }
    return rows, (cap.copy() if rows else None)


def check_pins(
    case: Case,
    pinned: Iterable[Pair],
    excluded: Iterable[Pair] = (),
    used_capacity: Mapping[str, int] | None = None,
    filled_slots: Mapping[str, int] | None = None,
    held: Mapping[str, Sequence[HeldWindow]] | None = None,
) -> None:
    """Refuse pins a proposal of ``case`` would refuse, before any solving: unknown
    or excluded pairs, a pair breaking a hard rule, more than a cadre or a demand holds.

    Why: the service computes big or dated proposals as jobs; a pin it can judge at
    once is answered at once, not minutes later inside a failed job.

    Raises:
        InputError: every problem, as :func:`prepare` lists them.
    """
    pinned = list(pinned)
    if not pinned:
        return
    # only the pinned cadres and demands are read: a city's pool is not encoded twice
    who = {c for c, _ in pinned}
    what = {d for _, d in pinned}
    small = replace(
        case,
        cadres=tuple(c for c in case.cadres if c.id in who),
        demands=tuple(d for d in case.demands if d.id in what),
    )
    prepare(
        small,
        pinned,
        [(c, d) for c, d in excluded if c in who and d in what],
        {k: v for k, v in (used_capacity or {}).items() if k in who},
        {k: v for k, v in (filled_slots or {}).items() if k in what},
        held={k: v for k, v in (held or {}).items() if k in who},
    )
