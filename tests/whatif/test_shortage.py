"""Shortage table, marginal values and training picks, each confirmed by an exact re-solve."""

from __future__ import annotations

from matcher import Case, propose
from matcher.whatif import apply_scenario, parse_scenario, recommend_training, shortage


def _objective(case: Case, *edits: dict[str, object]) -> tuple[float, float, int]:
    new, _ = apply_scenario(case, parse_scenario({"edits": list(edits)}, case))
    p = propose(new)
    prio = {d.id: d.priority for d in new.demands}
    return p.objective, float(sum(prio[a.demand] for a in p.assignments)), len(p.assignments)


def _check_training(case: Case, k: int) -> int:
    base = _objective(case)
    recs = recommend_training(case, k=k)
    for r in recs:
        assert r.confirmed and r.objective_gain >= r.bound - 1e-6
        levels = r.to_level - r.from_level
        got = _objective(case, {"kind": "train", "ids": [r.cadre], "tag": r.tag, "levels": levels})
        assert abs((got[0] - base[0]) - r.objective_gain) < 1e-6, r
        assert abs((got[1] - base[1]) - r.weighted_fill_gain) < 1e-6, r
        assert got[2] - base[2] == r.slots_gain
    gains = [(r.weighted_fill_gain, r.objective_gain) for r in recs]
    assert gains == sorted(gains, reverse=True)
    return len(recs)


def test_training_tiny(tiny: Case) -> None:
    recs = recommend_training(tiny, k=3, distinct=False)
    assert [(r.cadre, r.tag, r.from_level, r.to_level, r.enables) for r in recs] == [
        ("E", "urban.property_management", 2, 3, ["D4"]),
        ("G", "party.mass_work", 1, 2, ["D2"]),  # equal gain, one level instead of two
        ("E", "party.mass_work", 0, 2, ["D2"]),
    ]
    assert [r.cadre for r in recommend_training(tiny, k=3)] == ["E", "G"]  # one pick per slot
    assert _check_training(tiny, 3) == 2


def test_training_generated(small: Case) -> None:
    assert _check_training(small, 4) >= 1


def _check_marginal(case: Case) -> int:
    rep = shortage(case, verify=True, training=0)
    base = _objective(case)[0]
    demands = {d.id: d for d in case.demands}
    home = {c.id for c in case.communities}
    n = 0
    for row in rep.rows:
        if row.marginal_value is None:
            assert row.unfilled == 0
            continue
        assert row.verified and row.marginal_demand is not None
        d = demands[row.marginal_demand]
        assert d.community in home
        skills = dict(d.needs)
        for t, lvl in d.requires.items():
            skills[t] = max(lvl, skills.get(t, 0))
        got = _objective(
            case,
            {"kind": "add_cadres", "home": d.community, "skills": skills, "certs": list(d.certs)},
        )[0]
        assert abs((got - base) - row.marginal_value) < 1e-6, row
        n += 1
    return n


def test_shortage_tiny(tiny: Case) -> None:
    rep = shortage(tiny, training=0)
    rows = {(r.kind, r.key): r for r in rep.rows}
    r = rows["tag", "party.mass_work"]
    assert (r.demanded, r.filled, r.unfilled, r.marginal_demand) == (2, 1, 1, "D2")
    assert rows["category", "emergency"].marginal_value is None
    assert _check_marginal(tiny) == 6


def test_shortage_generated(small: Case) -> None:
    assert _check_marginal(small) >= 3
