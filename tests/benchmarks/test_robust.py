"""The robust suite: its settings, names, instances and the worst-first report."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from benchmarks.instances import SETTINGS, SIZES, SUITES, resolve, split_name
from benchmarks.robust import robust_markdown, robust_rows, same_objective
from matcher.generate import Shape


def test_at_least_six_contrasting_settings_at_district_and_city() -> None:
    assert len(SETTINGS) >= 6
    shapes = [(*dataclasses.astuple(s.shape), s.communities) for s in SETTINGS.values()]
    assert len(set(shapes)) == len(shapes)
    assert SETTINGS["plain"].shape == Shape() and SETTINGS["plain"].communities == 1.0
    for size in ("district", "city"):
        assert {f"{s}@{size}" for s in SETTINGS} <= set(SUITES["robust"])
    assert {split_name(n)[1] for n in SUITES["robust-metro"]} == {"metro"}  # type: ignore[index]


def test_names() -> None:
    assert split_name("flat@city") == ("flat", "city")
    for bad in ("city", "flat@", "nope@city", "flat@huge", "@city"):
        assert split_name(bad) is None


def test_resolve_generates_each_setting_once(tmp_path: Path) -> None:
    a = resolve("flat@district", tmp_path, 3)
    assert a.folder == tmp_path / "flat-district-seed3"
    assert (a.folder / "demands.csv").exists()
    stamp = (a.folder / "cadres.csv").stat().st_mtime_ns
    again = resolve("flat@district", tmp_path, 3)
    assert again.folder == a.folder and (a.folder / "cadres.csv").stat().st_mtime_ns == stamp
    rows = (a.folder / "cadres.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == SIZES["district"][0] + 1
    # plain is the generator's defaults: the same bytes as the size alone
    plain, size = resolve("plain@district", tmp_path, 3), resolve("district", tmp_path, 3)
    for name in ("communities.csv", "cadres.csv", "demands.csv"):
        assert (plain.folder / name).read_bytes() == (size.folder / name).read_bytes()


def _inst(name: str, total: float, scipy: float, mcf: float, mcf_obj: float) -> dict[str, Any]:
    def peer(secs: float) -> dict[str, Any]:
        return {"status": "ok", "times": {"solve": {"seconds": secs}}}

    return {
        "name": name,
        "n_usable": 1000,
        "methods": {
            "scipy-lsa": peer(scipy),
            "ortools-mcf": {**peer(mcf), "metrics": {"objective": mcf_obj}},
        },
        "propose": {
            "status": "ok",
            "times": {"propose": {"seconds": total}},
            "objective": 50.0,
            "certified": True,
            "alternatives_below": 3.0,
            "n_cadres": 2000,
            "n_demands": 800,
            "slots": 1100,
            "max_rss_mb": 200.0,
            "phases": {"scoring": 0.1, "solving": total - 0.1},
        },
    }


def test_the_headline_is_the_worst_setting() -> None:
    rep = {
        "instances": [
            _inst("plain@district", 0.2, 2.0, 1.0, 50.0),  # ×0.1, ×0.2
            _inst("flat@district", 0.5, 2.0, 5.0, 50.0),  # ×0.25, ×0.1
            _inst("wide@district", 0.3, 3.0, 1.0, 49.0),  # objective differs
            {"name": "district", "propose": {"status": "ok"}},  # not a robust instance
        ]
    }
    rows = robust_rows(rep)
    assert [r["setting"] for r in rows] == ["plain", "flat", "wide"]
    assert [r["equal"] for r in rows] == [True, True, False]
    text = "\n".join(robust_markdown(rep))
    assert "against scipy-lsa ×0.250 (flat)" in text
    assert "against ortools-mcf ×0.300 (wide)" in text
    assert "CHECK ['wide']" in text
    assert "| flat@district | 2,000 × 800 | 1,100 | 1,000 | 0.50 s |" in text
    assert robust_markdown({"instances": []}) == []
    metro = _inst("flat@metro", 400.0, 1.0, 1.0, 50.0)
    metro["methods"] = {}
    text = "\n".join(robust_markdown({"instances": [metro]}))
    assert "no OR-Tools objective to compare for ['flat']" in text
    assert "| flat@metro |" in text and "| not run | not run | — |" in text


def test_same_objective() -> None:
    assert same_objective(43722.34, 43722.34 + 1e-9)
    assert not same_objective(43722.34, 43722.3401)
