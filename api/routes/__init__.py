"""One APIRouter per resource."""

from api.routes import (
    cadres,
    communities,
    demands,
    dispatches,
    districts,
    health,
    ledger,
    outcomes,
    points,
    proposals,
    record,
    taxonomy,
    tokens,
    warnings,
)

__all__ = [
    "cadres",
    "communities",
    "demands",
    "dispatches",
    "districts",
    "health",
    "ledger",
    "outcomes",
    "points",
    "proposals",
    "record",
    "taxonomy",
    "tokens",
    "warnings",
]
