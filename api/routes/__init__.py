"""One APIRouter per resource."""

from api.routes import (
    audit,
    cadres,
    catalogue,
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
    "audit",
    "cadres",
    "catalogue",
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
