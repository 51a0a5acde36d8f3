"""The catalogue's TOML: the bundled 8×32, and each kind of problem located with a hint."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from matcher import CatalogueError, default_taxonomy, parse_taxonomy
from matcher.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    catalogue_from_text,
    default_catalogue,
    load_catalogue,
)
from matcher.problemcodes import hint_message, problem_message

GOOD = """
[catalogue]
name = "mini"
zh = "小清单"
en = "Mini"

[[categories]]
slug = "safety"
zh = "应急安全"
en = "Safety"

  [[categories.items]]
  id = "flood_watch"
  zh = "防汛值守"
  en = "Flood watch"
  needs = { "emergency.flood_control" = 4 }
  requires = { "emergency.flood_control" = 2 }
  certs = ["red_cross_first_aider"]
  headcount = 3
  priority = 5
  hours = 12
"""


def test_the_bundled_catalogue_has_8_categories_of_4_items_on_the_bundled_taxonomy() -> None:
    cat = default_catalogue()
    assert len(cat.categories) == 8
    assert [len(c.items) for c in cat.categories] == [4] * 8
    assert len({i.id for i in cat.items}) == 32
    tax = default_taxonomy()
    for item in cat.items:
        assert item.zh and item.en and item.needs
        assert all(tax.has_tag(t) for t in [*item.needs, *item.requires])
        assert all(tax.has_cert(c) for c in item.certs)
    # the names the issue gives are there, in their categories
    zh = {i.zh: i.category for i in cat.items}
    assert zh["防汛值守"] == "safety"
    assert zh["加装电梯协调"] == "housing"
    assert zh["独居老人探访"] == "elderly"
    assert zh["养老服务"] == "elderly"


def test_the_bundled_file_is_the_one_on_disk() -> None:
    raw = tomllib.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    ids = [i["id"] for c in raw["categories"] for i in c["items"]]
    assert ids == [i.id for i in default_catalogue().items]


def test_an_item_keeps_its_defaults() -> None:
    cat = catalogue_from_text(GOOD, default_taxonomy())
    item = cat.item("flood_watch")
    assert item.category == "safety"
    assert dict(item.needs) == {"emergency.flood_control": 4}
    assert dict(item.requires) == {"emergency.flood_control": 2}
    assert item.certs == ("red_cross_first_aider",)
    assert (item.headcount, item.priority, item.hours) == (3, 5, 12.0)
    assert cat.category_of("flood_watch") == "safety"
    assert cat.category_of("nothing") is None and cat.category_of(None) is None


def test_defaults_when_headcount_priority_and_hours_are_left_out() -> None:
    text = GOOD.replace("  headcount = 3\n", "").replace("  priority = 5\n", "")
    item = catalogue_from_text(text.replace("  hours = 12\n", ""), default_taxonomy()).item(
        "flood_watch"
    )
    assert (item.headcount, item.priority, item.hours) == (1, 3, None)


def _problems(text: str) -> list:
    with pytest.raises(CatalogueError) as err:
        catalogue_from_text(text, default_taxonomy())
    return err.value.problems


@pytest.mark.parametrize(
    ("old", "new", "code", "column", "hint"),
    [
        (
            '"emergency.flood_control" = 4',
            '"emergency.flood_contrl" = 4',
            "problem.unknown_tag",
            "item 'flood_watch'.needs",
            "emergency.flood_control",
        ),
        (
            '"red_cross_first_aider"',
            '"red_cross_first_aid"',
            "problem.unknown_cert",
            "item 'flood_watch'.certs",
            "red_cross_first_aider",
        ),
        (
            "priority = 5",
            "priority = 9",
            "problem.catalogue_number",
            "item 'flood_watch'.priority",
            None,
        ),
        (
            "headcount = 3",
            "headcont = 3",
            "problem.catalogue_unknown_key",
            "item 'flood_watch'.headcont",
            "headcount",
        ),
        ("hours = 12", "hours = -1", "problem.catalogue_hours", "item 'flood_watch'.hours", None),
        (
            'requires = { "emergency.flood_control" = 2 }',
            'requires = "x"',
            "problem.catalogue_levels",
            "item 'flood_watch'.requires",
            None,
        ),
        (
            '"emergency.flood_control" = 4',
            '"emergency.flood_control" = 6',
            "problem.level_range",
            "item 'flood_watch'.needs",
            None,
        ),
        (
            'id = "flood_watch"',
            'id = "Flood-Watch"',
            "problem.catalogue_slug",
            "item 'Flood-Watch'.id",
            None,
        ),
    ],
)
def test_each_problem_names_the_item_key_and_line(
    old: str, new: str, code: str, column: str, hint: str | None
) -> None:
    assert old in GOOD
    (p,) = _problems(GOOD.replace(old, new))
    assert p.code == code
    assert p.column == column
    assert p.row == GOOD.splitlines().index('  id = "flood_watch"') + 1  # the id's line
    assert problem_message(p).code == code
    if hint is not None:
        assert p.hint is not None and hint in p.hint
        assert hint_message(p).code == "hint.did_you_mean"


def test_every_problem_at_once_and_duplicates() -> None:
    text = (
        GOOD
        + "[[categories]]"
        + GOOD.split("[[categories]]", 1)[1].replace('slug = "safety"', 'slug = "two"')
    )
    text = text.replace('"red_cross_first_aider"', '"nope"')
    problems = _problems(text)
    assert [p.code for p in problems].count("problem.unknown_cert") == 2
    assert any(
        p.code == "problem.catalogue_duplicate" and p.value == "flood_watch" for p in problems
    )


def test_no_categories_and_bad_toml() -> None:
    (p,) = _problems("[catalogue]\nname = 'x'\n")
    assert p.code == "problem.catalogue_empty"
    (p,) = _problems("[[categories]\n")
    assert p.code == "problem.catalogue_toml"


def test_the_bundled_catalogue_against_a_taxonomy_without_its_tags_fails_clearly(
    tmp_path: Path,
) -> None:
    tax = parse_taxonomy(
        {
            "categories": [
                {"slug": "x", "zh": "甲", "en": "X", "tags": [{"slug": "y", "zh": "乙", "en": "Y"}]}
            ]
        }
    )
    with pytest.raises(CatalogueError) as err:
        default_catalogue(tax)
    assert err.value.problems and err.value.problems[0].code == "problem.unknown_tag"
    f = tmp_path / "catalogue.toml"
    f.write_text(GOOD, encoding="utf-8")
    assert load_catalogue(f, default_taxonomy()).items[0].id == "flood_watch"


@pytest.mark.parametrize(
    ("typed", "want"), [("flood_wach", "flood_watch"), ("防汛值守", "flood_watch")]
)
def test_an_unknown_item_gets_the_nearest_ids(typed: str, want: str) -> None:
    assert f"'{want}'" in default_catalogue().suggest(typed)


def test_the_fitting_catalogue_is_the_bundled_one_or_none() -> None:
    from matcher.catalogue import NO_CATALOGUE, fitting_catalogue

    assert fitting_catalogue(default_taxonomy()) is default_catalogue()
    tax = parse_taxonomy(
        {
            "categories": [
                {"slug": "x", "zh": "甲", "en": "X", "tags": [{"slug": "y", "zh": "乙", "en": "Y"}]}
            ]
        }
    )
    assert fitting_catalogue(tax) is NO_CATALOGUE
    assert NO_CATALOGUE.items == () and NO_CATALOGUE.suggest("flood_watch") == (
        "the catalogue has no items yet"
    )
