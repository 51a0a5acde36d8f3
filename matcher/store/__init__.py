"""Persistence: a district's pool, proposals, declines and dispatches in SQL.

SQLite by default (WAL, foreign keys on, ``BEGIN IMMEDIATE`` for writes); the
SQL is SQLAlchemy Core so that a PostgreSQL URL works with the same code. The
store knows matcher's domain but nothing of HTTP.
"""

from matcher.store.errors import (
    ConflictError,
    IdempotencyError,
    NotFoundError,
    PoolChanged,
    StoreError,
)
from matcher.store.folder import PAST_MONTHS, PAST_SEED, import_folder
from matcher.store.imports import ImportPlan, apply_import, plan_import
from matcher.store.migrations import SCHEMA_VERSION
from matcher.store.outcome_import import OutcomePlan, apply_outcomes, plan_outcomes
from matcher.store.report import report_figures
from matcher.store.report_rows import LedgerRow, ReportRow
from matcher.store.rows import (
    AwayRow,
    CadreRow,
    DeclineRow,
    DemandRow,
    DispatchRow,
    DistrictRow,
    JobRow,
    PointsRow,
    ProposalHead,
    ProposalRow,
    ProposalSummaryRow,
    RecordRow,
    StatusChangeRow,
    StoreRow,
    TokenRow,
    TrainingRow,
    UnavailableRow,
    WarningRow,
)
from matcher.store.store import (
    ROLES,
    Actor,
    Basis,
    Snapshot,
    Store,
    Tx,
    hash_token,
    local_day,
    today,
)

__all__ = [
    "PAST_MONTHS",
    "PAST_SEED",
    "ROLES",
    "SCHEMA_VERSION",
    "Actor",
    "AwayRow",
    "Basis",
    "CadreRow",
    "ConflictError",
    "DeclineRow",
    "DemandRow",
    "DispatchRow",
    "DistrictRow",
    "IdempotencyError",
    "ImportPlan",
    "JobRow",
    "LedgerRow",
    "NotFoundError",
    "OutcomePlan",
    "PointsRow",
    "PoolChanged",
    "ProposalHead",
    "ProposalRow",
    "ProposalSummaryRow",
    "RecordRow",
    "ReportRow",
    "Snapshot",
    "StatusChangeRow",
    "Store",
    "StoreError",
    "StoreRow",
    "TokenRow",
    "TrainingRow",
    "Tx",
    "UnavailableRow",
    "WarningRow",
    "apply_import",
    "apply_outcomes",
    "hash_token",
    "import_folder",
    "local_day",
    "plan_import",
    "plan_outcomes",
    "report_figures",
    "today",
]
