"""The Latin-word check of the Chinese console (no browser needed)."""

from __future__ import annotations

from tests.console.text import latin_words


def test_ids_slugs_units_and_numbers_are_not_words() -> None:
    text = "派遣 #12：D0002 → P0687 孙春 · 2.3 km · 87.5% · emergency.first_aid、people_mediator"
    text += " · 2026-12-06 08:30"
    assert latin_words(text) == []


def test_english_is_found_in_order_and_allowed_words_pass() -> None:
    text = "出错了（409）：the proposal is stale · 鼓楼区 (sample)（gulou）· 求解 lp"
    assert latin_words(text) == ["the", "proposal", "is", "stale", "sample", "gulou", "lp"]
    assert latin_words(text, {"sample", "gulou"}) == ["the", "proposal", "is", "stale", "lp"]
