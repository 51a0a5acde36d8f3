"""The fairness suite: what fairness costs, its table, and one short run on the sample."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import matcher
from benchmarks.fairness import fairness_markdown, run_fairness, score_change


def test_score_change_by_hand() -> None:
    assert score_change({"off": {"score": 200.0}, "on": {"score": 190.0}}) == -0.05
    assert score_change({"off": {"score": 80.0}, "on": {"score": 82.0}}) == 0.025
    assert score_change({"off": {"score": 0.0}, "on": {"score": 0.0}}) is None


def _row(score: float, gini: float) -> dict[str, float]:
    return {
        "score": score,
        "fill_rate": 0.5,
        "hours_gini": gini,
        "hours_jain": 0.75,
        "served_share": 0.25,
        "p95_hours": 12.25,
        "seconds": 1.0,
    }


def test_the_table_shows_both_policies_and_the_cost() -> None:
    rep = {
        "days": 30,
        "terms": {"load_step": 5.0, "recent_load": 10.0, "idle_bonus": 3.0},
        "instances": [
            {
                "name": "tiny",
                "pool": 1200,
                "orders": 5,
                "slots": 7,
                "score_change": -0.05,
                "off": _row(200.0, 0.5),
                "on": _row(190.0, 0.25),
            }
        ],
    }
    md = fairness_markdown(rep, ["heading"])
    assert md.startswith("heading\n") and "over 30 days" in md
    assert "| tiny | 1,200 | 5 (7) | off | 200.0 | 0.5000 | 0.5000 | 0.7500 | 0.2500 | 12.2 |" in md
    assert "| tiny | 1,200 | 5 (7) | on | 190.0 (-5.00%) | 0.5000 | 0.2500 |" in md


def test_a_short_run_on_the_sample(tmp_path: Path) -> None:
    rep = run_fairness(("sample",), tmp_path, days=3)
    assert rep["kind"] == "fairness" and rep["days"] == 3
    [inst] = rep["instances"]
    # the pool is every cadre who may be dispatched: not red, capacity above 0 (from the CSV)
    with (Path(matcher.SAMPLE_DISTRICT) / "cadres.csv").open(encoding="utf-8") as f:
        pool = [r for r in csv.DictReader(f) if r["status"] != "red" and int(r["capacity"]) > 0]
    assert inst["pool"] == len(pool)
    assert inst["orders"] > 0 and inst["slots"] >= inst["orders"]
    for label in ("off", "on"):
        r = inst[label]
        assert r["fill_rate"] == pytest.approx(r["slots_filled"] / inst["slots"], abs=1e-6)
        assert 0.0 <= r["hours_gini"] <= 1.0 and 0.0 < r["hours_jain"] <= 1.0
        assert 0.0 < r["served_share"] <= 1.0
    assert inst["score_change"] == pytest.approx(
        (inst["on"]["score"] - inst["off"]["score"]) / inst["off"]["score"], abs=1e-6
    )
