"""The store's typed rows against the API's response models, and a row's JSON by hand."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import BaseModel

from api.schemas import (
    CadrePublic,
    DeclinePublic,
    DemandPublic,
    DispatchPublic,
    DistrictPublic,
    PointsEntryPublic,
    ProposalPublic,
    ProposalSummary,
    TokenPublic,
    Unavailability,
    UnavailablePublic,
)
from matcher.store import (
    Actor,
    AwayRow,
    CadreRow,
    DeclineRow,
    DemandRow,
    DispatchRow,
    DistrictRow,
    PointsRow,
    ProposalRow,
    ProposalSummaryRow,
    StoreRow,
    TokenRow,
    UnavailableRow,
)

PAIRS: list[tuple[type[StoreRow], type[BaseModel]]] = [
    (DistrictRow, DistrictPublic),
    (UnavailableRow, Unavailability),
    (AwayRow, UnavailablePublic),
    (CadreRow, CadrePublic),
    (DemandRow, DemandPublic),
    (DispatchRow, DispatchPublic),
    (DeclineRow, DeclinePublic),
    (PointsRow, PointsEntryPublic),
    (ProposalRow, ProposalPublic),
    (ProposalSummaryRow, ProposalSummary),
    (TokenRow, TokenPublic),
]


@pytest.mark.parametrize(("row", "model"), PAIRS, ids=[r.__name__ for r, _ in PAIRS])
def test_a_row_holds_exactly_what_its_response_model_sends(
    row: type[StoreRow], model: type[BaseModel]
) -> None:
    """A field the store forgot, or one misspelt on either side, fails here."""
    assert {f.name for f in dataclasses.fields(row)} == set(model.model_fields)


def test_a_rows_json_nests_who_acted_and_keeps_nulls() -> None:
    row = DispatchRow(
        id=7,
        district="d1",
        proposal=None,
        cadre="P1",
        demand="D1",
        score=1.5,
        status="active",
        created_at="2026-01-01T00:00:00.000+00:00",
        created_by=Actor(3, "早班"),
        closed_at=None,
        closed_by=None,
        note=None,
    )
    assert row.to_json() == {
        "id": 7,
        "district": "d1",
        "proposal": None,
        "cadre": "P1",
        "demand": "D1",
        "score": 1.5,
        "status": "active",
        "created_at": "2026-01-01T00:00:00.000+00:00",
        "created_by": {"token": 3, "label": "早班"},
        "closed_at": None,
        "closed_by": None,
        "note": None,
        "hours": None,
        "rating": None,
        "exempt": False,
        "exempt_reason": None,
        "cancel_reason": None,
    }


def test_a_cadres_json_nests_its_unavailability() -> None:
    away = UnavailableRow("2026-02-01", "leave", "2026-01-01", None)
    row = CadreRow("P1", "张三", "C1", {"a": 2}, ["x"], 1, "green", None, 4, 0, away)
    got = row.to_json()
    assert got["unavailable"] == {
        "until": "2026-02-01",
        "reason": "leave",
        "created_at": "2026-01-01",
        "created_by": None,
    }
    assert away.naming("P1").to_json() == {**got["unavailable"], "cadre": "P1"}
