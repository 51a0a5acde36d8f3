"""The governance report's figures (``GET …/report``, ``matcher report``) read without
waste: its training picks score their candidate cadres together (one scorer for the lot,
not one per candidate) and the live pool's snapshot is read once, with the report's
bytes exactly those of scoring each candidate alone."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import matcher.scoring
from matcher import SAMPLE_DISTRICT, Case, load_case
from matcher.model import Cadre
from matcher.store import Store, Tx
from matcher.store.report import report_figures

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _alone(case: Case, cadres: list[Cadre]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each stand-in cadre scored in a case of its own: a scorer each."""
    out = []
    for c in cadres:
        sm = matcher.scoring.score_matrix(replace(case, cadres=(c,)))
        out.append((sm.scores[0], sm.feasible[0]))
    return out


def _figures(store: Store) -> str:
    with store.read() as tx:
        row = report_figures(tx, "gulou", *MARCH)
    return json.dumps(row.to_json(), sort_keys=True, ensure_ascii=False)


def test_the_report_scores_its_training_candidates_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(tmp_path / "r.db")
    with store.write() as tx:
        tx.import_case("gulou", load_case(SAMPLE_DISTRICT), name="鼓楼区")
    made: list[int] = []
    read: list[str] = []
    init, snapshot = matcher.scoring.Scorer.__init__, Tx.snapshot

    def counted_init(self: Any, case: Case) -> None:
        made.append(len(case.cadres))
        init(self, case)

    def counted_snapshot(self: Any, district: str) -> Any:
        read.append(district)
        return snapshot(self, district)

    monkeypatch.setattr(matcher.scoring.Scorer, "__init__", counted_init)
    monkeypatch.setattr(Tx, "snapshot", counted_snapshot)
    fast = _figures(store)
    assert json.loads(fast)["shortfall"]["training"], "the sample has training picks"
    stand_ins = [n for n in made if n != len(load_case(SAMPLE_DISTRICT).cadres)]
    assert sum(stand_ins) > 100, made  # hundreds of candidates scored …
    assert len(made) <= 8, len(made)  # … by a handful of scorers
    assert read == ["gulou"]  # one snapshot for the summary and the shortages
    # (``matcher.whatif.shortage`` is also the name of a function of ``matcher.whatif``)
    monkeypatch.setattr(importlib.import_module("matcher.whatif.shortage"), "_rows_of", _alone)
    made.clear()
    assert _figures(store) == fast  # byte for byte what scoring each alone gives
    assert len(made) > 100
    store.close()
