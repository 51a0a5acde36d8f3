"""The growth record (成长档案): history in; record, warnings, points, lending ledger out."""

from matcher.record.history import CancelReason, Ending, Outcome, Standing, StatusChange, Training
from matcher.record.indicators import (
    CadreRecord,
    cadre_record,
    district_mean_rating,
    is_no_show,
    months_between,
    standing,
)
from matcher.record.ledger import (
    PERIOD_DAYS,
    TOP_PARTNERS,
    CommunityLedger,
    Ledger,
    Partner,
    ledger_period,
    lending_ledger,
)
from matcher.record.points import (
    EntryKind,
    PointsEntry,
    balance,
    check_redemption,
    earnings,
    points_for,
)
from matcher.record.policy import PointsFormula, RecordPolicy, WarningThresholds
from matcher.record.warnings import (
    COLOURS,
    RULES,
    Colour,
    Suggestion,
    WarningRule,
    evaluate,
    yellow_since,
)

__all__ = [
    "COLOURS",
    "PERIOD_DAYS",
    "RULES",
    "TOP_PARTNERS",
    "CadreRecord",
    "CancelReason",
    "Colour",
    "CommunityLedger",
    "Ending",
    "EntryKind",
    "Ledger",
    "Outcome",
    "Partner",
    "PointsEntry",
    "PointsFormula",
    "RecordPolicy",
    "Standing",
    "StatusChange",
    "Suggestion",
    "Training",
    "WarningRule",
    "WarningThresholds",
    "balance",
    "cadre_record",
    "check_redemption",
    "district_mean_rating",
    "earnings",
    "evaluate",
    "is_no_show",
    "ledger_period",
    "lending_ledger",
    "months_between",
    "points_for",
    "standing",
    "yellow_since",
]
