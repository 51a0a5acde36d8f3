"""The engine's tuning knobs, in one validated, frozen object passed down.

Why: each knob trades speed against memory (or against how often work is
redone), never the answer: every setting gives the same optimum, alternates and
reasons. Kept in one object, a caller (a test, the service, a benchmark) picks
them for one proposal without touching module globals that every other
proposal in the process shares. Measurements behind the defaults are in
``docs/scale.md``.

Example:
    >>> p = EngineParams(block_cells=4_000)
    >>> p.block_cells, p.stream_above
    (4000, 500000)
    >>> EngineParams(workers=0)
    Traceback (most recent call last):
    ...
    ValueError: EngineParams.workers must be >= 1, not 0
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field, fields

from matcher.solver.assign import SCALE
from matcher.solver.params import WORKERS, SolverParams

__all__ = ["DEFAULT", "EngineParams"]


@dataclass(frozen=True)
class EngineParams:
    """How the engine spends time and memory; see each field for what it trades."""

    #: pools with more (cadre, demand) pairs than this are streamed in blocks
    #: instead of scored into dense matrices: lower saves memory on mid-size
    #: pools, higher keeps more of them on the (faster when it fits) dense path
    stream_above: int = 500_000
    #: threads reading blocks, counting reasons and searching alternates at
    #: once (the compiled loops release the GIL): more uses more cores, each
    #: scan lane holds its own lists
    workers: int = WORKERS
    #: cells (cadres × demands within reach) per block: blocks are the unit of
    #: progress and of work per thread; few big blocks save per-block passes,
    #: small ones report progress and cancel sooner
    block_cells: int = 16_000_000
    #: cadres per block at least: each block costs a pass over its demands'
    #: lists, which would dominate thin blocks (a metro's many demands)
    min_rows: int = 128
    #: deepest list of best pairs kept per demand by the first scan: deeper
    #: lists bound the unkept pairs lower (fewer cells re-read by pricing) but
    #: cost memory
    reserve_max_depth: int = 256
    #: pairs kept in all by the first scan, per cadre and demand of the pool
    #: (bounds memory on pools with few cadres per demand)
    reserve_per_node: int = 64
    #: cells (cadres × demands) past which a pool is *wide* (a metro): there
    #: the LP's searches, not the scans, take the time, and a deeper list per
    #: demand (twice ``reserve_per_node`` and ``reserve_max_depth``) starts the
    #: LP nearer its optimum, so fewer rounds and a lighter pricing scan follow,
    #: while each round brings ``wide_add_k`` pairs per row and column (each
    #: search is cheaper on a smaller LP)
    wide_above: int = 1_000_000_000
    #: ``solver.add_k`` on a wide pool
    wide_add_k: int = 1
    #: buffer past the depth per demand's list: a list is cut back to its depth
    #: when the buffer fills, so a bigger buffer means fewer, longer cuts
    reserve_spare: int = 128
    #: pairs each demand starts the LP with beyond its headcount (up to 8): a
    #: small start solves faster, the deep lists bring the rest as duals ask
    start_k: int = 2
    #: pairs each row and column keeps in a pricing scan (best reduced costs);
    #: at least 1, so that a full row list always holds a fresh improving pair
    cache_k: int = 16
    #: pairs this close to improving (grid units) are cached by pricing scans:
    #: a wider slack saves scans as the LP grows, at the cost of memory
    cache_slack: int = SCALE
    #: near-tight pairs kept for alternates, per cadre and demand: past that the
    #: floor rises above minus the band and alternates are exact below the new floor
    near_budget: float = 160.0
    #: cells per block of demands when explaining unfilled slots (and when a
    #: reopened cadre's or demand's pairs join the LP): memory against passes
    explain_cells: int = 4_000_000
    #: seconds a MILP under the lending rules may run: past it the best plan found
    #: is returned uncertified, with the bound proven so far
    milp_seconds: float = 600.0
    #: the exact solver's own knobs (method, pruning, widening per round), for
    #: the dense engine's solve and the streamed engine's live LP alike (but a
    #: wide pool widens by ``wide_add_k``)
    solver: SolverParams = field(default_factory=SolverParams)

    def __post_init__(self) -> None:
        floors = {
            "stream_above": 0,
            "cache_slack": 0,
            "start_k": 0,
            "near_budget": 0,
            "wide_above": 0,
        }
        if not isinstance(self.solver, SolverParams):
            raise TypeError(f"EngineParams.solver must be SolverParams, not {self.solver!r}")
        for f in fields(self):
            if f.name == "solver":
                continue
            value = getattr(self, f.name)
            low = floors.get(f.name, 1)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"EngineParams.{f.name} must be a number, not {value!r}")
            # a count (cells, pairs, threads) of 1.5 would reach numpy's shapes and
            # range() far from here, as an error that names neither the knob nor its value
            if f.type == "int" and not isinstance(value, numbers.Integral):
                raise TypeError(f"EngineParams.{f.name} must be an integer, not {value!r}")
            if value < low:
                raise ValueError(f"EngineParams.{f.name} must be >= {low}, not {value}")

    def streams(self, n_cadres: int, n_demands: int) -> bool:
        """Whether a pool this size is streamed when the engine is ``"auto"``."""
        return n_cadres * n_demands > self.stream_above

    def wide(self, n_cadres: int, n_demands: int) -> bool:
        """Whether a pool this size is wide (see ``wide_above``)."""
        return n_cadres * n_demands > self.wide_above

    def reserve_depth(self, n: int, m: int) -> int:
        """How many pairs each of ``m`` demands keeps in a pool of ``n`` cadres."""
        times = 2 if self.wide(n, m) else 1
        per = times * self.reserve_per_node * (n + m) // max(m, 1)
        return int(max(1, min(times * self.reserve_max_depth, per)))

    def add_k(self, n: int, m: int) -> int:
        """Pairs each row and column brings per widening round in a pool of
        ``n`` cadres and ``m`` demands."""
        return self.wide_add_k if self.wide(n, m) else self.solver.add_k


#: the defaults: what :func:`matcher.propose` uses unless told otherwise
DEFAULT = EngineParams()
