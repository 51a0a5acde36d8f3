"""Sweeps: grid and random points, and identical rows from every executor."""

from __future__ import annotations

import pytest

from matcher import Case
from matcher.whatif import LocalExecutor, ScenarioError, parse_sweep, run_sweep

SPEC = {
    "sweep": {"mode": "grid", "params": {"f": [0.0, 1.0, 2.0], "leave": [0, 2]}},
    "edits": [
        {"kind": "scale_demand", "category": "emergency", "factor": "$f"},
        {"kind": "remove_cadres", "all": True, "count": "$leave", "seed": 1},
    ],
}


def test_grid_and_random_points(tiny: Case) -> None:
    sw = parse_sweep(SPEC, tiny)
    assert [p.params for p in sw.points][:3] == [
        {"f": 0.0, "leave": 0},
        {"f": 0.0, "leave": 2},
        {"f": 1.0, "leave": 0},
    ]
    rnd = {
        "sweep": {
            "mode": "random",
            "samples": 5,
            "seed": 2,
            "params": {"f": {"low": 1.0, "high": 2.0}, "leave": {"low": 0, "high": 3}},
        },
        "edits": SPEC["edits"],
    }
    a, b = parse_sweep(rnd, tiny), parse_sweep(rnd, tiny)
    assert a == b and len(a.points) == 5
    assert all(isinstance(p.params["leave"], int) for p in a.points)


def test_bad_point_is_reported(tiny: Case) -> None:
    bad = {**SPEC, "edits": [{"kind": "scale_demand", "category": "emergncy", "factor": "$f"}]}
    with pytest.raises(ScenarioError, match="did you mean 'emergency'"):
        parse_sweep(bad, tiny)


def test_local_executors_agree(small: Case) -> None:
    sw = parse_sweep(SPEC, small)
    one = run_sweep(small, sw, LocalExecutor(1))
    two = run_sweep(small, sw, LocalExecutor(2))
    assert one == two
    assert [r["index"] for r in one] == list(range(6))
    assert (
        one[2]["slots_total"] == one[0]["slots_total"] + sum(0 for _ in ())
        or one[2]["slots_total"] >= one[0]["slots_total"]
    )


def test_dask_local_cluster_matches_local(small: Case) -> None:
    distributed = pytest.importorskip("distributed")
    from matcher.whatif import DaskExecutor

    sw = parse_sweep(SPEC, small)
    local = run_sweep(small, sw, LocalExecutor(1))
    # processes=False: workers are threads talking over dask's in-process transport (no
    # TCP port for workers); the scheduler's HTTP endpoint always starts, so pin it to a
    # free loopback port rather than the default :8787 (often taken). Closed by the with.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address="127.0.0.1:0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert run_sweep(small, sw, DaskExecutor(client)) == local
