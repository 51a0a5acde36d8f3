"""The record read from the store, trainings, warnings and the status history (issue #18)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from matcher import RECORD_TERMS, Cadre, InputError, Status
from matcher.store import ConflictError, Store
from matcher.store.core import now_iso, today
from tests.clock import SHANGHAI
from tests.pg import NewDb
from tests.store.history import add_outcome, tiny_store

AS_OF = date(2026, 6, 30)


@pytest.fixture
def store(tmp_path: Path, new_db: NewDb) -> Store:
    """The tiny case as x, on SQLite and on PostgreSQL (every test using it runs twice)."""
    return tiny_store(tmp_path, db=new_db())


def test_record_figures_recomputed_by_hand(store: Store) -> None:
    add_outcome(store, "P1", "D1", AS_OF, hours=4, rating=5)  # age 0: weight 1
    add_outcome(store, "P1", "D4", AS_OF - timedelta(days=180), hours=2, rating=3)  # weight 1/2
    add_outcome(store, "P1", "D1", AS_OF - timedelta(days=10), hours=1, rating=1, exempt=True)
    add_outcome(store, "P1", "D4", AS_OF - timedelta(days=5), "no_show")
    add_outcome(store, "P1", "D1", AS_OF - timedelta(days=100), "cancelled",
                cancel_reason="community_withdrew")  # fmt: skip
    add_outcome(store, "P4", "D1", AS_OF - timedelta(days=3), hours=3, rating=2)
    add_outcome(store, "P1", "D1", AS_OF + timedelta(days=1), hours=8, rating=1)  # after as_of
    with store.read() as tx:
        r = tx.record("x", "P1", AS_OF)
    # district mean: every counted rating to as_of (the exempt 1 left out): (5 + 3 + 2) / 3
    mu = 10 / 3
    assert r.rating == pytest.approx((5 * 1 + 3 * 0.5 + 3 * mu) / (1.5 + 3), abs=1e-9)
    assert r.rating_unshrunk == pytest.approx(6.5 / 1.5, abs=1e-9)
    assert (r.completed, r.ratings, r.exempted, r.no_shows, r.no_shows_recent) == (3, 2, 1, 1, 1)
    assert r.cancelled["no_show"] == 1 and r.cancelled["community_withdrew"] == 1
    assert (r.hours_total, r.hours_recent) == (7, 5)  # 4 + 2 + exempt 1; recent: 4 + 1
    assert r.hours_year == 7 and r.year_days == 181
    assert r.communities == ("C1", "C3")
    assert r.months_in_pool == 5 and r.joined == date(2026, 1, 1)


def test_history_reads_demand_fields_and_days(store: Store) -> None:
    add_outcome(store, "P6", "D3", date(2026, 5, 2), hours=2.5, rating=4)
    with store.read() as tx:
        outcomes, trainings, changes = tx.history("x", "P6")
    (o,) = outcomes
    assert (o.community, o.priority, o.ended, o.started, o.hours, o.rating) == (
        "C2", 3, date(2026, 5, 2), date(2026, 5, 2), 2.5, 4
    )  # fmt: skip
    assert trainings == [] and changes == []


def test_a_training_with_a_cert_adds_it_to_the_cadre(store: Store) -> None:
    with store.read() as tx:
        before = tx.cadre("x", "P4")
    with store.write() as tx:
        row = tx.add_training(
            "x", "P4", "急救培训", 6, date(2026, 3, 1), ["livelihood.elderly_care"],
            "elderly_care_worker",
        )  # fmt: skip
    assert row.cert == "elderly_care_worker" and row.tags == ["livelihood.elderly_care"]
    with store.read() as tx:
        after = tx.cadre("x", "P4")
        rec = tx.record("x", "P4", AS_OF)
        assert tx.list_trainings("x", "P4")[1] == 1
    assert after.certs == [*before.certs, "elderly_care_worker"]
    assert after.version == before.version + 1
    assert rec.training_hours == 6 and rec.courses == ("急救培训",)
    assert rec.certs == (("elderly_care_worker", date(2026, 3, 1)),)


def test_bad_trainings_are_refused_and_write_nothing(store: Store) -> None:
    with pytest.raises(InputError) as exc, store.write() as tx:
        tx.add_training("x", "P4", "x", 0, today(SHANGHAI) + timedelta(days=1), ["no.such"], "nope")
    assert {p.column for p in exc.value.problems} == {"hours", "day", "tags", "cert"}
    bad = "cadre,course,tags,hours,date,cert\nP4,急救,livelihood.elderly_care,2,2026-03-01,\n"
    bad += "P9,急救,livelihood.elderly_care,2,2026-03-01,\n"
    with pytest.raises(InputError), store.read() as tx:
        tx.plan_trainings("x", bad)
    with store.read() as tx:
        assert tx.list_trainings("x")[1] == 0


def test_trainings_import_is_all_or_nothing(store: Store) -> None:
    good = "cadre,course,tags,hours,date,cert\nP4,急救,livelihood.elderly_care,2,2026-03-01,\n"
    good += "P6,调解,governance.property_dispute_mediation,3,2026-04-01,people_mediator\n"
    with store.read() as tx:
        plan = tx.plan_trainings("x", good)
    with store.write() as tx:
        assert tx.import_trainings("x", plan) == 2
    with store.read() as tx:
        assert "people_mediator" in tx.cadre("x", "P6").certs


@pytest.fixture
def fresh(tmp_path: Path, new_db: NewDb) -> Store:
    """Cadres who joined a month ago: the hours target's grace period still runs."""
    return tiny_store(tmp_path, today(SHANGHAI) - timedelta(days=30), db=new_db())


