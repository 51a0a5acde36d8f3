"""The backtest's scoring on flags known by hand, and one short replay end to end."""

from __future__ import annotations

import math
from datetime import date
from types import MappingProxyType

from benchmarks.backtest import RuleScore, backtest, main, render
from matcher.generate import History, generate_history

D = date(2026, 1, 1)


def _history() -> History:
    turned = {"A": date(2026, 1, 10), "B": date(2026, 3, 1), "C": date(2026, 1, 1)}
    return History(
        start=D,
        as_of=date(2026, 12, 31),
        outcomes=(),
        trainings=(),
        unreliable=frozenset(turned),
        turned=MappingProxyType(turned),
        low_activity=frozenset({"L"}),
    )


def test_scores_count_hits_early_flags_and_lead_times() -> None:
    s = RuleScore("r")
    s.note("A", date(2026, 1, 20), date(2026, 1, 10))  # hit, 10 days after turning
    s.note("A", date(2026, 2, 20), date(2026, 1, 10))  # a later flag changes nothing
    s.note("B", date(2026, 2, 1), date(2026, 3, 1))  # before B turned: a false alarm
    s.note("L", date(2026, 2, 1), None)  # never unreliable: a false flag
    s.note("G", date(2026, 2, 1), None)
    row = s.row(_history())
    assert (row["flagged"], row["hits"], row["early"], row["low_activity"]) == (4, 1, 1, 1)
    assert row["precision"] == 1 / 4 and row["recall"] == 1 / 3
    assert row["lag_median"] == 10 and row["lag_p90"] == 10
    assert row["lag_mid_median"] == 10  # A turned after the history began, C at its start
    s.note("B", date(2026, 3, 31), date(2026, 3, 1))  # a hit too, 30 days after B turned
    row = s.row(_history())
    assert (row["hits"], row["early"], row["lag_median"], row["lag_p90"]) == (2, 1, 20, 30)


def test_an_empty_score_reads_as_dashes() -> None:
    row = RuleScore("r").row(_history())
    assert math.isnan(row["precision"]) and math.isnan(row["lag_median"])
    assert "| r | 0 | 0 | – | 0.00 | 0 | 0 | – | – | – |" in render(
        [RuleScore("r")], _history(), 7, 0
    )


def test_a_short_replay_scores_every_rule(sample_case) -> None:  # type: ignore[no-untyped-def]
    h = generate_history(sample_case, seed=5, months=4, as_of=date(2026, 6, 30))
    scores = backtest(sample_case, h, step=14)
    names = [s.rule for s in scores]
    assert names[:3] == ["no_shows", "low_rating", "hours_behind"]
    assert names[-1].startswith("stuck_yellow")
    for s in scores:
        assert set(s.first_hit) <= h.unreliable & set(s.first)
        assert all(s.first_hit[c] >= h.turned[c] for c in s.first_hit)
    assert scores[0].first_hit  # no-shows of the unreliable are caught within four months


def test_main_writes_the_table(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "b.md"
    assert main(["--months", "2", "--step", "30", "--as-of", "2026-03-31", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text == capsys.readouterr().out and "| any yellow rule |" in text
