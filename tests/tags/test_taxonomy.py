"""The bundled taxonomy and the validation of custom ones."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.errors import TaxonomyError
from matcher.tags import (
    default_taxonomy,
    effective_levels,
    encode_levels,
    load_taxonomy,
    parse_taxonomy,
)


def test_default_is_six_categories_thirty_two_tags_as_a_tree() -> None:
    tax = default_taxonomy()
    assert len(tax.categories) == 6 and len(tax.tags) == 32
    g = tax.graph
    assert all(g.in_degree(t.slug) == 1 for t in tax.tags)  # exactly one category each
    assert all(t.slug.startswith(t.category + ".") for t in tax.tags)
    assert all(t.zh and t.en for t in tax.tags)
    assert tax.has_tag("urban.elevator_retrofit")


def test_suggestions_for_typos() -> None:
    tax = default_taxonomy()
    assert "urban.elevator_retrofit" in tax.suggest_tag("urban.elevator_retrofi")
    assert "urban.elevator_retrofit" in tax.suggest_tag("elevator_retrofit")


def _tax(cats):  # type: ignore[no-untyped-def]
    return {"taxonomy": {"name": "t"}, "categories": cats}


def test_rejects_duplicates_and_empty_categories_listing_all() -> None:
    bad = _tax(
        [
            {
                "slug": "a",
                "zh": "甲",
                "en": "A",
                "tags": [{"slug": "x", "zh": "x", "en": "x"}, {"slug": "x", "zh": "x", "en": "x"}],
            },
            {"slug": "a", "zh": "甲", "en": "A", "tags": []},
            {"slug": "B!", "zh": "乙", "en": "B", "tags": [{"slug": "y", "zh": "y", "en": "y"}]},
        ]
    )
    with pytest.raises(TaxonomyError) as info:
        parse_taxonomy(bad, "custom.toml")
    text = str(info.value)
    assert "duplicate tag slug" in text and "duplicate category slug" in text
    assert "has no tags" in text and "bad slug" in text and "custom.toml" in text


def test_load_reports_missing_and_malformed_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TaxonomyError, match="not found"):
        load_taxonomy(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("[[categories]\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        load_taxonomy(tmp_path / "bad.toml")


def test_related_credit_comes_from_siblings_only() -> None:
    tax = default_taxonomy()
    t = "urban.elevator_retrofit"
    sib = tax.siblings(t)[0]
    other = next(x.slug for x in tax.tags if x.category != tax.category_of(t))
    levels = encode_levels([{t: 4, other: 5}], tax)
    eff = effective_levels(levels, tax, related_credit=0.5)
    assert eff[0, tax.tag_index(t)] == 4.0  # own level, not credited from itself
    assert eff[0, tax.tag_index(sib)] == 2.0
    # the other category only gets credit from its own tag's siblings
    assert eff[0, tax.tag_index(tax.siblings(other)[0])] == 2.5
    assert np.array_equal(effective_levels(levels, tax, 0.0), levels)