def _no_shows(store: Store, cadre: str, *, exempt: bool = False) -> None:
    for days, demand in ((3, "D1"), (20, "D4")):
        add_outcome(
            store, cadre, demand, today(SHANGHAI) - timedelta(days=days), "no_show", exempt=exempt
        )


def test_warnings_are_stored_once_and_decided_once(fresh: Store) -> None:
    store = fresh
    _no_shows(store, "P4")
    with store.write() as tx:
        (w,) = tx.evaluate_warnings("x", "P4")
        assert tx.evaluate_warnings("x") == []  # already pending: never twice
    assert (w.rule, w.from_status, w.to_status) == ("no_shows", "green", "yellow")
    assert w.state == "pending"
    params = {"count": 2, "days": 90, "limit": 2}
    assert w.reasons == [{"code": "warning.no_shows", "params": params}]
    with store.write() as tx:
        done = tx.decide_warning("x", w.id, "confirm", "two no-shows")
    assert (done.state, done.note) == ("confirmed", "two no-shows")
    with store.read() as tx:
        assert tx.cadre("x", "P4").status == "yellow"
        (change,) = tx.list_status_changes("x", "P4")
        _o, _t, changes = tx.history("x", "P4")
    assert (change.from_status, change.to_status, change.warning) == ("green", "yellow", w.id)
    assert changes[0].rule == "no_shows" and changes[0].status == "yellow"
    for action in ("confirm", "dismiss"):
        with pytest.raises(ConflictError) as exc, store.write() as tx:
            tx.decide_warning("x", w.id, action)
        assert exc.value.code == "state.illegal_transition"


def test_warnings_are_made_in_the_cadres_file_order(fresh: Store) -> None:
    """Their ids follow the cadres' order in the pool, on every engine: not the ids'
    order, nor where a row was last written (PostgreSQL's unordered reads follow that)."""
    store = fresh
    with store.write() as tx:
        p1 = tx.cadre("x", "P1")
        joined = tx.conn.execute(text("SELECT joined_on FROM cadres WHERE id = 'P1'")).scalar()
        tx.create_cadre("x", Cadre(id="P0", name="新人", home="C1", skills={}, capacity=1))
        tx.conn.execute(text("UPDATE cadres SET joined_on = :d WHERE id = 'P0'"), {"d": joined})
        tx.conn.execute(text("UPDATE cadres SET name = name WHERE id = 'P1'"))  # rewritten last
    assert p1.status == "green"
    for cadre in ("P0", "P1"):
        _no_shows(store, cadre)
    with store.write() as tx:
        made = tx.evaluate_warnings("x")
    assert [w.cadre for w in made] == ["P1", "P0"]  # P0 joined the pool after P1
    assert made[0].id < made[1].id


