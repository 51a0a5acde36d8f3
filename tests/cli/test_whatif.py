"""The whatif, shortage and sweep commands: outputs, files, and exit 2 on bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from tests.paths import TINY_CASE as TINY

runner = CliRunner()

SCENARIO = """name = "lose A"
[[edits]]
kind = "remove_cadres"
ids = ["A"]
"""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_whatif_table_and_json(tmp_path: Path) -> None:
    sc = _file(tmp_path, "a.toml", SCENARIO)
    res = runner.invoke(app, ["whatif", str(TINY), str(sc), "--explain-unfilled"])
    assert res.exit_code == 0, res.output
    assert "lose A" in res.stdout and "churn: 2 kept, 0 moved, 0 added, 1 dropped" in res.stdout
    assert "cadre removed by edit 1" in res.stdout
    res = runner.invoke(app, ["whatif", str(TINY), str(sc), str(sc), "-f", "json"])
    doc = json.loads(res.stdout)
    assert len(doc) == 2 and doc[0]["churn"]["dropped"] == 1
    assert {k["kpi"] for k in doc[0]["kpis"]} >= {"fill_rate", "objective"}


def test_whatif_bad_scenario_exits_2(tmp_path: Path) -> None:
    sc = _file(tmp_path, "bad.toml", '[[edits]]\nkind = "remove_cadre"\nids = ["A"]\n')
    res = runner.invoke(app, ["whatif", str(TINY), str(sc)])
    assert res.exit_code == 2
    assert f"{sc}:2: kind" in res.stderr and "did you mean 'remove_cadres'" in res.stderr


def test_shortage_json(tmp_path: Path) -> None:
    res = runner.invoke(app, ["shortage", str(TINY), "-f", "json", "--verify", "--top", "2"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["training"]) == 2 and all(
        r["verified"] for r in doc["rows"] if r["marginal_value"]
    )
    res = runner.invoke(app, ["shortage", str(TINY)])
    assert "training recommendations" in res.stdout


def test_sweep_csv_and_plot(tmp_path: Path) -> None:
    spec = _file(
        tmp_path,
        "s.toml",
        '[sweep]\nmode = "grid"\n[sweep.params]\nf = [0.0, 1.0, 2.0]\n'
        '[[edits]]\nkind = "scale_demand"\ncategory = "emergency"\nfactor = "$f"\n',
    )
    out, png = tmp_path / "r.csv", tmp_path / "r.png"
    res = runner.invoke(app, ["sweep", str(TINY), str(spec), "-o", str(out), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["f"] for r in rows] == ["0.0", "1.0", "2.0"]
    assert [int(r["slots_total"]) for r in rows] == [4, 6, 8]
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_sweep_bad_output_suffix(tmp_path: Path) -> None:
    spec = _file(tmp_path, "s.toml", "[sweep]\n[sweep.params]\nf = [1.0]\n")
    res = runner.invoke(app, ["sweep", str(TINY), str(spec), "-o", str(tmp_path / "r.txt")])
    assert res.exit_code == 2 and ".csv or .json" in res.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--dask", "garbage"], "tcp://HOST:PORT"),
        (["--dask", "http://127.0.0.1:1"], "tcp://HOST:PORT"),
        (["--plot", "p.png", "--kpi", "bogus"], "unknown KPI 'bogus'"),
        (["--plot", "."], "not a folder"),
    ],
)
def test_sweep_options_are_checked_before_running(tmp_path: Path, extra, message) -> None:  # type: ignore[no-untyped-def]
    spec = _file(
        tmp_path,
        "s.toml",
        '[sweep]\nmode = "grid"\n[sweep.params]\nf = [1.0]\n'
        '[[edits]]\nkind = "scale_demand"\ncategory = "emergency"\nfactor = "$f"\n',
    )
    out = tmp_path / "r.csv"
    res = runner.invoke(app, ["sweep", str(TINY), str(spec), "-o", str(out), *extra])
    assert res.exit_code == 2 and message in res.stderr and "Traceback" not in res.output
    assert not out.exists(), "nothing is written when an option is wrong"


def test_whatif_explains_a_dated_case_as_propose_does(tmp_path: Path) -> None:
    """``whatif --explain-unfilled`` on a case with dated orders used to exit 2
    (problem.dated_not_priced): now the ongoing orders' fixes, priced as ``propose
    --explain-unfilled`` prices them, and the notes beside them, in JSON and tables."""
    from matcher import propose, write_case
    from matcher.whatif import slot_fixes
    from tests.whatif.dated_case import dated_case

    case = dated_case()  # every evening shift filled, the ongoing O1 short
    folder = write_case(case, tmp_path / "case")
    sc = _file(
        tmp_path, "same.toml", 'name = "same"\n[[edits]]\nkind = "remove_cadres"\nids = []\n'
    )
    res = runner.invoke(app, ["whatif", str(folder), str(sc), "--explain-unfilled", "-f", "json"])
    assert res.exit_code == 0, res.output
    (doc,) = json.loads(res.stdout)
    want = slot_fixes(case, propose(case))
    assert doc["counterfactuals"] == [r.model_dump(mode="json") for r in want.counterfactuals]
    assert [r["demand"] for r in doc["counterfactuals"]] == ["O1"]
    assert doc["counterfactuals_note"] == {"code": "fix.keeps_dated", "params": {}}
    assert doc["counterfactuals_unpriced"] is None
    for lang, note in (("en", "fixes for ongoing orders keep the dated orders' dispatches"),
                       ("zh", "长期任务的补救办法保持定时工单的派遣不变")):  # fmt: skip
        args = ["whatif", str(folder), str(sc), "--explain-unfilled", "--lang", lang]
        res = runner.invoke(app, args)
        assert res.exit_code == 0, res.output
        assert note in res.stdout.replace("\n", ""), res.stdout
    res = runner.invoke(app, ["whatif", str(folder), str(sc), "-f", "json"])
    (doc,) = json.loads(res.stdout)
    assert doc["counterfactuals"] is None and doc["counterfactuals_note"] is None


def test_a_scenario_that_assigns_nobody_has_no_mean_fit(tmp_path: Path) -> None:
    """Every cadre removed: the scenario's plan has no mean skill fit, so neither has its
    change (null in JSON, "—" in the table), and the other KPIs compare as before."""
    sc = _file(
        tmp_path,
        "none.toml",
        'name = "nobody"\n[[edits]]\nkind = "remove_cadres"\nids = ["A", "B", "E", "F", "G"]\n',
    )
    res = runner.invoke(app, ["whatif", str(TINY), str(sc), "-f", "json"])
    assert res.exit_code == 0, res.output
    kpis = {k["kpi"]: k for k in json.loads(res.stdout)[0]["kpis"]}
    fit = kpis["mean_skill_fit"]
    assert fit["base"] > 0 and (fit["scenario"], fit["delta"]) == (None, None)
    for km in ("mean_travel_km", "max_travel_km"):  # no travel either (was 0 km, a gain)
        assert (kpis[km]["scenario"], kpis[km]["delta"]) == (None, None), kpis[km]
    assert kpis["slots_filled"]["scenario"] == 0 and kpis["slots_filled"]["delta"] < 0
    wide = {"COLUMNS": "200", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    res = runner.invoke(app, ["whatif", str(TINY), str(sc), "--lang", "en"], env=wide)
    assert res.exit_code == 0, res.output
    for kpi in ("mean_skill_fit", "mean_travel_km", "max_travel_km"):
        (row,) = [line for line in res.stdout.splitlines() if kpi in line]
        cells = [c.strip() for c in row.split("│")]
        assert cells[1] == kpi and float(cells[2]) >= 0 and cells[3:5] == ["—", "—"], row
