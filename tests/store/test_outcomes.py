"""Dispatch outcomes in the store: validation, points earned, the ledger, imports, a loaded past."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from matcher import SAMPLE_DISTRICT, CaseError, InputError, load_case
from matcher.generate import generate_history
from matcher.store import ConflictError, Store, apply_outcomes, plan_outcomes, today
from tests.clock import SHANGHAI
from tests.dispatching import dispatch_all, dump, tiny_store
from tests.pg import NewDb

PRIORITY = {"D1": 5, "D2": 4, "D3": 3, "D4": 2}  # tests/api/casefile.py


def by_hand(hours: float, rating: int | None, priority: int) -> int:
    """docs/record.md: round(10 × h × (1 + ¼(r − 3)) × (1 + ¼(p − 3))), halves up."""
    r = 3 if rating is None else rating
    return math.floor(10 * hours * (1 + 0.25 * (r - 3)) * (1 + 0.25 * (priority - 3)) + 0.5)


@pytest.fixture
def store(new_db: NewDb) -> Store:
    """The tiny case as d1, on SQLite and on PostgreSQL (every test using it runs twice)."""
    return tiny_store(new_db())


def test_completion_writes_outcome_and_points_in_one_go(store: Store) -> None:
    disp = dispatch_all(store)
    with store.read() as tx:
        priority = {d.id: d.priority for d in tx.list_demands("d1", limit=100)[0]}
    assert priority == PRIORITY | {k: v for k, v in priority.items() if k not in PRIORITY}
    want: dict[str, int] = {}
    with store.write() as tx:
        for n, d in enumerate(disp):
            rating = [None, 1, 3, 5][n % 4]
            done = tx.close_dispatch("d1", d.id, "complete", hours=1.5 + n, rating=rating)
            assert (done.hours, done.rating, done.status) == (1.5 + n, rating, "completed")
            want[d.cadre] = want.get(d.cadre, 0) + by_hand(1.5 + n, rating, priority[d.demand])
    with store.read() as tx:
        for cadre, pts in want.items():
            balance, entries = tx.points("d1", cadre)
            assert balance == pts == sum(e.amount for e in entries)
            assert {e.kind for e in entries} == {"earned"}


@pytest.mark.parametrize(
    ("action", "kwargs", "column", "code"),
    [
        ("complete", {"hours": 0.0}, "hours", "problem.hours_range"),
        ("complete", {"hours": math.nan}, "hours", "problem.hours_range"),
        ("complete", {"hours": 25.0}, "hours", "problem.hours_range"),
        ("complete", {"hours": 2.0, "rating": 0}, "rating", "problem.rating_value"),
        (
            "complete",
            {"hours": 2.0, "exempt": True},
            "exempt_reason",
            "problem.exempt_reason_missing",
        ),
        (
            "complete",
            {"hours": 2.0, "exempt": True, "exempt_reason": "  "},
            "exempt_reason",
            "problem.exempt_reason_missing",
        ),
        (
            "complete",
            {"cancel_reason": "other"},
            "cancel_reason",
            "problem.cancel_reason_not_cancelled",
        ),
        ("cancel", {"hours": 2.0}, "hours", "problem.hours_not_completed"),
        ("cancel", {"rating": 4}, "rating", "problem.rating_not_completed"),
        (
            "cancel",
            {"exempt": True, "exempt_reason": "x"},
            "exempt",
            "problem.exempt_not_completed",
        ),
        ("cancel", {"cancel_reason": "bored"}, "cancel_reason", "problem.cancel_reason_value"),
        ("no_show", {"hours": 1.0}, "hours", "problem.hours_not_completed"),
    ],
)
def test_a_bad_outcome_writes_nothing(
    store: Store, action: str, kwargs: dict[str, object], column: str, code: str
) -> None:
    d = dispatch_all(store)[0]
    before = dump(store)
    with pytest.raises(InputError) as caught, store.write() as tx:
        tx.close_dispatch("d1", d.id, action, **kwargs)  # type: ignore[arg-type]
    assert caught.value.code == "outcome.invalid"
    assert {(p.column, p.code) for p in caught.value.problems} >= {(column, code)}
    assert dump(store) == before


def test_redemption_never_overdraws(store: Store) -> None:
    d = next(x for x in dispatch_all(store) if x.demand == "D1")
    with store.write() as tx:
        tx.close_dispatch("d1", d.id, "complete", hours=4.0, rating=5)  # 90 points
    with store.write() as tx:
        balance, entries = tx.redeem_points("d1", d.cadre, 50, "课程")
    assert (balance, [e.amount for e in entries]) == (40, [90, -50])
    before = dump(store)
    with pytest.raises(ConflictError) as caught, store.write() as tx:
        tx.redeem_points("d1", d.cadre, 41, "表彰")
    assert (caught.value.code, caught.value.params) == (
        "points.overdraw",
        {"amount": 41, "balance": 40},
    )
    with pytest.raises(InputError) as bad, store.write() as tx:
        tx.redeem_points("d1", d.cadre, 0, "表彰")
    assert bad.value.code == "points.amount_positive"
    assert dump(store) == before


OUT = "dispatch,ending,hours,rating,exempt,exempt_reason,cancel_reason,note,ended\n"


def test_outcome_import_is_all_or_nothing(store: Store) -> None:
    a, b, *_ = dispatch_all(store)
    before = dump(store)
    for bad in (
        OUT + f"{a.id},completed,2,,,,,,\n{b.id},completed,,,,,,,\n",  # hours missing
        OUT + f"{a.id},completed,2,,,,,,\n999,no_show,,,,,,,\n",  # unknown dispatch
        OUT + f"{a.id},completed,2,,,,,,\n{a.id},no_show,,,,,,,\n",  # twice
    ):
        with pytest.raises(CaseError) as caught:
            plan_outcomes(store, "d1", bad)
        assert caught.value.problems and caught.value.problems[0].row == 3
        assert dump(store) == before
    day = today(SHANGHAI).isoformat()  # an outcome ends between its dispatch's first day and today
    plan = plan_outcomes(store, "d1", OUT + f"{a.id},completed,2,4,yes,新方法,,好,{day}\n")
    with store.write() as tx:  # another writer ends it meanwhile: the import is refused whole
        tx.close_dispatch("d1", a.id, "cancel", cancel_reason="duplicate")
    moved = dump(store)
    with pytest.raises(ConflictError) as conflict, store.write() as tx:
        apply_outcomes(tx, plan)
    assert conflict.value.code == "conflict.outcomes_moved"
    assert dump(store) == moved
    plan = plan_outcomes(store, "d1", OUT + f"{b.id},completed,2,4,yes,新方法,,好,{day}\n")
    with store.write() as tx:
        assert apply_outcomes(tx, plan) == {
            "completed": 1,
            "cancelled": 0,
            "no_show": 0,
            "withdrawn": [],
            "cancelled_with_demands": [],
            "warnings": 0,
        }
        got = tx.dispatch("d1", b.id)
    assert (got.hours, got.rating, got.exempt, got.exempt_reason, got.note) == (
        2,
        4,
        True,
        "新方法",
        "好",
    )
    assert got.closed_at is not None and got.closed_at.startswith(day)


def test_a_generated_past_loads_without_touching_the_live_pool(new_db: NewDb) -> None:
    case = load_case(SAMPLE_DISTRICT)
    store = Store.open(new_db())
    with store.write() as tx:
        tx.import_case("gulou", case)
    with store.read() as tx:
        live = tx.snapshot("gulou")
        demands_before = [d.to_json() for d in tx.list_demands("gulou", limit=1000)[0]]
    past = generate_history(case, seed=3, months=2, as_of=date(2026, 11, 30))
    with store.write() as tx:
        counts = tx.load_history("gulou", past)
    assert counts["dispatches"] == len(past.outcomes) and counts["trainings"] == len(past.trainings)
    with store.read() as tx:
        after = tx.snapshot("gulou")
        assert [d.to_json() for d in tx.list_demands("gulou", limit=1000)[0]] == demands_before
        assert after.used_capacity == live.used_capacity
        assert after.filled_slots == live.filled_slots
        assert after.excluded == live.excluded
        assert tx.check_consistency("gulou") == []
        ended = tx.list_dispatches("gulou", limit=100_000)[0]
        assert len(ended) == len(past.outcomes) and not any(d.status == "active" for d in ended)
        # each cadre's balance is the points their completions earn, by hand
        want: dict[str, int] = {}
        for o in past.outcomes:
            if o.ending.value == "completed" and o.hours:
                want[o.cadre] = want.get(o.cadre, 0) + by_hand(o.hours, o.rating, o.priority)
        for cadre in sorted(want)[:40]:
            assert tx.points("gulou", cadre)[0] == want[cadre]
        joined = past.joined[next(iter(want))]
        row = tx.conn.execute(
            text("SELECT joined_on FROM cadres WHERE district_id='gulou' AND id=:id"),
            {"id": next(iter(want))},
        ).scalar_one()
        assert row == joined.isoformat()
    with pytest.raises(ConflictError) as again, store.write() as tx:
        tx.load_history("gulou", past)
    assert again.value.code == "conflict.history_loaded"
    store.close()


def test_each_outcome_asks_for_the_cadres_warning_rules(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook the warning rules hang on: once per outcome, once per cadre of an import."""
    from matcher.store import Tx

    asked: list[tuple[str, str | None]] = []
    monkeypatch.setattr(
        Tx, "evaluate_warnings", lambda self, d, c=None: asked.append((d, c)), raising=False
    )
    a, b, *rest = dispatch_all(store)
    with store.write() as tx:
        tx.close_dispatch("d1", a.id, "no_show")
    assert asked == [("d1", a.cadre)]
    rows = "".join(f"{d.id},cancelled,,,,,other,,\n" for d in [b, *rest])
    plan = plan_outcomes(store, "d1", OUT + rows)
    with store.write() as tx:
        apply_outcomes(tx, plan)
    assert asked[1:] == [("d1", c) for c in dict.fromkeys(d.cadre for d in [b, *rest])]


