"""Generated dated work: a realistic week, the same cases as ever without it, and the
bundled sample week (the sample district plus a week of dated orders)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np

from matcher import horizon, load_case, propose
from matcher.dated import covers, is_away
from matcher.generate import SAMPLE_SIZES, SAMPLE_WEEK, WEEK, generate_case, main
from matcher.generate.dated import cadre_calendars, order_windows
from tests.paths import ROOT, SAMPLE

WEEK_FOLDER = ROOT / "data" / "sample-week"
FILES = ("communities.csv", "cadres.csv", "demands.csv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_bundled_sample_week_matches_the_generator(tmp_path: Path) -> None:
    fresh = generate_case(tmp_path / "w", **SAMPLE_SIZES, n_dated=SAMPLE_WEEK)
    for name in FILES:
        assert (WEEK_FOLDER / name).read_bytes() == (fresh / name).read_bytes(), (
            f"{name} differs: regenerate with matcher.generate.sample_week()"
        )


def test_the_sample_week_is_the_sample_district_plus_dated_work() -> None:
    assert (WEEK_FOLDER / "communities.csv").read_bytes() == (
        SAMPLE / "communities.csv"
    ).read_bytes()
    for name, extra in (("cadres.csv", 3), ("demands.csv", 3)):
        week, base = _rows(WEEK_FOLDER / name), _rows(SAMPLE / name)
        assert len(list(week[0])) == len(list(base[0])) + extra
        for w, b in zip(week, base, strict=False):
            assert {k: w[k] for k in b} == b
    demands = _rows(WEEK_FOLDER / "demands.csv")
    assert len(demands) == SAMPLE_SIZES["n_demands"] + SAMPLE_WEEK
    assert not any(d["start"] for d in demands[: SAMPLE_SIZES["n_demands"]])
    assert all(d["start"] for d in demands[SAMPLE_SIZES["n_demands"] :])


def test_the_sample_week_loads_and_its_plan_keeps_the_time_rules() -> None:
    case = load_case(WEEK_FOLDER)
    first, last = (
        dt.datetime.combine(WEEK, dt.time()),
        dt.datetime.combine(WEEK, dt.time()) + dt.timedelta(days=7),
    )
    windows = [d.window for d in case.demands if d.window is not None]
    assert len(windows) == SAMPLE_WEEK
    assert all(first <= w.wall()[0] < last for w in windows)
    # one day of it planned (the whole week is a minute-long MILP: benchmarks, not tests)
    tuesday = WEEK + dt.timedelta(days=1)
    day = horizon(case, tuesday, tuesday)
    p = propose(day)
    cadres = {c.id: c for c in case.cadres}
    demands = {d.id: d for d in day.demands}
    n_day = sum(1 for d in day.demands if d.window is not None)
    dated = [a for a in p.assignments if demands[a.demand].window is not None]
    assert n_day > 20 and len(dated) > n_day // 2
    for a in dated:
        w = demands[a.demand].window
        assert w is not None and covers(cadres[a.cadre].available, w)
        assert not is_away(cadres[a.cadre].away, w)
    rules = Counter(r.rule for u in p.unfilled for r in u.rules)
    assert rules["availability"] and rules["away"]


def test_orders_arrive_like_a_week_of_dispatch() -> None:
    start, end, hours = order_windows(np.random.default_rng(5), 7000, WEEK)
    starts = [dt.datetime.fromisoformat(s) for s in start]
    per_day = Counter(s.weekday() for s in starts)
    weekday, weekend = np.mean([per_day[d] for d in range(5)]), np.mean([per_day[5], per_day[6]])
    assert 0.35 < weekend / weekday < 0.7  # fewer at weekends
    evening = sum(18 <= s.hour < 22 for s in starts) / len(starts)
    day = sum(8 <= s.hour < 17 for s in starts) / len(starts)
    assert 0.25 < evening < 0.5 and 0.4 < day < 0.7
    lengths = [
        (dt.datetime.fromisoformat(e) - s).total_seconds() / 3600 if e else float(h)
        for s, e, h in zip(starts, end, hours, strict=True)
    ]
    assert np.median(lengths) <= 3 and max(lengths) > 24  # mostly short, a few over days
    assert 0.1 < sum(1 for e in end if not e) / len(end) < 0.3  # some give hours, not an end


def test_cadre_calendars_mix_day_jobs_and_absences() -> None:
    available, away, limit = cadre_calendars(np.random.default_rng(2), 4000, WEEK)
    shares = Counter(available)
    assert 0.15 < shares[""] / 4000 < 0.3
    assert 0.2 < shares["mon-fri 18:00-21:30; sat,sun 08:00-18:00"] / 4000 < 0.32
    assert 0.08 < sum(1 for a in away if a) / 4000 < 0.16
    assert 0.2 < sum(1 for h in limit if h) / 4000 < 0.9


def test_the_cli_writes_dated_orders(tmp_path: Path) -> None:
    out = tmp_path / "c"
    assert (
        main([str(out), "--cadres", "40", "--demands", "10", "--dated", "30", "--seed", "4"]) == 0
    )
    case = load_case(out)
    assert sum(d.window is not None for d in case.demands) == 30
    assert main([str(tmp_path / "d"), "--dated", "-1"]) == 2
