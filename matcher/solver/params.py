"""The solver's knobs: which exact method runs, and how the pruned LP widens.

Why an object: like the engine's (``matcher.params.EngineParams``, which holds
one of these), a caller picks them per solve instead of editing module globals;
no setting changes an optimum, only the time and memory to reach it.

Example:
    >>> SolverParams(prune_above=0, top_k=0).lsa_max_cells
    30000000
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["SOLVER_DEFAULT", "WORKERS", "SolverParams"]

#: threads searching at once (the compiled searches release the GIL)
WORKERS = 2


@dataclass(frozen=True)
class SolverParams:
    """How :func:`~matcher.solver.solve` spends time; see each field's trade."""

    #: largest slot-expanded matrix (cells) solved by ``linear_sum_assignment``:
    #: exact and fast on unit problems while that matrix stays modest; past it
    #: (or with a cadre and a demand both taking several) the pruned LP runs
    lsa_max_cells: int = 30_000_000
    #: usable pairs past which the LP starts from each row's and column's best
    #: few instead of every pair (and is widened by pricing until certified)
    prune_above: int = 20_000
    #: pairs each row and column brings to the pruned LP's start beyond its
    #: capacity or headcount: a bigger start means fewer widening rounds
    top_k: int = 8
    #: improving pairs each row and column brings per widening round: more per
    #: round means fewer rounds but a bigger LP (a wide streamed pool uses
    #: ``EngineParams.wide_add_k`` instead)
    add_k: int = 4

    def __post_init__(self) -> None:
        # a round that brings no pair would never end
        floors = {"add_k": 1}
        for f in fields(self):
            value = getattr(self, f.name)
            low = floors.get(f.name, 0)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"SolverParams.{f.name} must be an integer, not {value!r}")
            if value < low:
                raise ValueError(f"SolverParams.{f.name} must be >= {low}, not {value}")


#: the defaults every solve uses unless told otherwise
SOLVER_DEFAULT = SolverParams()
