"""The synthetic case generator: deterministic, well-formed, consistent with the taxonomy."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import pytest

from matcher.generate import (
    CADRE_HEADER,
    COMMUNITY_HEADER,
    DEFAULT_TAXONOMY,
    DEMAND_HEADER,
    SAMPLE_SIZES,
    generate_case,
    main,
)
from tests.paths import SAMPLE

FILES = ("communities.csv", "cadres.csv", "demands.csv")


def _taxonomy(path: Path = DEFAULT_TAXONOMY) -> tuple[set[str], set[str]]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    tags = {f"{c['slug']}.{t['slug']}" for c in raw["categories"] for t in c["tags"]}
    return tags, {c["slug"] for c in raw.get("certs", [])}


def _rows(folder: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (folder / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _levels(text: str) -> dict[str, int]:
    pairs = [item.split(":") for item in text.split(";") if item]
    assert all(len(p) == 2 for p in pairs), text
    return {tag: int(level) for tag, level in pairs}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    return generate_case(out, n_cadres=50, n_demands=20, n_communities=10, seed=3)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("medium")
    return generate_case(out, n_cadres=2000, n_demands=800, n_communities=300, seed=11)


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    a = generate_case(tmp_path / "a", n_cadres=300, n_demands=120, seed=42)
    b = generate_case(tmp_path / "b", n_cadres=300, n_demands=120, seed=42)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_different_seed_gives_different_files(tmp_path: Path) -> None:
    a = generate_case(tmp_path / "a", n_cadres=300, n_demands=120, seed=1)
    b = generate_case(tmp_path / "b", n_cadres=300, n_demands=120, seed=2)
    for name in FILES:
        assert (a / name).read_bytes() != (b / name).read_bytes(), name


def test_utf8_without_bom_and_unix_newlines(small: Path) -> None:
    for name in FILES:
        data = (small / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in data
        data.decode("utf-8")


@pytest.mark.parametrize("folder", ["small", "medium"])
def test_headers_counts_and_references(folder: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(folder)
    sizes = {"small": (10, 50, 20), "medium": (300, 2000, 800)}[folder]
    tags, certs = _taxonomy()
    (ch, com), (kh, cad), (dh, dem) = (_rows(path, name) for name in FILES)
    assert (tuple(ch), tuple(kh), tuple(dh)) == (COMMUNITY_HEADER, CADRE_HEADER, DEMAND_HEADER)
    assert (len(com), len(cad), len(dem)) == sizes
    for rows in (com, cad, dem):
        assert len({r["id"] for r in rows}) == len(rows)
    ids = {c["id"] for c in com}
    assert len({c["name"] for c in com}) == len(com)
    assert all(c["name"].endswith("社区") and c["street"].endswith("街道") for c in com)
    assert {c["home"] for c in cad} <= ids
    assert {d["community"] for d in dem} <= ids
    for c in cad:
        skills = _levels(c["skills"])
        assert 2 <= len(skills) <= 6 and set(skills) <= tags
        assert all(1 <= v <= 5 for v in skills.values())
        held = [s for s in c["certs"].split(";") if s]
        assert len(held) <= 2 and set(held) <= certs
        assert c["capacity"] in {"0", "1", "2", "3"}
        assert c["status"] in {"green", "yellow", "red"}
        assert c["max_travel_km"] in {"", "3", "5", "8", "10", "15"}
    for d in dem:
        needs, requires = _levels(d["needs"]), _levels(d["requires"])
        assert 2 <= len(needs) <= 4 and set(needs) <= tags
        assert all(1 <= v <= 5 for v in needs.values())
        assert len(requires) <= 2 and all(1 <= v <= needs[t] for t, v in requires.items())
        wanted = [s for s in d["certs"].split(";") if s]
        assert len(wanted) <= 1 and set(wanted) <= certs
        assert d["headcount"] in {"1", "2", "3"} and d["priority"] in set("12345")
        assert d["title"]


def test_coordinates(medium: Path) -> None:
    _, com = _rows(medium, "communities.csv")
    for k, c in enumerate(com):
        assert re.fullmatch(r"\d+\.\d{6}", c["lat"]) and re.fullmatch(r"\d+\.\d{6}", c["lon"])
        lat, lon = float(c["lat"]), float(c["lon"])
        if k < 120:  # the Gulou district proper
            assert 32.04 <= lat <= 32.13 and 118.71 <= lon <= 118.80
        else:  # synthetic streets across a ~30 km city
            assert 31.9 <= lat <= 32.2 and 118.6 <= lon <= 118.95
    assert len({c["street"] for c in com[:120]}) == 13
    assert len({c["street"] for c in com}) > 13


def share(rows: list[dict[str, str]], key: str, value: str) -> float:
    return sum(r[key] == value for r in rows) / len(rows)


def test_distributions_are_plausible(medium: Path) -> None:
    _, cad = _rows(medium, "cadres.csv")
    _, dem = _rows(medium, "demands.csv")
    assert 0.74 < share(cad, "status", "green") < 0.86
    assert 0.01 < share(cad, "capacity", "0") < 0.06
    assert 0.33 < share(cad, "max_travel_km", "") < 0.47
    assert share(dem, "headcount", "1") > 0.55
    assert share(dem, "requires", "") > 0.3 and share(dem, "certs", "") > 0.6
    assert {r["certs"] for r in dem} - {""}  # some demands do need a cert
    # specialisation: most cadres hold most of their skills in one category
    focused = 0
    for c in cad:
        cats = [tag.split(".")[0] for tag in _levels(c["skills"])]
        focused += max(cats.count(x) for x in cats) * 2 >= len(cats)
    assert focused / len(cad) > 0.7


def test_tiny_and_empty_sizes(tmp_path: Path) -> None:
    out = generate_case(tmp_path / "e", n_cadres=0, n_demands=0, n_communities=1, seed=0)
    for name in FILES:
        assert (out / name).read_text(encoding="utf-8").count("\n") == (
            2 if name[:3] == "com" else 1
        )
    with pytest.raises(ValueError):
        generate_case(tmp_path / "bad", n_cadres=5, n_demands=5, n_communities=0)


def test_foreign_taxonomy_falls_back_to_generic_scenarios(tmp_path: Path) -> None:
    tax = tmp_path / "mini.toml"
    tax.write_text(
        '[taxonomy]\nname = "mini"\n'
        '[[categories]]\nslug = "care"\nzh = "照护"\nen = "Care"\n'
        '  [[categories.tags]]\n  slug = "meals"\n  zh = "助餐"\n  en = "Meals"\n'
        '  [[categories.tags]]\n  slug = "visits"\n  zh = "探访"\n  en = "Visits"\n'
        '[[certs]]\nslug = "nurse"\nzh = "护士"\nen = "Nurse"\n',
        encoding="utf-8",
    )
    out = generate_case(tmp_path / "m", n_cadres=20, n_demands=5, seed=0, taxonomy_path=tax)
    tags, _ = _taxonomy(tax)
    _, cad = _rows(out, "cadres.csv")
    _, dem = _rows(out, "demands.csv")
    assert all(set(_levels(r["skills"])) <= tags for r in cad)
    assert all(set(_levels(r["needs"])) <= tags for r in dem)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "c"), "--cadres", "40", "--demands", "15", "--seed", "5"]) == 0
    assert "wrote" in capsys.readouterr().out
    _, cad = _rows(tmp_path / "c", "cadres.csv")
    assert len(cad) == 40
    assert main([str(tmp_path / "d"), "--cadres", "-1"]) == 2


def test_bundled_sample_district_matches_generator(tmp_path: Path) -> None:
    bundled = SAMPLE
    fresh = generate_case(tmp_path / "s", **SAMPLE_SIZES)
    for name in FILES:
        assert (bundled / name).read_bytes() == (fresh / name).read_bytes(), (
            f"{name} differs: regenerate with `python -m matcher.generate data/sample-district`"
        )
