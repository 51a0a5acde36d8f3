"""What offices actually type (#21 part 5): Chinese names for slugs, full-width
punctuation and digits, files saved by Chinese Excel, every problem of a row, an empty case."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import CaseError, default_taxonomy, load_case
from matcher.io import load_table
from matcher.problemcodes import hint_message, problem_message
from matcher.tags import parse_taxonomy
from tests.casefiles import CADRES, DEMANDS
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
