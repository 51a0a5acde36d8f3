"""How early, and how precisely, the warning rules flag the cadres that went unreliable.

Run: ``python -m benchmarks.backtest [--seed S] [--months M] [--step DAYS] [--out FILE.md]``.

The history generator (:func:`matcher.generate.generate_history`) makes a
seeded minority of the sample district's cadres unreliable — some from the
start, some from a day in the middle — and records who and when, a truth the
rules never see. This script replays that history every ``--step`` days: as of
each day it builds every cadre's record from the history up to that day
(:func:`matcher.record.cadre_record`) and asks the rules for suggestions
(:func:`matcher.record.evaluate`).

Two replays, because the rules are of two kinds:

- the yellow rules (green → yellow) are replayed with *no suggestion confirmed*:
  every cadre stays green, so each rule is judged on its own, not shadowed by
  another rule that fired first;
- ``stuck_yellow`` (yellow → red) needs confirmed yellows, so it is replayed with
  *every suggestion confirmed* on the day it is made.

Scored per cadre: a cadre is *flagged* by a rule if the rule fires for it on
some replay day; a flag is a *hit* if the cadre is unreliable and the day is on or
after the day it turned. Precision = cadres with a hit / cadres flagged;
recall = cadres with a hit / unreliable cadres. A flag of a cadre before it
turned is a false alarm (the cadres with one are counted apart, whether or
not the rule flags them again after turning). Lead time = days from turning to the
first hit (median and 90th percentile; the replay's step bounds its resolution).

The history is known only from its start, so each record counts a cadre from the
later of joining and that start (the hours target is pro-rated from there, not
from a 1 January the history does not cover).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from matcher import SAMPLE_DISTRICT, Case, load_case
from matcher.generate import History, generate_history
from matcher.record import (
    RULES,
    Outcome,
    RecordPolicy,
    StatusChange,
    Training,
    cadre_record,
    district_mean_rating,
    evaluate,
)

__all__ = ["RuleScore", "backtest", "main", "render"]

#: the rules about how a cadre behaves (the hours rule is about how much they serve)
RELIABILITY = frozenset({"no_shows", "low_rating"})
#: the first replay day is this long after the history's start: rules need some history
WARM_UP_DAYS = 28


@dataclass
class RuleScore:
    """One rule's (or all yellow rules') flags over a replay: first flag day per cadre."""

    rule: str
    first: dict[str, date] = field(default_factory=dict)
    first_hit: dict[str, date] = field(default_factory=dict)
    early: set[str] = field(default_factory=set)

    def note(self, cadre: str, day: date, turned: date | None) -> None:
        self.first.setdefault(cadre, day)
        if turned is not None and day >= turned:
            self.first_hit.setdefault(cadre, day)
        elif turned is not None:
            self.early.add(cadre)

    def row(self, history: History) -> dict[str, float | int | str]:
        flagged, hits = len(self.first), len(self.first_hit)
        lags = sorted((d - history.turned[c]).days for c, d in self.first_hit.items())
        mid = [
            (d - history.turned[c]).days
            for c, d in self.first_hit.items()
            if history.turned[c] > max(history.start, history.joined.get(c, history.start))
        ]
        low = sum(1 for c in self.first if c in history.low_activity)
        return {
            "rule": self.rule,
            "flagged": flagged,
            "hits": hits,
            "precision": hits / flagged if flagged else float("nan"),
            "recall": hits / len(history.unreliable) if history.unreliable else float("nan"),
            "early": len(self.early),
            "low_activity": low,
            "lag_median": statistics.median(lags) if lags else float("nan"),
            "lag_p90": _percentile(lags, 0.9),
            "lag_mid_median": statistics.median(mid) if mid else float("nan"),
        }


def _percentile(xs: Sequence[int], q: float) -> float:
    """The nearest-rank percentile (no interpolation: a lag is a whole number of days)."""
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, -(-len(xs) * q // 1) - 1))
    return float(xs[int(k)])


def _days(history: History, step: int) -> list[date]:
    first = history.start + timedelta(days=WARM_UP_DAYS)
    n = (history.as_of - first).days // step
    return [first + timedelta(days=k * step) for k in range(n + 1)]


def backtest(
    case: Case, history: History, policy: RecordPolicy | None = None, step: int = 7
) -> list[RuleScore]:
    """Replay ``history`` every ``step`` days; a score per yellow rule, all of them, and red."""
    pol = policy or RecordPolicy()
    usable = [c.id for c in case.cadres if c.status != "red" and c.capacity > 0]
    by_cadre: dict[str, list[Outcome]] = defaultdict(list)
    trained: dict[str, list[Training]] = defaultdict(list)
    for o in history.outcomes:
        by_cadre[o.cadre].append(o)
    for t in history.trainings:
        trained[t.cadre].append(t)
    yellow = [r.code for r in RULES if r.from_status == "green"]
    scores = {code: RuleScore(code) for code in yellow}
    anyone = RuleScore("any yellow rule")
    reliability = RuleScore("no_shows or low_rating")
    red = RuleScore("stuck_yellow (all confirmed)")
    status = dict.fromkeys(usable, "green")
    changes: dict[str, list[StatusChange]] = defaultdict(list)
    ended = sorted(history.outcomes, key=lambda o: o.ended)
    for day in _days(history, step):
        mean = district_mean_rating(o for o in ended if o.ended <= day)
        for cadre in usable:
            if history.joined[cadre] > day:
                continue
            record = cadre_record(
                cadre,
                max(history.joined[cadre], history.start),
                by_cadre[cadre],
                trained[cadre],
                changes[cadre],
                mean,
                pol,
                day,
            )
            turned = history.turned.get(cadre)
            found = evaluate(record, "green", (), pol)
            for s in found:
                scores[s.rule].note(cadre, day, turned)
                anyone.note(cadre, day, turned)
                if s.rule in RELIABILITY:
                    reliability.note(cadre, day, turned)
            if status[cadre] == "green":
                confirm = found[:1]
            elif status[cadre] == "yellow":
                confirm = evaluate(record, "yellow", changes[cadre], pol)[:1]
            else:
                confirm = []
            for s in confirm:
                changes[cadre].append(StatusChange(cadre, day, s.to_status, s.rule))
                status[cadre] = s.to_status
                if s.to_status == "red":
                    red.note(cadre, day, turned)
    return [*(scores[c] for c in yellow), reliability, anyone, red]


def _fmt(x: float | int | str, digits: int = 0) -> str:
    if isinstance(x, str | int):
        return str(x)
    return "–" if x != x else f"{x:.{digits}f}"


def render(scores: Sequence[RuleScore], history: History, step: int, seconds: float) -> str:
    """The scores as a markdown table, with the history's figures above it."""
    early = sum(
        d == max(history.start, history.joined.get(c, d)) for c, d in history.turned.items()
    )
    lines = [
        f"History {history.start} – {history.as_of}: {len(history.outcomes)} outcomes, "
        f"{len(history.trainings)} trainings; {len(history.unreliable)} cadres made unreliable "
        f"({early} from the start, {len(history.unreliable) - early} mid-window), "
        f"{len(history.low_activity)} low-activity. Replayed every "
        f"{'day' if step == 1 else f'{step} days'} "
        f"in {seconds:.1f} s.",
        "",
        "| rule | flagged | hits | precision | recall | false alarms before turning "
        "| low-activity flagged | lead median (days) | lead p90 (days) "
        "| lead median, turned mid-window (days) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        r = s.row(history)
        cells = [_fmt(r[k]) for k in ("rule", "flagged", "hits")]
        cells += [_fmt(r["precision"], 2), _fmt(r["recall"], 2), _fmt(r["early"])]
        cells += [_fmt(r["low_activity"]), _fmt(r["lag_median"]), _fmt(r["lag_p90"])]
        cells += [_fmt(r["lag_mid_median"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.backtest``: print (or write) the backtest's table."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backtest", description=__doc__)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--step", type=int, default=7, help="days between replay dates")
    parser.add_argument("--case", type=Path, default=SAMPLE_DISTRICT)
    parser.add_argument("--out", type=Path, default=None, help="write the table here too")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    case = load_case(args.case)
    history = generate_history(case, seed=args.seed, months=args.months, as_of=args.as_of)
    scores = backtest(case, history, step=args.step)
    text = render(scores, history, args.step, time.perf_counter() - t0)
    print(text, end="")
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
