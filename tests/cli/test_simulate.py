"""``matcher simulate``: fairness off and on, as JSON and as a table."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from matcher.cli.app import app


def test_json_has_both_policies_and_every_figure() -> None:
    res = CliRunner().invoke(app, ["simulate", "data/sample-district", "--days", "3", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert set(rows) == {"off", "on"}
    assert set(rows["on"]) == {"score", "fill_rate", "gini", "jain", "served", "p95_hours"}


def test_a_missing_case_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(app, ["simulate", str(tmp_path / "nope"), "--days", "2"])
    assert res.exit_code != 0 and "Traceback" not in res.output
