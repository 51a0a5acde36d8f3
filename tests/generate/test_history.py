"""The history generator: deterministic, feasible, within capacity, plausible figures.

The feasibility oracle reads the sample district's CSV files with the csv module
and measures distances with its own haversine: it shares nothing with the
generator or the engine.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from matcher import load_case
from matcher.generate import History, generate_history, main
from matcher.io import load_outcomes, load_trainings, save_history
from matcher.record import CancelReason, Ending

AS_OF = date(2026, 6, 30)
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample-district"


def _rows(name: str, folder: Path = SAMPLE) -> dict[str, dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


def _levels(text: str) -> dict[str, int]:
    return {t: int(lv) for t, _, lv in (x.partition(":") for x in text.split(";") if x)}


def _km(a: dict[str, str], b: dict[str, str]) -> float:
    p1, p2 = math.radians(float(a["lat"])), math.radians(float(b["lat"]))
    dp, dl = p2 - p1, math.radians(float(b["lon"]) - float(a["lon"]))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _breaks(cadre: dict[str, str], demand: dict[str, str], coms: dict[str, dict[str, str]]) -> str:
    """The first hard rule the pair breaks, or '' (read from the raw files)."""
    if cadre["status"] == "red":
        return "status"
    if (int(cadre["capacity"]) if cadre["capacity"] else 1) == 0:
        return "capacity"
    own = _levels(cadre["skills"])
    if any(own.get(t, 0) < lv for t, lv in _levels(demand["requires"]).items()):
        return "requires"
    if not {c for c in demand["certs"].split(";") if c} <= set(cadre["certs"].split(";")):
        return "certs"
    limit = float(cadre["max_travel_km"]) if cadre["max_travel_km"] else math.inf
    if _km(coms[cadre["home"]], coms[demand["community"]]) > limit + 1e-6:
        return "travel"
    return ""


@pytest.fixture(scope="module")
def year(sample_case) -> History:  # type: ignore[no-untyped-def]
    return generate_history(sample_case, seed=7, as_of=AS_OF)


def test_same_seed_same_history_other_seed_other(sample_case) -> None:  # type: ignore[no-untyped-def]
    a = generate_history(sample_case, seed=3, months=2, as_of=AS_OF)
    b = generate_history(sample_case, seed=3, months=2, as_of=AS_OF)
    c = generate_history(sample_case, seed=4, months=2, as_of=AS_OF)
    assert a == b
    assert a.outcomes != c.outcomes


def test_every_dispatch_passes_the_hard_rules(year: History) -> None:
    cadres, demands = _rows("cadres.csv"), _rows("demands.csv")
    coms = _rows("communities.csv")
    broken = Counter(_breaks(cadres[o.cadre], demands[o.demand], coms) for o in year.outcomes)
    assert broken == Counter({"": len(year.outcomes)})
    assert all(o.community == demands[o.demand]["community"] for o in year.outcomes)
    assert all(o.priority == int(demands[o.demand]["priority"]) for o in year.outcomes)


def test_no_cadre_over_capacity_on_any_day(year: History) -> None:
    cadres = _rows("cadres.csv")
    held: defaultdict[tuple[str, date], int] = defaultdict(int)
    for o in year.outcomes:
        day = o.started
        while day <= o.ended:
            held[o.cadre, day] += 1
            day += timedelta(days=1)
    over = [
        (c, d, k)
        for (c, d), k in held.items()
        if k > (int(cadres[c]["capacity"]) if cadres[c]["capacity"] else 1)
    ]
    assert over == []


def test_dispatches_only_after_joining_and_inside_the_window(year: History) -> None:
    assert year.start == date(2025, 7, 1) and year.as_of == AS_OF
    assert all(year.joined[o.cadre] <= o.started for o in year.outcomes)
    assert all(year.start <= o.started <= o.ended <= AS_OF for o in year.outcomes)
    assert all(year.start <= t.day <= AS_OF for t in year.trainings)
    assert [o.dispatch for o in year.outcomes] == list(range(1, len(year.outcomes) + 1))


def test_outcome_fields_are_consistent(year: History) -> None:
    for o in year.outcomes:
        if o.ending is Ending.COMPLETED:
            assert o.hours is not None and 0 < o.hours <= 24
            assert o.rating is None or 1 <= o.rating <= 5
            assert o.cancel_reason is None
            assert o.exempt == (o.exempt_reason is not None)
        else:
            assert o.hours is None and o.rating is None and not o.exempt
            assert (o.cancel_reason is not None) == (o.ending is Ending.CANCELLED)


def test_figures_are_plausible(year: History) -> None:
    n = len(year.outcomes)
    endings = Counter(o.ending for o in year.outcomes)
    assert 8000 < n < 40000
    assert 0.01 < endings[Ending.NO_SHOW] / n < 0.08
    assert 0.03 < endings[Ending.CANCELLED] / n < 0.12
    done = [o for o in year.outcomes if o.ending is Ending.COMPLETED]
    rated = [o.rating for o in done if o.rating is not None]
    assert 0.45 < len(rated) / len(done) < 0.75
    assert 3.6 < statistics.mean(rated) < 4.5
    assert 0.005 < sum(o.exempt for o in done) / len(done) < 0.03
    reasons = {o.cancel_reason for o in year.outcomes if o.cancel_reason}
    assert reasons == set(CancelReason) - {CancelReason.NO_SHOW}
    hours: Counter[str] = Counter()
    for o in done:
        hours[o.cadre] += o.hours or 0.0
    assert 40 < statistics.median(hours.values()) < 250
    assert len(year.trainings) > 1000 and any(t.cert for t in year.trainings)


def test_the_hidden_minority_behaves_worse(year: History) -> None:
    bad, low = year.unreliable, year.low_activity
    assert 30 < len(bad) < 90 and 40 < len(low) < 120 and not bad & low
    assert set(year.turned) == bad
    early = sum(year.turned[c] == max(year.start, year.joined[c]) for c in bad)
    assert 0 < early < len(bad)

    def rate(who: set[str] | frozenset[str], after: bool) -> tuple[float, float]:
        os_ = [
            o
            for o in year.outcomes
            if o.cadre in who and (not after or o.started >= year.turned[o.cadre] + timedelta(60))
        ]
        shows = sum(o.ending is Ending.NO_SHOW for o in os_) / len(os_)
        rs = [o.rating for o in os_ if o.rating is not None and not o.exempt]
        return shows, statistics.mean(rs)

    good = {o.cadre for o in year.outcomes} - bad - low
    good_noshow, good_rating = rate(good, after=False)
    bad_noshow, bad_rating = rate(bad, after=True)
    assert bad_noshow > 3 * good_noshow
    assert bad_rating < good_rating - 1.0
    per: Counter[str] = Counter(o.cadre for o in year.outcomes)
    assert statistics.median(per[c] for c in low) < statistics.median(per[c] for c in good) / 3


def test_the_history_passes_the_file_rules_and_reads_back(tmp_path: Path, sample_case) -> None:  # type: ignore[no-untyped-def]
    h = generate_history(sample_case, seed=2, months=2, as_of=AS_OF)
    folder = save_history(tmp_path, h.outcomes, h.trainings)
    done = load_outcomes((folder / "outcomes.csv").read_bytes(), max_hours=24)
    assert [(r.dispatch, r.ending, r.hours, r.rating, r.ended) for _, r in done] == [
        (o.dispatch, o.ending, o.hours, o.rating, o.ended) for o in h.outcomes
    ]
    trained = load_trainings(
        (folder / "trainings.csv").read_text(encoding="utf-8"),
        taxonomy=sample_case.taxonomy,
        cadres={c.id for c in sample_case.cadres},
    )
    assert tuple(t for _, t in trained) == h.trainings


def test_the_command_writes_a_case_and_its_history(tmp_path: Path) -> None:
    out = tmp_path / "c"
    assert (
        main([str(out), "--cadres", "40", "--demands", "15", "--seed", "5", "--history", "1"]) == 0
    )
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "cadres.csv",
        "communities.csv",
        "demands.csv",
        "outcomes.csv",
        "trainings.csv",
    ]
    h = generate_history(load_case(out), seed=5, months=1)
    assert len(load_outcomes((out / "outcomes.csv").read_bytes())) == len(h.outcomes) > 0
