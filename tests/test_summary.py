"""Supply against demand by community and category, recomputed by hand on a small case.

The case (tests/casefiles.py): C1 and C2 are 1.1 km apart, C3 is 5.9 km from C2 and
6.9 km from C1. P1 (C1, elevator 4, no travel limit, capacity 2, one used), P2 (C2,
property mediation 5 + people_mediator, 5 km, capacity 1, used), P3 (C1, red), P4 (C3,
elderly care 4, 3 km). Demands:

- D1 C1 elevator_coordination (housing; requires elevator 2): its one slot is filled, one active;
- D2 C2 property_dispute (housing; requires mediation 2 + people_mediator): only P2 fits, and
  P2 has no capacity left;
- D3 C2 elderly_care (requires elderly 2): P3 is red, P4 is 5.9 km away (limit 3): nobody;
- D4 C3 elderly_care, headcount 2: P4 at home;
- D5 C1 typed in, no item (uncategorised), no requirement: P1 (P2 is full, P4 too far).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import InputError, load_case, supply_demand
from matcher.catalogue import default_catalogue
from tests.casefiles import write_case
from tests.paths import SAMPLE

DEMANDS = """id,community,title,needs,requires,certs,headcount,priority,item
D1,C1,,,,,,,elevator_coordination
D2,C2,,,,,,,property_dispute
D3,C2,,,,,,,elderly_care
D4,C3,,,,,2,,elderly_care
D5,C1,助餐,livelihood.elderly_care:3,,,1,2,
"""
FILLED, USED, ACTIVE = {"D1": 1}, {"P1": 1, "P2": 1}, {"D1": 1}


def _rows(tmp_path: Path, by: tuple[str, ...]) -> list[tuple[object, ...]]:
    case = load_case(write_case(tmp_path, demands=DEMANDS))
    s = supply_demand(case, default_catalogue(), by, filled=FILLED, used=USED, active=ACTIVE)
    t = s.total
    return [
        (c.community, c.category, c.demands, c.slots, c.weight, c.supply, c.active, c.balance)
        for c in s.cells
    ] + [("total", t.demands, t.slots, t.weight, t.supply, t.active)]


def test_by_community_and_category(tmp_path: Path) -> None:
    assert _rows(tmp_path, ("community", "category")) == [
        ("C1", "housing", 0, 0, 0, 0, 1, 0),
        ("C1", "", 1, 1, 2, 1, 0, 0),
        ("C2", "elderly", 1, 1, 3, 0, 0, -1),
        ("C2", "housing", 1, 1, 4, 0, 0, -1),
        ("C3", "elderly", 1, 2, 6, 1, 0, -1),
        ("total", 4, 5, 15, 2, 1),
    ]


def test_by_community(tmp_path: Path) -> None:
    assert _rows(tmp_path, ("community",)) == [
        ("C1", None, 1, 1, 2, 1, 1, 0),
        ("C2", None, 2, 2, 7, 0, 0, -2),
        ("C3", None, 1, 2, 6, 1, 0, -1),
        ("total", 4, 5, 15, 2, 1),
    ]


def test_by_category(tmp_path: Path) -> None:
    assert _rows(tmp_path, ("category",)) == [
        (None, "elderly", 2, 3, 9, 1, 0, -2),
        (None, "housing", 1, 1, 4, 0, 1, -1),
        (None, "", 1, 1, 2, 1, 0, 0),
        ("total", 4, 5, 15, 2, 1),
    ]


def test_capacity_freed_counts_again(tmp_path: Path) -> None:
    """With nothing used, P2 qualifies for D2 (housing, C2) and for D5 (C1, 1.1 km away)."""
    case = load_case(write_case(tmp_path, demands=DEMANDS))
    s = supply_demand(case, default_catalogue())
    cells = {(c.community, c.category): c for c in s.cells}
    assert cells["C2", "housing"].supply == 1
    assert cells["C1", ""].supply == 2
    assert cells["C1", "housing"].slots == 1 and cells["C1", "housing"].supply == 1
    assert s.total.supply == 3  # P1, P2, P4


@pytest.mark.parametrize("by", [(), ("street",), ("community", "community")])
def test_a_bad_grouping_is_refused(tmp_path: Path, by: tuple[str, ...]) -> None:
    case = load_case(write_case(tmp_path, demands=DEMANDS))
    with pytest.raises(InputError) as err:
        supply_demand(case, default_catalogue(), by)
    assert err.value.problems[0].code == "problem.summary_by"


def test_the_sample_district_in_one_cell_per_community() -> None:
    case = load_case(SAMPLE)
    s = supply_demand(case, default_catalogue(), ("community",))
    assert s.total.slots == sum(d.headcount for d in case.demands)
    assert {c.community for c in s.cells} == {d.community for d in case.demands}
    assert all(c.supply <= s.total.supply <= len(case.cadres) for c in s.cells)
