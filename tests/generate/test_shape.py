"""The generator's shape knobs: defaults change no byte, each knob moves what it names."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest

from matcher.generate import SAMPLE_SIZES, Shape, generate_case
from tests.paths import SAMPLE

FILES = ("communities.csv", "cadres.csv", "demands.csv")

#: sha256 over (name, bytes) of each file, in name order, as generated before
#: shapes existed (commit 91eb5d3): every seeded instance must stay what it was
DIGESTS: list[tuple[dict[str, Any], str]] = [
    (
        {"n_cadres": 500, "n_demands": 200, "seed": 1},
        "3e2d516d23bcdcdbf89581f35ccf1d0c0282b5788a4869eaeba6fa8dabc15b88",
    ),
    (
        {"n_cadres": 2000, "n_demands": 800, "seed": 1},
        "6bd9a2cb7767a69c576ab06e5316b5e6e64e3f40e6c0503f65d91057396bac42",
    ),
    (
        {"n_cadres": 300, "n_demands": 120, "seed": 7, "n_communities": 150},
        "96af82b18bf0f27e268a602d8eb061e676e4a2954154cba73d835d2f3897debc",
    ),
    (
        {"n_cadres": 200, "n_demands": 50, "seed": 3, "n_dated": 40},
        "eae7e6778444fb8006235dfb5e278ad99d73e89f1cf5aa1148dece6c9c2c4509",
    ),
]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.iterdir()):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("shape", [None, Shape()], ids=["no shape", "default shape"])
@pytest.mark.parametrize(("sizes", "digest"), DIGESTS, ids=[str(d[0]) for d in DIGESTS])
def test_seeded_instances_stay_byte_identical(
    tmp_path: Path, sizes: dict[str, Any], digest: str, shape: Shape | None
) -> None:
    assert _digest(generate_case(tmp_path, **sizes, shape=shape)) == digest


def test_the_bundled_sample_is_the_default_shape(tmp_path: Path) -> None:
    out = generate_case(tmp_path, **SAMPLE_SIZES, shape=Shape())
    for name in FILES:
        assert (out / name).read_bytes() == (SAMPLE / name).read_bytes(), name


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _share(rows: list[dict[str, str]], test: Any) -> float:
    return float(sum(1 for r in rows if test(r)) / len(rows))


def _gen(tmp: Path, shape: Shape) -> Path:
    return generate_case(tmp, n_cadres=1500, n_demands=600, seed=5, shape=shape)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _gen(tmp_path_factory.mktemp("plain"), Shape())


def _needs(r: dict[str, str], col: str) -> int:
    return len([x for x in r[col].split(";") if x])


def test_no_limit_share(tmp_path: Path, plain: Path) -> None:
    out = _gen(tmp_path, Shape(no_limit=0.8))
    open_ = _share(_rows(out, "cadres.csv"), lambda r: r["max_travel_km"] == "")
    assert 0.75 < open_ < 0.85
    assert _share(_rows(plain, "cadres.csv"), lambda r: r["max_travel_km"] == "") < 0.47
    none = _gen(tmp_path / "none", Shape(no_limit=0.0))
    assert _share(_rows(none, "cadres.csv"), lambda r: r["max_travel_km"] == "") == 0.0


def test_capacity_mix_reaches_zero_and_beyond_three(tmp_path: Path) -> None:
    out = _gen(tmp_path, Shape(capacity=(0.2, 0.2, 0.2, 0.2, 0.1, 0.1)))
    caps = [int(r["capacity"]) for r in _rows(out, "cadres.csv")]
    assert max(caps) == 5
    assert 0.15 < caps.count(0) / len(caps) < 0.25
    assert 0.07 < caps.count(5) / len(caps) < 0.13


def test_headcount_mix(tmp_path: Path, plain: Path) -> None:
    out = _gen(tmp_path, Shape(headcount=(0.0, 0.0, 0.0, 1.0)))
    assert {r["headcount"] for r in _rows(out, "demands.csv")} == {"4"}
    assert {r["headcount"] for r in _rows(plain, "demands.csv")} <= {"1", "2", "3"}


def test_needs_and_required_levels(tmp_path: Path, plain: Path) -> None:
    few = _rows(_gen(tmp_path / "few", Shape(extra_needs=(1.0,), max_needs=2)), "demands.csv")
    base = _rows(plain, "demands.csv")
    mean = [sum(_needs(r, "needs") for r in rows) / len(rows) for rows in (few, base)]
    assert mean[0] < mean[1] - 0.5
    hard = _rows(_gen(tmp_path / "hard", Shape(required=(0.0, 0.0, 1.0))), "demands.csv")
    assert _share(hard, lambda r: r["requires"] == "") == 0.0
    assert _share(base, lambda r: r["requires"] == "") > 0.3
    soft = _rows(_gen(tmp_path / "soft", Shape(required=(1.0,))), "demands.csv")
    assert _share(soft, lambda r: r["requires"] == "") == 1.0


def test_skew_concentrates_titles(tmp_path: Path, plain: Path) -> None:
    def top_share(rows: list[dict[str, str]]) -> float:
        """Share of demands whose first need is the most common first need."""
        tags = [r["needs"].split(";")[0].split(":")[0] for r in rows]
        return max(tags.count(t) for t in set(tags)) / len(tags)

    skewed = _rows(_gen(tmp_path, Shape(skew=4.0)), "demands.csv")
    flat = _rows(_gen(tmp_path / "flat", Shape(skew=0.0)), "demands.csv")
    base = top_share(_rows(plain, "demands.csv"))
    assert top_share(skewed) > base + 0.05 > top_share(flat) + 0.05


def test_cert_frequency(tmp_path: Path, plain: Path) -> None:
    many = _gen(tmp_path, Shape(cadre_certs=3.0, demand_certs=3.0))
    for name in ("cadres.csv", "demands.csv"):
        assert _share(_rows(many, name), lambda r: r["certs"] != "") > 1.5 * _share(
            _rows(plain, name), lambda r: r["certs"] != ""
        )
    none = _gen(tmp_path / "none", Shape(cadre_certs=0.0, demand_certs=0.0))
    for name in ("cadres.csv", "demands.csv"):
        assert _share(_rows(none, name), lambda r: r["certs"] != "") == 0.0


def test_spread_and_heat(tmp_path: Path, plain: Path) -> None:
    def lat_sd(folder: Path) -> float:
        lats = [float(r["lat"]) for r in _rows(folder, "communities.csv")[:120]]
        mean = sum(lats) / len(lats)
        return float((sum((x - mean) ** 2 for x in lats) / len(lats)) ** 0.5)

    tight = _gen(tmp_path / "tight", Shape(spread=0.1))
    assert lat_sd(tight) < lat_sd(plain)

    def top_community(folder: Path) -> float:
        rows = _rows(folder, "demands.csv")
        coms = [r["community"] for r in rows]
        return max(coms.count(c) for c in set(coms)) / len(coms)

    hot = _gen(tmp_path / "hot", Shape(heat=2.0))
    assert top_community(hot) > top_community(plain)


@pytest.mark.parametrize(
    "bad",
    [
        {"capacity": (0.5, 0.6)},
        {"capacity": ()},
        {"required": (-0.1, 1.1)},
        {"headcount": (0.5,)},
        {"no_limit": 1.5},
        {"max_needs": 0},
        {"skew": -1.0},
    ],
)
def test_bad_shapes_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Shape"):
        Shape(**bad)
