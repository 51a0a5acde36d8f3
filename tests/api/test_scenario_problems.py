"""A what-if's bad edits over the API: each problem's code and params name what is
wrong, so a client showing only the message (the console) says it in Chinese too, and
every problem of an edit comes at once."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from matcher.messages import Message, render
from tests.api.tokens import Tokens

S = "/v1/districts/d1/scenarios"


def _errors(client: TestClient, tokens: Tokens, edit: dict[str, Any]) -> list[dict[str, Any]]:
    r = client.post(S, json={"edits": [edit]}, headers=tokens.h("planner"))
    assert r.status_code == 422, r.text
    errors: list[dict[str, Any]] = r.json()["errors"]
    return errors


def _zh(e: dict[str, Any]) -> str:
    return render(Message(code=e["code"], params=e["params"]), "zh")


def test_an_unknown_id_is_named_in_the_message(client: TestClient, tokens: Tokens) -> None:
    (e,) = _errors(client, tokens, {"kind": "remove_cadres", "ids": ["P1", "P9999"]})
    assert (e["code"], e["params"], e["value"]) == ("problem.unknown_id", {"id": "P9999"}, "P9999")
    assert _zh(e) == "未知编号 P9999"
    assert render(Message(code=e["code"], params=e["params"]), "en") == "unknown id 'P9999'"


def test_every_problem_of_an_edit_at_once_and_the_value_quoted_once(
    client: TestClient, tokens: Tokens
) -> None:
    edit = {"kind": "scale_demand", "category": "emergncy", "factor": "两倍"}
    errors = {e["column"]: e for e in _errors(client, tokens, edit)}
    assert set(errors) == {"category", "factor"}
    factor, category = errors["factor"], errors["category"]
    assert (factor["code"], factor["value"]) == ("field.float_type", "两倍")
    assert _zh(factor) == "须为数字"
    assert (category["code"], category["params"]) == (
        "problem.unknown_category", {"name": "emergncy"})  # fmt: skip
    assert _zh(category) == "未知类别“emergncy”"
    assert "emergency" in category["hint"]


def test_a_mistyped_selector_is_not_also_a_missing_one(client: TestClient, tokens: Tokens) -> None:
    (e,) = _errors(client, tokens, {"kind": "scale_demand", "category": 5, "factor": 2})
    assert (e["column"], e["code"]) == ("category", "field.string_type")
