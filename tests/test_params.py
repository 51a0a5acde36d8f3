"""The engine's knobs: one frozen, validated object, and it reaches the engine."""

from __future__ import annotations

import dataclasses

import pytest

import matcher.stream.pricing as pricing
from matcher import EngineParams, load_case, propose
from matcher.params import DEFAULT
from matcher.solver import SCALE, SolverParams
from matcher.stream import PairStream
from matcher.stream.live import LivePlan


def test_params_are_frozen_and_checked() -> None:
    """A knob cannot be changed under a running proposal, nor set to nonsense."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.block_cells = 1  # type: ignore[misc]
    with pytest.raises(ValueError, match="block_cells must be >= 1"):
        EngineParams(block_cells=0)
    with pytest.raises(ValueError, match="near_budget must be >= 0"):
        EngineParams(near_budget=-1.0)
    with pytest.raises(TypeError, match="workers must be a number"):
        EngineParams(workers=True)
    assert EngineParams(stream_above=0, start_k=0, cache_slack=0).stream_above == 0


@pytest.mark.parametrize("knob", ["wide_add_k", "block_cells", "workers", "reserve_max_depth"])
def test_counts_refuse_fractions(knob: str) -> None:
    """A count knob given 1.5 is refused by name, not met later as a shape error."""
    with pytest.raises(TypeError, match=f"{knob} must be an integer, not 1.5"):
        EngineParams(**{knob: 1.5})


def test_seconds_and_budgets_take_fractions() -> None:
    """The knobs that are amounts, not counts, keep taking floats (and ints)."""
    p = EngineParams(near_budget=12.5, milp_seconds=30)
    assert (p.near_budget, p.milp_seconds) == (12.5, 30)


def test_defaults_are_the_documented_ones() -> None:
    """The defaults the measurements in docs/scale.md were made with."""
    assert DEFAULT.stream_above == 500_000 and DEFAULT.cache_slack == SCALE
    assert (DEFAULT.reserve_max_depth, DEFAULT.reserve_per_node, DEFAULT.reserve_spare) == (
        256,
        64,
        128,
    )
    assert DEFAULT.streams(1_000, 501) and not DEFAULT.streams(1_000, 500)


def test_params_reach_the_blocks_and_the_live_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passed to :func:`propose`, the knobs are the ones the streamed engine uses."""
    case = load_case("data/sample-district")
    streams: list[PairStream] = []
    real = LivePlan.__init__

    def spy(self, *args, **kw):  # type: ignore[no-untyped-def]
        real(self, *args, **kw)
        streams.append(self.stream)

    monkeypatch.setattr(LivePlan, "__init__", spy)
    params = EngineParams(block_cells=500, min_rows=1, stream_above=0)
    small = propose(case, params=params)  # stream_above=0: streamed on "auto"
    default = propose(case, engine="streamed")
    assert small.solver == "lp-streamed" and small.objective == default.objective
    assert [s.params for s in streams] == [params, DEFAULT]
    assert len(list(streams[0].blocks)) > len(list(streams[1].blocks))


def test_solver_params_are_checked_and_reach_the_dense_solve() -> None:
    """The solver's knobs sit in the engine's params and pick the dense method."""
    with pytest.raises(ValueError, match="top_k must be >= 0"):
        SolverParams(top_k=-1)
    # a widening round that brings no pair would loop for ever
    with pytest.raises(ValueError, match="add_k must be >= 1"):
        SolverParams(add_k=0)
    with pytest.raises(ValueError, match="wide_add_k must be >= 1"):
        EngineParams(wide_add_k=0)
    with pytest.raises(TypeError, match="solver must be SolverParams"):
        EngineParams(solver=None)  # type: ignore[arg-type]
    case = load_case("tests/whatif/cases/tiny")
    pruned = EngineParams(solver=SolverParams(lsa_max_cells=0, prune_above=0, top_k=0))
    by_default, by_lp = propose(case), propose(case, params=pruned)
    assert (by_default.solver, by_lp.solver) == ("lsa", "lp")
    assert by_lp.objective == by_default.objective


def test_wide_pools_widen_by_fewer_and_keep_deeper_lists_for_the_same_optimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pools past ``wide_above`` cells widen by ``wide_add_k`` and keep twice the
    deep lists; either way the streamed proposal reaches the same optimum."""
    knobs = EngineParams(wide_above=100, solver=SolverParams(add_k=4), wide_add_k=1)
    assert (knobs.add_k(10, 10), knobs.add_k(11, 10)) == (4, 1)
    deep = EngineParams(reserve_per_node=2, reserve_max_depth=5, wide_above=100)
    assert (deep.reserve_depth(10, 10), deep.reserve_depth(11, 10)) == (4, 8)
    assert deep.reserve_depth(1000, 10) == 10  # the cap doubles too
    case = load_case("tests/whatif/cases/tiny")
    widened: list[int] = []
    solve = pricing.solve_pruned

    def spy(*args, add_k, **kw):  # type: ignore[no-untyped-def]
        widened.append(add_k)
        return solve(*args, add_k=add_k, **kw)

    monkeypatch.setattr(pricing, "solve_pruned", spy)
    runs = [
        propose(
            case,
            engine="streamed",
            params=EngineParams(wide_above=w, reserve_per_node=1, wide_add_k=3),
        )
        for w in (0, 10**12)
    ]
    assert widened == [3, SolverParams().add_k]  # the wide pool, then the other
    assert runs[0].objective == runs[1].objective and runs[0].certified and runs[1].certified


def test_numpy_integers_are_counts() -> None:
    """A count read from an array (``np.int64``) is a count; a flag is no number."""
    import numpy as np

    assert EngineParams(block_cells=np.int64(4_000)).block_cells == 4_000
    with pytest.raises(TypeError, match="must be a number"):
        EngineParams(block_cells=True)
