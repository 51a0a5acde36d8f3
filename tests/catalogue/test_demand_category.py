"""The category a demand counts in for the governance report: its item's service
category, else its skill category (the taxonomy category of most need weight, ties to
the taxonomy's first), else uncategorised. The bundled sample's demands carry no item,
and every dispatch of its report landed in 未归类."""

from __future__ import annotations

from matcher import default_taxonomy
from matcher.catalogue import default_catalogue
from matcher.messages import Message, render

CAT, TAX = default_catalogue(), default_taxonomy()


def test_an_item_wins_over_the_needs() -> None:
    needs = {"governance.property_dispute_mediation": 5}
    assert CAT.demand_category("flood_watch", needs, TAX) == "safety"


def test_without_an_item_the_category_of_most_need_weight() -> None:
    needs = {"governance.property_dispute_mediation": 3, "livelihood.elderly_care": 2,
             "livelihood.health_promotion": 2}  # fmt: skip
    assert CAT.demand_category(None, needs, TAX) == "livelihood"  # 4 against 3
    assert CAT.demand_category("no_such_item", needs, TAX) == "livelihood"


def test_ties_go_to_the_taxonomys_first_category() -> None:
    order = [c.slug for c in TAX.categories]
    a, b = "livelihood.elderly_care", "governance.property_dispute_mediation"
    first = min(TAX.category_of(a), TAX.category_of(b), key=order.index)
    assert CAT.demand_category(None, {a: 3, b: 3}, TAX) == first
    assert CAT.demand_category(None, {b: 3, a: 3}, TAX) == first


def test_no_known_need_is_uncategorised() -> None:
    assert CAT.demand_category(None, {}, TAX) == ""
    assert CAT.demand_category(None, {"no.such_tag": 3}, TAX) == ""


def test_the_reports_day_count_is_singular_for_one() -> None:
    def en(n: int) -> str:
        return render(Message(code="cli.report_days_gain", params={"count": n, "gain": "+1.0%"}),
                      "en")  # fmt: skip

    assert en(1).startswith("Over 1 dispatch day,")
    assert en(6).startswith("Over 6 dispatch days,")
