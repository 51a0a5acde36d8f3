"""Warning rules: each fires exactly at its threshold; exempt outcomes are invisible to them.

The oracles state each rule's condition with exact fractions, apart from the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from matcher.messages import render
from matcher.model import Status
from matcher.record import (
    COLOURS,
    RULES,
    Outcome,
    RecordPolicy,
    StatusChange,
    WarningThresholds,
    cadre_record,
    district_mean_rating,
    evaluate,
)
from tests.record.histories import AS_OF, ago, done, no_show, outcomes

JOINED = date(2020, 1, 1)


def _policy(**warnings: object) -> RecordPolicy:
    return RecordPolicy.model_validate({"warnings": warnings})


def _rules(history: list[Outcome], policy: RecordPolicy, current: str = "green",
           changes: list[StatusChange] | None = None, as_of: date = AS_OF,
           prior: float | None = None) -> set[str]:  # fmt: skip
    r = cadre_record("P1", JOINED, history, [], changes or [], prior, policy, as_of)
    return {s.rule for s in evaluate(r, current, changes or [], policy)}


#: enough recent, well-rated hours that only the rule under test can fire
def _busy(n0: int = 100) -> list[Outcome]:
    return [done(n0 + k, ago(k), 8.0) for k in range(0, 180, 4)]


def test_the_table_names_every_rule_and_colours_are_the_model_s() -> None:
    assert [r.code for r in RULES] == ["no_shows", "low_rating", "hours_behind", "stuck_yellow"]
    assert set(COLOURS) == {s.value for s in Status}
    for rule in RULES:
        assert set(rule.thresholds) <= set(WarningThresholds.model_fields)


@given(st.integers(1, 5), st.integers(0, 6), st.data())
def test_no_shows_fire_at_the_threshold(limit: int, k: int, data: st.DataObject) -> None:
    ages = data.draw(st.lists(st.integers(0, 89), min_size=k, max_size=k))
    old = data.draw(st.lists(st.integers(90, 400), max_size=4))  # outside the window
    history = [no_show(i + 1, ago(a)) for i, a in enumerate(ages + old)] + _busy()
    fired = "no_shows" in _rules(history, _policy(no_shows=limit))
    assert fired == (k >= limit)


def test_no_shows_window_edge() -> None:
    p = _policy(no_shows=2)
    assert "no_shows" in _rules([no_show(1, ago(0)), no_show(2, ago(89)), *_busy()], p)
    assert "no_shows" not in _rules([no_show(1, ago(0)), no_show(2, ago(90)), *_busy()], p)


@given(
    st.integers(1, 8),
    st.lists(st.integers(1, 5), max_size=12),
    st.integers(0, 4),
    st.sampled_from([2.5, 3.0, 3.5, 4.0]),
    st.sampled_from([2.0, 3.0, 3.5]),
)
def test_low_rating_fires_at_the_threshold(
    min_ratings: int, ratings: list[int], m: int, prior: float, limit: float
) -> None:
    """Ratings all given today weigh 1: the mean is (Σr + m·prior) / (n + m), exactly."""
    policy = RecordPolicy.model_validate(
        {"shrinkage": m, "warnings": {"min_ratings": min_ratings, "low_rating": limit}}
    )
    history = [done(i + 1, AS_OF, 8.0, r) for i, r in enumerate(ratings)] + _busy()
    mean = (sum(Fraction(r) for r in ratings) + m * Fraction(prior)) / (len(ratings) + m or 1)
    want = len(ratings) >= min_ratings and mean < Fraction(limit)
    assert ("low_rating" in _rules(history, policy, prior=prior)) == want


def test_low_rating_is_strictly_below() -> None:
    p = _policy(min_ratings=5, low_rating=3.0)
    threes = [done(i, ago(7 * i), 8.0, 3) for i in range(1, 6)]  # different ages, all 3
    assert "low_rating" not in _rules(threes + _busy(), p, prior=3.0)
    # weights of these ages sum so that the float mean of equal 3s lands a hair below 3
    odd = [done(1, ago(199), 8.0, 3), done(2, ago(221), 8.0, 3)]
    assert "low_rating" not in _rules(odd + _busy(), _policy(min_ratings=2), prior=3.0)
    # one 2 among them, at any age, pulls the mean below 3
    assert "low_rating" in _rules([*threes, done(6, ago(300), 8.0, 2), *_busy()], p, prior=3.0)


def test_low_rating_needs_min_ratings() -> None:
    p = _policy(min_ratings=5)
    four = [done(i, AS_OF, 8.0, 1) for i in range(1, 5)]
    assert "low_rating" not in _rules(four + _busy(), p, prior=4.0)
    assert "low_rating" in _rules([*four, done(5, AS_OF, 8.0, 1), *_busy()], p, prior=4.0)


@given(
    st.integers(2021, 2030),
    st.integers(8, 400),
    st.integers(1, 8),
    st.integers(0, 400),
)
def test_hours_behind_fires_at_the_threshold(year: int, target: int, eighths: int, h: int) -> None:
    """On 31 December the pro-rated target is the whole yearly target."""
    share = eighths / 8
    policy = RecordPolicy.model_validate(
        {"yearly_hours": target, "warnings": {"hours_behind_share": share}}
    )
    as_of = date(year, 12, 31)
    history = [done(1, as_of, h / 2)] if h else []
    want = Fraction(target) - Fraction(h, 2) >= Fraction(eighths, 8) * target
    assert ("hours_behind" in _rules(history, policy, as_of=as_of)) == want


def test_hours_behind_waits_for_the_grace_days() -> None:
    p = _policy(hours_grace_days=90)
    # 31 March 2026 is day 90 of the year, 30 March day 89; no hours at all
    assert "hours_behind" in _rules([], p, as_of=date(2026, 3, 31))
    assert "hours_behind" not in _rules([], p, as_of=date(2026, 3, 30))
    # joining restarts the count
    r = cadre_record("P1", date(2026, 3, 1), [], [], [], None, p, date(2026, 3, 31))
    assert evaluate(r, "green", [], p) == []


@given(st.integers(1, 400), st.integers(-3, 3), st.booleans())
def test_stuck_yellow_fires_at_the_threshold(stuck: int, delta: int, still: bool) -> None:
    p = _policy(stuck_days=stuck, no_shows=2)
    days = max(0, stuck + delta)
    changes = [StatusChange("P1", AS_OF - timedelta(days=days), "yellow", "no_shows")]
    history = _busy() + ([no_show(1, ago(1)), no_show(2, ago(2))] if still else [])
    got = _rules(history, p, "yellow", changes)
    assert got == ({"stuck_yellow"} if still and days >= stuck else set())


def test_stuck_yellow_counts_from_the_last_change_to_yellow() -> None:
    p = _policy(stuck_days=100, no_shows=1)
    history = [no_show(1, ago(1)), *_busy()]
    back = [
        StatusChange("P1", ago(300), "yellow"),
        StatusChange("P1", ago(200), "green"),
        StatusChange("P1", ago(99), "yellow"),
    ]
    assert _rules(history, p, "yellow", back) == set()
    assert _rules(history, p, "yellow", back[:1]) == {"stuck_yellow"}
    assert _rules(history, p, "yellow", []) == set()  # no decision on record: no duration
    assert _rules(history, p, "red", back[:1]) == set()  # red: nothing to suggest


def test_yellow_since_is_the_last_decision_only_while_it_stands() -> None:
    from matcher.record import yellow_since

    back = [StatusChange("P1", ago(50), "yellow"), StatusChange("P2", ago(10), "yellow")]
    assert yellow_since(back, "P1", AS_OF) == ago(50)
    assert yellow_since([*back, StatusChange("P1", ago(5), "green")], "P1", AS_OF) is None
    assert yellow_since(back, "P1", ago(51)) is None  # not yet decided on that day
    assert yellow_since(back, "P3", AS_OF) is None


def test_suggestions_carry_their_reasons() -> None:
    p = _policy(no_shows=2)
    history = [no_show(1, ago(3)), no_show(2, ago(40)), *_busy()]
    r = cadre_record("P1", JOINED, history, [], [], None, p, AS_OF)
    (s,) = evaluate(r, Status.GREEN, [], p)
    assert (s.cadre, s.from_status, s.to_status, s.rule) == ("P1", "green", "yellow", "no_shows")
    assert render(s.reason, "en") == "2 no-shows in the last 90 days (the rule: 2 or more)"
    assert render(s.reason, "zh") == "近 90 天内未到岗 2 次（规则：2 次及以上）"
    changes = [StatusChange("P1", ago(200), "yellow")]
    (red,) = evaluate(r, "yellow", changes, p)
    assert red.to_status == "red"
    assert render(red.reason, "en") == (
        "yellow since 2025-12-12 (200 days, the rule: 183 or more) and still: no-shows"
    )


# -- exemption --------------------------------------------------------------------


def _invisible(history: list[Outcome], i: int) -> list[Outcome]:
    """``history`` with outcome ``i`` as the rules must see it when exempt: its service
    hours done, nothing else (no rating, no no-show, no cancellation)."""
    o = history[i]
    rest = history[:i] + history[i + 1 :]
    if o.ending == "completed":
        return [*rest, replace(o, rating=None, exempt=False, exempt_reason=None)]
    return rest


def _suggested(history: list[Outcome], current: str, changes: list[StatusChange],
               policy: RecordPolicy, prior: float | None) -> list[tuple[str, str]]:  # fmt: skip
    r = cadre_record("P1", JOINED, history, [], changes, prior, policy, AS_OF)
    return [(s.rule, s.to_status) for s in evaluate(r, current, changes, policy)]


POLICIES = st.builds(
    lambda n, m, lr, share: RecordPolicy.model_validate(
        {"warnings": {"no_shows": n, "min_ratings": m, "low_rating": lr,
                      "hours_behind_share": share, "stuck_days": 60}}
    ),
    st.integers(1, 3), st.integers(1, 4), st.sampled_from([2.5, 3.0, 3.5]),
    st.sampled_from([0.25, 0.5, 0.9]),
)  # fmt: skip


@given(outcomes(), st.data(), st.sampled_from(COLOURS), POLICIES, st.integers(0, 200))
def test_exempt_outcomes_are_invisible_to_the_rules(
    history: list[Outcome], data: st.DataObject, current: str, policy: RecordPolicy, since: int
) -> None:
    assume(history)
    i = data.draw(st.integers(0, len(history) - 1))
    marked = [*history]
    marked[i] = replace(history[i], exempt=True, exempt_reason="tried something new")
    changes = [StatusChange("P1", ago(since), current)]
    prior_marked = district_mean_rating(marked)
    prior_twin = district_mean_rating(_invisible(marked, i))
    assert prior_marked == prior_twin
    assert sorted(_suggested(marked, current, changes, policy, prior_marked)) == sorted(
        _suggested(_invisible(marked, i), current, changes, policy, prior_twin)
    )


@given(outcomes(), st.data(), st.sampled_from(COLOURS), POLICIES, st.integers(0, 200))
def test_marking_exempt_never_adds_a_warning(
    history: list[Outcome], data: st.DataObject, current: str, policy: RecordPolicy, since: int
) -> None:
    """Exempting an outcome removes only what counts against the cadre: no rule can newly fire,
    as long as its rating (if any) was no better than the cadre's mean (a high rating
    left out of a mean can lower it; a low one never can)."""
    assume(history)
    i = data.draw(st.integers(0, len(history) - 1))
    assume(not history[i].exempt)
    changes = [StatusChange("P1", ago(since), current)]
    before = cadre_record("P1", JOINED, history, [], changes, 3.5, policy, AS_OF)
    o = history[i]
    assume(o.rating is None or o.ending != "completed" or o.rating <= (before.rating or 0))
    marked = [*history]
    marked[i] = replace(o, exempt=True)
    after = cadre_record("P1", JOINED, marked, [], changes, 3.5, policy, AS_OF)
    rules_before = {s.rule for s in evaluate(before, current, changes, policy)}
    rules_after = {s.rule for s in evaluate(after, current, changes, policy)}
    assert rules_after <= rules_before


@pytest.mark.parametrize("current", ["green", "yellow"])
def test_an_exempt_no_show_or_low_rating_triggers_nothing(current: str) -> None:
    p = _policy(no_shows=1, min_ratings=1, stuck_days=1)
    changes = [StatusChange("P1", ago(100), current)]
    history = [no_show(1, ago(1), exempt=True), done(2, ago(1), 8.0, 1, exempt=True), *_busy()]
    assert _rules(history, p, current, changes, prior=3.0) == set()
    counted = [replace(o, exempt=False) for o in history]
    want = {"green": {"no_shows", "low_rating"}, "yellow": {"stuck_yellow"}}[current]
    assert _rules(counted, p, current, changes, prior=3.0) == want