def test_an_outcome_ends_between_its_dispatch_and_today(store: Store) -> None:
    """A day after today (which would hide a no-show from the rules while its points
    counted) or before the dispatch began is refused on its row, file and body alike."""
    a, b, *_ = dispatch_all(store)
    before = dump(store)
    future = (today(SHANGHAI) + timedelta(days=1)).isoformat()
    early = (today(SHANGHAI) - timedelta(days=400)).isoformat()
    bad = OUT + f"{a.id},no_show,,,,,,,{future}\n{b.id},completed,2,,,,,,{early}\n"
    with pytest.raises(CaseError) as caught:
        plan_outcomes(store, "d1", bad)
    got = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert got == [
        (2, "ended", "problem.date_future"),
        (3, "ended", "problem.ended_before_start"),
    ]
    for ended in (today(SHANGHAI) + timedelta(days=1), today(SHANGHAI) - timedelta(days=400)):
        with pytest.raises(InputError), store.write() as tx:
            tx.close_dispatch("d1", a.id, "no_show", ended=ended)
    assert dump(store) == before


def test_dispatches_made_after_a_loaded_past_get_new_ids(store: Store, tmp_path: Path) -> None:
    """A loaded past brings its own dispatch ids; what is dispatched next is numbered after
    them (on PostgreSQL the id sequence must be moved past them)."""
    from tests.api.casefile import write_tiny

    case = load_case(write_tiny(tmp_path / "case"))
    past = generate_history(case, seed=3, months=2, as_of=today(SHANGHAI) - timedelta(days=1))
    with store.write() as tx:
        tx.load_history("d1", past)
    with store.read() as tx:
        loaded = {d.id for d in tx.list_dispatches("d1", limit=100_000)[0]}
    assert loaded
    new = dispatch_all(store)
    assert new and min(d.id for d in new) > max(loaded)