def test_an_exempt_outcome_never_makes_a_warning(fresh: Store) -> None:
    store = fresh
    _no_shows(store, "P4", exempt=True)
    with store.write() as tx:
        assert tx.evaluate_warnings("x") == []


def test_a_dismissal_changes_nothing_and_holds_until_a_new_outcome(fresh: Store) -> None:
    """A dismissed suggestion leaves the cadre as they were, and the same facts do not
    bring it back at the next evaluation; an outcome ended after the dismissal does."""
    store = fresh
    _no_shows(store, "P4")
    with store.write() as tx:
        (w,) = tx.evaluate_warnings("x")
        tx.decide_warning("x", w.id, "dismiss", "误报")
        assert tx.cadre("x", "P4").status == "green"
        assert tx.list_status_changes("x", "P4") == []
        assert tx.evaluate_warnings("x") == []  # the same facts: the dismissal holds
    did = add_outcome(store, "P4", "D1", today(SHANGHAI), "no_show")
    with store.write() as tx:
        tx.conn.execute(
            text("UPDATE dispatches SET closed_at = :t WHERE id = :i"), {"t": now_iso(), "i": did}
        )
        (again,) = tx.evaluate_warnings("x")
    assert again.rule == "no_shows" and again.reasons[0]["params"]["count"] == 3


def test_editing_a_status_is_kept_in_the_history(store: Store) -> None:
    with store.write() as tx:
        c = tx.cadre("x", "P5")
        tx.update_cadre(
            "x",
            Cadre("P5", c.name, c.home, c.skills, tuple(c.certs), c.capacity, Status.YELLOW),
        )
        (change,) = tx.list_status_changes("x", "P5")
    assert (change.from_status, change.to_status, change.warning) == ("green", "yellow", None)


def test_a_stale_warning_cannot_be_confirmed(fresh: Store) -> None:
    store = fresh
    _no_shows(store, "P4")
    with store.write() as tx:
        (w,) = tx.evaluate_warnings("x")
        c = tx.cadre("x", "P4")
        tx.update_cadre(
            "x", Cadre("P4", c.name, c.home, c.skills, tuple(c.certs), c.capacity, Status.RED)
        )
    with pytest.raises(ConflictError) as exc, store.write() as tx:
        tx.decide_warning("x", w.id, "confirm")
    assert exc.value.code == "conflict.warning_stale"


@pytest.mark.parametrize("term", RECORD_TERMS)
def test_the_snapshot_carries_standing_only_when_a_record_term_weighs(
    store: Store, term: str
) -> None:
    add_outcome(store, "P1", "D1", today(SHANGHAI) - timedelta(days=5), hours=6, rating=2)
    with store.read() as tx:
        assert tx.snapshot("x").case.standing == {}  # the default policy: nothing read
    with store.write() as tx:
        tx.conn.execute(
            text("UPDATE districts SET policy_toml = :p"),
            {"p": f"[weights]\n{term} = 2.0\n"},
        )
    with store.read() as tx:
        snap = tx.snapshot("x")
        rec = tx.record("x", "P1")
    p1 = snap.case.standing["P1"]
    assert (p1.rating, p1.hours_recent, p1.hours_behind) == (2.0, 6.0, rec.hours_behind)
    assert set(snap.case.standing) == {c.id for c in snap.case.cadres}
    assert snap.case.standing["P4"].rating is None


def test_one_record_reads_the_same_as_the_whole_district(new_db: NewDb) -> None:
    """A cadre's record alone (the district's mean rating as one SQL aggregate, read after
    every outcome) equals the one computed for every cadre at once from the whole history
    (the mean by :func:`matcher.record.district_mean_rating`), on a generated past."""
    from matcher import load_case
    from matcher.generate import generate_history
    from tests.paths import SAMPLE

    case = load_case(SAMPLE)
    end = date(2026, 11, 30)
    store = Store.open(new_db())
    with store.write() as tx:
        tx.import_case("g", case)
        tx.load_history("g", generate_history(case, seed=3, months=3, as_of=end))
    with store.read() as tx:
        for day in (end, end - timedelta(days=40)):
            every = tx.records("g", day)
            rated = [c for c, r in every.items() if r.ratings][:12]
            assert rated
            for cid in rated:
                assert tx.record("g", cid, day) == every[cid]
    store.close()
