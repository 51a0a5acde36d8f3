"""What offices actually type (#21 part 5): Chinese names for slugs, full-width
punctuation and digits, files saved by Chinese Excel, every problem of a row, an empty case."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import CaseError, default_taxonomy, load_case
from matcher.io import load_table
from matcher.problemcodes import hint_message, problem_message
from matcher.tags import parse_taxonomy
from tests.casefiles import CADRES, COMMUNITIES, DEMANDS
from tests.casefiles import write_case as write_files

HEADER = CADRES.splitlines()[0]
DEMAND_HEADER = DEMANDS.splitlines()[0]


def _cadres(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def _one_cadre(row: str):  # type: ignore[no-untyped-def]
    ((_, cadre),) = load_table(
        "cadres.csv", _cadres(row), taxonomy=default_taxonomy(), communities={"C1"}
    )
    return cadre


def _problems(file: str, text: str, taxonomy=None) -> list:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseError) as info:
        load_table(file, text, taxonomy=taxonomy or default_taxonomy(), communities={"C1"})
    return info.value.problems


def test_chinese_tag_and_cert_names_are_their_slugs() -> None:
    cadre = _one_cadre("P1,张三,C1,养老服务:3;物业纠纷调解:4,红十字救护员证,1,green,")
    assert cadre.skills == {
        "livelihood.elderly_care": 3,
        "governance.property_dispute_mediation": 4,
    }
    assert cadre.certs == ("red_cross_first_aider",)
    text = "\n".join([DEMAND_HEADER, "D1,C1,助老,养老服务:3,养老服务:2,人民调解员,1,3"]) + "\n"
    ((_, demand),) = load_table(
        "demands.csv", text, taxonomy=default_taxonomy(), communities={"C1"}
    )
    assert demand.needs == {"livelihood.elderly_care": 3}
    assert demand.requires == {"livelihood.elderly_care": 2}
    assert demand.certs == ("people_mediator",)


def test_a_name_and_its_slug_are_the_same_tag_listed_twice() -> None:
    (p,) = _problems(
        "cadres.csv", _cadres("P1,张三,C1,养老服务:3;livelihood.elderly_care:2,,1,green,")
    )
    assert p.column == "skills" and "listed twice" in p.message


@pytest.mark.parametrize(
    ("typed", "status"),
    [("绿", "green"), ("绿色", "green"), ("黄", "yellow"), ("黄色", "yellow"), ("红", "red"),
     ("红色", "red"), ("Green", "green")],
)  # fmt: skip
def test_statuses_in_chinese(typed: str, status: str) -> None:
    assert _one_cadre(f"P1,张三,C1,养老服务:3,,1,{typed},").status.value == status


def test_unknown_chinese_names_get_the_nearest_slug() -> None:
    (p,) = _problems("cadres.csv", _cadres("P1,张三,C1,养老服:3,,1,green,"))
    assert "livelihood.elderly_care" in p.message
    hint = hint_message(p)
    assert hint is not None and hint.code == "hint.did_you_mean"
    (p,) = _problems("cadres.csv", _cadres("P1,张三,C1,养老服务:3,红十字救护证,1,green,"))
    assert p.column == "certs" and "red_cross_first_aider" in p.message


def test_a_name_two_tags_share_is_a_problem_naming_both() -> None:
    def category(slug: str, tag: str) -> dict[str, object]:
        return {
            "slug": slug,
            "zh": slug,
            "en": slug,
            "tags": [{"slug": tag, "zh": "调解", "en": tag}],
        }

    tax = parse_taxonomy({"categories": [category("a", "x"), category("b", "y")]})
    (p,) = _problems("cadres.csv", _cadres("P1,张三,C1,调解:3,,1,green,"), tax)
    assert "a.x" in p.message and "b.y" in p.message
    m = problem_message(p)
    assert m.code == "problem.tag_name_ambiguous" and m.params["tags"] == ["a.x", "b.y"]


def test_full_width_separators_and_digits() -> None:
    cadre = _one_cadre(
        "P1,张三,C1,养老服务：４；governance.property_dispute_mediation:3，emergency.first_aid:2,"
        "红十字救护员证、people_mediator,２,绿,１２．５"
    )
    assert cadre.skills == {
        "livelihood.elderly_care": 4,
        "governance.property_dispute_mediation": 3,
        "emergency.first_aid": 2,
    }
    assert cadre.certs == ("red_cross_first_aider", "people_mediator")
    assert cadre.capacity == 2 and cadre.max_travel_km == 12.5
    text = "\n".join([DEMAND_HEADER, "D1,C1,助老,养老服务：３,,,２,５"]) + "\n"
    ((_, demand),) = load_table(
        "demands.csv", text, taxonomy=default_taxonomy(), communities={"C1"}
    )
    assert (demand.headcount, demand.priority, demand.needs) == (
        2,
        5,
        {"livelihood.elderly_care": 3},
    )


def test_slugs_as_today_load_the_same(tmp_path: Path) -> None:
    case = load_case(write_files(tmp_path))
    assert case.cadres[0].skills == {
        "urban.elevator_retrofit": 4,
        "urban.old_housing_renovation": 2,
    }


def _gbk_case(root: Path) -> Path:
    """The small case as Chinese Excel saves it: every file GBK, no BOM, CRLF."""
    root.mkdir()
    for name, text in (("communities", COMMUNITIES), ("cadres", CADRES), ("demands", DEMANDS)):
        (root / f"{name}.csv").write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    return root


def test_a_gbk_case_reads_as_its_utf8_twin(tmp_path: Path) -> None:
    gbk = load_case(_gbk_case(tmp_path / "gbk"))
    utf8 = load_case(write_files(tmp_path / "utf8"))
    assert (gbk.communities, gbk.cadres, gbk.demands) == (
        utf8.communities,
        utf8.cadres,
        utf8.demands,
    )
    assert gbk.cadres[0].name == "张三"
    named = load_case(tmp_path / "gbk", encoding="gbk")
    assert named.communities == utf8.communities


def test_an_encoding_that_does_not_fit_is_located(tmp_path: Path) -> None:
    root = _gbk_case(tmp_path / "gbk")
    with pytest.raises(CaseError) as info:
        load_case(root, encoding="utf-8")
    p = info.value.problems[0]
    assert (p.file, p.row, p.message) == ("communities.csv", 2, "file is not utf-8")
    assert problem_message(p).code == "problem.not_encoding"
    with pytest.raises(CaseError) as info:
        load_case(root, encoding="klingon")
    assert problem_message(info.value.problems[0]).code == "problem.unknown_encoding"


def test_unreadable_bytes_say_how_to_save_from_excel(tmp_path: Path) -> None:
    from matcher.messages import render

    root = write_files(tmp_path)
    (root / "cadres.csv").write_bytes(CADRES.encode() + b"P9,\xff\xfe,C1,,,1,green,\n")
    with pytest.raises(CaseError) as info:
        load_case(root)
    (p,) = info.value.problems
    assert (p.file, p.row) == ("cadres.csv", 6)
    assert problem_message(p).code == "problem.not_utf8_or_gb18030"
    hint = hint_message(p)
    assert hint is not None and hint.code == "hint.save_excel_utf8"
    assert "CSV UTF-8（逗号分隔）" in render(hint, "zh")
    assert "CSV UTF-8 (Comma delimited)" in render(hint, "en")
    assert "GB18030" in render(problem_message(p), "zh")


def test_a_duplicate_id_is_reported_beside_the_rows_other_problems(tmp_path: Path) -> None:
    cadres = CADRES + "P1,重复,C9,养老服务:9,,many,purple,\n"
    with pytest.raises(CaseError) as info:
        load_case(write_files(tmp_path, cadres=cadres))
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {(6, "id"), (6, "home"), (6, "skills"), (6, "capacity"), (6, "status")}
    dup = next(p for p in info.value.problems if p.column == "id")
    assert dup.message == "duplicate id" and dup.hint is not None and "row 2" in dup.hint
    # the same from one file's text (an upload)
    problems = _problems("cadres.csv", _cadres("P1,甲,C1,,,1,green,", "P1,乙,C1,,,x,green,"))
    assert {(p.row, p.column) for p in problems} == {(3, "id"), (3, "capacity")}


def test_a_row_left_out_for_an_unknown_item_still_counts_its_id(tmp_path: Path) -> None:
    demands = DEMANDS + "D1,C1,,,,,,,no_such_item\n"
    demands = demands.replace(DEMAND_HEADER, DEMAND_HEADER + ",item").replace(",3\n", ",3,\n")
    demands = demands.replace(",4\n", ",4,\n").replace(",5\n", ",5,\n")
    with pytest.raises(CaseError) as info:
        load_case(write_files(tmp_path, demands=demands))
    assert {(p.row, p.column) for p in info.value.problems} == {(5, "id"), (5, "item")}


def test_every_problem_of_every_row_is_counted_past_the_cap() -> None:
    rows = [f"P{k},名,C9,,,x,purple," for k in range(60)] + ["P0,名,C1,,,1,green,"]
    with pytest.raises(CaseError) as info:
        load_table("cadres.csv", _cadres(*rows), taxonomy=default_taxonomy(), communities={"C1"})
    exc = info.value
    assert exc.total == 60 * 3 + 1  # home, capacity, status on each; the last row's id
    assert len(exc.problems) == 100 and "the first 100 of 181" in str(exc)


def test_a_trainings_tags_and_cert_by_chinese_name_gbk_included() -> None:
    from matcher.io import load_trainings

    header = "cadre,course,tags,hours,date,cert"
    body = f"{header}\nP0001,急救培训,应急救护；养老服务,４,2026-03-02,红十字救护员证\n"
    [(_, t)] = load_trainings(body.encode("gbk"), taxonomy=default_taxonomy())
    assert t.tags == ("emergency.first_aid", "livelihood.elderly_care")
    assert t.cert == "red_cross_first_aider"
