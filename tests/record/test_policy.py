"""The [record] table of policy.toml: documented defaults, and errors located by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Policy, load_policy, parse_policy
from matcher.errors import PolicyError
from matcher.record import RecordPolicy


def test_defaults_are_the_documented_ones() -> None:
    r = Policy().record
    assert r == RecordPolicy()
    assert (r.max_hours, r.yearly_hours, r.recent_days) == (24.0, 200.0, 90)
    assert (r.half_life_days, r.shrinkage) == (180.0, 3.0)
    w = r.warnings
    assert (w.no_shows, w.low_rating, w.min_ratings) == (2, 3.0, 5)
    assert (w.hours_behind_share, w.hours_grace_days, w.stuck_days) == (0.5, 90, 183)
    assert (r.points.per_hour, r.points.rating_step, r.points.priority_step) == (10.0, 0.25, 0.25)
    for field in ("yearly_hours", "half_life_days", "shrinkage", "no_shows", "per_hour"):
        assert f"`{field}`" in (Path(__file__).parents[2] / "docs" / "record.md").read_text(
            encoding="utf-8"
        )


def test_the_record_table_is_read_from_policy_toml(tmp_path: Path) -> None:
    f = tmp_path / "policy.toml"
    f.write_text(
        "[weights]\nskill = 30\n[record]\nyearly_hours = 150\n"
        "[record.warnings]\nno_shows = 3\n[record.points]\nper_hour = 5\n",
        encoding="utf-8",
    )
    p = load_policy(f)
    assert p.weights.skill == 30.0
    assert (p.record.yearly_hours, p.record.warnings.no_shows, p.record.points.per_hour) == (
        150.0,
        3,
        5.0,
    )
    assert p.record.recent_days == 90  # left out: the default
    assert parse_policy(p.model_dump()) == p  # a dump reads back (API overrides merge dumps)


def test_bad_record_values_are_located(tmp_path: Path) -> None:
    f = tmp_path / "policy.toml"
    f.write_text(
        "[record]\nrecent_days = 0\n[record.warnings]\nnoshows = 1\nlow_rating = 'low'\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as exc:
        load_policy(f)
    where = {(p.file, p.column) for p in exc.value.problems}
    assert where == {
        (str(f), "record.recent_days"),
        (str(f), "record.warnings.noshows"),
        (str(f), "record.warnings.low_rating"),
    }
    hints = {p.column: p.hint for p in exc.value.problems}
    assert hints["record.warnings.noshows"] == "did you mean no_shows?"
